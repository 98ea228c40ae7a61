"""The WSGI worker keeps what it loaded out of the garbage collector's full passes."""

from __future__ import annotations

import gc
import importlib
import sys


def test_loading_the_wsgi_application_freezes_what_is_loaded():
    gc.unfreeze()
    try:
        if "config.wsgi" in sys.modules:
            importlib.reload(sys.modules["config.wsgi"])
        else:
            importlib.import_module("config.wsgi")
        assert gc.get_freeze_count() > 10_000  # the apps, models and admin, at least
    finally:
        gc.unfreeze()
