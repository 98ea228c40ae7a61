"""The trash in the admin: trashed items are hidden from the changelists unless the
"In the trash" filter is chosen; there, the Restore action (and the Restore button on
a trashed item's page) calls content.services.lifecycle.entry_restore.
"""

from __future__ import annotations

from django.contrib import admin


class InTrashFilter(admin.SimpleListFilter):
    title = "trash"
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("only", "In the trash")]

    def queryset(self, request, queryset):
        if self.value() == "only":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = "Not in the trash"  # the default, "All", hides the trash
        return choices


TRASH_COUNT_CAP = 999


def trash_context(model) -> dict:
    """For the changelist's object tools: a link to the trash and how much is in it."""
    # Bounded like the paginator's count: at most CAP + 1 rows of the partial index.
    trashed = model.objects.filter(deleted_at__isnull=False).values("pk")
    count = trashed[: TRASH_COUNT_CAP + 1].count()
    return {"folio_trash_count": f"{TRASH_COUNT_CAP}+" if count > TRASH_COUNT_CAP else count}
