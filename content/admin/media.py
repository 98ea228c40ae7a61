"""Media in the admin: thumbnails, uploads through the media service, "where used",
deletion refused while anything uses the asset, and the search behind the body editor's
image chooser (a modal: content.admin.chooser, content/chooser.js).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from content.admin.chooser import chooser_response
from content.admin.forms import MediaUploadForm
from content.admin.media_library import MediaLibraryMixin, grid_thumbnail_url
from content.admin.paginators import FastCountPaginator
from content.admin.transitions import REFUSALS
from content.admin.widgets import thumbnail
from content.models import MediaAsset, MediaKind
from content.services import media as media_services
from content.services.references import usage_entries
from core.admin_services import ServiceFormAdminMixin, report_refusal

# The focal point is set by clicking the preview (content.admin.media_library), not typed.
METADATA = ["title", "alt_text", "caption", "credit"]
FACTS = [
    "preview",
    "kind",
    "mime_type",
    "dimensions",
    "file_size",
    "sha256",
    "uploaded_by",
    "created_at",
]
IN_USE = "“{title}” cannot be deleted: it is used by {uses}. Remove it there first."


@admin.register(MediaAsset)
class MediaAssetAdmin(MediaLibraryMixin, ServiceFormAdminMixin, ModelAdmin):
    nav_section, nav_icon = "media", "photo_library"
    list_display = [
        *("thumb", "title", "kind", "dimensions", "file_size", "uploaded_by", "created_at"),
    ]
    list_display_links = ["thumb", "title"]
    list_filter = ["kind", "mime_type"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    list_select_related = ["uploaded_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = FastCountPaginator
    actions = ["delete_unused"]

    class Media:
        css = {"all": ["content/admin.css", "content/media_library.css"]}
        js = ["content/media_library.js"]

    # --- Display --------------------------------------------------------------------

    @admin.display(description="")
    def thumb(self, obj: MediaAsset) -> str:
        url = grid_thumbnail_url(obj)  # the crop, made on first view: never the original
        if url is None:
            return thumbnail(obj)
        return format_html('<img class="folio-thumb" src="{}" alt="" loading="lazy">', url)

    @admin.display(description="Preview")
    def preview(self, obj: MediaAsset) -> str:
        return thumbnail(obj, "folio-thumb folio-thumb--large")

    @admin.display(description="Size (px)")
    def dimensions(self, obj: MediaAsset) -> str:
        return f"{obj.width} x {obj.height}" if obj.width else "—"

    @admin.display(description="File size", ordering="size")
    def file_size(self, obj: MediaAsset) -> str:
        return filesizeformat(obj.size)

    # --- Lists and forms ------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MediaUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "title", "alt_text", "caption", "credit"]})]
        # An image is shown by the focal point picker; a document's preview is its type.
        facts = [f for f in FACTS if f != "preview"] if obj.kind == MediaKind.IMAGE else FACTS
        return [(None, {"fields": METADATA}), ("File", {"fields": facts})]

    def get_readonly_fields(self, request, obj=None):
        return FACTS if obj else []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.library_change_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in METADATA}
        if change:
            asset = media_services.media_update(
                asset=MediaAsset.objects.get(pk=obj.pk), actor=request.user, data=data
            )
        else:
            asset, created = media_services.media_upload(
                actor=request.user,
                file=form.cleaned_data["file"],
                # An empty title means "use the file name", which the service does.
                data={k: v for k, v in data.items() if v not in ("", None)},
            )
            if not created:
                messages.info(request, f"This file was already in the library as “{asset}”.")
        form.instance = asset
        obj.pk = asset.pk

    # --- Deletion: refused while the asset is in use --------------------------------

    def _in_use_message(self, obj: MediaAsset) -> str | None:
        rows = usage_entries(target=obj)
        if not rows:
            return None
        uses = ", ".join(f"{r['type']} “{r['title']}” ({r['field']})" for r in rows)
        return IN_USE.format(title=obj.title, uses=uses)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        message = self._in_use_message(obj) if obj is not None else None
        if message is None:
            try:
                with transaction.atomic():
                    return super().delete_view(request, object_id, extra_context)
            except REFUSALS as exc:
                report_refusal(request, exc, prefix=f"“{obj}”: ")
        else:
            messages.error(request, message)
        return HttpResponseRedirect(reverse("admin:content_mediaasset_change", args=[obj.pk]))

    def delete_model(self, request, obj):
        media_services.media_delete(asset=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would bypass the in-use check
        return actions

    @admin.action(description="Delete selected media that is not in use", permissions=["delete"])
    def delete_unused(self, request, queryset):
        for asset in queryset:
            message = self._in_use_message(asset)
            if message:
                messages.error(request, message)
                continue
            try:
                media_services.media_delete(asset=asset, actor=request.user)
            except REFUSALS as exc:
                report_refusal(request, exc, prefix=f"“{asset}”: ")
            else:
                messages.success(request, f"Deleted “{asset}”.")

    # --- The body editor's image chooser ("Browse...") -------------------------------

    def get_urls(self):
        picker = self.admin_site.admin_view(self.picker_view)
        return [
            path("picker/", picker, name="content_mediaasset_picker"),
            *self.library_urls(),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """The images the body editor may insert, for its modal (content.admin.chooser)."""
        return chooser_response(request, self.admin_site, lambda: self.body_images(request))

    def body_images(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied("You may not view media.")
        return self.get_queryset(request).filter(kind=MediaKind.IMAGE)
