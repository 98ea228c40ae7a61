"""Docker HEALTHCHECK: GET /health/live/ on the local gunicorn; exit 0 when it answers 200.

The Host header is the first of ALLOWED_HOSTS, because Django refuses any other (a probe
from inside the container would otherwise get 400). /health/ is exempt from the HTTPS
redirect, so plain HTTP works behind a TLS-terminating proxy.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/health/live/", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"health check failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
