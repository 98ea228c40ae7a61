"""`EntryAdmin`: what every type's admin shares (content.admin.entries registers one per
registered type). Which fields an editor writes comes from the type's registration.

- Every write goes through content.services: the form's data goes to entry_create /
  entry_update (with the version the editor loaded, so a stale save is refused), and
  buttons call the lifecycle services (content.admin.transitions); bulk actions run
  the same services item by item in a BulkJob (content.admin.bulk).
- Saved views: "Save this view" and the views above the list (content.admin.saved_views).
- The changelist never counts the whole table (FastCountPaginator, no facets, a
  MIN/MAX date hierarchy) and hides the trash unless asked (content.admin.trash).
- The change form shows the body editor, the lifecycle buttons the user may use, a
  preview link, the panels other apps add (content.admin.review) and the revision
  history with diff and revert.
"""

from __future__ import annotations

from csp.constants import NONCE
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import path, reverse
from js_asset import Media
from unfold.admin import ModelAdmin

from content.admin import transitions
from content.admin.bulk import BULK_ACTIONS, offered_actions
from content.admin.chooser import ChooserAdminMixin
from content.admin.editing import EditingAdminMixin
from content.admin.entry_display import EntryDisplayMixin
from content.admin.forms import STALE
from content.admin.history import HistoryAdminMixin, history_rows
from content.admin.layout import form_tabs
from content.admin.list_filters import MineFilter, ReviewDueFilter, extra_list_filters
from content.admin.paginators import FastCountPaginator
from content.admin.people import PeopleAutocompleteView
from content.admin.preview import PreviewAdminMixin
from content.admin.releases import add_to_release, release_add_url
from content.admin.review import ReviewAdminMixin
from content.admin.saved_views import SavedViewsAdminMixin
from content.admin.tools import EntryToolsMixin
from content.admin.trash import InTrashFilter, TrashAdminMixin, trash_context
from content.admin.widgets import status_badge
from content.models import Locale, PublishableCore
from content.selectors import entry_visible
from content.services import entries, rules
from content.types import entry_type_for
from core.admin_services import ServiceFormAdminMixin
from core.exceptions import PreconditionFailed


class EntryAdmin(
    EntryDisplayMixin,
    PreviewAdminMixin,
    SavedViewsAdminMixin,
    EditingAdminMixin,
    HistoryAdminMixin,
    ReviewAdminMixin,
    TrashAdminMixin,
    EntryToolsMixin,
    ChooserAdminMixin,
    ServiceFormAdminMixin,
    ModelAdmin,
):
    list_display = ["title", "status_display", "locale", "owner", "updated_at"]
    list_display_links = ["title"]
    # MineFilter and ReviewDueFilter read relative to the viewer and today (saved views).
    list_filter = [InTrashFilter, "status", "locale", MineFilter, ReviewDueFilter, "owner"]
    search_fields = ["title", "slug"]
    date_hierarchy = "updated_at"
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = FastCountPaginator
    list_per_page = 50
    # Content's templates whatever the app of the type's model (Django's default lookup
    # goes by app label).
    change_form_template = "admin/content/change_form.html"
    change_list_template = "admin/content/change_list.html"
    # Every bulk action is a BulkJob with a progress page (content.admin.bulk).
    actions = [*BULK_ACTIONS, add_to_release]
    readonly_fields = ["status_display", "owner_display", "live_info", "publish_at", "expire_at"]
    # The sidebar's Content group (core.admin_nav); types set their own icon and place.
    nav_section, nav_icon, nav_order = "content", "dataset", 30

    class Media:
        css = {"all": ["content/admin.css", "content/editing.css"]}
        js = ["content/editing.js"]

    # --- Querysets and permissions ------------------------------------------------

    def get_queryset(self, request) -> QuerySet:
        # What the user may view: a section-limited role sees its sections only, and an
        # item outside them has no change form (it is not found).
        qs = super().get_queryset(request)
        qs = entry_visible(qs, request.user)
        return qs.select_related("locale", "owner", "live_revision", "latest_revision")

    def _perm(self, request, action: str) -> bool:
        return rules.has_perm(request.user, self.model, action)

    def has_publish_permission(self, request) -> bool:
        return self._perm(request, "publish")

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(rules.REVIEW_PERM) or self._perm(request, "publish")

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None:  # on the item: a section-limited role holds in its sections
            return rules.has_perm(request.user, obj, "view") or rules.has_perm(
                request.user, obj, "change"
            )
        return super().has_view_permission(request, obj)

    def get_actions(self, request):
        return offered_actions(self.model, super().get_actions(request))

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), *extra_list_filters()]

    def has_trash_permission(self, request) -> bool:
        return self._perm(request, "delete")

    def has_change_permission(self, request, obj=None) -> bool:
        # Read-only where the service would refuse: trashed items, others' work for Authors.
        if obj is not None and (
            obj.deleted_at is not None
            or not transitions.can(rules.ensure_can_edit, request.user, obj)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Nothing is hard-deleted from the admin: items go to the trash (a service).
        return False

    # --- The form -----------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        editable = obj is None or self.has_change_permission(request, obj)
        fieldsets = []
        for name, options in self.entry_fieldsets(request, obj):
            fields = [
                ("body" if editable else "body_display") if f == "body" else f
                for f in options["fields"]
                if editable or f not in ("base_version", "revision_message")
            ]
            if fields:  # read-only views drop the "Save" fieldset entirely
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def entry_fieldsets(self, request, obj):
        """Subclasses: the fieldsets, naming "body", "base_version" and "revision_message"."""
        raise NotImplementedError

    def _create_only(self) -> list[str]:
        entry_type = entry_type_for(self.model)
        return [f for f in entry_type.create_fields if f not in entry_type.editable_fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [f for f in self._create_only() if f != "translation_key"]
        if not self._perm(request, "publish"):
            readonly.append("owner")  # Authors may not hand their work to someone else
        return readonly

    def service_data(self, form, change: bool) -> dict:
        entry_type = entry_type_for(self.model)
        allowed = set(entry_type.editable_fields)
        if change:
            # Only what the editor touched: a field's round trip through its widget may
            # lose something (a date-time's microseconds), and an untouched field must
            # stay exactly as it was.
            allowed &= set(form.changed_data)
        else:
            allowed |= set(self._create_only())
        data = {}
        for name, value in form.cleaned_data.items():
            if name not in allowed or (name in ("slug", "owner", "locale") and not value):
                continue
            if name in entry_type.many_to_many and not change and not value:
                continue  # the service's default (an article's author is its creator)
            data[name] = list(value) if isinstance(value, QuerySet) else value
        return data

    def save_model(self, request, obj, form, change):
        data = self.service_data(form, change)
        message = form.cleaned_data.get("revision_message", "")
        if change:
            try:
                entry = entries.entry_update(
                    entry=self.model.objects.get(pk=obj.pk),
                    actor=request.user,
                    data=data,
                    expected_version=form.cleaned_data.get("base_version"),
                    message=message,
                )
            except PreconditionFailed as exc:
                current = exc.details["current_version"]
                kind = self.opts.verbose_name
                raise ValidationError(STALE.format(kind=kind, current=current)) from exc
        else:
            entry = entries.entry_create(
                model=self.model, actor=request.user, data=data, message=message
            )
        form.instance = entry
        obj.pk = entry.pk

    def get_changeform_initial_data(self, request):
        default = Locale.objects.filter(is_default=True).values_list("pk", flat=True).first()
        return {"locale": default, **super().get_changeform_initial_data(request)}

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields (an article's tags and authors) were saved by the service."""

    def _name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def _url(self, suffix: str, *args) -> str:
        return reverse(f"admin:{self._name(suffix)}", args=args)

    def _people_url(self) -> str:
        # The bulk "Change owner" form's autocomplete (content.admin.bulk_forms).
        return f"admin:{self._name('people')}"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {**trash_context(self.model), **(extra_context or {})}
        )

    # --- The change form: buttons, preview, history, the editor under CSP --------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The editor's import map is an inline <script>; CSP allows it through a nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        if obj is not None:
            context.update(self.entry_context(request, obj))
        tabs, loose, first = form_tabs(context["adminform"], panels=obj is not None)
        context.update(folio_tabs=tabs, folio_loose_fieldsets=loose, folio_first_tab=first)
        response = super().render_change_form(request, context, add, change, form_url, obj)
        response._csp_update = {"script-src": [NONCE]}
        return response

    def entry_context(self, request, obj: PublishableCore) -> dict:
        user = request.user
        buttons = [
            {
                "name": t.name,
                "label": t.label,
                "style": t.style,
                "confirm": t.confirm,
                "url": self._url("transition", obj.pk, t.name),
            }
            for t in transitions.TRANSITIONS
            if t.button and t.offered(user, obj)
        ]
        can_schedule = transitions.publisher(user, obj)
        return {
            "folio_transitions": buttons,
            "folio_schedule_url": self._url("schedule", obj.pk) if can_schedule else None,
            "folio_preview_url": self._url("preview", obj.pk) if obj.latest_revision_id else None,
            "folio_release_url": release_add_url(entry_type_for(obj).api_name, [obj.pk])
            if user.has_perm("content.change_release")
            else None,
            "folio_history": history_rows(obj),
            "folio_can_revert": self.has_change_permission(request, obj),
            "folio_status": status_badge(obj),
            **self.review_context(request, obj),
        }

    # --- Extra views ----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        extra = [
            ("people/", PeopleAutocompleteView.as_view(admin_site=self.admin_site), "people"),
            ("<path:object_id>/transition/<str:name>/", self.transition_view, "transition"),
            ("<path:object_id>/schedule/", self.schedule_view, "schedule"),
            ("<path:object_id>/reject/", self.reject_view, "reject"),
            ("<path:object_id>/preview/", self.preview_view, "preview"),
            ("<path:object_id>/revisions/<int:number>/diff/", self.diff_view, "diff"),
            ("<path:object_id>/revisions/<int:number>/revert/", self.revert_view, "revert"),
        ]
        return [
            *(path(route, view(fn), name=self._name(suffix)) for route, fn, suffix in extra),
            *super().get_urls(),
        ]
