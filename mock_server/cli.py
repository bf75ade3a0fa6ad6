"""`sinch-mock serve`: the command line of the contract (flags and environment variables)."""

from __future__ import annotations

import argparse
import copy
import math
import signal
import socket
import sys
from typing import Callable

from mock_server.config import (
    CALLBACK_OPTIONS,
    CALLBACK_ORDERS,
    LOG_LEVELS,
    AccessKey,
    MockConfig,
    callback_env_name,
    cors_origins,
    port_number,
    set_callback_option,
)
from mock_server.domain.settings import CallbackSettings
from mock_server.scenarios.errors import ScenarioError


GRACEFUL_SHUTDOWN_SECONDS = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sinch-mock", description="A stateful mock of Sinch's "
                                     "Imported Numbers and Hosting Orders API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the mock server")
    serve.add_argument("--host", help="bind address (env SINCH_MOCK_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=_port,
                       help="port, 0 for a free one (env SINCH_MOCK_PORT, default 8080)")
    serve.add_argument("--access-key", action="append", default=[], metavar="KEY_ID:KEY_SECRET[:PROJECT_ID]",
                       help="an accepted access key; repeatable (env SINCH_MOCK_ACCESS_KEYS, comma-separated)")
    serve.add_argument("--scenario", action="append", default=[], metavar="PATH_OR_NAME",
                       help="a scenario file to load at start; repeatable (env SINCH_MOCK_SCENARIO)")
    serve.add_argument("--seed", type=int, help="seed for ids, codes and callback order "
                       "(env SINCH_MOCK_SEED; default: a random seed, printed at start)")
    serve.add_argument("--callback-order", choices=CALLBACK_ORDERS,
                       help="callback delivery order (env SINCH_MOCK_CALLBACK_ORDER, default random)")
    for name, kind in CALLBACK_OPTIONS:
        field = CallbackSettings.model_fields[name]
        serve.add_argument("--callback-" + name.replace("_", "-"), type=finite(kind), metavar="N",
                           help=f"{field.description} (env {callback_env_name(name)}, default {field.default:g})")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="an origin whose pages may call the mock (scheme://host[:port], or *); repeatable "
                       "(env SINCH_MOCK_CORS_ORIGINS, comma-separated; default any http://localhost:PORT "
                       "and http://127.0.0.1:PORT)")
    serve.add_argument("--allowed-host", action="append", default=[], metavar="HOST",
                       help="a Host name the control plane answers to, besides IP addresses, localhost and "
                       "names without a dot; repeatable (env SINCH_MOCK_ALLOWED_HOSTS, comma-separated)")
    serve.add_argument("--control-token", metavar="TOKEN",
                       help="require Authorization: Bearer TOKEN on /_mock/... (except /_mock/health) "
                       "(env SINCH_MOCK_CONTROL_TOKEN)")
    serve.add_argument("--log-level", choices=LOG_LEVELS,
                       help="server log level; info logs a line per request (env SINCH_MOCK_LOG_LEVEL, "
                       "default info)")
    return parser


def _port(text: str) -> int:
    try:
        return port_number(text, "port")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("port: ")) from None


def finite(kind: type) -> Callable[[str], float]:
    """An argparse type for a finite int or float (`inf` and `nan` are refused)."""
    def parse(text: str) -> float:
        value = kind(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__
    return parse


def config_from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> MockConfig:
    """Environment first, then flags on top."""
    config = MockConfig.from_env(environ)
    if args.host:
        config.host = args.host
    if args.port is not None:
        config.port = args.port
    if args.access_key:
        config.access_keys = [AccessKey.parse(k) for k in args.access_key]
    if args.scenario:
        config.scenarios = list(args.scenario)
    if args.seed is not None:
        config.seed = args.seed
    if args.cors_origin:
        config.cors_origins = cors_origins(args.cors_origin, "--cors-origin")
    if args.allowed_host:
        config.allowed_hosts = [h.strip() for h in args.allowed_host if h.strip()]
    if args.control_token:
        config.control_token = args.control_token
    if args.log_level:
        config.log_level = args.log_level
    if args.callback_order:
        config.settings.callbacks.order = args.callback_order
    for name, _ in CALLBACK_OPTIONS:
        value = getattr(args, "callback_" + name, None)
        if value is not None:
            set_callback_option(config.settings, name, value, "--callback-" + name.replace("_", "-"))
    return config


def serve(config: MockConfig) -> None:
    import uvicorn

    from mock_server.core.rng import fresh_seed
    from mock_server.http.app import create_app

    if config.seed is None:
        config.seed = fresh_seed()
    app = create_app(config)
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((config.host, config.port))
    sock.listen(128)
    port = sock.getsockname()[1]
    shown_host = f"[{config.host}]" if family == socket.AF_INET6 else config.host
    keys = ", ".join(k.key_id for k in config.keys)
    print(f"sinch-mock listening on http://{shown_host}:{port} (seed {config.seed}; access keys: {keys})",
          flush=True)
    # A stop waits this long for requests in flight (a long clock:advance delivering to a dead
    # receiver can take a minute), then cancels them: Ctrl-C and `docker stop` stay prompt.
    # The access log is the mock's own (one line per request, from the journal's middleware).
    server = uvicorn.Server(uvicorn.Config(app, log_level=config.log_level, access_log=False,
                                           log_config=logging_config(config.log_level), lifespan="on",
                                           timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS))
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again: let that
    # second delivery end the process with status 0 instead of "killed by a signal".
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    server.run(sockets=[sock])


def logging_config(level: str) -> dict:
    """uvicorn's logging set-up, plus the mock's loggers (`sinch_mock`, access lines on stdout)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["sinch_mock"] = {"format": "%(message)s"}
    config["handlers"]["sinch_mock"] = {"formatter": "sinch_mock", "class": "logging.StreamHandler",
                                        "stream": "ext://sys.stdout"}
    config["loggers"]["sinch_mock"] = {"handlers": ["sinch_mock"], "level": level.upper(),
                                      "propagate": False}
    return config


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as error:
        parser.error(str(error))
    if args.command == "serve":
        try:
            serve(config)
        except OSError as error:
            print(f"sinch-mock: cannot listen on {config.host}:{config.port}: {error}", file=sys.stderr)
            return 1
        except ScenarioError as error:  # a start-up scenario that cannot be loaded
            print(f"sinch-mock: {error}", file=sys.stderr)
            return 2
    return 0
