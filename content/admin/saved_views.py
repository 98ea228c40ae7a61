"""Saved views in the admin: "Save this view" on a changelist, the views listed above it,
the columns a view shows, and "Saved views" to rename, share or delete your own.

- A view opens as its changelist's URL: the saved query string (filters, search,
  ordering) plus `_cols=` with its columns. `get_list_display` reads `_cols` and keeps
  only columns the admin offers; the changelist ignores `_cols` as a filter but keeps it
  in every link it builds (sorting, paging, filtering), so the columns stay.
- Saving checks the query string against the changelist itself (a filter it does not
  have is refused), then calls content.services.saved_views.
- Rename, share and delete: content.admin.saved_views_manage.
- `saved_view_links(request)` lists the views a user may open in the sidebar's format
  ({"title", "link", "icon"}); the changelist bar shows the same for its own list.

The bar is added without touching the changelist's own template: the mixin renders
admin/content/saved_views/change_list.html, which extends whichever template the admin
would have used and puts the bar at the top of its content block.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup, NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field
from django.contrib.auth.models import Group
from django.core.exceptions import (
    FieldDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse

from content.models import SavedView
from content.selectors import saved_views_visible
from content.services import saved_views as service
from core.admin_forms import UnfoldWidgetsMixin
from core.admin_services import error_messages
from core.admin_urls import admin_url

COLUMNS_VAR = "_cols"
BAR_TEMPLATE = "admin/content/saved_views/change_list.html"
SAVE_TEMPLATE = "admin/content/saved_views/save.html"
ICON = "bookmark"  # a Material Symbols name, as the sidebar's items take
BAD_QUERY = "This list has no such filter or search: {problem}"


def view_params(query: str, columns: list[str]) -> list[tuple[str, str]]:
    params = parse_qsl(query, keep_blank_values=True)
    return [*params, (COLUMNS_VAR, ",".join(columns))] if columns else params


def view_link(view: SavedView) -> str | None:
    url = admin_url(view.app_label, view.model_name, "changelist")
    if url is None:
        return None
    params = view_params(view.query, view.columns)
    return f"{url}?{urlencode(params)}" if params else url


def _key(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in params if k not in service.TRANSIENT_PARAMS - {COLUMNS_VAR})


def model_admin_for(view: SavedView):
    try:
        model = apps.get_model(view.app_label, view.model_name)
        return admin.site.get_model_admin(model)
    except (LookupError, NotRegistered):
        return None  # a runtime type removed since, or a list that is gone


def saved_view_links(request) -> list[dict[str, Any]]:
    """The saved views `request.user` may open, as sidebar items: {"title", "link", "icon",
    plus "list" (the list's name), "shared" (someone else's) and "id"}."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return []
    links = []
    for view in saved_views_visible(user).order_by("name", "pk"):
        model_admin = model_admin_for(view)
        link = view_link(view)
        if model_admin is None or link is None or not model_admin.has_view_permission(request):
            continue
        links.append(
            {
                "title": view.name,
                "link": link,
                "icon": ICON,
                "list": str(model_admin.opts.verbose_name_plural).capitalize(),
                "shared": view.owner_id != user.pk,
                "id": view.pk,
            }
        )
    return links


# --- The changelist -----------------------------------------------------------------------


@cache
def _columns_changelist(base: type) -> type:
    """`base` (the admin's ChangeList class) reading `_cols` as no filter."""

    class ColumnsChangeList(base):
        def get_filters_params(self, params=None):
            lookup = super().get_filters_params(params)
            lookup.pop(COLUMNS_VAR, None)
            return lookup

    return ColumnsChangeList


class SaveViewForm(UnfoldWidgetsMixin, forms.Form):
    name = forms.CharField(max_length=100, error_messages={"required": "A view needs a name."})
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    columns = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Columns"
    )
    roles = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Share with",
        help_text="Members of these roles see the view too. Leave empty to keep it private.",
    )

    def __init__(self, *args: Any, columns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = columns


class SavedViewsAdminMixin:
    """For a ModelAdmin: saved views on its changelist (see the module docstring)."""

    def get_changelist(self, request, **kwargs):
        return _columns_changelist(super().get_changelist(request, **kwargs))

    def offered_columns(self, request) -> list[str]:
        return list(super().get_list_display(request))

    def get_list_display(self, request):
        offered = self.offered_columns(request)
        requested = [c for c in request.GET.get(COLUMNS_VAR, "").split(",") if c in offered]
        if not requested:
            return offered
        # The linking column stays, or no row could be opened.
        links = self.get_list_display_links(request, offered) or []
        return [*(c for c in links if c not in requested), *requested]

    def _column_choices(self, request) -> list[tuple[str, str]]:
        return [
            (name, str(label_for_field(name, self.model, self)).capitalize())
            for name in self.offered_columns(request)
        ]

    def _current_query(self, request) -> str:
        return urlencode(
            [(k, v) for k, v in request.GET.items() if k not in service.TRANSIENT_PARAMS]
        )

    def saved_views_context(self, request) -> dict[str, Any]:
        opts = self.opts
        here = _key(list(request.GET.items()))
        views = [
            {
                "name": view.name,
                "link": view_link(view),
                "shared": view.owner_id != request.user.pk,
                "owner": view.owner,
                "active": _key(view_params(view.query, view.columns)) == here,
            }
            for view in saved_views_visible(request.user).filter(
                app_label=opts.app_label, model_name=opts.model_name
            )
        ]
        current = self.get_list_display(request)
        form = SaveViewForm(
            columns=self._column_choices(request),
            initial={"query": self._current_query(request), "columns": list(current)},
        )
        return {
            "folio_saved_views": views,
            "folio_save_view_form": form,
            "folio_save_view_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_saveview"),
            "folio_manage_views_url": reverse("admin:content_savedview_changelist"),
        }

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if (
            isinstance(response, TemplateResponse)
            and not response.is_rendered
            and "cl" in context  # the list itself, not an action's page
            and not context.get("is_popup")
        ):
            # The bar wraps whatever template the admin chose (see the module docstring).
            base = select_template(
                [response.template_name]
                if isinstance(response.template_name, str)
                else response.template_name
            )
            response.context_data["folio_change_list_base"] = base.template
            response.context_data.update(self.saved_views_context(request))
            response.template_name = BAR_TEMPLATE
        return response

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}_saveview"
        view = self.admin_site.admin_view(self.save_view_view)
        return [path("save-view/", view, name=name), *super().get_urls()]

    def query_problem(self, request, query: str) -> str | None:
        """Why this changelist would refuse `query`, or None: it is built as it would be."""
        probe = copy.copy(request)
        probe.method = "GET"
        probe.GET = QueryDict(query)
        try:
            self.get_changelist_instance(probe)
        except (
            IncorrectLookupParameters,
            DisallowedModelAdminLookup,
            FieldDoesNotExist,
            SuspiciousOperation,
            ValidationError,
            ValueError,
        ) as exc:
            return BAD_QUERY.format(problem=exc)
        return None

    def save_view_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SaveViewForm(request.POST, columns=self._column_choices(request))
        if form.is_valid():
            data = form.cleaned_data
            try:
                query = service.view_query_clean(data["query"])
            except ValidationError as exc:
                form.add_error("query", exc.message_dict["query"])
            else:
                problem = self.query_problem(request, query)
                if problem:
                    form.add_error(None, problem)
                else:
                    view = self._save(request, form, query)
                    if view is not None:
                        messages.success(request, f"Saved the view “{view.name}”.")
                        return HttpResponseRedirect(view_link(view))
        return TemplateResponse(
            request,
            SAVE_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "title": "Save this view",
                "opts": self.opts,
                "form": form,
                "back_url": admin_url(self.opts.app_label, self.opts.model_name, "changelist"),
            },
            status=400,
        )

    def _save(self, request, form: SaveViewForm, query: str) -> SavedView | None:
        data = form.cleaned_data
        offered = self.offered_columns(request)
        columns = [c for c in data["columns"] if c in offered]
        try:
            return service.saved_view_create(
                owner=request.user,
                app_label=self.opts.app_label,
                model_name=self.opts.model_name,
                name=data["name"],
                query=query,
                # Every column ticked is the default: store none, so new columns show up.
                columns=[] if columns == offered else columns,
                roles=list(data["roles"]),
            )
        except ValidationError as exc:
            for field, msgs in error_messages(exc).items():
                form.add_error(field if field in form.fields else None, msgs)
        return None
