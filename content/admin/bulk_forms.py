"""What a bulk action asks before it starts (content.admin.bulk): one small form per
action that has parameters; the rest only confirm. `parameters()` is the JSON the job
keeps (content.services.bulk_operations checks it again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import get_user_model

from content.admin.forms import RejectForm, ScheduleForm
from content.admin.people import PeopleSelect
from content.models import Category, Tag
from core.admin_forms import UnfoldWidgetsMixin


class BulkForm(UnfoldWidgetsMixin, forms.Form):
    """Nothing to fill in: posting it confirms."""

    def __init__(self, *args: Any, modeladmin: Any, request: Any, **kwargs: Any) -> None:
        self.modeladmin, self.request = modeladmin, request
        super().__init__(*args, **kwargs)

    def _field(self, name: str):
        return self.modeladmin.model._meta.get_field(name)

    def parameters(self) -> dict[str, Any]:
        return {}


class RejectBulkForm(BulkForm):
    comment = RejectForm.base_fields["message"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = "Each item's author sees this comment."

    def parameters(self) -> dict[str, Any]:
        return {"comment": self.cleaned_data["comment"]}


class ScheduleBulkForm(BulkForm, ScheduleForm):
    def parameters(self) -> dict[str, Any]:
        return {
            name: value.isoformat() if value else None for name, value in self.cleaned_data.items()
        }


class CategoryBulkForm(BulkForm):
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        help_text="Leave empty to take them out of their category. Each item must be in "
        "the category's locale.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.modeladmin.admin_site
        self.fields["category"].widget = AutocompleteSelect(self._field("category"), site)

    def parameters(self) -> dict[str, Any]:
        category = self.cleaned_data["category"]
        return {"category": category.pk if category else None}


class TagsBulkForm(BulkForm):
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.modeladmin.admin_site
        self.fields["tags"].widget = AutocompleteSelectMultiple(self._field("tags"), site)

    def parameters(self) -> dict[str, Any]:
        return {"tags": [tag.pk for tag in self.cleaned_data["tags"]]}


class OwnerBulkForm(BulkForm):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="Review reminders go to the new owner.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        admin = self.modeladmin
        self.fields["owner"].widget = PeopleSelect(
            self._field("owner"), admin.admin_site, url_name=admin._people_url()
        )

    def parameters(self) -> dict[str, Any]:
        return {"owner": self.cleaned_data["owner"].pk}


class RestoreBulkForm(BulkForm):
    republish = forms.BooleanField(
        required=False,
        label="Republish those that were live",
        help_text="Puts back live the revision that was live when each was trashed, where a "
        "publish would be allowed; the others come back as drafts.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.modeladmin.has_publish_permission(self.request):
            del self.fields["republish"]

    def parameters(self) -> dict[str, Any]:
        return {"republish": bool(self.cleaned_data.get("republish"))}


FORMS: dict[str, type[BulkForm]] = {
    "reject": RejectBulkForm,
    "schedule": ScheduleBulkForm,
    "category": CategoryBulkForm,
    "add_tags": TagsBulkForm,
    "remove_tags": TagsBulkForm,
    "owner": OwnerBulkForm,
    "restore": RestoreBulkForm,
}


def bulk_form(action: str, data: Any, *, modeladmin: Any, request: Any) -> BulkForm:
    return FORMS.get(action, BulkForm)(data, modeladmin=modeladmin, request=request)
