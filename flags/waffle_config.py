"""waffle's app, titled for editors: its switches and samples share the admin's "Feature
flags" heading with Folio's flags (INSTALLED_APPS names this in place of "waffle")."""

from __future__ import annotations

from waffle.apps import WaffleConfig


class FolioWaffleConfig(WaffleConfig):
    verbose_name = "Feature flags"
