"""Pages in the admin: the changelist reads as a tree (ordered by path, indented), and
"Move…" puts a page (with its subtree) under another parent through page_move."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html

from content.admin import transitions
from content.admin.forms import PageForm, PageMoveForm
from content.admin.layout import in_tab, standard_fieldsets
from content.admin.list_filters import MineFilter, ReviewDueFilter
from content.admin.mixins import EntryAdmin
from content.admin.trash import InTrashFilter
from content.models import Page
from content.services.pages import descendants, ensure_can_move, page_move


class PageAdmin(EntryAdmin):
    form = PageForm
    nav_icon, nav_order = "description", 20
    list_display = ["tree_title", "url_path", "status_display", "locale", "owner", "updated_at"]
    list_display_links = ["tree_title"]
    list_filter = [InTrashFilter, "status", "locale", MineFilter, ReviewDueFilter, "owner"]
    list_select_related = ["locale", "owner"]
    search_fields = ["title", "slug", "url_path"]
    ordering = ["path"]
    chooser_fields = ["parent", "owner", "og_image"]  # content.admin.chooser

    @admin.display(description="Title", ordering="path")
    def tree_title(self, obj: Page) -> str:
        return format_html("{}{}", "— " * max(obj.depth - 1, 0), obj.title)

    def entry_fieldsets(self, request, obj):
        return [
            in_tab(
                "content", "Page", ["title", ("slug", "locale"), "parent", "body", "base_version"]
            ),
            *standard_fieldsets(obj, status=("url_path",)),
        ]

    def trash_along(self, entry: Page) -> list[str]:
        subpages = descendants(entry).filter(deleted_at=None)
        count = subpages.count()
        if not count:
            return []
        live = subpages.filter(live_revision__isnull=False).count()
        return [
            f"Its {count} subpage(s) go to the trash with it"
            + (f"; {live} of them are live and go offline too." if live else ".")
        ]

    def get_readonly_fields(self, request, obj=None):
        # Moving a page is its own operation ("Move…", content.services.pages.page_move).
        return [*super().get_readonly_fields(request, obj), "url_path"]

    def entry_context(self, request, obj: Page) -> dict:
        can_move = transitions.can(ensure_can_move, request.user, obj)
        return {
            **super().entry_context(request, obj),
            "folio_move_url": self._url("move", obj.pk) if can_move else None,
        }

    def get_urls(self):
        move = self.admin_site.admin_view(self.move_view)
        return [
            path("<path:object_id>/move/", move, name=self._name("move")),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id):
        page = self._entry_or_404(request, object_id)
        form = PageMoveForm(
            request.POST or None, initial={"parent": page.parent_id}, admin_site=self.admin_site
        )
        return self.form_tool(
            request,
            page,
            form,
            lambda **data: page_move(page=page, actor=request.user, **data),
            lambda moved: f"“{moved}” was moved; its address is now {moved.url_path}",
            title=f"Move “{page}”",
            intro=f"Now at {page.url_path}. Published addresses that change get redirects.",
            submit="Move",
        )
