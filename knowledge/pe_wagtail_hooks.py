"""The secretariat's part of the Wagtail admin for permanent education, and its audit actions.

Imported from `knowledge/wagtail_hooks.py`. The "Permanent education" menu holds the
review queue of entries (filter by status, category, member and date; approve,
reject with a reason, bulk approve), and the rules: categories and requirements.
Every action calls one service in `knowledge/pe_services.py`. Who may do what is the
model permission (portal/roles.py, Secretariat).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.viewsets import ServiceRecordViewSet

from knowledge import pe_services
from knowledge.pe_models import PECategory, PEEntry, PERequirement
from portal.audit import LogFormatter, entries_for, entry_message
from portal.exceptions import DomainError

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

    class Meta:
        model = PEEntry
        fields = ["status", "category", "member"]


class PEEntryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("member", "category")


class PEEntryInspectView(generic.InspectView):
    template_name = "knowledge/pe/admin/entry_inspect.html"

    def get_fields(self):
        return ["member", "title", "provider", "category", "date", "hours", "reflection", "status", "rejection_reason",
                "reviewed_by", "reviewed_at", "created_at"]

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
    panels = [FieldPanel("code"), FieldRowPanel([FieldPanel("name_nl"), FieldPanel("name_en")]), FieldPanel("sort_order")]


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


class PEViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Permanent education")
    menu_name = "permanent_education"
    menu_icon = "tasks"
    menu_order = 270
    items = (PEEntryViewSet, PERequirementViewSet, PECategoryViewSet)


@hooks.register("register_admin_viewset")
def register_pe_viewsets():
    return PEViewSetGroup()

