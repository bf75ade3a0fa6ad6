"""The mock's domain: projects, numbers, orders, their rules and lifecycles. No HTTP here."""
