"""Choosing people (owner, authors) on an article or page.

Django's autocomplete asks for view permission on the *user* admin, which only
Administrators hold; editors and authors still need to pick co-authors by name. This
endpoint answers the same autocomplete requests for anyone who may write the item,
with active users only, showing just their names and e-mails.
"""

from __future__ import annotations

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.urls import reverse


def may_choose_people(user, model) -> bool:
    """Whoever may add or change items of `model` may look people up to name on them."""
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("add", "change")
    )


class PeopleAutocompleteView(AutocompleteJsonView):
    def has_perm(self, request, obj=None) -> bool:
        return may_choose_people(request.user, self.source_field.model)

    def get_queryset(self):
        return super().get_queryset().filter(is_active=True)


class _PeopleUrl:
    def __init__(self, field, admin_site, *, url_name: str, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.people_url_name = url_name

    def get_url(self) -> str:
        return reverse(self.people_url_name)


class PeopleSelect(_PeopleUrl, AutocompleteSelect):
    pass


class PeopleSelectMultiple(_PeopleUrl, AutocompleteSelectMultiple):
    pass
