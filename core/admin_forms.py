"""Form fields a form declares itself, drawn in the admin's theme.

django-unfold styles the fields a ModelAdmin makes from model fields (its
formfield_overrides); a field a form declares keeps Django's plain widget, which the
theme's reset stylesheet leaves bare (no border, no padding). `UnfoldWidgetsMixin`
swaps each plain widget for unfold's equivalent when the form is built, keeping its
attributes and choices; a widget of another kind (the body editor, an autocomplete) is
left as it is.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin import widgets as admin_widgets
from unfold import widgets as unfold

THEMED: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.TextInput: unfold.UnfoldAdminTextInputWidget,
    admin_widgets.AdminTextInputWidget: unfold.UnfoldAdminTextInputWidget,
    forms.EmailInput: unfold.UnfoldAdminEmailInputWidget,
    forms.URLInput: unfold.UnfoldAdminURLInputWidget,
    forms.NumberInput: unfold.UnfoldAdminIntegerFieldWidget,
    forms.PasswordInput: unfold.UnfoldAdminPasswordWidget,
    forms.Textarea: unfold.UnfoldAdminTextareaWidget,
    admin_widgets.AdminTextareaWidget: unfold.UnfoldAdminTextareaWidget,
    forms.Select: unfold.UnfoldAdminSelectWidget,
    forms.SelectMultiple: unfold.UnfoldAdminSelectMultipleWidget,
    forms.CheckboxSelectMultiple: unfold.UnfoldAdminCheckboxSelectMultipleWidget,
    forms.CheckboxInput: unfold.UnfoldBooleanWidget,
    forms.ClearableFileInput: unfold.UnfoldAdminFileFieldWidget,
    forms.DateInput: unfold.UnfoldAdminSingleDateWidget,
    admin_widgets.AdminDateWidget: unfold.UnfoldAdminSingleDateWidget,
    forms.SplitDateTimeWidget: unfold.UnfoldAdminSplitDateTimeWidget,
    admin_widgets.AdminSplitDateTime: unfold.UnfoldAdminSplitDateTimeWidget,
}
# Their attributes are their own classes and date/time formats, not the caller's.
_NO_ATTRS = (forms.SplitDateTimeWidget,)


def themed_widget(widget: forms.Widget) -> forms.Widget:
    """unfold's widget for a plain one (the same widget when there is none)."""
    themed = THEMED.get(type(widget))
    if themed is None:
        return widget
    attrs = {} if isinstance(widget, _NO_ATTRS) else dict(widget.attrs)
    attrs.pop("class", None)  # Django's admin classes (vTextField...) have no style here
    new = themed(attrs=attrs)
    if hasattr(widget, "choices"):
        new.choices = widget.choices
    new.is_required = widget.is_required
    new.is_localized = widget.is_localized
    return new


def theme_form_fields(form: forms.BaseForm) -> None:
    """Swap the plain widgets of `form`'s fields for the theme's."""
    for field in form.fields.values():
        field.widget = themed_widget(field.widget)


class UnfoldWidgetsMixin:
    """For a form shown in the admin: its declared fields use the theme's widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        theme_form_fields(self)


class BlankChoiceAdminMixin:
    """A required choice field with no default starts empty, as in Django's own admin.

    unfold's select drops Django's "---------" row, so the first choice would be picked
    silently: a new policy of the first kind, or an inline's blank row read as half filled.
    """

    blank_choice_label = "Choose…"

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if not db_field.has_default():
            blank = [("", self.blank_choice_label)]
            kwargs.setdefault("choices", db_field.get_choices(blank_choice=blank))
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class NoRelatedPopupsMixin:
    """For a ModelAdmin or an inline: no "add another" / "change" / "view" links beside its
    related fields. Each opens a popup window; the admin opens none (related objects are
    chosen in a modal, content.admin.chooser, and made from their own pages)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, admin_widgets.RelatedFieldWidgetWrapper):
            formfield.widget = widget.widget
        return formfield
