"""Rate limits and CORS come from the environment (read in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings(module: str, env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({expr}))"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_throttle_rates_and_cors_come_from_the_environment():
    result = _settings(
        "config.settings.test",
        {
            "THROTTLE_ANON_RATE": "7/min",
            "THROTTLE_USER_RATE": "70/min",
            "THROTTLE_LOGIN_RATE": "3/hour",
            "CORS_ALLOWED_ORIGINS": "https://a.example.com,https://b.example.com",
        },
        "[settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], settings.CORS_ALLOWED_ORIGINS]",
    )
    assert result.returncode == 0, result.stderr
    rates, origins = json.loads(result.stdout)
    assert rates["anon"] == "7/min"
    assert rates["user"] == "70/min"
    assert rates["login"] == "3/hour"
    assert origins == ["https://a.example.com", "https://b.example.com"]
