"""Fixtures for the delivery API: content is created through the services, and the
on-commit work (snapshot writes, cache version bumps) runs as it would in production."""

from __future__ import annotations

import pytest

from tests.content.factories import ArticleFactory, PageFactory, make_category, make_tag


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then everything it queued with transaction.on_commit."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def article(on_commit):
    def make(**kwargs):
        return on_commit(ArticleFactory, **kwargs)

    return make


@pytest.fixture
def page(on_commit):
    def make(**kwargs):
        return on_commit(PageFactory, **kwargs)

    return make


@pytest.fixture
def category(on_commit):
    return lambda name="News", **kw: on_commit(make_category, name, **kw)


@pytest.fixture
def tag(on_commit):
    return lambda name="python", **kw: on_commit(make_tag, name, **kw)
