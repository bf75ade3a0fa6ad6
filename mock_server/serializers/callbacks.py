"""The JSON of a project's callback configuration (`CallbackConfiguration`)."""

from __future__ import annotations

from mock_server.domain.project import CallbackConfiguration


def configuration_json(project_id: str, configuration: CallbackConfiguration) -> dict:
    """`CallbackConfiguration`; `hmacSecret` is left out while no secret is set (proto3 JSON
    leaves out empty strings), so callbacks go unsigned."""
    body = {"projectId": project_id}
    if configuration.hmac_secret:
        body["hmacSecret"] = configuration.hmac_secret
    return body
