"""The editors' events: what the admin hears about the items it has open, and about the
review queue. They go on the editors' stream only (realtime.log), never the delivery one:
they name drafts.

Made from the one place every change passes, the audit hook (accounts.audit: every
service audits its change inside its transaction), and from presence
(content.hooks.presence_changed); published once the change commits, nothing if it rolls
back; none at all with REALTIME_EDITORS_ENABLED off. `item` routes each to the
connections watching it (realtime.editors):

- {"event": "changed", "item": "article:42", "action": "publish",
   "text": "Ana Editor published this article", "actor": {"id", "name"} or null (the
   system), "version", "status"}: any change to the item but its lock;
- {"event": "lock", "item", "locked": true|false, "actor"}: locked or unlocked;
- {"event": "presence", "item", "present": [{"id", "name", "initials"}]};
- {"event": "review_queue", "item": "review_queue"}: a review was started, decided or
  cancelled (any `workflow.*` audit). It says nothing more: each page refetches its own
  list, which shows only what its user may see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from content.models import PublishableCore
from content.services.presence import Present, item_key
from content.types import entry_type_for
from realtime.log import EDITORS
from realtime.publish import publish_on_commit

REVIEW_QUEUE = "review_queue"
# "<actor> <phrase>": what an audited verb did to the item, as its other editors read it.
PHRASES = {
    "update": "saved changes to this {kind}",
    "submit": "submitted this {kind} for review",
    "approve": "approved this {kind}",
    "reject": "rejected this {kind}",
    "publish": "published this {kind}",
    "unpublish": "unpublished this {kind}",
    "expire": "unpublished this {kind} (its expiry time passed)",
    "schedule": "changed this {kind}'s schedule",
    "archive": "archived this {kind}",
    "trash": "moved this {kind} to the trash",
    "restore": "restored this {kind} from the trash",
    "revert": "reverted this {kind} to an earlier revision",
    "move": "moved this {kind}",
    "set_owner": "changed this {kind}'s owner",
    "mark_reviewed": "marked this {kind} as reviewed",
}
GENERIC = "changed this {kind}"
# No one has an item open before it exists; a preview link changes nothing in it.
QUIET = {"create", "preview_link"}
SYSTEM = "Folio"  # the actor of what nobody did by hand (the scheduler, commands)


def _actor(actor: Any) -> dict[str, Any] | None:
    return None if actor is None else {"id": actor.pk, "name": actor.get_full_name()}


def item_event(action: str, actor: Any, entry: PublishableCore) -> dict[str, Any] | None:
    """The event an audited `<type>.<verb>` of `entry` makes for those watching it, if any."""
    verb = action.rpartition(".")[2]
    if verb in QUIET:
        return None
    about = {"item": item_key(entry), "actor": _actor(actor)}
    if verb in ("lock", "unlock"):
        return {"event": "lock", **about, "locked": verb == "lock"}
    name = actor.get_full_name() if actor is not None else SYSTEM
    phrase = PHRASES.get(verb, GENERIC).format(kind=entry._meta.verbose_name)
    return {
        "event": "changed",
        **about,
        "action": verb,
        "text": f"{name} {phrase}",
        "version": entry.version,
        "status": entry.status,
    }


def on_audit_requested(sender, *, actor, action: str, target, **kwargs) -> None:
    """accounts.audit.audit_requested, inside the change's transaction."""
    if not settings.REALTIME_EDITORS_ENABLED:
        return
    events = []
    if action.startswith("workflow."):
        events.append({"event": "review_queue", "item": REVIEW_QUEUE})
    elif isinstance(target, PublishableCore) and target.pk is not None:
        try:
            own = action.startswith(f"{entry_type_for(target).api_name}.")
        except LookupError:  # a type unregistered meanwhile: nobody can have it open
            own = False
        event = item_event(action, actor, target) if own else None
        if event is not None:
            events.append(event)
    if events:
        publish_on_commit(EDITORS, events)


def on_presence_changed(sender, *, item: str, present: list[Present], **kwargs) -> None:
    """content.hooks.presence_changed: everyone who has the item open now."""
    if not settings.REALTIME_EDITORS_ENABLED:
        return
    publish_on_commit(
        EDITORS,
        [{"event": "presence", "item": item, "present": [p.as_json() for p in present]}],
    )
