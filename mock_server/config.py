"""Start-up configuration: the contract's flags and environment variables, in one object."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from mock_server.domain.settings import CALLBACK_ORDERS, Settings

SANDBOX_KEY_ID = "sandbox-key-id"
SANDBOX_KEY_SECRET = "sandbox-key-secret"


@dataclass(frozen=True)
class AccessKey:
    key_id: str
    key_secret: str
    project_id: str | None = None  # None: the key works for every project

    @classmethod
    def parse(cls, text: str) -> "AccessKey":
        """`KEY_ID:KEY_SECRET[:PROJECT_ID]`."""
        parts = text.strip().split(":")
        if len(parts) not in (2, 3) or not all(parts[:2]) or (len(parts) == 3 and not parts[2]):
            raise ValueError(f"access key {text!r} is not KEY_ID:KEY_SECRET[:PROJECT_ID]")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    def allows(self, project_id: str) -> bool:
        return self.project_id is None or self.project_id == project_id


SANDBOX_KEY = AccessKey(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET)


@dataclass
class MockConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    access_keys: list[AccessKey] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    # Directories `POST /_mock/scenarios:load {"path"}` may read from, besides the shipped scenarios.
    scenario_dirs: list[str] = field(default_factory=list)
    seed: int | None = None
    state_file: str | None = None  # where the state is loaded from at start and saved at a clean stop
    settings: Settings = field(default_factory=Settings)
    # Browser access (docs/frontend.md): CORS origins (empty: any http://localhost:PORT and
    # http://127.0.0.1:PORT), extra Host names of the control plane, the control plane's token.
    cors_origins: list[str] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)
    control_token: str | None = None
    log_level: str = "info"
    # Run the real-time worker (due transitions and callback deliveries) while the app serves.
    background: bool = True
    tls_cert: str | None = None  # serve HTTPS with this certificate (PEM) and key
    tls_key: str | None = None
    # The sandbox console's live streams (GET /_mock/ui/stream) open at a time.
    ui_max_streams: int = 16

    @property
    def keys(self) -> list[AccessKey]:
        return self.access_keys or [SANDBOX_KEY]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "MockConfig":
        env = os.environ if environ is None else environ
        config = cls()
        if env.get("SINCH_MOCK_HOST"):
            config.host = env["SINCH_MOCK_HOST"]
        if env.get("SINCH_MOCK_PORT"):
            config.port = port_number(env["SINCH_MOCK_PORT"], "SINCH_MOCK_PORT")
        if env.get("SINCH_MOCK_ACCESS_KEYS"):
            config.access_keys = [AccessKey.parse(k) for k in env["SINCH_MOCK_ACCESS_KEYS"].split(",") if k.strip()]
        if env.get("SINCH_MOCK_SCENARIO"):
            config.scenarios = [s.strip() for s in env["SINCH_MOCK_SCENARIO"].split(",") if s.strip()]
        if env.get("SINCH_MOCK_STATE_FILE"):
            config.state_file = state_file_path(env["SINCH_MOCK_STATE_FILE"], "SINCH_MOCK_STATE_FILE")
        if env.get("SINCH_MOCK_SCENARIO_DIR"):
            config.scenario_dirs = [directory(d, "SINCH_MOCK_SCENARIO_DIR")
                                    for d in env["SINCH_MOCK_SCENARIO_DIR"].split(",") if d.strip()]
        if env.get("SINCH_MOCK_SEED"):
            config.seed = whole_number(env["SINCH_MOCK_SEED"], "SINCH_MOCK_SEED")
        config.tls_cert = env.get("SINCH_MOCK_TLS_CERT") or None
        config.tls_key = env.get("SINCH_MOCK_TLS_KEY") or None
        if env.get("SINCH_MOCK_UI_MAX_STREAMS"):
            config.ui_max_streams = stream_limit(env["SINCH_MOCK_UI_MAX_STREAMS"], "SINCH_MOCK_UI_MAX_STREAMS")
        if env.get("SINCH_MOCK_CORS_ORIGINS"):
            config.cors_origins = cors_origins(_listed(env["SINCH_MOCK_CORS_ORIGINS"]), "SINCH_MOCK_CORS_ORIGINS")
        if env.get("SINCH_MOCK_ALLOWED_HOSTS"):
            config.allowed_hosts = _listed(env["SINCH_MOCK_ALLOWED_HOSTS"])
        if env.get("SINCH_MOCK_CONTROL_TOKEN"):
            config.control_token = env["SINCH_MOCK_CONTROL_TOKEN"].strip()
        if env.get("SINCH_MOCK_LOG_LEVEL"):
            config.log_level = log_level(env["SINCH_MOCK_LOG_LEVEL"], "SINCH_MOCK_LOG_LEVEL")
        if env.get("SINCH_MOCK_CALLBACK_ORDER"):
            config.settings.callbacks.order = callback_order(env["SINCH_MOCK_CALLBACK_ORDER"],
                                                             "SINCH_MOCK_CALLBACK_ORDER")
        for name, kind in CALLBACK_OPTIONS:
            variable = callback_env_name(name)
            if env.get(variable):
                try:
                    value = kind(env[variable])
                    if value != value or value in (float("inf"), float("-inf")):
                        raise ValueError
                except ValueError:
                    expected = "an integer" if kind is int else "a number"
                    raise ValueError(f"{variable}: {env[variable]!r} is not {expected}") from None
                set_callback_option(config.settings, name, value, variable)
        return config


# Callback delivery knobs with a flag (--callback-max-attempts ...) and an environment
# variable (SINCH_MOCK_CALLBACK_MAX_ATTEMPTS ...) each: the field of CallbackSettings and its type.
CALLBACK_OPTIONS: tuple[tuple[str, type], ...] = (
    ("max_attempts", int),
    ("initial_backoff", float),
    ("timeout", float),
    ("duplicate_probability", float),
    ("concurrency", int),
)


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _listed(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


_ORIGIN = re.compile(r"^https?://[^/?#\s]+$")


def check_origin(text: str) -> str:
    """A `--cors-origin` value: `*` or `scheme://host[:port]` (no path); a ValueError otherwise."""
    value = text.strip().rstrip("/")
    if value != "*" and not _ORIGIN.match(value):
        raise ValueError(f"{text!r} is not an origin: give scheme://host[:port] (e.g. http://localhost:5173) or *")
    return value


def cors_origins(values: list[str], source: str) -> list[str]:
    try:
        return [check_origin(value) for value in values]
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None


def log_level(text: str, source: str) -> str:
    if text.strip().lower() not in LOG_LEVELS:
        raise ValueError(f"{source}: {text!r} is not one of {', '.join(LOG_LEVELS)}")
    return text.strip().lower()


def whole_number(text: str, source: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{source}: {text!r} is not an integer") from None


MAX_UI_STREAMS = 1000


def stream_limit(text: str, source: str) -> int:
    limit = whole_number(text, source)
    if not 1 <= limit <= MAX_UI_STREAMS:
        raise ValueError(f"{source}: {limit} is not between 1 and {MAX_UI_STREAMS}")
    return limit

def directory(text: str, source: str) -> str:
    """An existing directory (a scenario directory): checked at start, not on first use."""
    path = text.strip()
    if not os.path.isdir(path):
        raise ValueError(f"{source}: {path!r} is not a directory")
    return path


def state_file_path(text: str, source: str) -> str:
    """A file the state can be saved to at the stop: checked at start, so a stop never loses it."""
    path = text.strip()
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"{source}: {path!r} is a directory, not a file")
    if not os.path.isdir(parent):
        raise ValueError(f"{source}: the directory {parent!r} does not exist (the state is saved there at the stop)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"{source}: the directory {parent!r} is not writable (the state is saved there at the stop)")
    return path


def port_number(text: str, source: str) -> int:
    port = whole_number(text, source)
    if not 0 <= port <= 65535:
        raise ValueError(f"{source}: {port} is not a port (0 to 65535; 0 picks a free one)")
    return port


def callback_order(text: str, source: str) -> str:
    if text not in CALLBACK_ORDERS:
        raise ValueError(f"{source}: {text!r} is not one of {', '.join(CALLBACK_ORDERS)}")
    return text



def callback_env_name(name: str) -> str:
    return "SINCH_MOCK_CALLBACK_" + name.upper()


def set_callback_option(settings: Settings, name: str, value: float, source: str) -> None:
    """Set one callback knob; an out-of-range value is a ValueError naming its source."""
    from pydantic import ValidationError

    try:  # validated as a whole (the knobs bound each other), then swapped in
        settings.callbacks = type(settings.callbacks).model_validate({**settings.callbacks.model_dump(), name: value})
    except ValidationError as error:
        raise ValueError(f"{source}: {error.errors()[0]['msg'].removeprefix('Value error, ')}") from None
