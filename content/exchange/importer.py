"""Import a JSONL export, through the services wherever they can say what the file says.

Content types defined as data come first in the file: they are created together, with
their fields' keys, through content.runtime.promotion (a type that exists already is left
as it is), before the first line that is not a type.
Taxonomy goes through taxonomy_create, media through media_upload (validated and
deduplicated like any upload), the items of every publishable type through
entry_create / entry_update and the lifecycle transitions, all as the system actor
(audited as such; the workflow records a bypass for each publish). What no service can
express is written directly and marked so: the original publication timestamps, and a
schedule whose time has already passed. Rows that already exist (same natural key) are
skipped, so importing the same file twice is harmless. The whole import is one
transaction: a bad line rolls everything back and names its line number.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from content import services
from content.delivery.services import snapshot_refresh
from content.exchange.keys import Keys, UnknownKey, content_from_keys, not_content
from content.exchange.runtime_data import data_from_api_ids
from content.models import Category, Locale, MediaAsset, Redirect, Status, Tag
from content.runtime import registry
from content.runtime.promotion import FORMAT, schema_apply
from content.services.redirects import redirect_auto_create, redirect_create
from content.services.references import internal_paths, references_rebuild
from content.services.taxonomy import taxonomy_create, taxonomy_update
from content.types import EntryType, api_names, entry_type


class ImportFailure(Exception):
    """A line could not be imported; `line` is its 1-based number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"Line {line}: {message}")
        self.line = line


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.skipped
        bucket[kind] = bucket.get(kind, 0) + 1


def content_import(lines: Iterable[str]) -> ImportReport:
    """Import every record of an export; all or nothing. Raises ImportFailure."""
    run = _Run()
    try:
        with transaction.atomic():
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    run.line(number, line)
            run.types()
            run.finish()
    except ImportFailure:
        if run.typed:  # the rollback undid types this process loaded: load what is stored
            registry.load()
        raise
    return run.report


def _messages(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or "permission denied"
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _datetime(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"`{name}` must be an ISO 8601 date-time or null")
    parsed = datetime.fromisoformat(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _require(record: dict, name: str, kind: type | tuple[type, ...] = str) -> Any:
    if name not in record:
        raise ValueError(f"missing `{name}`")
    if not isinstance(record[name], kind):
        raise ValueError(f"`{name}` has the wrong type")
    return record[name]


class _Run:
    def __init__(self) -> None:
        self.report = ImportReport()
        self.media: dict[str, int] = dict(MediaAsset.objects.values_list("sha256", "pk"))
        self.users = dict(get_user_model().objects.values_list("email", "pk"))
        self.published: dict[type, dict[int, dict[str, datetime | None]]] = {}
        # Items whose body links to others, some of which may come later in the file.
        self.linking: dict[type, list[int]] = {}
        # Type definitions read but not yet created (with the line of the first), and
        # whether any was.
        self.pending: list[dict] = []
        self.pending_line = 0
        self.typed = False
        self._handlers = {
            "locale": self._locale,
            "category": self._category,
            "tag": self._tag,
            "media": self._media,
            "redirect": self._redirect,
        }

    def line(self, number: int, line: str) -> None:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFailure(
                number, f"not valid JSON ({exc.msg}, column {exc.colno})."
            ) from None
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            raise ImportFailure(number, "each line must be a JSON object with a `type`.")
        kind = record["type"]
        if kind == "content_type":
            if not isinstance(record.get("definition"), dict):
                raise ImportFailure(number, "a content_type record needs a `definition`.")
            self.pending_line = self.pending_line or number
            self.pending.append(record["definition"])
            return
        self.types()
        handler = self._handlers.get(kind)
        if handler is None and kind in api_names():
            handler = functools.partial(self._entry, entry_type(kind))
        if handler is None:
            raise ImportFailure(number, f"unknown type {kind!r}.")
        try:
            with transaction.atomic():
                handler(record)
        except (ValidationError, PermissionDenied) as exc:
            raise ImportFailure(number, f"{record['type']} refused: {_messages(exc)}") from None
        except UnknownKey as exc:
            raise ImportFailure(number, f"{record['type']}: {exc}.") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ImportFailure(number, f"malformed {record['type']} record: {exc}.") from None

    def types(self) -> None:
        """Create the content types read so far (those that don't exist yet), together."""
        if not self.pending:
            return
        document = {"format": FORMAT, "types": self.pending}
        try:
            plans = schema_apply(actor=None, document=document, only_new=True)
        except ValidationError as exc:
            raise ImportFailure(
                self.pending_line, f"content_type refused: {_messages(exc)}"
            ) from None
        self.typed = True
        created = {p.api_id for p in plans}
        for definition in self.pending:
            self.report.count("content_type", definition.get("api_id") in created)
        self.pending = []

    # --- Taxonomy and media ---------------------------------------------------------------

    def _locale_of(self, record: dict) -> Locale:
        code = _require(record, "locale")
        locale = Locale.objects.filter(code=code).first()
        if locale is None:
            raise UnknownKey(f"locale {code!r} is not defined before this line")
        return locale

    def _locale(self, record: dict) -> None:
        code = _require(record, "code")
        locale = Locale.objects.filter(code=code).first()
        if locale is None:
            data = {"code": code, "name": _require(record, "name")}
            data["is_default"] = bool(record.get("is_default"))
            taxonomy_create(model=Locale, actor=None, data=data)
        elif record.get("is_default") and not locale.is_default:
            taxonomy_update(obj=locale, actor=None, data={"is_default": True})
        self.report.count("locale", locale is None)

    def _category(self, record: dict) -> None:
        locale = self._locale_of(record)
        slug = _require(record, "slug")
        if Category.objects.filter(locale=locale, slug=slug).exists():
            return self.report.count("category", False)
        parent = None
        if record.get("parent") is not None:
            parent = Category.objects.filter(locale=locale, slug=record["parent"]).first()
            if parent is None:
                raise UnknownKey(f"parent category {record['parent']!r} is not defined before")
        data = {
            "name": _require(record, "name"),
            "slug": slug,
            "locale": locale,
            "parent": parent,
            "description": record.get("description") or "",
        }
        taxonomy_create(model=Category, actor=None, data=data)
        self.report.count("category", True)

    def _tag(self, record: dict) -> None:
        locale = self._locale_of(record)
        slug = _require(record, "slug")
        created = not Tag.objects.filter(locale=locale, slug=slug).exists()
        if created:
            data = {"name": _require(record, "name"), "slug": slug, "locale": locale}
            taxonomy_create(model=Tag, actor=None, data=data)
        self.report.count("tag", created)

    def _media(self, record: dict) -> None:
        digest = _require(record, "sha256")
        try:
            data = base64.b64decode(_require(record, "data"), validate=True)
        except binascii.Error:
            raise ValueError("`data` is not valid base64") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError("`data` does not match its sha256; the file is damaged")
        metadata = {
            name: record[name]
            for name in ("title", "alt_text", "caption", "credit", "focal_point_x", "focal_point_y")
            if record.get(name) is not None
        }
        upload = SimpleUploadedFile(str(record.get("filename") or "upload"), data)
        asset, created = services.media_upload(actor=None, file=upload, data=metadata)
        self.media[asset.sha256] = asset.pk
        self.report.count("media", created)

    # --- Items of the publishable types -----------------------------------------------------

    def _keys(self, locale: Locale) -> Keys:
        return Keys(
            media=self.media,
            categories=dict(Category.objects.filter(locale=locale).values_list("slug", "pk")),
            tags=dict(Tag.objects.filter(locale=locale).values_list("slug", "pk")),
            users=self.users,
        )

    def _entry(self, entry_type: EntryType, record: dict) -> None:
        model, kind = entry_type.model, entry_type.api_name
        locale = self._locale_of(record)
        key = uuid.UUID(_require(record, "translation_key"))
        if model.objects.filter(locale=locale, translation_key=key).exists():
            return self.report.count(kind, False)
        status = _require(record, "status")
        if status not in Status.values:
            raise ValueError(f"unknown status {status!r}")
        keys, skip = self._keys(locale), not_content(entry_type)
        latest = self._content(entry_type, _require(record, "latest", dict), keys, skip)
        live_raw = record.get("live")
        live = None
        if live_raw == "latest":
            live = latest
        elif isinstance(live_raw, dict):
            live = self._content(entry_type, live_raw, keys, skip)
        elif live_raw is not None:
            raise ValueError('`live` must be null, "latest" or an object')
        create = {**(live or latest), "locale": locale.pk, "translation_key": str(key)}
        if record.get("owner") in self.users:
            create["owner"] = self.users[record["owner"]]
        entry_type.behaviour.import_data(record, create, locale)
        entry = services.entry_create(model=model, actor=None, data=create, message="Imported")
        if live is not None:
            entry = services.entry_publish(entry=entry, actor=None)
            if live is not latest:
                entry = services.entry_update(
                    entry=entry, actor=None, data=latest, message="Imported (unpublished changes)"
                )
        entry = self._settle(entry, record, status, live is not None)
        entry = entry_type.behaviour.after_import(entry, record)
        # Archived and unpublished items keep their publication history too.
        self.published.setdefault(model, {})[entry.pk] = {
            "first_published_at": _datetime(record.get("first_published_at"), "first"),
            "last_published_at": _datetime(record.get("last_published_at"), "last"),
        }
        if any(internal_paths(content.get("body")) for content in (latest, live or {})):
            self.linking.setdefault(model, []).append(entry.pk)
        self.report.count(kind, True)

    def _content(self, entry_type: EntryType, raw: dict, keys: Keys, skip) -> dict:
        content = content_from_keys(raw, keys, skip)
        if entry_type.runtime:  # values by field api_id → the fields entry_create takes
            content.update(data_from_api_ids(entry_type, content.pop("data", {}), keys))
        return content

    def _settle(self, entry: Any, record: dict, status: str, is_live: bool) -> Any:
        """Walk the item to its exported status through the lifecycle services."""
        publish_at = _datetime(record.get("publish_at"), "publish_at")
        expire_at = _datetime(record.get("expire_at"), "expire_at")
        now = timezone.now()
        if status in (Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED):
            entry = services.entry_submit(entry=entry, actor=None, message="Imported")
        if status in (Status.APPROVED, Status.SCHEDULED):
            # Approved as the system, so the scheduler may publish it when it is due.
            entry = services.entry_approve(entry=entry, actor=None, message="Imported")
        if status == Status.ARCHIVED:
            entry = services.entry_archive(entry=entry, actor=None)
        if status == Status.SCHEDULED and publish_at is not None:
            if publish_at > now:
                entry = services.entry_schedule(
                    entry=entry, actor=None, publish_at=publish_at, expire_at=expire_at
                )
            else:
                # Overdue: entry_schedule refuses a past time, but the source site still
                # owed this publish; the scheduler's catch-up picks it up on its next run.
                type(entry).objects.filter(pk=entry.pk).update(
                    status=Status.SCHEDULED, publish_at=publish_at, expire_at=expire_at
                )
        elif is_live and expire_at is not None and expire_at > now:
            entry = services.entry_schedule(
                entry=entry, actor=None, publish_at=None, expire_at=expire_at
            )
        return entry

    # --- Redirects ------------------------------------------------------------------------

    def _redirect(self, record: dict) -> None:
        locale = self._locale_of(record)
        old_path, new_path = _require(record, "old_path"), _require(record, "new_path")
        if Redirect.objects.filter(locale=locale, old_path=old_path).exists():
            return self.report.count("redirect", False)
        target = None
        if isinstance(record.get("target"), dict):
            kind = record["target"].get("type")
            if kind not in api_names():
                raise ValueError(f"`target.type` must be one of {', '.join(api_names())}")
            items = entry_type(kind).model.objects
            target = items.filter(
                locale__code=record["target"].get("locale"),
                translation_key=uuid.UUID(record["target"]["translation_key"]),
            ).first()
        if record.get("is_auto"):
            # Automatic redirects have their own service (no permission check, chains flattened).
            redirect_auto_create(old_path=old_path, new_path=new_path, locale=locale, target=target)
        else:
            redirect_create(
                actor=None,
                data={
                    "old_path": old_path,
                    "new_path": new_path,
                    "locale": locale,
                    "is_permanent": bool(record.get("is_permanent", True)),
                },
            )
        self.report.count("redirect", True)

    # --- Finish ---------------------------------------------------------------------------

    def finish(self) -> None:
        """Link the items to those imported after them, restore the original publication
        times, then rebuild the live items' snapshots."""
        for model, ids in self.linking.items():
            for start in range(0, len(ids), 500):
                batch = model.objects.filter(pk__in=ids[start : start + 500])
                for entry in batch.select_related("latest_revision", "live_revision"):
                    references_rebuild(entry=entry)
        for model, times in self.published.items():
            for pk, values in times.items():
                # No service sets publication history: publishing stamps "now". Written
                # directly so an imported site shows the dates its readers knew.
                fields = {k: v for k, v in values.items() if v is not None}
                if fields:
                    model.objects.filter(pk=pk).update(**fields)
            # Live items only: snapshot_refresh drops the snapshot of anything else.
            ids = list(
                model.objects.filter(pk__in=list(times), live_revision__isnull=False).values_list(
                    "pk", flat=True
                )
            )
            for start in range(0, len(ids), 500):
                snapshot_refresh(model=model, entry_ids=ids[start : start + 500])
