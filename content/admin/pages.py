"""Pages in the admin: the changelist reads as a tree (ordered by path, indented)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from content.admin.forms import PageForm
from content.admin.mixins import EntryAdmin
from content.admin.trash import InTrashFilter
from content.models import Page


@admin.register(Page)
class PageAdmin(EntryAdmin):
    form = PageForm
    list_display = ["tree_title", "url_path", "status_display", "locale", "owner", "updated_at"]
    list_display_links = ["tree_title"]
    list_filter = [InTrashFilter, "status", "locale", "owner"]
    list_select_related = ["locale", "owner"]
    search_fields = ["title", "slug", "url_path"]
    ordering = ["path"]
    autocomplete_fields = ["parent", "owner", "og_image"]

    @admin.display(description="Title", ordering="path")
    def tree_title(self, obj: Page) -> str:
        return format_html("{}{}", "— " * max(obj.depth - 1, 0), obj.title)

    def entry_fieldsets(self, request, obj):
        status = ["live_info", "url_path", "owner", "publish_at", "expire_at"]
        return [
            (None, {"fields": ["title", "slug", "locale", "parent", "body", "base_version"]}),
            *([("Status", {"fields": status})] if obj else []),
            (
                "SEO and review",
                {
                    "classes": ["collapse"],
                    "fields": ["seo_title", "meta_description", "og_image", "next_review_at"],
                },
            ),
            ("Save", {"fields": ["revision_message"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # Moving a page is its own operation (content.services.pages.page_move).
        return [*super().get_readonly_fields(request, obj), "url_path"]
