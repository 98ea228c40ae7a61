"""Shared helpers for the workflow and review-link tests."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import ROLE_NAMES
from tests.accounts.factories import UserFactory


@pytest.fixture
def users(db) -> dict:
    """{role: user} for every Folio role, plus a second Reviewer."""
    found = {
        role: UserFactory(role=role, email=f"{role.lower()}@example.com") for role in ROLE_NAMES
    }
    found["Reviewer2"] = UserFactory(role="Reviewer", email="reviewer2@example.com")
    return found


@pytest.fixture
def client_for(users):
    """client_for("Editor") is an API client authenticated as that user."""

    def make(who: str) -> APIClient:
        client = APIClient()
        if who != "anonymous":
            client.force_authenticate(users[who])
        return client

    return make


@pytest.fixture
def admin_for(users):
    """admin_for("Editor") is a Django test client signed in to the admin as that user."""

    def make(who: str) -> Client:
        client = Client()
        client.force_login(users[who])
        return client

    return make


def change_url(entry) -> str:
    """The item's admin change form."""
    return reverse(f"admin:content_{entry._meta.model_name}_change", args=[entry.pk])
