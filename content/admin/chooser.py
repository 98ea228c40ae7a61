"""Choosing related objects in a modal: the "Choose…" button of an item's category, tags,
authors, owner, images and parent page (and a runtime type's media fields).

- `ChooserWidget` / `ChooserMultipleWidget`: the current choice (with a thumbnail for
  media) and the buttons. The form field is still a <select> (hidden) holding the chosen
  options, so the form posts the same values as before, the services and the form's
  validation are unchanged, and autosave keeps and restores it like any select.
- `ChooserAdminMixin`: puts those widgets on the fields named in `chooser_fields`, drops
  the "add another" / "change" popup links beside every related field, and serves the
  modal's search at `<admin>/chooser/<field>/?q=&page=`: the related model's admin
  decides what is listed (its get_queryset, get_search_results and view permission, as
  Django's autocomplete does), except for people, who follow content.admin.people's rule.
- content/chooser.js opens the <dialog>, searches as the editor types and fills the
  select.

Bad input (an unknown field, a page that is not a number or is past the end) is a 400,
no right to view what would be listed a 403, both in the API's error format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Model, QuerySet
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from unfold.widgets import BASE_INPUT_CLASSES

from content.admin.media_library import grid_thumbnail_url
from content.admin.people import may_choose_people
from content.admin.widgets import asset_url
from content.models import MediaAsset
from core.admin_forms import NoRelatedPopupsMixin
from core.admin_services import json_error

PAGE_SIZE = 20
MAX_QUERY = 200


def chooser_item(obj: Model) -> dict[str, Any]:
    """One choice as the modal and the widget show it."""
    item = {"id": str(obj.pk), "label": str(obj), "detail": "", "thumbnail_url": None}
    if isinstance(obj, MediaAsset):
        item["thumbnail_url"] = grid_thumbnail_url(obj)
        # What the body editor puts in an image block (content.admin.widgets).
        item["url"], item["alt_text"] = asset_url(obj), obj.alt_text
        size = f"{obj.width} x {obj.height}" if obj.width else ""
        item["detail"] = " · ".join(part for part in (obj.mime_type, size) if part)
    elif isinstance(obj, get_user_model()):
        item["label"], item["detail"] = obj.get_full_name() or obj.email, obj.email
    return item


class ChooserWidget(forms.Select):
    """A hidden <select> of the chosen object, shown as a card, with Choose… and Clear."""

    template_name = "admin/content/chooser/widget.html"
    _objects: list[Model] = []  # the chosen objects, read by get_context for optgroups

    def __init__(self, *, url: str, title: str, attrs=None):
        super().__init__(attrs)
        self.url, self.title = url, title

    class Media:
        css = {"all": ["content/chooser.css"]}
        js = ["content/chooser.js"]

    def chosen(self, value) -> list[Model]:
        """The objects behind the submitted or stored value, in the order given."""
        ids = [str(v) for v in value if v not in (None, "")]
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        try:  # a submitted value may be junk: the form's validation says so, not this
            keys = [queryset.model._meta.pk.to_python(i) for i in ids]
        except ValidationError:
            return []
        found = {str(o.pk): o for o in queryset.filter(pk__in=keys)}
        return [found[i] for i in ids if i in found]

    def use_required_attribute(self, initial) -> bool:
        return False  # a hidden required select would block the submit without a word

    def optgroups(self, name, value, attrs=None):
        # Only the chosen options: listing every object would read the whole table.
        options = (
            [] if self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        for index, obj in enumerate(self._objects, start=len(options)):
            item = chooser_item(obj)
            option = self.create_option(name, item["id"], item["label"], True, index)
            option["attrs"].update(
                {"data-detail": item["detail"], "data-thumbnail": item["thumbnail_url"] or ""}
            )
            options.append(option)
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        self._objects = self.chosen(self.format_value(value))
        context = super().get_context(name, value, {**(attrs or {}), "hidden": True})
        queryset = getattr(self.choices, "queryset", None)
        context["chooser"] = {
            "url": self.url,
            "title": self.title,
            "multiple": self.allow_multiple_selected,
            "required": self.is_required,
            "media": queryset is not None and queryset.model is MediaAsset,
            "input_classes": " ".join(BASE_INPUT_CLASSES),
        }
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        context["select"] = mark_safe(  # noqa: S308 - Django's own select template
            self._render("django/forms/widgets/select.html", context, renderer)
        )
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308


class ChooserMultipleWidget(ChooserWidget, forms.SelectMultiple):
    """Several objects (tags, authors): each shown with its own "Remove"."""

    allow_multiple_selected = True


def _page_number(raw: str | None) -> int:
    if raw in (None, ""):
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest("`page` must be a whole number from 1.")
    return int(raw)


class ChooserAdminMixin(NoRelatedPopupsMixin):
    """For a ModelAdmin: its `chooser_fields` are chosen in the modal (see the module)."""

    chooser_fields: Sequence[str] = ()

    def _chooser_url(self, field_name: str) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_chooser", args=[field_name])

    def chooser_widget(self, field_name: str, title: str, *, multiple=False) -> ChooserWidget:
        widget = ChooserMultipleWidget if multiple else ChooserWidget
        return widget(url=self._chooser_url(field_name), title=f"Choose {title}")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.chooser_fields:
            kwargs["widget"] = self.chooser_widget(db_field.name, db_field.verbose_name)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name not in self.chooser_fields:
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        kwargs["widget"] = self.chooser_widget(db_field.name, db_field.verbose_name, multiple=True)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None:  # no "Hold down Control…": nothing here is held down
            formfield.help_text = db_field.help_text
        return formfield

    def get_urls(self):
        view = self.admin_site.admin_view(self.chooser_view)
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}_chooser"
        return [path("chooser/<str:field_name>/", view, name=name), *super().get_urls()]

    # --- The modal's search ----------------------------------------------------------

    def chooser_target(self, request, field_name: str) -> QuerySet:
        """What the field may be set to and this user may see (unsearched), or raise
        BadRequest (no such chooser) / PermissionDenied (may not view them)."""
        if field_name not in self.chooser_fields:
            raise BadRequest(f"“{field_name}” is not chosen in a modal here.")
        try:
            field = self.model._meta.get_field(field_name)
        except FieldDoesNotExist:
            raise BadRequest(f"“{field_name}” is not a field here.") from None
        queryset = self.related_choices(request, field.related_model)
        return queryset.complex_filter(field.get_limit_choices_to())

    def related_choices(self, request, model: type[Model]) -> QuerySet:
        """The objects of `model` the user may choose, by the related model's admin."""
        related_admin = self.admin_site._registry.get(model)
        if related_admin is None:
            raise BadRequest(f"{capfirst(model._meta.verbose_name_plural)} cannot be chosen.")
        if model is get_user_model():
            # People are chosen by whoever may write this type (content.admin.people).
            if not may_choose_people(request.user, self.model):
                raise PermissionDenied("You may not choose people here.")
            return related_admin.get_queryset(request).filter(is_active=True)
        if not related_admin.has_view_permission(request):
            raise PermissionDenied(f"You may not view {model._meta.verbose_name_plural}.")
        return related_admin.get_queryset(request)

    def chooser_view(self, request, field_name: str):
        """GET ?q=&page=: one page of what the field may be set to."""
        return chooser_response(
            request, self.admin_site, lambda: self.chooser_target(request, field_name)
        )


def chooser_response(request, admin_site, target: Callable[[], QuerySet]) -> JsonResponse:
    """One page of `target()` (raising BadRequest or PermissionDenied) searched for `q` by
    its model's admin, newest first unless that admin orders it."""
    if request.method != "GET":
        return json_error(405, "method_not_allowed", "Use GET.")
    term = request.GET.get("q", "").strip()
    try:
        number = _page_number(request.GET.get("page"))
        if len(term) > MAX_QUERY:
            raise BadRequest(f"Search for at most {MAX_QUERY} characters.")
        queryset = target()
    except BadRequest as exc:
        return json_error(400, "validation_error", str(exc))
    except PermissionDenied as exc:
        return json_error(403, "permission_denied", str(exc) or "You may not choose these.")
    related_admin = admin_site._registry[queryset.model]
    queryset, may_have_duplicates = related_admin.get_search_results(request, queryset, term)
    if may_have_duplicates:
        queryset = queryset.distinct()
    if not queryset.ordered:
        queryset = queryset.order_by("-pk")
    # One row more than a page tells whether there is a next one, without a count.
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    if not rows and number > 1:
        return json_error(
            400, "validation_error", "There is no such page.", {"page": [str(number)]}
        )
    return JsonResponse(
        {
            "results": [chooser_item(obj) for obj in rows[:PAGE_SIZE]],
            "page": number,
            "has_previous": number > 1,
            "has_next": len(rows) > PAGE_SIZE,
        }
    )
