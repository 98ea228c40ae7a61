"""Blocks ⇄ HTML, for the admin's WYSIWYG editor (django-prose-editor) and for previews.

`blocks_to_html(body)` renders a clean body; `html_to_blocks(html)` turns the editor's
HTML (p, h2-h4, ul/ol/li, blockquote, pre>code, img[data-media-id], figure, aside
callouts) back into blocks. The result of the parser is not trusted: pass it through
`content.blocks.body_clean` like any other body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = {"br", "img", "hr", "wbr", "input", "source"}
INLINE = {"a", "strong", "b", "em", "i", "code", "br", "s", "strike", "sub", "sup", "span", "u"}
TAG_ALIASES = {"b": "strong", "i": "em", "strike": "s"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


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
    builder.feed(markup)
    builder.close()
    return builder.root


def _inner_html(node: Node) -> str:
    """Serialise children; body_clean sanitises the result afterwards."""
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(escape(child, quote=False))
        elif child.tag in INLINE:
            tag = TAG_ALIASES.get(child.tag, child.tag)
            if tag == "br":
                out.append("<br>")
            elif tag == "span" or tag == "u":
                out.append(_inner_html(child))
            else:
                href = child.attrs.get("href") if tag == "a" else None
                attrs = f' href="{escape(href)}"' if href is not None else ""
                out.append(f"<{tag}{attrs}>{_inner_html(child)}</{tag}>")
        else:
            out.append(_inner_html(child))
    return "".join(out).strip()


def _text(node: Node) -> str:
    return "".join(c if isinstance(c, str) else _text(c) for c in node.children)


def _find(node: Node, tag: str) -> Node | None:
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found is not None:
                return found
    return None


def _image_block(img: Node, caption: str = "") -> dict | None:
    raw = img.attrs.get("data-media-id", "")
    if not raw.isdigit():
        return None  # an image that is not a MediaAsset cannot be kept
    return {
        "type": "image",
        "value": {"image": int(raw), "alt": img.attrs.get("alt", ""), "caption": caption},
    }


def _node_to_blocks(node: Node) -> list[dict]:
    tag = node.tag
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        level = min(max(int(tag[1]), 2), 4)
        text = _inner_html(node)
        return [{"type": "heading", "value": {"text": text, "level": level}}] if text else []
    if tag in {"ul", "ol"}:
        items = [_inner_html(li) for li in node.children if isinstance(li, Node) and li.tag == "li"]
        style = "numbered" if tag == "ol" else "bulleted"
        items = [item for item in items if item]
        return [{"type": "list", "value": {"style": style, "items": items}}] if items else []
    if tag == "blockquote":
        paragraphs = [c for c in node.children if isinstance(c, Node) and c.tag == "p"]
        text = "<br>".join(_inner_html(p) for p in paragraphs) if paragraphs else _inner_html(node)
        footer = _find(node, "footer") or _find(node, "cite")
        value = {"text": text, "attribution": _text(footer).strip() if footer else ""}
        return [{"type": "quote", "value": value}] if text else []
    if tag == "pre":
        code = _find(node, "code") or node
        language = next(
            (c[9:] for c in code.attrs.get("class", "").split() if c.startswith("language-")), ""
        )
        return [{"type": "code", "value": {"language": language, "code": _text(code)}}]
    if tag == "aside":
        classes = node.attrs.get("class", "").split()
        tone = next((c[8:] for c in classes if c.startswith("callout-")), "info")
        return [{"type": "callout", "value": {"tone": tone, "text": _inner_html(node)}}]
    if tag == "iframe" or (tag == "div" and "data-url" in node.attrs):
        url = node.attrs.get("data-url") or node.attrs.get("src", "")
        return [{"type": "embed", "value": {"url": url}}]
    if tag == "figure":
        img = _find(node, "img")
        caption = _find(node, "figcaption")
        block = _image_block(img, _text(caption).strip() if caption else "") if img else None
        return [block] if block else []
    if tag == "img":
        block = _image_block(node)
        return [block] if block else []
    if tag == "p" or tag == "div":
        # The editor may put an image inside a paragraph; lift it out as its own block.
        blocks: list[dict] = []
        images = [c for c in node.children if isinstance(c, Node) and c.tag == "img"]
        for img in images:
            node.children.remove(img)
            block = _image_block(img)
            if block:
                blocks.append(block)
        text = _inner_html(node)
        if text and text != "<br>":
            blocks.insert(0, {"type": "paragraph", "value": {"text": text}})
        return blocks
    text = _inner_html(node)
    return [{"type": "paragraph", "value": {"text": text}}] if text else []


def html_to_blocks(markup: str) -> list[dict]:
    """Turn editor HTML into (unvalidated) blocks; loose inline content becomes paragraphs."""
    blocks: list[dict] = []
    loose = Node("p")
    for child in _parse(markup or "").children:
        if isinstance(child, str) or child.tag in INLINE:
            loose.children.append(child)
            continue
        if loose.children:
            blocks.extend(_node_to_blocks(loose))
            loose = Node("p")
        if child.tag in {"script", "style", "template"}:
            continue
        blocks.extend(_node_to_blocks(child))
    if loose.children:
        blocks.extend(_node_to_blocks(loose))
    return blocks


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
        return f'<aside class="callout callout-{tone}">{value["text"]}</aside>'
    return ""


def blocks_to_html(body: list[dict], *, media_urls: dict[int, str] | None = None) -> str:
    """Render a body that already passed body_clean (HTML fields are trusted as sanitised)."""
    return "\n".join(_render_block(block, media_urls or {}) for block in body)
