"""The secretariat's part of the Wagtail admin for permanent education, and its audit actions.

Imported from `knowledge/wagtail_hooks.py`. The "Permanent education" menu holds the
review queue of entries (filter by status, category, member, date, source and audit;
approve, reject with a reason, bulk approve as a Wagtail bulk action), the members
behind schedule with each member's ledger, the yearly evidence audits, and the rules:
categories and requirements. The audit share is a setting (Settings › Permanent education).
Every action calls one service in `knowledge/pe_services.py`. Who may do what is the
model permission (portal/roles.py, Secretariat).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.edit import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from knowledge import pe_selectors, pe_services
from knowledge.pe_models import PEAuditRun, PECategory, PEEntry, PERequirement
from portal.audit import LogFormatter, entries_for, entry_message
from portal.exceptions import DomainError
from portal.viewsets import ServiceRecordViewSet

ENTRIES = "pe_entries"

# --- Audit actions --------------------------------------------------------------------


def _formatter(label, render):
    def format_message(self, log_entry):
        data = log_entry.data or {}
        return str(render(data))

    return type("PEEntryLogFormatter", (LogFormatter,), {"label": label, "format_message": format_message})


def _what(data):
    return _("%(title)s (%(hours)s h, %(date)s)") % {
        "title": data.get("title", ""), "hours": data.get("hours", ""), "date": data.get("date", "")}


LOG_ACTIONS = {
    "knowledge.pe_entry.submitted": _formatter(
        gettext_lazy("PE activity logged"), lambda d: _("PE activity logged: %(what)s") % {"what": _what(d)}),
    "knowledge.pe_entry.updated": _formatter(
        gettext_lazy("PE activity changed"), lambda d: _("PE activity changed: %(what)s") % {"what": _what(d)}),
    "knowledge.pe_entry.withdrawn": _formatter(
        gettext_lazy("PE activity withdrawn"), lambda d: _("PE activity withdrawn: %(what)s") % {"what": _what(d)}),
    "knowledge.pe_entry.approved": _formatter(
        gettext_lazy("PE activity approved"), lambda d: _("PE activity approved: %(what)s") % {"what": _what(d)}),
    "knowledge.pe_entry.rejected": _formatter(
        gettext_lazy("PE activity rejected"),
        lambda d: _("PE activity rejected: %(what)s. Reason: %(reason)s") % {"what": _what(d), "reason": d.get("reason", "")}),
    "knowledge.pe_entry.credited": _formatter(
        gettext_lazy("PE credited for attendance"),
        lambda d: _("PE credited for attendance: %(what)s, %(points)s points") % {"what": _what(d), "points": d.get("points", "")}),
    "knowledge.pe_entry.voided": _formatter(
        gettext_lazy("PE credit voided"),
        lambda d: _("PE credit voided (check-in undone): %(what)s") % {"what": _what(d)}),
    "knowledge.pe_entry.audit_selected": _formatter(
        gettext_lazy("Selected for evidence audit"),
        lambda d: _("Selected for the evidence audit of %(year)s: %(what)s") % {"year": d.get("year", ""), "what": _what(d)}),
    "knowledge.pe_entry.evidence_added": _formatter(
        gettext_lazy("PE evidence added"), lambda d: _("Evidence added: %(what)s") % {"what": _what(d)}),
    "knowledge.pe_entry.imported": _formatter(
        gettext_lazy("PE activity imported"), lambda d: _("PE activity imported: %(what)s") % {"what": _what(d)}),
    "knowledge.pe_reminder.sent": _formatter(
        gettext_lazy("PE reminder sent"),
        lambda d: _("PE reminder sent, %(months)s months before the cycle ends: %(missing)s points missing") % {
            "months": d.get("months", ""), "missing": d.get("missing", "")}),
}


@hooks.register("register_log_actions")
def register_pe_log_actions(actions):
    for action, formatter_class in LOG_ACTIONS.items():
        actions.register_action(action)(formatter_class)


# --- Review queue -----------------------------------------------------------------------


def _url(name: str, *args) -> str:
    return reverse(f"{ENTRIES}:{name}", args=args)


class PEEntryFilterSet(WagtailFilterSet):
    date = django_filters.DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)
    audit = django_filters.BooleanFilter(label=gettext_lazy("Selected for evidence audit"), field_name="audit_year",
                                         lookup_expr="isnull", exclude=True)

    class Meta:
        model = PEEntry
        fields = ["status", "category", "member", "source"]


class PEEntryIndexView(generic.IndexView):
    template_name = "knowledge/pe/admin/entry_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("member", "category")

    @cached_property
    def columns(self):
        columns = super().columns
        title = self._get_title_column(
            "title", get_title_id=lambda instance: f"peentry_{instance.pk}_title")
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="peentry"), title, *columns[1:]]


@hooks.register("register_bulk_action")
class ApproveBulkAction(BulkAction):
    """Approve the selected entries; each through `pe_entry_approve` (locked, checked, audited)."""

    display_name = gettext_lazy("Approve")
    action_type = "approve"
    aria_label = gettext_lazy("Approve the selected PE entries")
    template_name = "knowledge/pe/admin/confirm_bulk_approve.html"
    action_priority = 10
    models = [PEEntry]

    def check_perm(self, obj):
        return self.request.user.has_perm("knowledge.change_peentry") and obj.status == PEEntry.Status.PENDING \
            and obj.member_id != self.request.user.pk

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(model.objects.filter(pk__in=object_ids).select_related("member", "category"))

    def get_execution_context(self):
        return {"user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return pe_services.pe_entries_approve(entries=objects, actor=user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return _("%(count)s entries approved.") % {"count": num_parent_objects}


class PEEntryInspectView(generic.InspectView):
    template_name = "knowledge/pe/admin/entry_inspect.html"

    def get_fields(self):
        return ["member", "title", "provider", "category", "date", "hours", "points", "reflection", "source", "status",
                "rejection_reason", "audit_year", "reviewed_by", "reviewed_at", "created_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry, user = self.object, self.request.user
        actions = []
        if user.has_perm("knowledge.change_peentry") and entry.status == PEEntry.Status.PENDING:
            actions = [{"url": _url("approve", entry.pk), "label": _("Approve")},
                       {"url": _url("reject", entry.pk), "label": _("Reject")}]
        context.update(
            entry=entry, actions=actions,
            evidence_url=reverse("pe:evidence", args=[entry.pk]) if entry.evidence else "",
            ledger_url=reverse("pe_members:member", args=[entry.member_id]),
            history=[{"entry": item, "message": entry_message(item)} for item in entries_for(entry)],
        )
        return context


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (the member sees it)"), widget=forms.Textarea, max_length=2000)


class EntryActionView(WagtailAdminTemplateMixin, FormView):
    template_name = "members/admin/membership_action.html"
    permission_required = "knowledge.change_peentry"
    header_icon = "tick-inverse"
    submit_button_label = gettext_lazy("Save")
    form_class = forms.Form

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.object = PEEntry.objects.select_related("member", "category").filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def inspect_url(self):
        return _url("inspect", self.object.pk)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url("index"), "label": _("PE entries")},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_url": self.request.path, "cancel_url": self.inspect_url,
                "submit_button_label": self.submit_button_label, "submit_button_classname": "button", "intro": ""}

    def form_valid(self, form):
        try:
            self.run_service(form)
        except (DomainError, ValidationError) as error:
            for message in getattr(error, "messages", [error.message]):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(_url("index"))

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Nothing was changed; correct the errors below."), form)
        return super().form_invalid(form)


class ApproveView(EntryActionView):
    page_title = gettext_lazy("Approve PE entry")
    submit_button_label = gettext_lazy("Approve")
    success_message = gettext_lazy("The entry is approved.")

    def run_service(self, form):
        pe_services.pe_entry_approve(entry=self.object, actor=self.request.user)


class RejectView(EntryActionView):
    page_title = gettext_lazy("Reject PE entry")
    submit_button_label = gettext_lazy("Reject")
    success_message = gettext_lazy("The entry is rejected; the member sees the reason.")
    form_class = ReasonForm

    def run_service(self, form):
        pe_services.pe_entry_reject(entry=self.object, actor=self.request.user, reason=form.cleaned_data["reason"])


class PEEntryViewSet(ServiceRecordViewSet):
    """The review queue: pending entries first, with filters and the approve/reject actions."""

    model = PEEntry
    name = ENTRIES
    url_prefix = "pe/entries"
    icon = "tasks"
    menu_label = gettext_lazy("Review queue")
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = PEEntryIndexView
    inspect_view_class = PEEntryInspectView
    filterset_class = PEEntryFilterSet
    list_display = [
        "title",
        Column("member", label=gettext_lazy("Member")),
        Column("category", label=gettext_lazy("Category")),
        Column("date", label=gettext_lazy("Date")),
        Column("hours", label=gettext_lazy("Hours")),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column("audit_year", label=gettext_lazy("Audit")),
    ]
    search_fields = ["title", "member__first_name", "member__last_name", "member__email"]
    search_backend_name = None
    ordering = ["status", "date"]

    def get_action_urlpatterns(self):
        return [
            path("approve/<int:pk>/", self.construct_view(ApproveView), name="approve"),
            path("reject/<int:pk>/", self.construct_view(RejectView), name="reject"),
        ]


class PECategoryViewSet(ModelViewSet):
    model = PECategory
    name = "pe_categories"
    url_prefix = "pe/categories"
    icon = "tag"
    menu_label = gettext_lazy("Categories")
    copy_view_enabled = False
    list_display = ["name_nl", "name_en", "code", "sort_order"]
    panels = [FieldPanel("code"), FieldRowPanel([FieldPanel("name_nl"), FieldPanel("name_en")]), FieldPanel("sort_order"),
              FieldPanel("event_category")]


class PERequirementViewSet(ModelViewSet):
    model = PERequirement
    name = "pe_requirements"
    url_prefix = "pe/requirements"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Requirements")
    copy_view_enabled = False
    list_display = ["scheme", "valid_from", "cycle_years", "points_required", "points_per_hour"]
    panels = [
        FieldRowPanel([FieldPanel("scheme"), FieldPanel("valid_from")]),
        FieldRowPanel([FieldPanel("cycle_years"), FieldPanel("points_required"), FieldPanel("points_per_hour")]),
        InlinePanel("category_rules", heading=gettext_lazy("Per category"), label=gettext_lazy("Category rule")),
    ]


class PEAuditRunViewSet(ServiceRecordViewSet):
    """The yearly evidence-audit draws (`manage.py pe_audit_draw` or the daily run); read only."""

    model = PEAuditRun
    name = "pe_audits"
    url_prefix = "pe/audits"
    icon = "search"
    menu_label = gettext_lazy("Evidence audits")
    add_to_reference_index = False
    inspect_view_enabled = True
    list_display = ["year", "share", "eligible", "selected", "created_at"]


# --- Members: behind schedule, and one member's ledger -------------------------------


class _PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("knowledge.view_peentry")


class _StandingView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("knowledge.view_peentry"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BehindView(_StandingView):
    template_name = "knowledge/pe/admin/behind.html"
    page_title = gettext_lazy("Members behind schedule")

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        behind = pe_selectors.pe_members_behind(on=today)
        users = get_user_model().objects.in_bulk([standing.member_id for standing, _forecast in behind])
        rows = [{"user": users[standing.member_id], "standing": standing, "forecast": forecast,
                 "url": reverse("pe_members:member", args=[standing.member_id])}
                for standing, forecast in behind if standing.member_id in users]
        return {**super().get_context_data(**kwargs), "rows": rows, "today": today}


class MemberLedgerView(_StandingView):
    """One member's ledger as the member sees it: progress with the caps, forecast, entries."""

    template_name = "knowledge/pe/admin/member.html"
    page_title = gettext_lazy("PE ledger")

    def get_page_subtitle(self):
        return self.member.get_full_name() or self.member.email

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("pe_members:behind"), "label": _("Members behind schedule")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get(self, request, *args, user_id, **kwargs):
        self.member = get_object_or_404(get_user_model(), pk=user_id)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        eligibility = pe_selectors.pe_eligibility(user=self.member, on=today)
        forecast = pe_selectors.pe_forecast(user=self.member, on=today)
        entries = [{"entry": entry, "url": _url("inspect", entry.pk)}
                   for entry in pe_selectors.pe_entries_for_member(user=self.member)]
        return {**super().get_context_data(**kwargs), "member": self.member, "eligibility": eligibility,
                "progress": eligibility.progress, "forecast": forecast, "entries": entries, "today": today}


class PEStandingViewSet(ViewSet):
    """Members whose pace does not reach the requirement, and each member's ledger as they see it."""

    name = "pe_members"
    url_prefix = "pe/members"
    icon = "group"
    menu_label = gettext_lazy("Members behind schedule")
    menu_item_class = _PermissionMenuItem

    @property
    def menu_url(self):
        return reverse("pe_members:behind")

    def get_urlpatterns(self):
        return [
            path("", BehindView.as_view(), name="behind"),
            path("<int:user_id>/", MemberLedgerView.as_view(), name="member"),
        ]


class PEViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Permanent education")
    menu_name = "permanent_education"
    menu_icon = "tasks"
    menu_order = 270
    items = (PEEntryViewSet, PEStandingViewSet, PEAuditRunViewSet, PERequirementViewSet, PECategoryViewSet)


@hooks.register("register_admin_viewset")
def register_pe_viewsets():
    return PEViewSetGroup()

