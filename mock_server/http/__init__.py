"""The thin HTTP layer: parse, call the domain, serialize. One module per API tag."""
