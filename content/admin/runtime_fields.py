"""The form inputs of a runtime type's entries: one Django form field per live type field
(by its kind, content.runtime.kinds), what an entry's stored value looks like in it, and
what the entry service takes from it. The service validates again (its rules are the
ones that count); the form only gives each kind a fitting input."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.db.models import Model, QuerySet
from django.utils import formats, timezone
from django.utils.safestring import mark_safe

from content.admin.forms import BlocksField
from content.admin.widgets import body_html
from content.models import FieldKind, MediaAsset
from content.runtime.kinds import DEFAULT_DECIMAL_PLACES, DEFAULT_MAX_LENGTH
from content.types import entry_type

REFERENCE_HELP = {
    True: "Entry ids as a JSON list: [12, 14]",
    False: "An entry id: 12",
}


def _choices(field) -> list[tuple[str, str]]:
    return [(c, c) for c in field.options.get("choices", [])]


def _text(field, **common) -> forms.Field:
    options = field.options
    widget = forms.Textarea if field.kind == FieldKind.LONG_TEXT else None
    return forms.CharField(
        max_length=options.get("max_length", DEFAULT_MAX_LENGTH.get(field.kind)),
        min_length=options.get("min_length"),
        strip=True,
        widget=widget,
        **common,
    )


def chosen_model(field) -> type[Model] | None:
    """The model a media field, or a reference field to one type, is chosen from (in the
    modal, content.admin.chooser); None for the others (a reference to several types is
    typed as JSON)."""
    if field.kind == FieldKind.MEDIA:
        return MediaAsset
    types = field.options.get("types", []) if field.kind == FieldKind.REFERENCE else []
    if len(types) != 1:
        return None
    try:
        return entry_type(types[0]).model
    except LookupError:  # a type removed since: the field's own check reports it
        return None


def chosen_queryset(field, queryset: QuerySet) -> QuerySet:
    """What `field` may be set to, of `queryset` (its chosen_model's)."""
    kinds = field.options.get("media_kinds") if field.kind == FieldKind.MEDIA else None
    return queryset.filter(kind__in=kinds) if kinds else queryset


class OrderedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The chosen objects as a list, in the order they were posted (a list of references
    keeps its order)."""

    def clean(self, value):
        found = {str(obj.pk): obj for obj in super().clean(value)}
        return [found.pop(str(v)) for v in value or [] if str(v) in found]

    def has_changed(self, initial, data) -> bool:
        # Django's compares sets: a list only put in another order would not be saved.
        if self.disabled:
            return False
        return [str(v) for v in self.prepare_value(initial or [])] != [str(v) for v in data or []]


def _reference(field, chooser=None, **common) -> forms.Field:
    types = field.options.get("types", [])
    many = bool(field.options.get("many"))
    model = chosen_model(field)
    if model is not None:  # one type: its entries, chosen in the modal
        kind = OrderedModelMultipleChoiceField if many else forms.ModelChoiceField
        return kind(queryset=model.objects.all(), widget=chooser, **common)
    hint = REFERENCE_HELP[many]
    if len(types) > 1:
        hint = 'References as JSON: {"type": "<api_id>", "id": 12}' + (
            ", in a list" if many else ""
        )
    common["help_text"] = " ".join(p for p in (common["help_text"], f"({hint}.)") if p)
    return forms.JSONField(widget=forms.TextInput(attrs={"size": 40}), **common)


def form_field(field, chooser: forms.Widget | None = None) -> forms.Field:
    """The input for one type field (a FieldDefinition); `chooser` is the widget of a field
    with a chosen_model."""
    common = {"label": field.label, "help_text": field.help_text, "required": field.required}
    options = field.options
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return _text(field, **common)
    if kind == FieldKind.RICH_TEXT:
        return BlocksField(**common)
    if kind == FieldKind.INTEGER:
        bounds = {"min_value": options.get("min_value"), "max_value": options.get("max_value")}
        return forms.IntegerField(**bounds, **common)
    if kind == FieldKind.DECIMAL:
        places = options.get("decimal_places", DEFAULT_DECIMAL_PLACES)
        return forms.DecimalField(decimal_places=places, **common)
    if kind == FieldKind.BOOLEAN:
        return forms.BooleanField(**{**common, "required": False})  # unticked is false
    if kind == FieldKind.DATE:
        return forms.DateField(widget=admin_widgets.AdminDateWidget, **common)
    if kind == FieldKind.DATETIME:
        return forms.SplitDateTimeField(widget=admin_widgets.AdminSplitDateTime, **common)
    if kind == FieldKind.EMAIL:
        return forms.EmailField(**common)
    if kind == FieldKind.URL:
        return forms.URLField(assume_scheme="https", **common)
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *_choices(field)], **common)
    if kind == FieldKind.CHOICES:
        return forms.MultipleChoiceField(
            choices=_choices(field), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == FieldKind.MEDIA:
        media = chosen_queryset(field, MediaAsset.objects.order_by("-pk"))
        return forms.ModelChoiceField(queryset=media, widget=chooser, **common)
    return _reference(field, chooser, **common)


def _reference_shown(field, value: Any) -> Any:
    """A stored reference ({"type", "id"}) as the input takes it: the id alone for one type."""
    if len(field.options.get("types", [])) != 1:
        return value
    if isinstance(value, list):
        return [ref["id"] for ref in value]
    return value["id"]


def initial_value(field, value: Any) -> Any:
    """An entry's stored value (Entry.data) as the field's input shows it."""
    if value is None:
        return None
    kind = field.kind
    if kind == FieldKind.DECIMAL:
        return Decimal(value)
    if kind == FieldKind.DATE:
        return date.fromisoformat(value)
    if kind == FieldKind.DATETIME:
        return datetime.fromisoformat(value)
    if kind == FieldKind.REFERENCE:
        return _reference_shown(field, value)
    return value


def service_value(field, value: Any) -> Any:
    """What the entry service takes from the input's cleaned value."""
    if isinstance(value, Model):  # a media asset, or an entry referred to
        return value.pk
    if isinstance(value, list) and field.kind == FieldKind.REFERENCE:  # entries, in order
        return [obj.pk if isinstance(obj, Model) else obj for obj in value]
    if field.kind == FieldKind.CHOICES:
        return list(value or [])
    return value


def shown_value(field, entry) -> Any:
    """The entry's value of the field as a read-only page shows it (None when it has
    none): the view of those who may not change the entry, a Reviewer's for one."""
    value = (entry.data or {}).get(field.key, field.default)
    if value is None or value in ("", []):
        return None
    kind = field.kind
    if kind == FieldKind.RICH_TEXT:
        # Stored blocks passed the body's cleaning, so their HTML is sanitised.
        return mark_safe(body_html(value))  # noqa: S308
    if kind == FieldKind.DATETIME:
        return formats.localize(timezone.localtime(datetime.fromisoformat(value)))
    if kind in (FieldKind.DATE, FieldKind.DECIMAL):
        return formats.localize(initial_value(field, value))
    if kind == FieldKind.CHOICES:
        return ", ".join(value)
    if kind == FieldKind.MEDIA:
        return MediaAsset.objects.filter(pk=value).first() or value
    if kind == FieldKind.REFERENCE:
        return json.dumps(_reference_shown(field, value))
    return value
