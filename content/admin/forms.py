"""Forms for the content admin.

`EntryForm` is the base of every type's form (Article's and Page's here, the generic
ones content.admin.entries builds from a registration). Editors see the body as HTML
in the WYSIWYG editor; on save it is parsed back into blocks (content.blocks_html)
and the service validates and sanitises them. The item's `version` rides along as the
hidden `base_version`, so a save made on a stale copy is refused instead of overwriting.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError

from content.admin.widgets import BodyEditorWidget, body_html
from content.blocks_html import EditorHTMLError, html_to_blocks
from content.models import Article, MediaAsset, Page
from core.admin_forms import UnfoldWidgetsMixin

STALE = (
    "Someone else saved this {kind} (it is now at version {current}) after you opened it, "
    "so your changes were NOT saved. Copy anything you need, then reload the page to edit "
    "the latest version."
)
NOT_SAVED = "Nothing was saved: the body holds something its blocks cannot keep."


def editor_blocks(html: str | None) -> list[dict]:
    """The blocks of what the body editor sent; refused rather than saved degraded (the
    editor keeps what was typed)."""
    try:
        return html_to_blocks(html or "")
    except EditorHTMLError as exc:
        raise ValidationError([NOT_SAVED, *exc.messages]) from exc


class BlocksField(forms.CharField):
    """Blocks (content.blocks) edited as HTML in the body's editor: a runtime type's rich
    text fields. Shown from the stored blocks; saved as blocks, or refused rather than
    degraded."""

    widget = BodyEditorWidget

    def prepare_value(self, value):
        return body_html(value) if isinstance(value, list) else value

    def clean(self, value) -> list[dict]:
        return editor_blocks(super().clean(value))

    def has_changed(self, initial, data) -> bool:
        try:
            return html_to_blocks(data or "") != (initial or [])
        except EditorHTMLError:
            return True


class EntryForm(UnfoldWidgetsMixin, forms.ModelForm):
    body = forms.CharField(label="Body", required=False, widget=BodyEditorWidget)
    # The version this edit started from (the model field is not editable, hence the name).
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    revision_message = forms.CharField(
        label="Describe your change",
        required=False,
        max_length=500,
        help_text="Optional; shown in the revision history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.initial["body"] = body_html(self.instance.body or [])
        if "base_version" in self.fields and self.instance.pk:
            self.initial["base_version"] = self.instance.version
            self.fields["base_version"].required = True  # no blind overwrites
        for name in ("owner", "locale"):
            if name in self.fields:
                # Empty means "keep it" (owner) or "the default locale" (on create).
                self.fields[name].required = False
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Leave empty to derive it from the title."

    def clean_body(self) -> list[dict]:
        return editor_blocks(self.cleaned_data.get("body"))


class ArticleForm(EntryForm):
    class Meta:
        model = Article
        exclude: list[str] = []  # the admin passes the fields from its fieldsets


class PageForm(EntryForm):
    class Meta:
        model = Page
        exclude: list[str] = []


class ScheduleForm(UnfoldWidgetsMixin, forms.Form):
    """Publish at a time, and/or take offline at a time (both empty clears the schedule)."""

    publish_at = forms.SplitDateTimeField(
        required=False, widget=admin_widgets.AdminSplitDateTime, label="Publish at"
    )
    expire_at = forms.SplitDateTimeField(
        required=False, widget=admin_widgets.AdminSplitDateTime, label="Take offline at"
    )


class RejectForm(UnfoldWidgetsMixin, forms.Form):
    """Send an item back to its author; the comment says what to change."""

    message = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="Tell the author what to change.",
        error_messages={"required": "A rejection needs a comment."},
    )


class PageMoveForm(UnfoldWidgetsMixin, forms.Form):
    """Where to move a page: a new parent (or none, for the top level) and a position."""

    parent = forms.ModelChoiceField(
        queryset=Page.objects.all(),
        required=False,
        label="New parent",
        help_text="Leave empty to make it a top-level page. Its subpages move with it.",
    )
    sort_order = forms.IntegerField(
        required=False,
        min_value=0,
        label="Position among its siblings",
        help_text="0 is first. Leave empty to put it last (or keep its place, same parent).",
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:  # search pages as the change form's parent field does
            parent = self.fields["parent"]
            parent.widget = admin_widgets.AutocompleteSelect(
                Page._meta.get_field("parent"), admin_site, choices=parent.choices
            )


class MediaUploadForm(UnfoldWidgetsMixin, forms.ModelForm):
    """Upload: the file is checked by its content in the media service, not here."""

    class Meta:
        model = MediaAsset
        fields = ["file", "title", "alt_text", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "Leave empty to use the file name."
