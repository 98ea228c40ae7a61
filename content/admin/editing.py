"""Editing together on the change form: edit locks, presence and autosave.

`EditingAdminMixin` (for EntryAdmin) adds, for an existing item:
- Lock / Unlock buttons and the "Locked by X until HH:MM" banner; both call
  content.services.edit_locks, which audits them, and a lock held by someone else
  refuses the save and the lifecycle buttons in the services themselves;
- `editing/presence/`: the heartbeat the page sends every CONTENT_PRESENCE_HEARTBEAT_SECONDS
  (content.services.presence) while the editors' WebSocket is not watching the item for it
  (realtime.editors, which answers the same `presence_json`); it answers who else has the
  item open, the lock in force and the item's version, so the page notices a lock or a
  save made meanwhile;
- `editing/autosave/`: the editor's own autosave slot (content.services.autosave): GET
  reads it (with whether the item changed since), POST keeps the form, DELETE discards.

The page's script is content/editing.js; the markup is admin/content/editing/bar.html.
The JSON endpoints answer in the API's error format ({"error": {code, message, details}}).
Add forms are not covered: an item has no autosave slot, lock or presence until it exists.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format

from content.admin import transitions
from content.models import AutosaveDraft, PublishableCore
from content.services import autosave, checks, edit_locks, presence, rules
from core.admin_services import json_error, json_refusal, report_refusal


def _clock(moment) -> str:
    """A time as editors read it on the page ("14:32", the site's time zone)."""
    return date_format(timezone.localtime(moment), "H:i")


def _not_found() -> JsonResponse:
    return json_error(404, "not_found", "Not found.")


def _lock_json(entry: PublishableCore) -> dict[str, Any] | None:
    held = rules.lock_state(entry)
    return None if held is None else {**held.as_details(), "until": held.until}


def lock_banner(entry: PublishableCore, user, held: rules.EditLock | None) -> str:
    """The banner over the form (the page draws it, and editing.js redraws it on heartbeats)."""
    if held is None:
        return ""
    kind = entry._meta.verbose_name
    if entry.locked_by_id == user.pk:
        return (
            f"You locked this {kind} until {held.until}: nobody else can save it or change "
            "its status."
        )
    return (
        f"Locked by {held.holder_name} until {held.until}: your saves and status changes are "
        "refused until it is unlocked."
    )


def lock_json(entry: PublishableCore, user) -> dict[str, Any]:
    """The lock as `user`'s page shows it: details, the banner, and whether it refuses them."""
    return {
        "lock": _lock_json(entry),
        "lock_banner": lock_banner(entry, user, rules.lock_state(entry)),
        "locked_for_you": rules.locked_for(user, entry) is not None,
    }


def presence_json(entry: PublishableCore, user, others: list[presence.Present]) -> dict[str, Any]:
    """What a heartbeat answers (and the editors' WebSocket on watching the item): who else
    has it open, its lock, and its version, so the page notices a save made meanwhile."""
    return {
        "others": [person.as_json() for person in others],
        **lock_json(entry, user),
        "version": entry.version,
    }


def _draft_json(entry: PublishableCore, draft: AutosaveDraft | None) -> dict[str, Any]:
    """The slot, and what happened to the item since its form was loaded."""
    if draft is None:
        return {"draft": None, "version": entry.version}
    latest = entry.latest_revision
    changed = draft.base_version != entry.version
    return {
        "draft": {
            "data": draft.data,
            "base_version": draft.base_version,
            "saved_at": draft.saved_at.isoformat(),
            "saved_at_display": _clock(draft.saved_at),
        },
        "version": entry.version,
        "conflict": changed,
        "changed_by": (
            latest.author.get_full_name() if changed and latest and latest.author else None
        ),
        "changed_at_display": _clock(latest.created_at) if changed and latest else None,
    }


class EditingAdminMixin:
    """For EntryAdmin: the editing bar's context, the lock buttons and the JSON endpoints."""

    def get_urls(self):
        view = self.admin_site.admin_view
        extra = [
            ("<path:object_id>/lock/", self.lock_view, "lock"),
            ("<path:object_id>/unlock/", self.unlock_view, "unlock"),
            ("<path:object_id>/editing/presence/", self.presence_view, "presence"),
            ("<path:object_id>/editing/autosave/", self.autosave_view, "autosave"),
        ]
        return [
            *(path(route, view(fn), name=self._name(suffix)) for route, fn, suffix in extra),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["folio_editing"] = self.editing_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editing_context(self, request, obj: PublishableCore) -> dict[str, Any]:
        user = request.user
        held = rules.lock_state(obj)
        can_edit = self.has_change_permission(request, obj)
        return {
            "lock": held,
            "lock_banner": lock_banner(obj, user, held),
            "locked_by_me": held is not None and obj.locked_by_id == user.pk,
            "can_lock": held is None and checks.allowed(edit_locks.lock_check, user, obj),
            "can_unlock": held is not None and checks.allowed(edit_locks.unlock_check, user, obj),
            "lock_url": self._url("lock", obj.pk),
            "unlock_url": self._url("unlock", obj.pk),
            "presence_url": self._url("presence", obj.pk),
            "item": presence.item_key(obj),
            "autosave_url": self._url("autosave", obj.pk) if can_edit else None,
            "heartbeat_seconds": presence.heartbeat_seconds(),
            "autosave_seconds": settings.CONTENT_AUTOSAVE_SECONDS,
        }

    # --- Lock and unlock (buttons: a POST, then back to the form) ------------------

    def _lock_action(self, request, object_id, service, done: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._entry_or_404(request, object_id)
        try:
            entry = service(entry=obj, actor=request.user)
        except transitions.REFUSALS as exc:
            report_refusal(request, exc, prefix=f"“{obj}”: ")
        else:
            messages.success(request, done.format(entry=entry, until=_clock_or_none(entry)))
        return self._back(obj)

    def lock_view(self, request, object_id):
        return self._lock_action(
            request,
            object_id,
            edit_locks.entry_lock,
            "“{entry}” is locked for your editing until {until}.",
        )

    def unlock_view(self, request, object_id):
        return self._lock_action(
            request, object_id, edit_locks.entry_unlock, "“{entry}” is unlocked."
        )

    def viewable(self, request, object_id) -> PublishableCore | None:
        """The item, if the user may view it (else the endpoints answer 404, as the form):
        the change view's own rule (its queryset, section grants included, then
        has_view_permission), which the editors' WebSocket asks too (realtime.watching)."""
        try:
            return self._entry_or_404(request, object_id)
        except Http404:
            return None

    # --- Presence ---------------------------------------------------------------------

    def presence_view(self, request, object_id):
        """POST: a heartbeat (or, with `leave`, the page closing); needs view rights."""
        if request.method != "POST":
            return json_error(405, "method_not_allowed", "Send heartbeats with POST.")
        obj = self.viewable(request, object_id)
        if obj is None:
            return _not_found()
        if request.POST.get("leave"):
            presence.presence_leave(entry=obj, user=request.user)
            return HttpResponse(status=204)
        others = presence.presence_beat(entry=obj, user=request.user)
        return JsonResponse(presence_json(obj, request.user, others))

    # --- Autosave ---------------------------------------------------------------------

    def autosave_view(self, request, object_id):
        """GET the slot, POST {data, base_version} to keep the form, DELETE to discard."""
        if request.method not in ("GET", "POST", "DELETE"):
            return json_error(405, "method_not_allowed", "Use GET, POST or DELETE.")
        obj = self.viewable(request, object_id)
        if obj is None:
            return _not_found()
        try:
            if request.method == "GET":
                draft = autosave.autosave_get(entry=obj, user=request.user)
                return JsonResponse(_draft_json(obj, draft))
            if request.method == "DELETE":
                autosave.autosave_discard(entry=obj, user=request.user)
                return HttpResponse(status=204)
            payload = _json_body(request)
            draft = autosave.autosave_save(
                entry=obj,
                user=request.user,
                data=payload.get("data"),
                base_version=payload.get("base_version"),
            )
        except (ValidationError, PermissionDenied) as exc:
            return json_refusal(exc)
        return JsonResponse(
            {"saved_at": draft.saved_at.isoformat(), "saved_at_display": _clock(draft.saved_at)}
        )


def _clock_or_none(entry: PublishableCore) -> str:
    return _clock(entry.lock_expires_at) if entry.lock_expires_at else "—"


def _json_body(request) -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 (ValidationError)."""
    try:
        payload = json.loads(request.body or b"")
    except RequestDataTooBig:
        raise ValidationError("The form is too large to autosave.") from None
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Send a JSON object: {data, base_version}.") from None
    if not isinstance(payload, dict):
        raise ValidationError("Send a JSON object: {data, base_version}.")
    return payload
