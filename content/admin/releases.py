"""Releases in the admin (sidebar: Content). The change page shows the release's items with
what blocks each, its actions (validate, schedule, publish now, revert) as POST forms, and
a Preview panel (content.admin.release_preview);
"Add to release…" (an item's header, and a changelist bulk action) opens a page to pick
the release. Every write goes through content.services.releases / release_publishing."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin

from content.admin.release_preview import preview_context, preview_issue
from content.models import Release, ReleaseAction, ReleaseStatus
from content.services import release_publishing as publishing
from content.services import releases
from content.types import entry_type, entry_type_for
from core.admin_forms import UnfoldWidgetsMixin
from core.admin_services import ServiceFormAdminMixin, report_refusal
from core.admin_urls import model_admin_url

REFUSALS = (ValidationError, PermissionDenied)


def release_add_url(entry_type_name: str, ids: list[int]) -> str:
    query = "&".join(f"ids={pk}" for pk in ids)
    return f"{reverse('admin:content_release_add_items')}?type={entry_type_name}&{query}"


class ReleaseForm(UnfoldWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Release
        fields = ["name", "description"]


class AddToReleaseForm(UnfoldWidgetsMixin, forms.Form):
    release = forms.ModelChoiceField(
        queryset=Release.objects.filter(status__in=releases.OPEN),
        required=False,
        empty_label="A new release…",
    )
    new_name = forms.CharField(max_length=200, required=False, label="New release's name")
    action = forms.ChoiceField(choices=ReleaseAction.choices, initial=ReleaseAction.PUBLISH)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("release") and not (cleaned.get("new_name") or "").strip():
            raise ValidationError("Choose a release, or name a new one.")
        return cleaned


@admin.register(Release)
class ReleaseAdmin(ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon, nav_order = "content", "rocket_launch", 90
    form = ReleaseForm
    change_form_template = "admin/content/release_change_form.html"
    list_display = ["name", "status", "publish_at", "item_count", "blocked_count", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    actions = None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                item_count=Count("items"),
                blocked_count=Count("items", filter=~Q(items__blockers=[])),
            )
        )

    @admin.display(description="Items", ordering="item_count")
    def item_count(self, obj) -> int:
        return obj.item_count

    @admin.display(description="Blocked", ordering="blocked_count")
    def blocked_count(self, obj) -> int:
        return obj.blocked_count

    def has_change_permission(self, request, obj=None) -> bool:
        open_ = obj is None or obj.status in releases.OPEN
        return open_ and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        open_ = obj is None or obj.status in releases.OPEN
        return open_ and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("name", "description")}
        if change:
            saved = releases.release_update(actor=request.user, release=obj, data=data)
        else:
            saved = releases.release_create(actor=request.user, **data)
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request, obj):
        releases.release_delete(actor=request.user, release=obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.release_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def release_context(self, request, release: Release) -> dict:
        items = list(release.items.select_related("content_type", "revision", "previous_revision"))
        entries = releases.entries_of(items)
        rows = []
        for item in items:
            entry = entries[item.pk]
            rows.append(
                {
                    "item": item,
                    "entry": entry,
                    "type": capfirst(entry._meta.verbose_name) if entry else "—",
                    "url": model_admin_url(entry, "change", entry.pk) if entry else None,
                }
            )
        managing = request.user.has_perm("content.change_release")
        is_open = release.status in releases.OPEN
        published = release.status == ReleaseStatus.PUBLISHED
        changed = (
            {c["item"] for c in publishing.changed_since(items, entries)} if published else set()
        )
        for row in rows:
            row["changed_since"] = row["item"].pk in changed
        return {
            "release_rows": rows,
            "release_blocked": sum(1 for row in rows if row["item"].blockers),
            "release_can_edit": managing and is_open,
            "release_can_revert": managing and published,
            "release_changed_since": len(changed),
            "release_urls": {
                name: reverse(f"admin:content_release_{name}", args=[release.pk])
                for name in ("validate", "publish", "schedule", "revert", "preview")
            },
            "release_preview": preview_context(request, release) if managing and is_open else None,
            "release_now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }

    # --- Actions ------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        extra = [
            path("add-items/", view(self.add_items_view), name="content_release_add_items"),
            path("<int:pk>/validate/", view(self.act("validate")), name="content_release_validate"),
            path("<int:pk>/publish/", view(self.act("publish")), name="content_release_publish"),
            path("<int:pk>/schedule/", view(self.act("schedule")), name="content_release_schedule"),
            path("<int:pk>/revert/", view(self.act("revert")), name="content_release_revert"),
            path("<int:pk>/preview/", view(self.act("preview")), name="content_release_preview"),
            path(
                "<int:pk>/items/<int:item_id>/remove/",
                view(self.remove_item_view),
                name="content_release_remove_item",
            ),
        ]
        return extra + super().get_urls()

    def _release(self, request, pk: int) -> Release:
        release = get_object_or_404(Release, pk=pk)
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        return release

    def _back(self, release: Release) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:content_release_change", args=[release.pk]))

    def act(self, name: str):
        @require_POST
        def view(request, pk: int):
            release = self._release(request, pk)
            try:
                getattr(self, f"_{name}")(request, release)
            except REFUSALS as exc:
                report_refusal(request, exc)
            return self._back(release)

        return view

    def _validate(self, request, release: Release) -> None:
        blockers = releases.release_validate(release=release, actor=request.user)
        if blockers:
            messages.warning(request, f"{len(blockers)} item(s) block this release; see below.")
        else:
            messages.success(request, "Every item can go live: the release is ready.")

    def _publish(self, request, release: Release) -> None:
        publishing.release_publish(release=release, actor=request.user)
        messages.success(request, f"“{release}” is live: every item went out together.")

    def _schedule(self, request, release: Release) -> None:
        raw = request.POST.get("publish_at", "").strip()
        when = None
        if raw:
            try:
                when = timezone.make_aware(datetime.fromisoformat(raw))
            except ValueError:
                raise ValidationError({"publish_at": ["Enter a valid date and time."]}) from None
        publishing.release_schedule(release=release, actor=request.user, publish_at=when)
        if when:
            messages.success(request, f"“{release}” will go live at {when:%Y-%m-%d %H:%M}.")
        else:
            messages.success(request, f"“{release}” is no longer scheduled.")

    def _preview(self, request, release: Release) -> None:
        expires_at = preview_issue(request, release)
        messages.success(
            request,
            f"A preview token for “{release}” is below; it works until "
            f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M}.",
        )

    def _revert(self, request, release: Release) -> None:
        overwrite = request.POST.get("overwrite_later") == "on"
        publishing.release_revert(release=release, actor=request.user, overwrite_later=overwrite)
        messages.success(request, f"“{release}” was reverted: the items are as before it.")

    @staticmethod
    def _require_post(request):
        if request.method != "POST":
            raise Http404

    def remove_item_view(self, request, pk: int, item_id: int):
        self._require_post(request)
        release = self._release(request, pk)
        item = get_object_or_404(release.items, pk=item_id)
        try:
            releases.release_item_remove(actor=request.user, release=release, item=item)
            messages.success(request, "The item was taken out of the release.")
        except REFUSALS as exc:
            report_refusal(request, exc)
        return self._back(release)

    def add_items_view(self, request):
        """Add items of one type (?type=article&ids=1&ids=2) to a release, new or open."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            kind = entry_type(request.GET.get("type", ""))
            ids = [int(pk) for pk in request.GET.getlist("ids")][: releases.MAX_ITEMS]
        except (LookupError, ValueError):
            raise Http404 from None
        entries = list(kind.model.objects.filter(pk__in=ids, deleted_at=None))
        if not entries:
            raise Http404
        form = AddToReleaseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            target = self._add_all(request, form.cleaned_data, entries)
            if target is not None:
                return self._back(target)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add to release",
            "form": form,
            "entries": entries[:10],
            "more": max(0, len(entries) - 10),
            "count": len(entries),
        }
        return TemplateResponse(request, "admin/content/release_add_items.html", context)

    def _add_all(self, request, data, entries) -> Release | None:
        try:
            release = data["release"] or releases.release_create(
                actor=request.user, name=data["new_name"]
            )
            refused = 0
            for entry in entries:
                try:
                    releases.release_item_add(
                        actor=request.user, release=release, entry=entry, action=data["action"]
                    )
                except ValidationError as exc:
                    refused += 1
                    report_refusal(request, exc, prefix=f"{entry}: ")
        except REFUSALS as exc:
            report_refusal(request, exc)
            return None
        added = len(entries) - refused
        messages.success(request, f"Added {added} item(s) to “{release}”.")
        return release


@admin.action(description="Add to release…", permissions=["view"])
def add_to_release(modeladmin, request, queryset):
    """The changelist's bulk action: on to the page that picks the release."""
    if not request.user.has_perm("content.change_release"):
        messages.error(request, "Adding items to a release needs the release permissions.")
        return None
    ids = list(queryset.values_list("pk", flat=True)[: releases.MAX_ITEMS])
    return HttpResponseRedirect(release_add_url(entry_type_for(modeladmin.model).api_name, ids))
