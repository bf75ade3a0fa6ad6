from mock_server.domain.imported_numbers.model import ImportedNumber, QueuedChange, ScheduledProvisioning
from mock_server.domain.imported_numbers.service import ImportedNumberService

__all__ = ["ImportedNumber", "QueuedChange", "ScheduledProvisioning", "ImportedNumberService"]
