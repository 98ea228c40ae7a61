"""The forms of the content types' admin (content.admin.typedefs): a type and its fields as
an Administrator edits them, turned into the definition content.runtime.definitions takes
(the API's shape), and that service's problems put back on the input or row they name."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from unfold.widgets import UnfoldAdminSelectWidget

from content.models import FieldDefinition, MediaKind, TypeDefinition
from content.runtime.definitions import describe
from content.runtime.validation import FLAGS, TITLE_KINDS
from core.admin_forms import UnfoldWidgetsMixin

# Option inputs, each a simple form field; an empty one is left out of `options`.
WHOLE = ("min_length", "max_length", "decimal_places", "min_items", "max_items")
NUMBER = ("min_value", "max_value")
OPTION_INPUTS = (*WHOLE, *NUMBER, "pattern", "choices", "media_kinds", "types", "many")
# A problem's path in the definition ("fields[2].type") and the row input it belongs to.
PATH_RE = re.compile(r"^fields\[(\d+)\](?:\.(\w+))?$")
ROW_INPUT = {"api_id": "api_id", "label": "label", "help_text": "help_text", "type": "kind"}
ROW_INPUT.update({flag: flag for flag in FLAGS})


class BlankJSONField(forms.JSONField):
    """A JSON input that shows no value as empty, not as `null`."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


TYPE_INPUT = {
    **{name: name for name in ("api_id", "name", "name_plural", "description", "localized")},
    "title_field": "title_api_id",
}


class TypeDefinitionForm(UnfoldWidgetsMixin, forms.ModelForm):
    # The title field by api_id (the model's title_field holds its key; the service maps it).
    title_api_id = forms.CharField(
        label="Title field",
        required=False,
        help_text="The required text, email or choice field whose value is each entry's "
        "title. Empty: entries get their own Title input.",
    )

    class Meta:
        model = TypeDefinition
        fields = ["name", "name_plural", "api_id", "description", "localized"]
        help_texts = {
            "name_plural": 'Where entries are counted or listed ("Ferries"). Empty: made from '
            "the name.",
            "api_id": "The API name, as in /api/v1/entries/event/: lowercase letters, digits "
            "and single underscores. It can't change once the type has entries.",
            "localized": "Entries have one version per locale; otherwise the default locale only.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["title_api_id"] = describe(self.instance)["title_field"] or ""
            titles = self.instance.fields.filter(removed_at=None, kind__in=TITLE_KINDS)
            choices = [(f.api_id, f"{f.label} ({f.api_id})") for f in titles]
            # A select of its text fields; a field added in this same save is named below.
            self.fields["title_api_id"].widget = UnfoldAdminSelectWidget(
                choices=[("", "— the entry's own title —"), *choices]
            )
        else:
            self.fields["title_api_id"].help_text += " Name it by the api_id given below."

    def validate_unique(self) -> None:
        """The service checks names (it lists every problem at once)."""

    def definition(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "api_id": data["api_id"],
            "name": data["name"],
            "name_plural": data.get("name_plural") or "",
            "description": data.get("description") or "",
            "localized": bool(data.get("localized")),
            "title_field": data.get("title_api_id") or "",
        }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class FieldDefinitionForm(UnfoldWidgetsMixin, forms.ModelForm):
    order = forms.IntegerField(label="Position", required=False, min_value=0)
    min_length = forms.IntegerField(required=False, min_value=0)
    max_length = forms.IntegerField(required=False, min_value=0)
    pattern = forms.CharField(
        required=False, help_text="A regular expression the whole value must match."
    )
    min_value = forms.DecimalField(required=False)
    max_value = forms.DecimalField(required=False)
    decimal_places = forms.IntegerField(required=False, min_value=0)
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text="Choice / choices: one per line.",
    )
    media_kinds = forms.MultipleChoiceField(
        required=False,
        choices=MediaKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Media: the kinds it takes (none ticked: any).",
    )
    types = forms.CharField(
        required=False,
        label="Reference types",
        help_text="Reference: the api_ids of the types it may point at, comma-separated.",
    )
    many = forms.BooleanField(required=False, help_text="Reference: a list of references.")
    min_items = forms.IntegerField(required=False, min_value=0)
    max_items = forms.IntegerField(required=False, min_value=0)
    default = BlankJSONField(
        required=False,
        widget=forms.TextInput,
        help_text='The value of new entries, as JSON ("text", 3, true); empty: none.',
    )

    class Meta:
        model = FieldDefinition
        fields = ["order", "api_id", "label", "help_text", "kind", *FLAGS]
        labels = {"kind": "Type"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].required = False
        self.fields["label"].help_text = "Empty: made from the api_id."
        options = (self.instance.options or {}) if self.instance.pk else {}
        for name in OPTION_INPUTS:
            if name in options:
                value = options[name]
                if name == "choices":
                    value = "\n".join(value)
                elif name == "types":
                    value = ", ".join(value)
                self.initial[name] = value
        if self.instance.pk:
            self.initial["default"] = self.instance.default

    def validate_unique(self) -> None:
        """The service checks names and keys (across the rows, with every other problem)."""

    def definition(self) -> dict[str, Any]:
        """The field as the service takes it; an existing one names itself by `key`."""
        data = self.cleaned_data
        options: dict[str, Any] = {}
        for name in WHOLE:
            if data.get(name) is not None:
                options[name] = data[name]
        for name in NUMBER:
            if data.get(name) is not None:
                options[name] = _number(data[name])
        if data.get("pattern"):
            options["pattern"] = data["pattern"]
        if data.get("choices"):
            options["choices"] = [c.strip() for c in data["choices"].splitlines() if c.strip()]
        if data.get("media_kinds"):
            options["media_kinds"] = list(data["media_kinds"])
        if data.get("types"):
            options["types"] = [t.strip() for t in data["types"].split(",") if t.strip()]
        if data.get("many"):
            options["many"] = True
        field = {
            "api_id": data.get("api_id"),
            "label": data.get("label") or "",
            "help_text": data.get("help_text") or "",
            "type": data.get("kind"),
            **{flag: bool(data.get(flag)) for flag in FLAGS},
            "options": options,
            "default": data.get("default"),
        }
        if self.instance.pk:
            field = {"key": self.instance.key, **field}
        return field


def _position(form: forms.ModelForm) -> tuple[bool, int]:
    order = form.cleaned_data.get("order")
    return (order is None, order or 0)  # rows without a position go last


class FieldFormSet(BaseInlineFormSet):
    """The type's live fields; `problems` (by row index of the definition) is set when the
    service refused the last save, so each row shows its own."""

    problems: dict[int, dict[str | None, list[str]]] | None = None

    def get_queryset(self):
        return super().get_queryset().filter(removed_at=None)

    def validate_unique(self) -> None:
        """The service checks that names are unique."""

    def rows(self) -> list[forms.ModelForm]:
        """The forms that make the definition's `fields`, in order: by position, then as
        shown; rows marked for deletion and untouched blank rows are left out."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
        ]
        kept.sort(key=lambda pair: (_position(pair[1]), pair[0]))
        return [form for _, form in kept]

    def definition(self) -> list[dict[str, Any]]:
        return [form.definition() for form in self.rows()]

    def clean(self) -> None:
        super().clean()
        if not self.problems:
            return
        rows = self.rows()
        elsewhere: list[str] = []  # a row the service named that the form doesn't show
        for index, by_input in self.problems.items():
            for name, messages in by_input.items():
                for message in messages:
                    if index < len(rows):
                        row = rows[index]
                        row.add_error(name if name in row.fields else None, message)
                    else:
                        elsewhere.append(f"Field {index + 1}: {message}")
        if elsewhere:
            raise ValidationError(elsewhere)


def split_problems(exc: Exception) -> tuple[dict[str | None, list[str]], dict[int, dict]]:
    """A refusal of the service as (the type form's errors by input or None, each row's
    errors by input or None); a path it doesn't name an input of becomes a non-field error."""
    if not isinstance(exc, ValidationError):  # PermissionDenied
        return {None: [str(exc) or "You do not have permission to do that."]}, {}
    if not hasattr(exc, "error_dict"):
        return {None: exc.messages}, {}
    main: dict[str | None, list[str]] = {}
    rows: dict[int, dict[str | None, list[str]]] = {}
    for path, messages in exc.message_dict.items():
        match = PATH_RE.match(path)
        if match:
            index, name = int(match.group(1)), match.group(2)
            row = rows.setdefault(index, {})
            if name == "options":
                messages = [f"Options: {m}" for m in messages]
            row.setdefault(ROW_INPUT.get(name or ""), []).extend(messages)
        elif path in TYPE_INPUT:
            main.setdefault(TYPE_INPUT[path], []).extend(messages)
        else:
            label = "" if path in ("fields", "non_field_errors", "__all__") else f"{path}: "
            main.setdefault(None, []).extend(f"{label}{m}" for m in messages)
    return main, rows
