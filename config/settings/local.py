"""Local development: `make run`. Embedded defaults, debug on."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# `make run` serves the real-time (ASGI) process on a port of its own (Procfile.dev): the
# admin's pages reach its editors' channel there, on their own host.
REALTIME_PUBLIC_PORT = env.int("FOLIO_REALTIME_PORT", default=8001)
