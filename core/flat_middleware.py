"""Django's request handler with its middleware called one after another, not nested.

Django nests middleware: each one's `__call__` calls the next, and each is wrapped in a
converter of exceptions to responses. On a request that does little (an anonymous delivery
read) those layers cost more than the middleware's own work. A middleware written as
hooks (`MiddlewareMixin`: `process_request`, `process_response`, and Django's `__call__`)
needs no layer of its own; here its hooks are called in a loop, with Django's rules kept:

- a `process_request` that returns a response skips the middleware after it and the view;
  that middleware's `process_response` and those of the ones before it still run;
- an exception raised in a hook becomes a response (`response_for_exception`, as Django's
  converter does) that the middleware before it receive;
- `process_view`, `process_exception` and `process_template_response` run where Django
  runs them (`BaseHandler._get_response`).

A middleware with a `__call__` of its own is nested around the rest, as Django nests it.
Synchronous only: under ASGI Django runs the middleware that holds this in a thread.
"""

from __future__ import annotations

from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response, response_for_exception
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string


def _is_hooks_only(factory) -> bool:
    """Whether the middleware does all it does in hooks, around Django's own __call__."""
    return (
        isinstance(factory, type)
        and issubclass(factory, MiddlewareMixin)
        and factory.__call__ is MiddlewareMixin.__call__
    )


class _HookRun:
    """Consecutive hook-only middleware, outermost first, around `inner`."""

    def __init__(self, instances: list, inner):
        self.inner = inner
        self.before = [getattr(mw, "process_request", None) for mw in instances]
        self.after = [getattr(mw, "process_response", None) for mw in instances]

    def __call__(self, request):
        response, last = None, len(self.before) - 1
        for index, hook in enumerate(self.before):
            if hook is None:
                continue
            try:
                response = hook(request)
            except Exception as exc:  # as Django's converter: any exception
                response, last = response_for_exception(request, exc), index - 1
                break
            if response is not None:
                last = index
                break
        else:
            response = self.inner(request)
        after = self.after
        for index in range(last, -1, -1):
            if (hook := after[index]) is not None:
                try:
                    response = hook(request, response)
                except Exception as exc:
                    response = response_for_exception(request, exc)
        return response


def _unreachable(request):  # pragma: no cover - a hook-only middleware's next step
    raise AssertionError("a hook-only middleware is called through its hooks")


class FlatHandler(BaseHandler):
    """A handler for `middleware` (dotted paths or factories, outermost first) around
    `core`, a view-calling function like BaseHandler._get_response (its default). Call
    `chain(request)` inside another handler: URL conf, signals and logging are the
    caller's."""

    def __init__(self, middleware: list, core=None):
        super().__init__()
        self._view_middleware, self._template_response_middleware = [], []
        self._exception_middleware = []
        handler = convert_exception_to_response(core or self._get_response)
        run: list = []  # hook-only middleware not yet placed, outermost first
        for path in reversed(middleware):
            factory = import_string(path) if isinstance(path, str) else path
            hooks_only = _is_hooks_only(factory)
            inner = _HookRun(run, handler) if run and not hooks_only else handler
            try:
                instance = factory(_unreachable if hooks_only else inner)
            except MiddlewareNotUsed:
                continue
            if hooks_only:
                run.insert(0, instance)
            else:
                handler, run = convert_exception_to_response(instance), []
            self._collect_hooks(instance)
        self.chain = _HookRun(run, handler) if run else handler

    def _collect_hooks(self, instance) -> None:
        # In Django's order: view hooks outermost first, the others innermost first.
        if hasattr(instance, "process_view"):
            self._view_middleware.insert(0, instance.process_view)
        if hasattr(instance, "process_template_response"):
            self._template_response_middleware.append(instance.process_template_response)
        if hasattr(instance, "process_exception"):
            self._exception_middleware.append(instance.process_exception)
