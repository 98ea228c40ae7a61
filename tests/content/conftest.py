"""Fixtures for the content tests: one user and one API client per role."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import ROLE_NAMES
from tests.accounts.factories import UserFactory

ROLES = (*ROLE_NAMES, "anonymous")


@pytest.fixture
def users(db) -> dict:
    """{role: user} for every Folio role."""
    return {
        role: UserFactory(role=role, email=f"{role.lower()}@example.com") for role in ROLE_NAMES
    }


@pytest.fixture
def editor(users):
    return users["Editor"]


@pytest.fixture
def author(users):
    return users["Author"]


@pytest.fixture
def client_for(users):
    """client_for("Editor") → an APIClient authenticated as that role ("anonymous": none)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(users[role])
        return client

    return make


@pytest.fixture
def editor_client(client_for) -> APIClient:
    return client_for("Editor")


@pytest.fixture(autouse=True)
def _no_review_workflow(db):
    """Content's tests exercise content's own rules with no review workflow active.

    That is a supported setup (an Administrator may deactivate "Standard review"), and it
    keeps these tests about content. The seeded workflow, the approval rule for publishing
    and how content's approve/reject hand over to it are tested in tests/governance/.
    """
    from governance.models import Workflow

    Workflow.objects.update(is_active=False)
