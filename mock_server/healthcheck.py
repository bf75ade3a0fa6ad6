"""`python -m mock_server.healthcheck [URL]`: exit 0 when the mock answers `/_mock/health`.

The Docker image's HEALTHCHECK (slim images have no curl). Without a URL it asks the mock on
this machine, at the port of `SINCH_MOCK_PORT` (default 8080). Standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request

TIMEOUT_SECONDS = 3.0


def health_url(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    port = env.get("SINCH_MOCK_PORT") or "8080"
    return f"http://127.0.0.1:{port}/_mock/health"


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
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
