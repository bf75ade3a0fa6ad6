"""`sinch-mock serve`: the command line of the contract (flags and environment variables)."""

from __future__ import annotations

import argparse
import copy
import math
import signal
import socket
import sys
from typing import Callable

from mock_server import cli_client
from mock_server.conform import cli as conform_cli
from mock_server.config import (
    CALLBACK_OPTIONS,
    CALLBACK_ORDERS,
    LOG_LEVELS,
    AccessKey,
    MockConfig,
    callback_env_name,
    cors_origins,
    directory,
    port_number,
    set_callback_option,
    state_file_path,
    stream_limit,
)
from mock_server.domain.settings import CallbackSettings
from mock_server.scenarios.errors import ScenarioError
from mock_server.state_file import StateFileError



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
    serve.add_argument("--scenario-dir", action="append", default=[], metavar="DIR",
                       help="a directory POST /_mock/scenarios:load {\"path\"} may read scenario files from, "
                            "besides the shipped scenarios; repeatable (env SINCH_MOCK_SCENARIO_DIR, comma-separated)")
    serve.add_argument("--seed", type=int, help="seed for ids, codes and callback order "
                       "(env SINCH_MOCK_SEED; default: a random seed, printed at start)")
    serve.add_argument("--state-file", metavar="PATH",
                       help="load the whole state from PATH at start when it exists, save it there on a "
                            "clean stop (env SINCH_MOCK_STATE_FILE)")
    serve.add_argument("--callback-order", choices=CALLBACK_ORDERS,
                       help="callback delivery order (env SINCH_MOCK_CALLBACK_ORDER, default random)")
    for name, kind in CALLBACK_OPTIONS:
        field = CallbackSettings.model_fields[name]
        serve.add_argument("--callback-" + name.replace("_", "-"), type=finite(kind), metavar="N",
                           help=f"{field.description} (env {callback_env_name(name)}, default {field.default:g})")
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (chain) "
                       "(env SINCH_MOCK_TLS_CERT; needs --tls-key)")
    serve.add_argument("--tls-key", metavar="FILE", help="the certificate's PEM private key (env SINCH_MOCK_TLS_KEY)")
    serve.add_argument("--ui-max-streams", type=_ui_streams, metavar="N",
                       help="live streams of the sandbox console open at a time "
                            "(env SINCH_MOCK_UI_MAX_STREAMS, default 16)")
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
    cli_client.add_commands(commands)
    conform_cli.add_command(commands)
    return parser


def _port(text: str) -> int:
    try:
        return port_number(text, "port")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("port: ")) from None


def _ui_streams(text: str) -> int:
    try:
        return stream_limit(text, "limit")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("limit: ")) from None


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
    if args.scenario_dir:
        config.scenario_dirs = [directory(d, "--scenario-dir") for d in args.scenario_dir]
    if args.seed is not None:
        config.seed = args.seed
    if args.state_file:
        config.state_file = state_file_path(args.state_file, "--state-file")
    if args.ui_max_streams is not None:
        config.ui_max_streams = args.ui_max_streams
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
    if args.tls_cert:
        config.tls_cert = args.tls_cert
    if args.tls_key:
        config.tls_key = args.tls_key
    check_tls(config)
    for name, _ in CALLBACK_OPTIONS:
        value = getattr(args, "callback_" + name, None)
        if value is not None:
            set_callback_option(config.settings, name, value, "--callback-" + name.replace("_", "-"))
    return config


def check_tls(config: MockConfig) -> None:
    """Both TLS files or neither, and they must load: a ValueError naming the problem."""
    if bool(config.tls_cert) != bool(config.tls_key):
        raise ValueError("--tls-cert and --tls-key go together (or SINCH_MOCK_TLS_CERT and SINCH_MOCK_TLS_KEY)")
    if config.tls_cert and config.tls_key:
        import ssl

        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(config.tls_cert, config.tls_key)
        except (OSError, ssl.SSLError) as error:
            raise ValueError(f"the TLS certificate {config.tls_cert} and key {config.tls_key} cannot be used: "
                             f"{error}") from None


def serve(config: MockConfig) -> None:
    from mock_server.core.rng import fresh_seed
    from mock_server.http.app import create_app
    from mock_server.serving import Server, listening_socket, server_config, settle_heap

    if config.seed is None:
        config.seed = fresh_seed()
    sock = listening_socket(config.host, config.port)
    config.port = sock.getsockname()[1]  # the port it got (with --port 0): the app knows its own address
    try:
        app = create_app(config)
        app.state.own_address.listening(config.host, config.port)
        app.state.scenarios.check_startup(app.state.own_address)  # ScenarioError: exit status 2
    except BaseException:
        sock.close()
        raise
    shown_host = f"[{config.host}]" if sock.family == socket.AF_INET6 else config.host
    keys = ", ".join(k.key_id for k in config.keys)
    scheme = "https" if config.tls_cert else "http"
    print(f"sinch-mock listening on {scheme}://{shown_host}:{config.port} (seed {config.seed}; access keys: {keys})",
          flush=True)
    # The access log is the mock's own (one line per request, from the journal's middleware).
    settings = server_config(app, config.log_level, log_config=logging_config(config.log_level))
    settings.ssl_certfile, settings.ssl_keyfile = config.tls_cert, config.tls_key  # HTTPS when given
    server = Server(settings, on_stop=app.state.engine.interrupt)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again: let that
    # second delivery end the process with status 0 instead of "killed by a signal".
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    settle_heap()
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
    if args.command in cli_client.COMMANDS:
        return cli_client.run(args)
    if args.command == "conform":
        return conform_cli.run(args)
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
        except (ScenarioError, StateFileError) as error:  # a start-up scenario or state that cannot be loaded
            print(f"sinch-mock: {error}", file=sys.stderr)
            return 2
    return 0
