"""The flat handler (core.flat_middleware) behaves as Django's nested one: the same hooks
run in the same order, short-circuits and exceptions included, for the same response."""

from __future__ import annotations

import pytest
from django.core.exceptions import MiddlewareNotUsed, PermissionDenied
from django.core.handlers.base import BaseHandler
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path
from django.utils.deprecation import MiddlewareMixin

from core.flat_middleware import FlatHandler

events: list[str] = []
plan: dict[str, str] = {}  # hook name ("B.request") → what it does: "answer" or "raise"


def view(request):
    events.append("view")
    if plan.get("view") == "raise":
        raise ValueError("view failed")
    return HttpResponse("from the view")


urlpatterns = [path("page/", view)]


def _act(name: str):
    events.append(name)
    if plan.get(name) == "raise":
        raise PermissionDenied(name)
    if plan.get(name) == "answer":
        return HttpResponse(f"answered by {name}", status=202)
    return None


class Hooks(MiddlewareMixin):
    label = ""

    def process_request(self, request):
        return _act(f"{self.label}.request")

    def process_view(self, request, view_func, view_args, view_kwargs):
        return _act(f"{self.label}.view")

    def process_exception(self, request, exception):
        return _act(f"{self.label}.exception")

    def process_response(self, request, response):
        if (answer := _act(f"{self.label}.response")) is not None:
            return answer
        response["X-Seen-By"] = response.get("X-Seen-By", "") + self.label
        return response


class A(Hooks):
    label = "A"


class B(Hooks):
    label = "B"


class C(Hooks):
    label = "C"


class Nested:
    """A middleware with a __call__ of its own: nested, as Django nests it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        events.append("N.before")
        if plan.get("N.before") == "raise":
            raise PermissionDenied("N")
        response = self.get_response(request)
        events.append("N.after")
        return response


class Unused:
    def __init__(self, get_response):
        raise MiddlewareNotUsed


def _path(cls) -> str:
    return f"{__name__}.{cls.__name__}"


STACKS = {
    "hooks only": [A, B, C],
    "a nested one between": [A, Nested, B, C],
    "an unused one between": [A, B, Unused, C],
}
PLANS = {
    "nothing happens": {},
    "B answers its request": {"B.request": "answer"},
    "B's request raises": {"B.request": "raise"},
    "A's request raises": {"A.request": "raise"},
    "B's response raises": {"B.response": "raise"},
    "C's response answers": {"C.response": "answer"},
    "C's view hook answers": {"C.view": "answer"},
    "the view raises, B answers the exception": {"view": "raise", "B.exception": "answer"},
    "the view raises, nobody answers": {"view": "raise"},
    "the nested one raises": {"N.before": "raise"},
}


def _run(handler_call) -> tuple[list[str], int, bytes, str]:
    events.clear()
    response = handler_call(RequestFactory().get("/page/"))
    return list(events), response.status_code, response.content, response.get("X-Seen-By", "")


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize("stack", STACKS.values(), ids=STACKS.keys())
@pytest.mark.parametrize("given", PLANS.values(), ids=PLANS.keys())
def test_the_flat_handler_runs_what_django_runs_in_the_same_order(stack, given, settings):
    names = [_path(cls) for cls in stack]
    plan.clear()
    plan.update(given)
    settings.MIDDLEWARE = names
    nested = BaseHandler()
    nested.load_middleware()
    django_run = _run(nested.get_response)
    flat_run = _run(FlatHandler(names).chain)
    assert flat_run == django_run
    assert django_run[0], "the scenario ran nothing"


def test_a_hook_only_middleware_takes_no_layer_of_its_own():
    handler = FlatHandler([_path(A), _path(B), _path(C)])
    # One loop for the three, around the converted view call.
    assert type(handler.chain).__name__ == "_HookRun"
    assert len(handler.chain.before) == 3


def test_a_nested_middleware_splits_the_loop_where_it_stands():
    handler = FlatHandler([_path(A), _path(Nested), _path(B)])
    assert len(handler.chain.before) == 1  # A; Nested and B are inside it
