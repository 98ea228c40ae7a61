"""Articles in the admin (named by Article's registration, content.builtin_types);
everything shared with the other types lives in EntryAdmin."""

from __future__ import annotations

from content.admin.forms import ArticleForm
from content.admin.layout import in_tab, standard_fieldsets
from content.admin.list_filters import MineFilter, ReviewDueFilter
from content.admin.mixins import EntryAdmin
from content.admin.trash import InTrashFilter


class ArticleAdmin(EntryAdmin):
    form = ArticleForm
    nav_icon, nav_order = "article", 10
    list_display = ["title", "status_display", "locale", "category", "owner", "updated_at"]
    # Sorting by an unindexed column sorts every row: seconds at a million articles. The
    # other columns have filters instead.
    sortable_by = ["title", "updated_at"]
    list_filter = [
        InTrashFilter,
        "status",
        "locale",
        "category",
        MineFilter,
        ReviewDueFilter,
        "owner",
    ]
    list_select_related = ["locale", "category", "owner"]
    # Chosen in a modal (content.admin.chooser).
    chooser_fields = ["category", "tags", "authors", "owner", "cover_image", "og_image"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    def entry_fieldsets(self, request, obj):
        return [
            in_tab(
                "content",
                "Article",
                ["title", ("slug", "locale"), "summary", "body", "base_version"],
            ),
            in_tab(
                "content",
                "Classification",
                [("category", "published_date"), ("tags", "authors"), "cover_image"],
            ),
            *standard_fieldsets(obj),
        ]
