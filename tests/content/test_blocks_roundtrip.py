"""Every body block survives the admin editor's HTML: rendered for the editor and read
back, a clean body is the same body; what the editor itself writes reads back as the
blocks it shows; and what no block can hold is refused by name, never degraded.
"""

from __future__ import annotations

import itertools

import nh3
import pytest

from content.blocks import (
    CALLOUT_TONES,
    HEADING_LEVELS,
    INLINE_TAGS,
    body_clean,
    sanitize_inline_html,
)
from content.blocks_html import EditorHTMLError, blocks_to_html, html_to_blocks


def p(text: str) -> dict:
    return {"type": "paragraph", "value": {"text": text}}


INLINE = [
    "Plain words",
    'Read <a href="/about/">about us</a> and <a href="https://example.com/?a=1&amp;b=2">more</a>',
    "<strong>bold</strong>, <em>italic</em>, <code>code</code>, <s>gone</s>, H<sub>2</sub>O",
    "x<sup>2</sup> and <sub><sup>both</sup></sub>",
    "<em><strong>nested</strong> and not</em>",
    '<a href="/x"><code>linked code</code></a> <strong><a href="/y">bold link</a></strong>',
    "A line<br>and the next<br>",
    "<br>",
    "<strong>a<br>b</strong> c",
    "two  spaces,\ta tab, &amp; &lt;tag&gt; &quot;quotes&quot; and \u00a0non-breaking",
    "Unicode: naïve café 😀 — “quoted”",
    "<strong>a </strong> b <em> c</em>",
    "line\nbreaks\r\nin the source",
]

BODIES = {
    "paragraphs": [p(text) for text in INLINE],
    "headings": [
        {"type": "heading", "value": {"text": f"Level {level} <em>x</em>", "level": level}}
        for level in HEADING_LEVELS
    ],
    "image": [
        {"type": "image", "value": {"image": 7, "alt": 'Alt & "text"', "caption": "A caption"}},
        {"type": "image", "value": {"image": 8}},
        {"type": "image", "value": {"image": 9, "alt": "multi\nline", "caption": " spaced  out "}},
    ],
    "quotes": [
        {"type": "quote", "value": {"text": "Said <em>well</em>", "attribution": "Someone & Co"}},
        {"type": "quote", "value": {"text": "No one said it"}},
        {"type": "quote", "value": {"text": "Two<br>lines", "attribution": ""}},
    ],
    "lists": [
        {"type": "list", "value": {"style": "bulleted", "items": INLINE}},
        {"type": "list", "value": {"style": "numbered", "items": ["one", "", "three"]}},
    ],
    "embeds": [{"type": "embed", "value": {"url": "https://www.youtube.com/watch?v=x&t=42"}}],
    "code": [
        {"type": "code", "value": {"language": "python", "code": "def f():\n\n    return 1\n"}},
        {"type": "code", "value": {"language": "", "code": "  leading spaces\r\n\r\ncrlf\rcr"}},
        {"type": "code", "value": {"language": "c++", "code": "\nstarts with a newline\n\n"}},
        {"type": "code", "value": {"language": "html", "code": "<script>x</script> &amp;"}},
        {"type": "code", "value": {"code": ""}},
    ],
    "callouts": [
        {"type": "callout", "value": {"tone": tone, "text": f"A <strong>{tone}</strong> note"}}
        for tone in CALLOUT_TONES
    ],
}
BODIES["all together"] = list(itertools.chain.from_iterable(BODIES.values()))


@pytest.mark.parametrize("name", BODIES)
def test_a_clean_body_reads_back_from_its_editor_html_unchanged(name):
    body = body_clean(BODIES[name], check_media=False)
    html = blocks_to_html(body)
    assert html_to_blocks(html) == body
    # An untouched editor posts the same HTML back, with a textarea's \r\n line ends.
    assert html_to_blocks(html.replace("\n", "\r\n")) == body


def test_cleaning_is_stable():
    body = body_clean(BODIES["all together"], check_media=False)
    assert body_clean(body, check_media=False) == body


# What the editor (ProseMirror, with content/body_editor.js and body_nodes.js) writes
# back for a body of every block: its own mark order, <p> inside list items, an empty
# <footer> for a quote without attribution, classes on figures, data-type on lists.
EDITOR_HTML = (
    "<h2>Every block</h2><p>Inline: <strong>bold</strong>, "
    '<a rel="noopener" href="/about/">a link</a>, <strong><em>nested</em></strong>'
    '<em> marks</em> and <a rel="noopener" href="https://example.com/?a=1&amp;b=2">'
    "<code>linked code</code></a>.</p><p>A line<br>and a break,  two spaces &amp; &lt;</p>"
    '<h4>Level <em>four</em></h4><figure class="figure"><img src="/media/x.png" '
    'alt="A blue square" data-media-id="5"><figcaption class="figure-caption">Blue'
    '</figcaption></figure><figure class="figure"><img src="" alt="" data-media-id="5">'
    "</figure><blockquote><p>Said <em>well</em></p><footer>Someone</footer></blockquote>"
    "<blockquote><p>Said by nobody</p><footer></footer></blockquote><ul><li><p>One</p></li>"
    '<li><p></p></li><li><p>3<br></p></li></ul><ol data-type="decimal"><li><p>'
    '<a rel="noopener" href="/1/">First</a></p></li></ol><div class="embed" '
    'data-url="https://vimeo.com/1?a=1&amp;b=2"><a href="https://vimeo.com/1?a=1&amp;b=2">'
    'https://vimeo.com/1?a=1&amp;b=2</a></div><pre><code class="language-python">'
    "def f():\n\n    return 1\n</code></pre><pre><code>  indented\n\tand a tab</code></pre>"
    '<aside class="callout callout-warning" data-tone="warning">A <em>warning</em></aside>'
    "<p></p>"
)


def test_what_the_editor_writes_reads_back_as_its_blocks():
    blocks = html_to_blocks(EDITOR_HTML)
    assert blocks == [
        {"type": "heading", "value": {"text": "Every block", "level": 2}},
        p(
            'Inline: <strong>bold</strong>, <a href="/about/" rel="noopener">a link</a>, '
            "<strong><em>nested</em></strong><em> marks</em> and "
            '<a href="https://example.com/?a=1&amp;b=2" rel="noopener">'
            "<code>linked code</code></a>."
        ),
        p("A line<br>and a break,  two spaces &amp; &lt;"),
        {"type": "heading", "value": {"text": "Level <em>four</em>", "level": 4}},
        {"type": "image", "value": {"image": 5, "alt": "A blue square", "caption": "Blue"}},
        {"type": "image", "value": {"image": 5, "alt": "", "caption": ""}},
        {"type": "quote", "value": {"text": "Said <em>well</em>", "attribution": "Someone"}},
        {"type": "quote", "value": {"text": "Said by nobody", "attribution": ""}},
        {"type": "list", "value": {"style": "bulleted", "items": ["One", "", "3<br>"]}},
        {
            "type": "list",
            "value": {"style": "numbered", "items": ['<a href="/1/" rel="noopener">First</a>']},
        },
        {"type": "embed", "value": {"url": "https://vimeo.com/1?a=1&b=2"}},
        {"type": "code", "value": {"language": "python", "code": "def f():\n\n    return 1\n"}},
        {"type": "code", "value": {"language": "", "code": "  indented\n\tand a tab"}},
        {"type": "callout", "value": {"tone": "warning", "text": "A <em>warning</em>"}},
    ]
    assert body_clean(blocks, check_media=False) == blocks


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<ul><li><p>a</p><ul><li><p>b</p></li></ul></li></ul>", "Block 2 (list): a list item"),
        ("<ol><li><p>a</p><p>b</p></li></ol>", "Block 2 (list): a list item"),
        ("<blockquote><p>a</p><p>b</p></blockquote>", "Block 2 (quote): a quote holds one"),
        ("<blockquote><h2>a</h2></blockquote>", "Block 2 (quote): a quote holds one"),
        (
            "<aside class='callout callout-info'><p>a</p></aside>",
            "Block 2 (callout): it holds a <p>",
        ),
        ("<table><tr><td>cell</td></tr></table>", "Block 2: a <table> cannot be kept"),
        ("<hr>", "Block 2: a <hr> cannot be kept"),
        ("<h1>Title</h1>", "Block 2 (heading): a <h1> cannot be kept"),
        ('<p>text <img src="/x.png" data-media-id="3"></p>', "Block 2 (image): an image inside"),
        ('<img src="https://elsewhere.example/x.png">', "Block 2 (image): an image that is not"),
        ("<figure><figcaption>No image</figcaption></figure>", "Block 2 (image): an image that"),
    ],
)
def test_what_no_block_can_hold_is_refused_by_name(html, message):
    with pytest.raises(EditorHTMLError) as exc:
        html_to_blocks(f"<p>Kept</p>{html}")
    assert [m[: len(message)] for m in exc.value.messages] == [message]


def test_every_refusal_is_listed_with_its_block_number():
    with pytest.raises(EditorHTMLError) as exc:
        html_to_blocks("<p>one</p><hr><p>three</p><table></table>")
    assert [m.split(":")[0] for m in exc.value.messages] == ["Block 2", "Block 4"]


def test_empty_lines_are_not_blocks():
    html = "<p></p><h2></h2><p>Kept</p><aside class='callout callout-info'></aside><ul></ul>"
    assert html_to_blocks(html + "<blockquote><p></p><footer></footer></blockquote>") == [p("Kept")]
    # A quote with an attribution but no text is kept, for body_clean to refuse by name.
    assert html_to_blocks("<blockquote><p></p><footer>Who</footer></blockquote>") == [
        {"type": "quote", "value": {"text": "", "attribution": "Who"}}
    ]


@pytest.mark.parametrize(
    ("stored", "canonical"),
    [
        ("<em><strong>x</strong></em>", "<strong><em>x</em></strong>"),
        ("<strong>a</strong><strong>b</strong>", "<strong>ab</strong>"),
        ("<strong></strong>text", "text"),
        ('<code><a href="/x">y</a></code>', '<a href="/x" rel="noopener"><code>y</code></a>'),
        ('<a href="/x">a</a><a href="/x">b</a>', '<a href="/x" rel="noopener">ab</a>'),
        (
            '<a href="/x">a</a><a href="/y">b</a>',
            '<a href="/x" rel="noopener">a</a><a href="/y" rel="noopener">b</a>',
        ),
        ("<a>no target</a>", "no target"),
        ("one\ntwo", "one two"),
        ("<em>a<br>b</em>", "<em>a<br>b</em>"),
    ],
)
def test_html_fields_are_stored_in_the_editors_form(stored, canonical):
    assert sanitize_inline_html(stored) == canonical


def test_the_stored_form_is_stable_under_nh3():
    samples = [*INLINE, "<em><strong>x</strong>y</em>", '<a href="/q?a=&quot;1&quot;">q</a>']
    marks = ["strong", "em", "code", "s", "sub", "sup"]
    samples += [f"<{a}>x<{b}>y</{b}>z</{a}>w" for a, b in itertools.permutations(marks, 2)]
    for sample in samples:
        once = sanitize_inline_html(sample)
        assert sanitize_inline_html(once) == once, sample
        # Our serialisation is nh3's own: it leaves the stored form exactly as it is.
        assert (
            nh3.clean(once, tags=INLINE_TAGS, attributes={"a": {"href"}}, link_rel="noopener")
            == once
        )


def test_plain_text_fields_are_one_line_and_code_keeps_its_lines():
    body = body_clean(
        [
            {"type": "image", "value": {"image": 1, "alt": " A\n cat ", "caption": "x\r\ny"}},
            {"type": "quote", "value": {"text": "q", "attribution": "Some\tone"}},
            {"type": "code", "value": {"code": "a\r\nb\rc\n  d"}},
        ],
        check_media=False,
    )
    assert body[0]["value"] == {"image": 1, "alt": "A cat", "caption": "x y"}
    assert body[1]["value"]["attribution"] == "Some one"
    assert body[2]["value"]["code"] == "a\nb\nc\n  d"
