"""Fixtures for the runtime types' API tests: a user per role, and clients that load the
user afresh on every call, as a real request does (a type defined mid-test gives the roles
new permissions, which a user object cached from before would not see)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import ROLE_NAMES
from tests.accounts.factories import UserFactory


@pytest.fixture
def users(db) -> dict:
    return {
        role: UserFactory(role=role, email=f"{role.lower()}@example.com") for role in ROLE_NAMES
    }


@pytest.fixture
def client_for(users):
    """client_for("Editor"): an APIClient authenticated as that role's user, read now."""

    def make(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(User.objects.get(pk=users[role].pk))
        return client

    return make


PERSON = {
    "api_id": "person",
    "name": "Person",
    "title_field": "name",
    "fields": [
        {"api_id": "name", "type": "text", "required": True},
        {"api_id": "email", "type": "email", "unique": True},
    ],
}

CONCERT = {
    "api_id": "concert",
    "name": "Concert",
    "description": "A live show.",
    "title_field": "title",
    "fields": [
        {"api_id": "title", "type": "text", "required": True},
        {"api_id": "venue", "type": "text", "filterable": True},
        {"api_id": "starts_at", "type": "datetime", "required": True},
        {"api_id": "price", "type": "decimal", "options": {"min_value": 0}},
        {"api_id": "tickets", "type": "integer", "default": 100},
        {"api_id": "genre", "type": "choice", "options": {"choices": ["rock", "jazz"]}},
        {"api_id": "code", "type": "text", "unique": True},
        {"api_id": "headliner", "type": "reference", "options": {"types": ["person"]}},
        {"api_id": "sold_out", "type": "boolean"},
    ],
}


@pytest.fixture
def types(client_for) -> dict:
    """The person and concert types, defined through the API by an Administrator."""
    admin = client_for("Administrator")
    made = {}
    for definition in (PERSON, CONCERT):
        response = admin.post("/api/v1/content-types/", definition, format="json")
        assert response.status_code == 201, response.content
        made[definition["api_id"]] = response.json()
    return made
