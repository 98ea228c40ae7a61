"""What a client listens to: types, slugs, paths and tags. Within a list any value
matches; across lists all must (types=[article] and tags=[news]: news articles). A
subscription with no lists hears every event. A path matches the item's URL and the
URLs under it ("/about/" matches "/about/team/")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FILTERS = ("types", "slugs", "paths", "tags")
MAX_VALUES = 100  # per list
MAX_VALUE_LENGTH = 1024


class FrameError(Exception):
    """A client frame Folio refuses: answered with an error frame, the connection stays."""

    def __init__(self, code: str, detail: str, **about: Any) -> None:
        super().__init__(detail)
        self.code, self.detail, self.about = code, detail, about

    def frame(self) -> dict[str, Any]:
        """The error frame; `about` names what it refers to (the item of a watch)."""
        return {"event": "error", "code": self.code, "detail": self.detail, **self.about}


@dataclass(frozen=True)
class Subscription:
    types: frozenset[str] = frozenset()
    slugs: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, lists: Mapping[str, Any]) -> Subscription:
        """From a subscribe frame's (or an SSE query's) lists; FrameError if one is not a
        list of strings."""
        values: dict[str, list[str]] = {}
        for name in FILTERS:
            given = lists.get(name) or []
            if (
                not isinstance(given, list)
                or len(given) > MAX_VALUES
                or not all(isinstance(v, str) and 0 < len(v) <= MAX_VALUE_LENGTH for v in given)
            ):
                raise FrameError(
                    "invalid_subscription",
                    f"`{name}` must be a list of at most {MAX_VALUES} non-empty strings.",
                )
            values[name] = given
        return cls(
            frozenset(values["types"]),
            frozenset(values["slugs"]),
            tuple(p if p.endswith("/") else f"{p}/" for p in values["paths"]),
            frozenset(values["tags"]),
        )

    def matches(self, event: Mapping[str, Any]) -> bool:
        url = event.get("url") or ""
        url = url if url.endswith("/") else f"{url}/"
        return (
            (not self.types or event.get("type") in self.types)
            and (not self.slugs or event.get("slug") in self.slugs)
            and (not self.paths or any(url.startswith(p) for p in self.paths))
            and (not self.tags or not self.tags.isdisjoint(event.get("tags") or ()))
        )

    def as_frame(self) -> dict[str, list[str]]:
        return {name: sorted(getattr(self, name)) for name in FILTERS}
