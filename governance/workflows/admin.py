"""Review workflows in the admin: workflows with their steps, the review queue
(Submissions, filtered to "Waiting for me"), decisions, comments and review links.
Every write goes through governance's services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline

from content.admin.chooser import ChooserAdminMixin
from content.admin.scope import (
    ContentTypesField,
    ScopeFormMixin,
    scope_choice_field,
    scope_label,
)
from content.selectors import entry_refs_visible_q
from core.admin_forms import NoRelatedPopupsMixin, UnfoldWidgetsMixin
from core.admin_readonly import ReadOnlyAdmin
from core.admin_services import SERVICE_ERRORS, ServiceFormAdminMixin, report_refusal
from governance import panels as admin_panels
from governance.models import (
    Comment,
    ReviewLink,
    ReviewTask,
    Submission,
    Workflow,
    WorkflowBypass,
    WorkflowStep,
)
from governance.workflows import configuration as workflow_config
from governance.workflows import review_links as link_services
from governance.workflows import services as workflow_services
from governance.workflows.selectors import review_queue_for


class WorkflowStepInline(NoRelatedPopupsMixin, TabularInline):
    model = WorkflowStep
    extra = 0
    min_num = 1
    fields = ["order", "name", "role", "group", "approvals_required"]


class WorkflowForm(UnfoldWidgetsMixin, ScopeFormMixin, forms.ModelForm):
    scope_names = workflow_config.WORKFLOW_SCOPE
    content_types = ContentTypesField(help_text="Item types this workflow applies to.")
    page = scope_choice_field(Workflow, "page")
    category = scope_choice_field(Workflow, "category")
    locale = scope_choice_field(Workflow, "locale")

    class Meta:
        model = Workflow
        fields = ["name", "is_active", *workflow_config.WORKFLOW_SCOPE]


@admin.register(Workflow)
class WorkflowAdmin(NoRelatedPopupsMixin, ServiceFormAdminMixin, ModelAdmin):
    """Workflows are saved with their steps through workflow_create / workflow_update."""

    nav_section, nav_icon, nav_order = "governance", "account_tree", 40
    form = WorkflowForm
    list_display = ["name", "is_active", "applies_to", "step_count", "updated_at"]
    list_filter = ["is_active"]
    list_select_related = ["scope_page", "scope_category", "scope_locale"]
    search_fields = ["name"]
    inlines = [WorkflowStepInline]

    @admin.display(description="Applies to")
    def applies_to(self, obj) -> str:
        return scope_label(obj, empty="Nothing")

    @admin.display(description="Steps")
    def step_count(self, obj) -> int:
        return obj.steps.count()

    def save_model(self, request, obj, form, change):
        """Saved in save_related, once the steps are known, in one service call."""

    def save_related(self, request, form, formsets, change):
        data = {name: form.cleaned_data.get(name) for name in workflow_config.FIELDS}
        steps = []
        for formset in formsets:
            # The service writes the steps; the change message still reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is WorkflowStep:
                steps += [
                    row
                    for row in formset.cleaned_data
                    if row and not row.get("DELETE") and row.get("order") is not None
                ]
        data["steps"] = [
            {name: row.get(name) for name in WorkflowStepInline.fields} for row in steps
        ]
        if change:
            workflow = workflow_config.workflow_update(
                workflow=Workflow.objects.get(pk=form.instance.pk), actor=request.user, data=data
            )
        else:
            workflow = workflow_config.workflow_create(actor=request.user, data=data)
        form.instance.pk = workflow.pk

    def delete_model(self, request, obj):
        workflow_config.workflow_delete(workflow=obj, actor=request.user)


class SectionLimitedAdmin(ModelAdmin):
    """Rows about items: a section-limited role sees only those of its sections' items
    (changelists and change views alike, as content's admin does for the items)."""

    entry_prefix = ""  # the path to the row's content_type / object_id

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        visible = entry_refs_visible_q(request.user, prefix=self.entry_prefix)
        return rows if visible is None else rows.filter(visible)


class ReviewQueueFilter(admin.SimpleListFilter):
    """ "Waiting for me": open submissions whose current step I may decide."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", "Waiting for me")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(pk__in=review_queue_for(request.user))
        return queryset


class ReviewTaskInline(TabularInline):
    model = ReviewTask
    extra = 0
    can_delete = False
    fields = ["step", "reviewer", "external_name", "decision", "comment", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(SectionLimitedAdmin, ReadOnlyAdmin):
    """The review queue: filter "Waiting for me"; decide with the actions."""

    nav_section, nav_icon, nav_order = "review", "send", 20
    list_display = ["__str__", "title", "workflow", "current_step", "status", "submitted_by"]
    list_filter = [ReviewQueueFilter, "status", "workflow"]
    inlines = [ReviewTaskInline]
    actions = ["approve_selected", "create_review_link"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("content_type", "revision", "workflow", "current_step", "submitted_by")
        )

    @admin.display(description="Title")
    def title(self, obj) -> str:
        return obj.revision.snapshot.get("title", "")

    @admin.action(description="Approve the current step of the selected submissions")
    def approve_selected(self, request, queryset):
        done = 0
        for submission in queryset:
            try:
                workflow_services.review_decide(
                    submission=submission, actor=request.user, decision="approve"
                )
                done += 1
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{submission}: ")
        if done:
            messages.success(request, f"Approved {done} submission(s).")

    @admin.action(description="Create a review link (valid 7 days) for an outside reviewer")
    def create_review_link(self, request, queryset):
        for submission in queryset:
            try:
                _link, token = link_services.review_link_create(
                    entry=submission.entry, actor=request.user
                )
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{submission}: ")
                continue
            url = request.build_absolute_uri(link_services.review_link_url(token))
            messages.success(request, f"{submission}: send this link (shown once): {url}")


@admin.register(ReviewTask)
class ReviewTaskAdmin(SectionLimitedAdmin, ReadOnlyAdmin):
    nav_section, nav_icon, nav_order = "review", "task_alt", 10
    entry_prefix = "submission__"
    list_display = ["submission", "step", "reviewer_name", "decision", "created_at"]
    list_filter = ["decision"]


class CommentForm(UnfoldWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["content_type", "object_id", "parent", "body"]


@admin.register(Comment)
class CommentAdmin(ChooserAdminMixin, ServiceFormAdminMixin, SectionLimitedAdmin):
    """Threaded comments on items; new ones are written through comment_create."""

    nav_section, nav_icon, nav_order = "review", "forum", 30
    form = CommentForm
    list_display = ["__str__", "content_type", "object_id", "parent", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["body", "external_name"]
    chooser_fields = ["parent"]  # a modal (content.admin.chooser), not a lookup popup

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_urls(self):
        # Comments and replies posted from the item's workflow panel.
        add = admin_panels.comment_add_view
        return [*admin_panels.entry_urls(self.admin_site, "comment", add), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        model = form.cleaned_data["content_type"].model_class()
        entry = model.objects.filter(pk=form.cleaned_data["object_id"]).first()
        if entry is None or not hasattr(entry, "latest_revision_id"):
            raise ValidationError({"object_id": ["No such item."]})
        form.instance = workflow_config.comment_create(
            entry=entry,
            actor=request.user,
            body=form.cleaned_data["body"],
            parent=form.cleaned_data.get("parent"),
        )
        obj.pk = form.instance.pk


@admin.register(ReviewLink)
class ReviewLinkAdmin(SectionLimitedAdmin, ReadOnlyAdmin):
    """Review links: created from the review queue (the URL is shown once); revoke here."""

    nav_section, nav_icon, nav_order = "review", "link", 40
    entry_prefix = "submission__"
    list_display = ["__str__", "state", "created_by", "expires_at", "used_at", "revoked_at"]
    actions = ["revoke_selected"]

    @admin.display(description="State")
    def state(self, obj) -> str:
        return link_services.review_link_state(obj)

    @admin.action(description="Revoke the selected review links")
    def revoke_selected(self, request, queryset):
        for link in queryset:
            try:
                link_services.review_link_revoke(link=link, actor=request.user)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc, prefix=f"{link}: ")


@admin.register(WorkflowBypass)
class WorkflowBypassAdmin(SectionLimitedAdmin, ReadOnlyAdmin):
    """Who let which revision go live without an approved submission (also in the audit log)."""

    nav_section, nav_icon, nav_order = "governance", "fast_forward", 45
    list_display = [
        "created_at",
        "item",
        "content_type",
        "revision_number",
        "transition",
        "actor",
        "workflow",
    ]
    list_filter = [
        "transition",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "workflow",
        "created_at",
    ]
    list_select_related = ["content_type", "revision", "workflow", "actor"]
    search_fields = ["object_id", "actor__email"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description="Item")
    def item(self, obj) -> str:
        # The title of the revision that went live: it is what the bypass let through.
        title = obj.revision.snapshot.get("title") or f"#{obj.object_id}"
        ct = obj.content_type
        return format_html(
            '<a href="{}">{}</a>',
            admin_panels.entry_change_url(ct.app_label, ct.model, obj.object_id),
            title,
        )

    @admin.display(description="Revision", ordering="revision__number")
    def revision_number(self, obj) -> str:
        return f"r{obj.revision.number}"
