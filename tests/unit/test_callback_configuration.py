"""The callback configuration's domain operations, called directly."""

from __future__ import annotations

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.callback_configuration import MAX_HMAC_SECRET, CallbackConfigurationUpdate


def test_reading_a_configuration_creates_no_project(world):
    assert world.callback_configuration.get("p1").hmac_secret == ""
    assert world.callback_configuration.secret("p1") == ""
    assert "p1" not in world.projects


def test_an_update_sets_clears_or_leaves_the_secret(world):
    service = world.callback_configuration
    assert service.update("p1", CallbackConfigurationUpdate(hmac_secret="s3cret")).hmac_secret == "s3cret"
    assert service.update("p1", CallbackConfigurationUpdate()).hmac_secret == "s3cret"  # absent: left as it is
    assert service.secret("p1") == "s3cret"
    assert service.update("p1", CallbackConfigurationUpdate(hmac_secret="")).hmac_secret == ""
    assert service.secret("p1") == ""


def test_the_secret_is_per_project(world):
    world.callback_configuration.update("p1", CallbackConfigurationUpdate(hmac_secret="one"))
    assert world.callback_configuration.secret("p2") == ""


def test_a_secret_longer_than_the_bound_is_refused_and_changes_nothing(world):
    service = world.callback_configuration
    service.update("p1", CallbackConfigurationUpdate(hmac_secret="kept"))
    assert service.update("p1", CallbackConfigurationUpdate(hmac_secret="k" * MAX_HMAC_SECRET)).hmac_secret
    service.update("p1", CallbackConfigurationUpdate(hmac_secret="kept"))
    with pytest.raises(ApiError) as caught:
        service.update("p1", CallbackConfigurationUpdate(hmac_secret="k" * (MAX_HMAC_SECRET + 1)))
    assert (caught.value.http_status, caught.value.status) == (400, "INVALID_ARGUMENT")
    assert [v.field for v in caught.value.violations] == ["hmacSecret"]
    assert service.secret("p1") == "kept"
    with pytest.raises(ApiError):
        service.update("p2", CallbackConfigurationUpdate(hmac_secret="k" * (MAX_HMAC_SECRET + 1)))
    assert "p2" not in world.projects
