"""The scope (content.scope) in admin forms (content's role grants, governance's workflows
and policies): each part under the name the model's API gives it, so a form posts what the
API takes and the service validates both."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from content.models import ScopedModel
from content.scope import ScopeNames, scope_read, scope_type_names
from content.types import api_name_of, publishable_models


def scope_choice_field(
    model: type[ScopedModel], part: str, queryset: QuerySet | None = None
) -> forms.ModelChoiceField:
    """An optional page, category or locale of the scope, picked by autocomplete."""
    field = model._meta.get_field(f"scope_{part}")
    return forms.ModelChoiceField(
        queryset if queryset is not None else field.related_model._default_manager.all(),
        required=False,
        widget=AutocompleteSelect(field, admin.site),
        help_text=field.help_text,
    )


def scope_types_field() -> forms.MultipleChoiceField:
    """The scope's types, by name."""
    return forms.MultipleChoiceField(
        # A callable: the registry fills up after the admin is imported.
        choices=lambda: [(name, name.capitalize()) for name in scope_type_names()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave empty for every type.",
    )


class ContentTypesField(forms.ModelMultipleChoiceField):
    """The scope's types, posted as content type ids (the workflow form's payload since
    before scopes); cleans to type names."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(ContentType.objects.none(), required=False, **kwargs)

    def __deepcopy__(self, memo: dict) -> ContentTypesField:
        # Each form gets a copy of its declared fields: read the registry then, not at
        # import, since the admin is imported before the apps register their types (and
        # types defined as data come and go). A runtime type's proxy has its own content
        # type (its permissions'), not its concrete model's, which all of them share.
        field = super().__deepcopy__(memo)
        found = ContentType.objects.get_for_models(*publishable_models(), for_concrete_models=False)
        field.queryset = ContentType.objects.filter(pk__in=[t.pk for t in found.values()])
        return field

    def label_from_instance(self, obj: ContentType) -> str:
        return api_name_of(obj).replace("_", " ").capitalize()

    def clean(self, value: Any) -> list[str]:
        return sorted(api_name_of(content_type) for content_type in super().clean(value))

    def ids_of(self, names: list[str]) -> list[int]:
        return [pk for pk, name in self._names().items() if name in names]

    def _names(self) -> dict[int, str]:
        return {content_type.pk: api_name_of(content_type) for content_type in self.queryset}


class ScopeFormMixin:
    """A ModelForm of a ScopedModel whose scope fields are declared under `scope_names`:
    fills them from the instance (the model's own fields are named scope_*)."""

    scope_names: ScopeNames

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, value in scope_read(self.instance, self.scope_names).items():
            field = self.fields.get(name)
            if isinstance(field, ContentTypesField):
                value = field.ids_of(value)
            elif isinstance(value, models.Model):
                value = value.pk
            self.initial.setdefault(name, value)


def scope_label(row: ScopedModel, *, empty: str) -> str:
    """What the row's scope covers, in words, for changelists (`empty` when unset)."""
    parts = []
    if row.scope_page_id:
        parts.append(f"pages under {row.scope_page}")
    if row.scope_category_id:
        parts.append(f"category {row.scope_category} and below")
    if row.scope_types and not parts:
        parts.append(", ".join(sorted(row.scope_types)))
    elif row.scope_types:
        parts.append(f"({', '.join(sorted(row.scope_types))})")
    if row.scope_locale_id:
        parts.append(f"in {row.scope_locale}")
    text = " ".join(parts)
    return text[:1].upper() + text[1:] if text else empty
