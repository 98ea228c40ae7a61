"""`delivery/flags/`: the public feature flags (flags.models.Flag.public), each on or off
for the audience asking, so a frontend can roll a feature out by percentage or audience.

`?audience=<visitor id>` is what a percentage is decided on: the same id always gets the
same answer (flags.audience). A Bearer token makes the answer the signed-in person's (their
groups and rights count); an API key is the frontend itself, and counts as no one.

The public flags come from the cache (one read, no query; forgotten when a flag changes:
flags.selectors), and the body is built per request, as it depends on the audience: no
response is stored, and its ETag answers If-None-Match with a 304.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from accounts.authentication import JWTAuthentication
from content.delivery import query as q
from content.delivery.endpoint import DeliveryView
from content.delivery.filters import error
from content.delivery.http import Payload, respond
from flags.audience import Audience
from flags.selectors import public_flag_states

PARAMS = frozenset({"audience", "locale"})
AUDIENCE = re.compile(r"[A-Za-z0-9._:@-]{1,128}")
PERSONAL_CACHE_CONTROL = "private, no-cache"


class FlagStateSerializer(serializers.Serializer):
    name = serializers.CharField()
    active = serializers.BooleanField(help_text="On for this audience.")


class FlagListSerializer(serializers.Serializer):
    results = FlagStateSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Always null: one page.")
    previous = serializers.CharField(allow_null=True, help_text="Always null: one page.")


def audience_param(params) -> str | None:
    raw = params.get("audience")
    if raw is None:
        return None
    if not AUDIENCE.fullmatch(raw):
        raise error(
            "audience", "Give a visitor id: 1 to 128 letters, digits and . _ : @ - characters."
        )
    return raw


def person(request):
    """Whom a Bearer token names; anyone else (an API key, no credential) is anonymous."""
    bearer = request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
    if settings.DELIVERY_REQUIRE_KEY or not bearer:
        return AnonymousUser()
    found = JWTAuthentication().authenticate(request)  # checked already by the dispatch
    return found[0] if found else AnonymousUser()


@extend_schema(
    tags=["delivery"],
    parameters=[
        OpenApiParameter(
            "audience",
            str,
            pattern=AUDIENCE.pattern,
            description=(
                "A stable id for the visitor (a first-party cookie's value, say): percentage "
                "rollouts give the same id the same answer. Without it, a flag rolled out "
                "to a percentage is off."
            ),
        ),
        OpenApiParameter(
            "locale", str, description="The visitor's locale: flags limited to languages."
        ),
    ],
    responses=FlagListSerializer,
)
class FlagListView(DeliveryView):
    """Every public feature flag, by name, on or off for this audience."""

    follows_releases = False  # releases publish content, never flags

    def get(self, request):
        self.throttle(request)
        params = request.GET
        q.check_params(params, PARAMS)
        audience = audience_param(params)
        locale = q.locale_param(params) if "locale" in params else None
        user = person(request)
        states = public_flag_states(Audience(id=audience, user=user, locale=locale))
        results = [{"name": state.name, "active": state.active} for state in states]
        body = json.dumps({"results": results, "next": None, "previous": None}).encode()
        # No Last-Modified: a deleted flag can make the newest change older, so only the
        # ETag (the body's hash) tells a client whether its copy is current.
        ready = Payload(body, None, ["flags"]).ready()
        personal = user.is_authenticated
        return respond(
            request,
            ready,
            cache_control=PERSONAL_CACHE_CONTROL if personal else settings.FLAGS_CACHE_CONTROL,
        )
