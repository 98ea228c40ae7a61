"""WSGI entry point; production settings unless told otherwise."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

from core.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Before the app loads its middleware: Django's instrumentation adds its own (core.tracing).
setup_tracing("web")
application = get_wsgi_application()
# What is loaded now (apps, models, admin, type registry) lives as long as the worker:
# frozen, the collector's full passes stop scanning it. Unfrozen, one in every few dozen
# requests paid a 125 ms pause, up to 700 ms with a larger heap (docs/benchmarks.md).
gc.freeze()
