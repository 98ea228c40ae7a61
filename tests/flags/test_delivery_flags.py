"""`delivery/flags/`: the public flags, each on or off for the audience asking; a stable
answer per audience id for percentages; ETag and 304; fresh once a flag changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from content.models import Locale
from flags import services
from flags.audience import bucket
from tests.accounts.conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/flags/"


def states(response) -> dict[str, bool]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["next"], body["previous"]) == (None, None)
    return {item["name"]: item["active"] for item in body["results"]}


def test_only_public_flags_are_listed_with_their_state(api_client, make_flag):
    make_flag("new_header", everyone=True)
    make_flag("dark_mode", everyone=False)
    make_flag("internal_tool", everyone=True, public=False)
    response = api_client.get(URL)
    assert [i["name"] for i in response.json()["results"]] == ["dark_mode", "new_header"]
    assert states(response) == {"dark_mode": False, "new_header": True}
    assert response["Cache-Control"] == "public, max-age=30, stale-while-revalidate=30"
    assert response["Surrogate-Key"] == "flags"


def test_a_percentage_gives_each_audience_the_same_answer(api_client, make_flag, committed):
    flag = make_flag("checkout_v2", percent=20)
    visitors = [f"visitor-{n}" for n in range(60)]
    first = {v: states(api_client.get(URL, {"audience": v}))["checkout_v2"] for v in visitors}
    again = {v: states(api_client.get(URL, {"audience": v}))["checkout_v2"] for v in visitors}
    assert first == again
    assert first == {v: bucket("checkout_v2", f"audience:{v}") < 20 for v in visitors}
    assert 0 < sum(first.values()) < len(visitors)

    # Widening the rollout keeps everyone who was in, and adds others.
    committed(services.toggle_update, actor=None, toggle=flag, data={"percent": 60})
    wider = {v: states(api_client.get(URL, {"audience": v}))["checkout_v2"] for v in visitors}
    assert all(wider[v] for v in visitors if first[v])
    assert sum(wider.values()) > sum(first.values())


def test_the_buckets_split_visitors_at_the_percentage():
    ids = [f"audience:{n:06d}" for n in range(20000)]
    share = sum(bucket("checkout_v2", i) < 20 for i in ids) / len(ids)
    assert 0.19 < share < 0.21
    # Another flag's buckets are independent: not the same fifth of the visitors.
    both = sum(bucket("checkout_v2", i) < 20 and bucket("search_v3", i) < 20 for i in ids)
    assert 0.03 < both / len(ids) < 0.05


def test_without_an_audience_a_percentage_is_off(api_client, make_flag):
    make_flag("checkout_v2", percent="99.9")
    assert states(api_client.get(URL)) == {"checkout_v2": False}


def test_etag_answers_304_until_a_flag_changes(api_client, make_flag, committed):
    flag = make_flag("new_header", everyone=True)
    first = api_client.get(URL)
    etag = first["ETag"]
    assert etag.startswith('"')
    assert "Last-Modified" not in first
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304

    committed(services.toggle_update, actor=None, toggle=flag, data={"everyone": False})
    changed = api_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert states(changed) == {"new_header": False}
    assert changed["ETag"] != etag


def test_a_new_or_deleted_flag_shows_at_once(api_client, make_flag, committed):
    flag = make_flag("a", everyone=True)
    assert states(api_client.get(URL)) == {"a": True}
    make_flag("b", everyone=True)
    assert states(api_client.get(URL)) == {"a": True, "b": True}
    committed(services.toggle_delete, actor=None, toggle=flag)
    assert states(api_client.get(URL)) == {"b": True}
    committed(
        services.toggle_update,
        actor=None,
        toggle=flag.__class__.objects.get(name="b"),
        data={"public": False},
    )
    assert states(api_client.get(URL)) == {}


def test_a_warm_request_makes_no_query(api_client, make_flag, django_assert_num_queries):
    for name in ("a", "b", "c"):
        make_flag(name, percent=50)
    api_client.get(URL, {"audience": "v1"})  # fills waffle's cache
    with django_assert_num_queries(0):
        assert api_client.get(URL, {"audience": "v2"}).status_code == 200


def test_a_signed_in_person_gets_their_groups_flags_privately(api_client, make_flag, editor):
    make_flag("editor_toolbar", groups=[Group.objects.get(name="Editor")])
    assert states(api_client.get(URL)) == {"editor_toolbar": False}
    mine = api_client.get(URL, HTTP_AUTHORIZATION=bearer(editor))
    assert states(mine) == {"editor_toolbar": True}
    assert mine["Cache-Control"] == "private, no-cache"


def test_an_api_key_is_the_frontend_not_a_person(api_client, make_flag, settings):
    from tests.accounts.factories import ApiKeyFactory

    settings.DELIVERY_REQUIRE_KEY = True
    make_flag("signed_in_only", authenticated=True)
    key = ApiKeyFactory(scopes=["delivery:read"])
    response = api_client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert states(response) == {"signed_in_only": False}
    assert api_client.get(URL).status_code == 401


def test_a_flag_for_some_languages_follows_locale(api_client, make_flag):
    Locale.objects.create(code="fr", name="Français")
    make_flag("french_banner", languages="fr")
    assert states(api_client.get(URL, {"locale": "fr"})) == {"french_banner": True}
    assert states(api_client.get(URL)) == {"french_banner": False}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("audience=", "audience"),
        ("audience=has%20space", "audience"),
        ("audience=" + "x" * 129, "audience"),
        ("audience=a&audience=b", "audience"),
        ("locale=xx-nowhere", "locale"),
        ("flag=beta", "flag"),
    ],
)
def test_bad_input_is_a_400_in_the_error_format(api_client, query, field):
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]


def test_the_schema_describes_it(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/delivery/flags/"]["get"]
    assert {"audience", "locale"} <= {p["name"] for p in operation["parameters"]}
    assert {"200", "400", "429"} <= set(operation["responses"])
    assert "FlagList" in schema["components"]["schemas"]
