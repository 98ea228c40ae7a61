"""Inline HTML in one canonical form: the one the admin's body editor writes back.

The editor (ProseMirror, under django-prose-editor) keeps a line of rich text as runs of
text and line breaks, each under a set of marks (strong, em, code, s, sub, sup, a link).
It keeps nothing else: adjacent runs with the same marks are merged, marks are nested in
one fixed order, empty ones vanish, and `<em><strong>x</strong></em>` comes back as
`<strong><em>x</em></strong>`. Storing every HTML field in that form (content.blocks runs
it after nh3) means an editor's save cannot change a block the editor did not touch.
Newlines become spaces, which is how HTML renders them.
"""

from __future__ import annotations

from html.parser import HTMLParser

# Outermost first. The link wraps the others, as in the editor (its mark has priority).
MARK_ORDER = ("a", "strong", "em", "code", "s", "sub", "sup")
_RANK = {tag: rank for rank, tag in enumerate(MARK_ORDER)}

Mark = tuple[str, str]  # (tag, href); href is "" except for links
Run = tuple[tuple[Mark, ...], str | None]  # (marks, text); None is a <br>


class _RunReader(HTMLParser):
    """Reads nh3's output (well-formed, only the inline tags) into runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[Mark] = []
        self.runs: list[Run] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.runs.append((self._marks(), None))
        else:
            href = (dict(attrs).get("href") or "") if tag == "a" else ""
            self.open.append((tag, href))

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.runs.append((self._marks(), None))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        text = data.replace("\n", " ")
        if not text:
            return
        marks = self._marks()
        if self.runs and self.runs[-1][1] is not None and self.runs[-1][0] == marks:
            self.runs[-1] = (marks, self.runs[-1][1] + text)
        else:
            self.runs.append((marks, text))

    def _marks(self) -> tuple[Mark, ...]:
        marks: dict[str, str] = {}
        for tag, href in self.open:
            if tag == "a":
                if href:  # a link without a target is no link (the editor drops it too)
                    marks["a"] = href
            elif tag in _RANK:
                marks[tag] = ""
        return tuple(sorted(marks.items(), key=lambda mark: _RANK[mark[0]]))


def _escape_text(text: str) -> str:
    # The escaping nh3 (html5ever) uses, so its output and ours are the same string.
    return (
        text.replace("&", "&amp;")
        .replace("\u00a0", "&nbsp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("\u00a0", "&nbsp;").replace('"', "&quot;")


def _open_tag(mark: Mark) -> str:
    tag, href = mark
    return f'<a href="{_escape_attribute(href)}" rel="noopener">' if tag == "a" else f"<{tag}>"


def canonical_inline_html(html: str) -> str:
    """nh3-sanitised inline HTML in the editor's form (ProseMirror's DOMSerializer)."""
    if "<" not in html and "\n" not in html:
        return html  # text only: already canonical
    reader = _RunReader()
    reader.feed(html)
    reader.close()
    out: list[str] = []
    active: list[Mark] = []
    for marks, text in reader.runs:
        keep = 0  # marks still open from the previous run stay open
        while keep < len(active) and keep < len(marks) and active[keep] == marks[keep]:
            keep += 1
        while len(active) > keep:
            out.append(f"</{active.pop()[0]}>")
        for mark in marks[keep:]:
            out.append(_open_tag(mark))
            active.append(mark)
        out.append("<br>" if text is None else _escape_text(text))
    out.extend(f"</{mark[0]}>" for mark in reversed(active))
    return "".join(out)
