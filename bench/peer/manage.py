#!/usr/bin/env python
"""The Wagtail peer project's manage.py: run it with var/peer-venv's python (bench/peer/run.py)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
