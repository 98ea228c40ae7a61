"""Factories for users and API keys, shared by every app's tests.

`UserFactory(role="Editor")` puts the user in a role group (and lets them into the admin,
as the services do); without a role the user is in none. Every user's password is
PASSWORD. `ApiKeyFactory` issues keys through the service, because only the service knows
the raw key; it is kept on the instance as `raw_key`.
"""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts import services
from accounts.models import ApiKey, ApiKeyScope, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = PASSWORD
    is_active = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """`role="Editor"` or `role=["Editor", "Reviewer"]`; a name that is no role is a
        mistake in the test, so it raises."""
        if not create or not extracted:
            return
        names = [extracted] if isinstance(extracted, str) else list(extracted)
        groups = list(Group.objects.filter(name__in=names))
        if len(groups) != len(set(names)):
            raise ValueError(f"No such role among {names}.")
        self.groups.set(groups)
        self.is_staff = True
        self.save(update_fields=["is_staff"])


class ApiKeyFactory(DjangoModelFactory):
    class Meta:
        model = ApiKey

    name = factory.Sequence(lambda n: f"key {n}")
    user = factory.SubFactory(UserFactory, role="Administrator")
    scopes = factory.LazyFunction(lambda: list(ApiKeyScope.values))
    expires_at = None

    @classmethod
    def _create(cls, model_class, *, name, user, scopes, expires_at, **kwargs):
        key, raw_key = services.api_key_create(
            actor=None, name=name, scopes=scopes, expires_at=expires_at, user=user
        )
        key.raw_key = raw_key
        return key
