"""Flags tests: toggles written through flags.services, their commits' callbacks run (waffle
empties its cache of a row when the write commits)."""

from __future__ import annotations

import pytest
from waffle.models import Flag

from flags import services
from flags.capabilities import Capability
from tests.accounts.factories import UserFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`committed(fn, **kw)`: call a service as if its transaction committed."""

    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


@pytest.fixture
def make_flag(committed):
    """`make_flag("beta", everyone=True)`: a public flag unless `public=False` is given."""

    def make(name: str, *, groups=None, **data):
        data = {"name": name, "public": True, **data}
        return committed(services.toggle_create, actor=None, model=Flag, data=data, groups=groups)

    return make


@pytest.fixture
def switch(committed):
    """`switch(RELEASES, False)`: turn a capability's switch off (or on), committed."""

    def flip(capability: Capability, active: bool):
        return committed(services.switch_set, actor=None, name=capability.switch, active=active)

    return flip


@pytest.fixture
def administrator(db):
    return UserFactory(role="Administrator", email="root@example.com")


@pytest.fixture
def editor(db):
    return UserFactory(role="Editor", email="ed@example.com")
