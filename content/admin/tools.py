"""The small pages an item's tools open (content/entry_tool.html): schedule, move, reject,
and the preview link. Each posts to a service and returns to the item's change form with
the service's answer; a refusal is reported and the form shown again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse

from content.admin import transitions
from content.admin.forms import ScheduleForm
from content.models import PublishableCore
from content.services import lifecycle
from content.services.preview import preview_link_create
from core.admin_services import report_refusal


class EntryToolsMixin:
    """For EntryAdmin: the lifecycle buttons' view, the tools' form pages, scheduling
    and the preview link (EntryAdmin.get_urls names them)."""

    def form_page(self, request, obj, form, *, title: str, intro: str, submit: str, **extra):
        """A small form on one item (admin/content/entry_tool.html): move, reject..."""
        return TemplateResponse(
            request,
            extra.pop("template", "admin/content/entry_tool.html"),
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "original": obj,
                "form": form,
                "intro": intro,
                "submit": submit,
                "media": self.media + form.media,
                **extra,
            },
        )

    def form_tool(self, request, obj, form, act, done, **page):
        """A tool's form page: on a valid POST call `act(**cleaned_data)` (a service) and
        return to the item with `done(result)` as the message; report a refusal instead."""
        if request.method == "POST" and form.is_valid():
            try:
                result = act(**form.cleaned_data)
            except transitions.REFUSALS as exc:
                report_refusal(request, exc, prefix=f"“{obj}”: ")
            else:
                messages.success(request, done(result))
                return self._back(result)
        return self.form_page(request, obj, form, **page)

    def schedule_view(self, request, object_id):
        obj = self._entry_or_404(request, object_id)
        form = ScheduleForm(
            request.POST or None, initial={"publish_at": obj.publish_at, "expire_at": obj.expire_at}
        )
        return self.form_tool(
            request,
            obj,
            form,
            lambda **data: lifecycle.entry_schedule(entry=obj, actor=request.user, **data),
            lambda entry: f"“{entry}” was scheduled.",
            title=f"Schedule “{obj}”",
            intro="",
            submit="Schedule",
            template="admin/content/schedule.html",
            entries=[obj],
        )

    def preview_view(self, request, object_id):
        obj = self._entry_or_404(request, object_id)
        try:
            url = self.preview_url(request, obj)
        except transitions.REFUSALS as exc:
            report_refusal(request, exc, prefix=f"“{obj}”: ")
            return self._back(obj)
        return HttpResponseRedirect(url)

    def preview_url(self, request, obj: PublishableCore) -> str:
        """A signed link to the latest revision: the frontend's preview page when
        FRONTEND_PREVIEW_URL is set, else the delivery API's preview."""
        link = preview_link_create(entry=obj, actor=request.user)
        return request.build_absolute_uri(link["url"])

    # --- The item's lookups and its lifecycle buttons -------------------------------

    def _entry_or_404(self, request, object_id) -> PublishableCore:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return obj

    def _back(self, obj) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url("change", obj.pk))

    def transition_view(self, request, object_id, name):
        transition = transitions.BY_NAME.get(name)
        if transition is None:
            raise Http404
        if transition.confirm:  # a page that asks first, and acts on its POST
            return self.confirm_view(request, self._entry_or_404(request, object_id), transition)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._entry_or_404(request, object_id)
        transitions.run(request, transition, obj)
        return self._back(obj)
