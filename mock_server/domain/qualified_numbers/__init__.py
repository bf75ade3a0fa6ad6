from mock_server.domain.qualified_numbers.model import GlobalProcessState, QualifiedNumber
from mock_server.domain.qualified_numbers.service import QualifiedNumberService

__all__ = ["GlobalProcessState", "QualifiedNumber", "QualifiedNumberService"]
