"""A project's callback configuration (`GET`/`PATCH /v1/projects/{projectId}/callbackConfiguration`).

The configuration holds the secret callbacks are signed with (`hmacSecret`). Reading it creates
no project; an update checks every field before it changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mock_server.core.errors import FieldViolation, invalid_argument
from mock_server.domain.project import CallbackConfiguration

if TYPE_CHECKING:
    from mock_server.domain.world import World

# The longest secret taken (docs/limits.md): every callback attempt is signed with it.
MAX_HMAC_SECRET = 1024


@dataclass(frozen=True)
class CallbackConfigurationUpdate:
    """`CallbackConfigurationUpdate`: a string sets the secret, `""` clears it (callbacks go
    unsigned), None leaves it as it is."""

    hmac_secret: str | None = None


class CallbackConfigurationService:
    def __init__(self, world: "World") -> None:
        self.world = world

    def get(self, project_id: str) -> CallbackConfiguration:
        return self.world.view(project_id).callback_configuration

    def secret(self, project_id: str) -> str:
        """The secret callbacks of the project are signed with now (`""`: unsigned)."""
        return self.get(project_id).hmac_secret

    def update(self, project_id: str, update: CallbackConfigurationUpdate) -> CallbackConfiguration:
        violations = _violations(update)
        if violations:
            names = ", ".join(dict.fromkeys(v.field for v in violations))
            raise invalid_argument(f"Invalid callback configuration: {names}", *violations)
        configuration = self.world.project(project_id).callback_configuration
        if update.hmac_secret is not None:
            configuration.hmac_secret = update.hmac_secret
        return configuration


def _violations(update: CallbackConfigurationUpdate) -> list[FieldViolation]:
    found = []
    secret = update.hmac_secret
    if secret is not None and len(secret) > MAX_HMAC_SECRET:
        found.append(FieldViolation("hmacSecret", f"holds {len(secret)} characters; at most {MAX_HMAC_SECRET}"))
    return found
