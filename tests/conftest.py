"""Fixtures shared by the project's own tests."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, MockConfig
from mock_server.core.clock import Clock
from mock_server.domain.world import World

START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc)
AUTH = (SANDBOX_KEY_ID, SANDBOX_KEY_SECRET)
AUTH_HEADERS = {"Authorization": "Basic " + base64.b64encode(f"{SANDBOX_KEY_ID}:{SANDBOX_KEY_SECRET}".encode()).decode()}


@pytest.fixture
def world() -> World:
    """A bare domain world on a frozen clock, seeded: for domain unit tests."""
    from mock_server.core.rng import Rng

    return World(clock=Clock(start=START, frozen=True), rng=Rng(1234))


@pytest.fixture
def app():
    from mock_server.http.app import create_app

    return create_app(MockConfig(seed=1234, background=False), clock=Clock(start=START, frozen=True))


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """An authenticated in-process client (sandbox key) on a frozen clock at START."""
    with TestClient(app, headers=AUTH_HEADERS) as test_client:
        yield test_client


@pytest.fixture
def anon(app) -> Iterator[TestClient]:
    """An in-process client with no credentials."""
    with TestClient(app) as test_client:
        yield test_client
