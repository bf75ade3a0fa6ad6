"""Errors are data: an HTTP status, a Google API status name, a message and field violations.

The domain raises them; the HTTP layer renders every one of them in one place
(`mock_server.http.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


@dataclass
class ApiError(Exception):
    http_status: int
    status: str
    message: str
    violations: list[FieldViolation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        return f"{self.http_status} {self.status}: {self.message}"


def invalid_argument(message: str, *violations: FieldViolation) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message, list(violations))


def field_error(field_name: str, description: str, message: str | None = None) -> ApiError:
    """One bad field: the message names it, the violation says what is wrong."""
    return invalid_argument(message or f"Invalid {field_name}: {description}", FieldViolation(field_name, description))


def failed_precondition(message: str, *violations: FieldViolation) -> ApiError:
    return ApiError(400, "FAILED_PRECONDITION", message, list(violations))


def unauthenticated(message: str) -> ApiError:
    return ApiError(401, "UNAUTHENTICATED", message, headers={"WWW-Authenticate": 'Basic realm="sinch-mock"'})


def permission_denied(message: str) -> ApiError:
    return ApiError(403, "PERMISSION_DENIED", message)


def not_found(message: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def already_exists(message: str, *violations: FieldViolation) -> ApiError:
    return ApiError(409, "ALREADY_EXISTS", message, list(violations))


def resource_exhausted(message: str, retry_after_seconds: int | None = None) -> ApiError:
    headers = {"Retry-After": str(retry_after_seconds)} if retry_after_seconds is not None else {}
    return ApiError(429, "RESOURCE_EXHAUSTED", message, headers=headers)


def unavailable(message: str) -> ApiError:
    return ApiError(503, "UNAVAILABLE", message)


def internal(message: str) -> ApiError:
    return ApiError(500, "INTERNAL", message)
