"""Blocks ⇄ HTML, for the admin's WYSIWYG editor (django-prose-editor) and for previews.

`blocks_to_html(body)` renders a clean body the way the editor's nodes write it
(content/static/content/body_editor.js and body_nodes.js), and `html_to_blocks(html)`
reads that HTML back, so that `html_to_blocks(blocks_to_html(body)) == body` for every
body that passed `content.blocks.body_clean`:

    <p>, <h2>-<h4>                              paragraph, heading (inline HTML)
    <ul>/<ol> <li>[<p>]…[</p>]</li>             list: one line of inline HTML per item
    <blockquote><p>…</p><footer>…</footer>      quote; the footer is the attribution
    <pre><code class="language-x">…</code>      code, kept exactly (line ends as \\n)
    <aside class="callout callout-T" data-tone="T">   callout (inline HTML)
    <div class="embed" data-url="…">            embed
    <figure><img data-media-id alt><figcaption> image (a bare <img data-media-id> too)

HTML that the blocks cannot hold without losing something (a nested list, a second
paragraph in a quote, a table, an image that is not a MediaAsset) raises
`EditorHTMLError` naming the block, so the admin refuses the save instead of
degrading it. The blocks are still untrusted input: the service runs body_clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from content.blocks import line_text, normalize_newlines, sanitize_inline_html

VOID = {"br", "img", "hr", "wbr", "input", "source", "col", "embed", "area", "meta", "link"}
INLINE = {"a", "strong", "b", "em", "i", "code", "br", "s", "strike", "del", "sub", "sup"}
TAG_ALIASES = {"b": "strong", "i": "em", "strike": "s", "del": "s"}
SKIPPED = {"script", "style", "template", "noscript"}
# Elements that start a block of their own: inside a line of text they cannot be kept.
BLOCK_LEVEL = {
    *(f"h{level}" for level in range(1, 7)),
    *("p", "div", "ul", "ol", "li", "blockquote", "pre", "aside", "figure", "figcaption"),
    *("table", "hr", "section", "article", "header", "footer", "nav", "dl", "details"),
    *("iframe", "video", "audio", "object", "embed", "form"),
}

NOT_FROM_LIBRARY = (
    "an image that is not from the media library cannot be kept. "
    "Insert images with the image button and “Browse…”."
)
NESTED_LIST = (
    "a list item holds one line of text; nested lists and several paragraphs in one "
    "item cannot be kept."
)
QUOTE_SHAPE = "a quote holds one paragraph of text and an optional attribution."
IMAGE_IN_LINE = (
    "an image inside a line of text cannot be kept. Insert images with the image button, "
    "on a line of their own."
)
NOT_A_LINE = "it holds a <{tag}>, which cannot be kept inside a line of text."
UNKNOWN_ELEMENT = (
    "a <{tag}> cannot be kept in the body. Use paragraphs, headings (levels 2 to 4), "
    "lists, quotes, code, callouts, embeds and images."
)


class EditorHTMLError(ValueError):
    """The editor's HTML holds something the blocks cannot keep; `messages` say what."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class _Unrepresentable(Exception):
    def __init__(self, kind: str | None, reason: str):
        super().__init__(reason)
        self.kind, self.reason = kind, reason


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]

    def has_text(self) -> bool:
        return any(isinstance(child, str) and child.strip() for child in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse(markup: str) -> Node:
    builder = _TreeBuilder()
    # A browser posts a textarea's line ends as \r\n; HTML parsers read them as \n.
    builder.feed(normalize_newlines(markup))
    builder.close()
    return builder.root


# --- Reading ------------------------------------------------------------------------------


def _inline(node: Node, kind: str) -> str:
    """The inner HTML of a line of text, sanitised (unknown inline tags are unwrapped)."""

    def serialise(parent: Node) -> str:
        out = []
        for child in parent.children:
            if isinstance(child, str):
                out.append(escape(child, quote=False))
            elif child.tag == "img":
                has_id = child.attrs.get("data-media-id", "").isdigit()
                raise _Unrepresentable("image", IMAGE_IN_LINE if has_id else NOT_FROM_LIBRARY)
            elif child.tag in BLOCK_LEVEL:
                raise _Unrepresentable(kind, NOT_A_LINE.format(tag=child.tag))
            elif child.tag in SKIPPED:
                continue
            elif child.tag == "br":
                out.append("<br>")
            elif child.tag in INLINE:
                tag = TAG_ALIASES.get(child.tag, child.tag)
                href = child.attrs.get("href") if tag == "a" else None
                attrs = f' href="{escape(href)}"' if href is not None else ""
                out.append(f"<{tag}{attrs}>{serialise(child)}</{tag}>")
            else:
                out.append(serialise(child))
        return "".join(out)

    return sanitize_inline_html(serialise(node))


def _text(node: Node) -> str:
    return "".join(c if isinstance(c, str) else _text(c) for c in node.children)


def _find(node: Node, tag: str) -> Node | None:
    for child in node.elements():
        if child.tag == tag:
            return child
        found = _find(child, tag)
        if found is not None:
            return found
    return None


def _image(img: Node, caption: str = "") -> dict:
    raw = img.attrs.get("data-media-id", "")
    if not raw.isdigit():
        raise _Unrepresentable("image", NOT_FROM_LIBRARY)
    value = {"image": int(raw), "alt": line_text(img.attrs.get("alt", "")), "caption": caption}
    return {"type": "image", "value": value}


def _list(node: Node) -> dict | None:
    items = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                raise _Unrepresentable("list", NESTED_LIST)
            continue
        if child.tag != "li":
            raise _Unrepresentable("list", NESTED_LIST)
        # The editor wraps each item's text in a <p>; a plain <li> holds the text itself.
        parts = [c for c in child.children if isinstance(c, Node) or c.strip()]
        if len(parts) == 1 and isinstance(parts[0], Node) and parts[0].tag == "p":
            child = parts[0]
        elif any(isinstance(part, Node) and part.tag in BLOCK_LEVEL for part in parts):
            raise _Unrepresentable("list", NESTED_LIST)
        items.append(_inline(child, "list"))
    style = "numbered" if node.tag == "ol" else "bulleted"
    return {"type": "list", "value": {"style": style, "items": items}} if items else None


def _quote(node: Node) -> dict | None:
    paragraphs = [c for c in node.elements() if c.tag == "p"]
    footers = [c for c in node.elements() if c.tag in ("footer", "cite")]
    others = [c for c in node.elements() if c.tag not in ("p", "footer", "cite")]
    if len(paragraphs) > 1 or len(footers) > 1 or others or node.has_text():
        raise _Unrepresentable("quote", QUOTE_SHAPE)
    text = _inline(paragraphs[0], "quote") if paragraphs else ""
    attribution = line_text(_text(footers[0])) if footers else ""
    if not text and not attribution:
        return None
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def _code(node: Node) -> dict:
    code = node.elements()[0] if [c.tag for c in node.elements()] == ["code"] else node
    classes = code.attrs.get("class", "").split() + node.attrs.get("class", "").split()
    language = next((c[9:] for c in classes if c.startswith("language-")), "")
    return {"type": "code", "value": {"language": language, "code": _text(code)}}


def _callout(node: Node) -> dict | None:
    classes = node.attrs.get("class", "").split()
    tone = node.attrs.get("data-tone") or next(
        (c[8:] for c in classes if c.startswith("callout-")), "info"
    )
    text = _inline(node, "callout")
    return {"type": "callout", "value": {"tone": tone, "text": text}} if text else None


def _block(node: Node) -> dict | None:
    """One top-level element as a block (None: empty, nothing to keep)."""
    tag = node.tag
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        if tag not in {"h2", "h3", "h4"}:
            raise _Unrepresentable("heading", UNKNOWN_ELEMENT.format(tag=tag))
        text = _inline(node, "heading")
        return {"type": "heading", "value": {"text": text, "level": int(tag[1])}} if text else None
    if tag in {"ul", "ol"}:
        return _list(node)
    if tag == "blockquote":
        return _quote(node)
    if tag == "pre":
        return _code(node)
    if tag == "aside":
        return _callout(node)
    embed_div = tag == "div" and (
        "data-url" in node.attrs or "embed" in node.attrs.get("class", "").split()
    )
    if tag == "iframe" or embed_div:
        url = (node.attrs.get("data-url") or node.attrs.get("src", "")).strip()
        return {"type": "embed", "value": {"url": url}}
    if tag == "figure":
        img = _find(node, "img")
        if img is None:
            raise _Unrepresentable("image", NOT_FROM_LIBRARY)
        caption = _find(node, "figcaption")
        return _image(img, line_text(_text(caption)) if caption else "")
    if tag == "img":
        return _image(node)
    if tag in {"p", "div"}:
        text = _inline(node, "paragraph")
        return {"type": "paragraph", "value": {"text": text}} if text else None
    raise _Unrepresentable(None, UNKNOWN_ELEMENT.format(tag=tag))


def html_to_blocks(markup: str) -> list[dict]:
    """The editor's HTML as blocks; raises EditorHTMLError for what blocks cannot keep."""
    blocks: list[dict] = []
    errors: list[str] = []

    def add(node: Node) -> None:
        try:
            block = _block(node)
        except _Unrepresentable as exc:
            label = f"Block {len(blocks) + len(errors) + 1}"
            label += f" ({exc.kind})" if exc.kind else ""
            errors.append(f"{label}: {exc.reason}")
            return
        if block is not None:
            blocks.append(block)

    loose = Node("p")  # text outside any block becomes a paragraph
    for child in _parse(markup or "").children:
        if isinstance(child, str) or child.tag in INLINE:
            if loose.children or not isinstance(child, str) or child.strip():
                loose.children.append(child)
            continue
        if loose.children:
            add(loose)
            loose = Node("p")
        if child.tag not in SKIPPED:
            add(child)
    if loose.children:
        add(loose)
    if errors:
        raise EditorHTMLError(errors)
    return blocks


# --- Rendering ----------------------------------------------------------------------------


def _render_block(block: dict, media_urls: dict[int, str]) -> str:
    kind, value = block["type"], block["value"]
    if kind == "paragraph":
        return f"<p>{value['text']}</p>"
    if kind == "heading":
        return f"<h{value['level']}>{value['text']}</h{value['level']}>"
    if kind == "image":
        media_id = value["image"]
        src = escape(media_urls.get(media_id, ""))
        alt = escape(value.get("alt", ""))
        caption = value.get("caption", "")
        figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        return (
            f'<figure><img src="{src}" alt="{alt}" data-media-id="{media_id}">{figcaption}</figure>'
        )
    if kind == "quote":
        attribution = value.get("attribution", "")
        footer = f"<footer>{escape(attribution)}</footer>" if attribution else ""
        return f"<blockquote><p>{value['text']}</p>{footer}</blockquote>"
    if kind == "list":
        tag = "ol" if value["style"] == "numbered" else "ul"
        items = "".join(f"<li>{item}</li>" for item in value["items"])
        return f"<{tag}>{items}</{tag}>"
    if kind == "embed":
        url = escape(value["url"])
        return f'<div class="embed" data-url="{url}"><a href="{url}">{url}</a></div>'
    if kind == "code":
        language = escape(value.get("language", ""))
        cls = f' class="language-{language}"' if language else ""
        return f"<pre><code{cls}>{escape(value['code'], quote=False)}</code></pre>"
    if kind == "callout":
        tone = escape(value["tone"])
        return f'<aside class="callout callout-{tone}" data-tone="{tone}">{value["text"]}</aside>'
    return ""


def blocks_to_html(body: list[dict], *, media_urls: dict[int, str] | None = None) -> str:
    """Render a body that already passed body_clean (HTML fields are trusted as sanitised)."""
    return "\n".join(_render_block(block, media_urls or {}) for block in body)
