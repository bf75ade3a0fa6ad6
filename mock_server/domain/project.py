"""A project: the unit of state. It springs into being on first use of its id (as in a sandbox)."""

from __future__ import annotations

from pydantic import Field

from mock_server.core.sorted_index import IndexedDict, ObservedDict
from mock_server.domain.hosting_orders.model import HOSTING_ORDER_INDEX, HostingOrder
from mock_server.domain.imported_numbers.model import IMPORTED_NUMBER_INDEX, ImportedNumber
from mock_server.domain.provisioning import Record
from mock_server.domain.qualified_numbers.model import QUALIFIED_NUMBER_INDEX, QualifiedNumber


class CallbackConfiguration(Record):
    hmac_secret: str = ""


class ProjectLimits(Record):
    """Per-project limits an account manager could raise (None: the global setting)."""

    import_order_numbers: int | None = None


class Project(Record):
    project_id: str
    limits: ProjectLimits = Field(default_factory=ProjectLimits)
    callback_configuration: CallbackConfiguration = Field(default_factory=CallbackConfiguration)
    # The project's service plans, when a scenario declares them (None: any plan is accepted).
    service_plans: list[str] | None = None
    # Whether a blanket Letter of Authorization is on file (a scenario or the control plane).
    blanket_loa: bool = False
    imported_numbers: dict[str, ImportedNumber] = Field(default_factory=dict)
    qualified_numbers: dict[str, QualifiedNumber] = Field(default_factory=dict)
    hosting_orders: dict[str, HostingOrder] = Field(default_factory=dict)
    # phone number -> id of the running (not COMPLETED, not REJECTED) hosting order holding it
    running_order_by_number: dict[str, str] = Field(default_factory=dict)

    def model_post_init(self, context: object) -> None:
        """Each kind of record is also kept in the sort orders of its list (core/sorted_index.py)."""
        for name, spec in (("imported_numbers", IMPORTED_NUMBER_INDEX), ("qualified_numbers", QUALIFIED_NUMBER_INDEX),
                           ("hosting_orders", HOSTING_ORDER_INDEX)):
            records = getattr(self, name)
            if not isinstance(records, IndexedDict):
                setattr(self, name, IndexedDict(spec, records))
        if not isinstance(self.running_order_by_number, ObservedDict):  # the world's NumberHolders observes it
            self.running_order_by_number = ObservedDict(self.running_order_by_number)
