"""`python -m mock_server.healthcheck [URL]`: exit 0 when the mock answers `/_mock/health`.

The Docker image's HEALTHCHECK (slim images have no curl). Without a URL it asks the mock on
this machine, at the port of `SINCH_MOCK_PORT` (default 8080), over HTTPS when
`SINCH_MOCK_TLS_CERT` is set (the certificate is not checked: the probe asks its own process,
which may hold a certificate for another name). Standard library only.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import urllib.request

TIMEOUT_SECONDS = 3.0


def health_url(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    port = env.get("SINCH_MOCK_PORT") or "8080"
    scheme = "https" if env.get("SINCH_MOCK_TLS_CERT") else "http"
    return f"{scheme}://127.0.0.1:{port}/_mock/health"


def healthy(url: str) -> bool:
    context = None
    if url.startswith("https://"):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS, context=context) as response:
            return response.status == 200 and json.load(response).get("status") == "ok"
    except (OSError, ValueError, AttributeError):
        return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    url = args[0] if args else health_url()
    if healthy(url):
        return 0
    print(f"sinch-mock is not healthy at {url}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
