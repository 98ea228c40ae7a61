import pytest

from accounts.models import User
from content.models import Entry
from content.runtime.definitions import type_create, type_update
from content.services import entries as entry_services
from content.types import entry_type

pytestmark = pytest.mark.django_db


def test_smoke():
    admin = User.objects.create_superuser(email="a@x.io", password="pw")
    d = type_create(
        actor=admin,
        data={
            "api_id": "concert",
            "name": "Concert",
            "title_field": "title",
            "fields": [
                {"api_id": "title", "type": "text", "required": True},
                {"api_id": "venue", "type": "text", "filterable": True},
                {"api_id": "start", "type": "datetime", "required": True},
                {"api_id": "price", "type": "decimal", "options": {"min_value": 0}},
            ],
        },
    )
    t = entry_type("concert")
    e = entry_services.entry_create(
        model=t.model,
        actor=admin,
        data={
            "title": "Gig",
            "venue": "Hall A",
            "start": "2027-01-05T20:00:00+01:00",
            "price": "12.5",
        },
    )
    assert e.data == {"f1": "Gig", "f2": "Hall A", "f3": "2027-01-05T19:00:00+00:00", "f4": "12.50"}
    assert e.title == "Gig"
    fresh = Entry.objects.get(pk=e.pk)
    assert type(fresh) is t.model
    with pytest.raises(Exception) as err:
        entry_services.entry_create(model=t.model, actor=admin, data={"title": "X", "price": "abc"})
    print(err.value)
    type_update(
        actor=admin,
        definition=d,
        data={
            "fields": [
                {"key": "f1", "api_id": "title", "type": "text", "required": True},
                {"key": "f2", "api_id": "place", "type": "text", "filterable": True},
                {"key": "f3", "api_id": "start", "type": "datetime", "required": True},
            ]
        },
    )
    t = entry_type("concert")
    print(t.behaviour.own_fields())
    with pytest.raises(Exception) as err:
        type_update(
            actor=admin,
            definition=d,
            data={
                "fields": [
                    {"key": "f1", "api_id": "title", "type": "text", "required": True},
                    {"key": "f2", "api_id": "place", "type": "integer"},
                    {"key": "f3", "api_id": "start", "type": "datetime", "required": True},
                ]
            },
        )
    print(err.value)
