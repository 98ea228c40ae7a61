"""Widgets for the content admin: the WYSIWYG body editor and small display helpers.

The body editor is django-prose-editor with one editor node per body block
(content.blocks): paragraphs, h2-h4, lists, quotes with their attribution, code blocks
with their language, callouts with their tone, embeds and figures, and the inline marks
the blocks keep. Our nodes and overrides are plain ES modules (content/body_editor.js,
content/body_nodes.js) the "configurable" preset loads. Figures come only from the media
library: the editor's "Browse..." button opens the image chooser (a modal, rendered after
the editor: content/chooser.js answers the editor's picker callback from it), and the
Image override keeps the picked asset's id on the <img> as data-media-id, which
content.blocks_html turns into an image block.
"""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_prose_editor.widgets import AdminProseEditorWidget
from unfold.widgets import BASE_INPUT_CLASSES

from content.blocks import CALLOUT_TONES, body_image_ids
from content.blocks_html import blocks_to_html
from content.models import MediaAsset, Status

# Stored rendition specs (canonical form) the admin shows, when they exist already:
# Celery pre-generates both after an upload; until then the original is shown.
DISPLAY_SPEC = "max-1200x1200"
THUMBNAIL_SPEC = "fill-400x300"

# Every inline tag content.blocks keeps has its mark here, and nothing else does: a mark
# the editor lacked would be dropped from stored text on the first save.
BODY_EXTENSIONS = {
    "KeepWhitespace": True,
    "Bold": True,
    "Italic": True,
    "Code": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    # A numbered list block has no start number or numbering style to keep.
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Blockquote": True,
    "CodeBlock": True,
    "Callout": {"tones": list(CALLOUT_TONES)},
    "Embed": True,
    "Figure": {"pickerUrl": reverse_lazy("admin:content_mediaasset_picker")},
    "Caption": True,
    "Image": True,
}
BODY_JS_MODULES = ("content/body_editor.js", "content/body_nodes.js")


class BodyEditorWidget(AdminProseEditorWidget):
    """The prose editor with a node for every body block, and its toolbar buttons."""

    def __init__(self, attrs=None):
        super().__init__(attrs, config={"extensions": BODY_EXTENSIONS}, preset="configurable")

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["content/body_editor.css", "content/chooser.css"]},
            js=["content/chooser.js"],
        )

    def render(self, name, value, attrs=None, renderer=None):
        editor = super().render(name, value, attrs, renderer)
        chooser = {
            "url": reverse("admin:content_mediaasset_picker"),
            "title": "Choose an image",
            "media": True,
            "upload_url": reverse("admin:content_mediaasset_upload"),
            "input_classes": " ".join(BASE_INPUT_CLASSES),
        }
        context = {"chooser": chooser, "dialog_id": f"{(attrs or {}).get('id', name)}_images"}
        images = render_to_string("admin/content/chooser/body_images.html", context)
        return mark_safe(editor + images)  # noqa: S308 - both rendered by templates

    def get_config(self):
        config = super().get_config()
        # The "configurable" preset imports these; their exports (Image, Blockquote, ...)
        # replace the built-in extensions of the same name or add new ones (Callout, ...).
        modules = [static(path) for path in BODY_JS_MODULES]
        config["js_modules"] = [*config["js_modules"], *modules]
        return config


def asset_url(asset: MediaAsset, spec: str = DISPLAY_SPEC) -> str:
    """A stored rendition's URL, else the original's. Prefetch `renditions` for lists."""
    for rendition in asset.renditions.all():
        if rendition.spec == spec:
            return rendition.file.url
    return asset.file.url


def body_html(body: list[dict]) -> str:
    """The stored blocks as editor HTML, image blocks pointing at their media's URLs."""
    ids = body_image_ids(body)
    assets = MediaAsset.objects.filter(pk__in=ids).prefetch_related("renditions") if ids else []
    return blocks_to_html(body, media_urls={asset.pk: asset_url(asset) for asset in assets})


def thumbnail(asset: MediaAsset | None, css: str = "folio-thumb") -> str:
    if asset is None or asset.kind != "image":
        return format_html('<span class="{}">{}</span>', css, asset.mime_type if asset else "—")
    return format_html(
        '<img class="{}" src="{}" alt="{}" loading="lazy">',
        css,
        asset_url(asset, THUMBNAIL_SPEC),
        asset.alt_text,
    )


def status_badge(obj) -> str:
    """A colour-coded status pill; trashed and 'changes not yet published' are flagged too."""
    if obj.deleted_at is not None:
        return format_html('<span class="folio-badge folio-badge--{}">In trash</span>', "trashed")
    badge = format_html(
        '<span class="folio-badge folio-badge--{}">{}</span>',
        obj.status,
        obj.get_status_display(),
    )
    if obj.status == Status.PUBLISHED and obj.has_unpublished_changes:
        return format_html(
            '{} <span class="folio-badge folio-badge--changes" title="{}">+ changes</span>',
            badge,
            "Edited since it was published; the public still sees the published version.",
        )
    return badge
