"""The dashboard in the Wagtail admin: one panel per section on the admin home, each shown
only to the groups it concerns; a CSV file of each chart and table; the board report (PDF).

Also the one section portal owns itself: the recent audit events, each reader seeing
only entries about records they may view.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import ModelLogEntry

from portal.audit import entry_message
from portal.dashboard import (
    DASHBOARD_SECTIONS_HOOK,
    Period,
    Section,
    SectionData,
    Table,
    dashboard_section,
    dashboard_sections,
    period_from_query,
    period_parse,
)

AUDIT_LIMIT = 12
REPORT_PERMISSION = "members.view_membership"


# --- The audit section --------------------------------------------------------------------------


def _viewable_models(user) -> Q | None:
    """A filter on log entries about records `user` may view; None for a superuser (everything)."""
    if user.is_superuser:
        return None
    condition = Q(pk__in=[])
    for permission in user.get_all_permissions():
        app_label, _dot, codename = permission.partition(".")
        if codename.startswith("view_"):
            condition |= Q(content_type__app_label=app_label, content_type__model=codename.removeprefix("view_"))
    return condition


def build_audit(*, period: Period, user=None) -> SectionData:
    entries = ModelLogEntry.objects.select_related("user", "content_type").order_by("-timestamp", "-pk")
    if user is not None:
        condition = _viewable_models(user)
        if condition is not None:
            entries = entries.filter(condition)
    rows = []
    for entry in entries[:AUDIT_LIMIT]:
        who = (entry.user.get_full_name() or entry.user.email) if entry.user else _("System")
        rows.append([
            date_format(timezone.localtime(entry.timestamp), "j M Y H:i"),
            entry.label,
            entry_message(entry),
            who,
        ])
    return SectionData(
        tables=[
            Table(
                key="recent-audit-events",
                title=_("Recent changes"),
                columns=[_("When"), _("Record"), _("What happened"), _("By")],
                rows=rows,
                empty=_("Nothing recorded yet."),
                personal=True,
            )
        ],
        links=[(_("Site history"), reverse("wagtailadmin_reports:site_history"))],
    )


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def audit_section() -> Section:
    return Section(
        key="audit",
        title=gettext_lazy("Recent audit events"),
        build=build_audit,
        # The secretariat and the deciders; not assessors, who see only the applications assigned to them.
        permissions=("members.view_membership", "members.decide_certificationapplication"),
        order=90,
    )


# --- Admin home panels --------------------------------------------------------------------------


class DashboardPanel(Component):
    """One dashboard section on the Wagtail admin home."""

    template_name = "portal/admin/dashboard_panel.html"

    def __init__(self, section: Section, *, user, period: Period):
        self.section, self.user, self.period = section, user, period
        self.order = 40 + section.order

    def get_context_data(self, parent_context):
        data = self.section.build(period=self.period, user=self.user)
        return {
            "section": self.section,
            "data": data,
            "period": self.period,
            "query": f"start={self.period.start:%Y-%m}&end={self.period.end:%Y-%m}",
        }


class ReportLinkPanel(Component):
    template_name = "portal/admin/dashboard_report_link.html"
    order = 39

    def get_context_data(self, parent_context):
        return {"report_url": reverse("portal_board_report")}


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    sections = dashboard_sections(request.user)
    if not sections:
        return
    period = Period.last_months()
    if request.user.is_superuser or request.user.has_perm(REPORT_PERMISSION):
        panels.append(ReportLinkPanel())
    panels.extend(DashboardPanel(section, user=request.user, period=period) for section in sections)


@hooks.register("insert_global_admin_css")
def dashboard_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("portal/css/dashboard-admin.css"))


# --- CSV and the board report -------------------------------------------------------------------


def dashboard_csv(request, section_key: str, item_key: str):
    """One chart's or table's numbers as CSV (UTF-8 with BOM, so spreadsheets read the accents)."""
    section = dashboard_section(section_key, request.user)
    if section is None:
        raise PermissionDenied
    period = period_from_query(request.GET)
    item = section.build(period=period, user=request.user).downloadable(item_key)
    if item is None:
        raise Http404
    response = HttpResponse("\ufeff" + item.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{section.key}-{item.key}-{period.start:%Y-%m}-{period.end:%Y-%m}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


class ReportForm(forms.Form):
    start = forms.CharField(label=gettext_lazy("From (month)"), widget=forms.TextInput(attrs={"type": "month"}))
    end = forms.CharField(label=gettext_lazy("To (month)"), widget=forms.TextInput(attrs={"type": "month"}))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        period = period_parse(cleaned)
        if period is None:
            raise forms.ValidationError(_("Choose two months, the first not after the second."))
        if (period.end.year - period.start.year) * 12 + period.end.month - period.start.month >= 60:
            raise forms.ValidationError(_("A report covers at most five years."))
        cleaned["period"] = period
        return cleaned


def board_report_pdf(*, user, period: Period) -> bytes:
    """The board report in Dutch: every section `user` may see, for `period`, without names of people."""
    from weasyprint import HTML

    with translation.override("nl"):
        sections = [(section, section.build(period=period, user=user)) for section in dashboard_sections(user)]
        sections = [(section, data) for section, data in sections if section.key != "audit"]
        from portal.models import AssociationSettings
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
        association = AssociationSettings.for_site(site) if site else None
        html = render_to_string(
            "portal/admin/board_report_pdf.html",
            {
                "sections": sections,
                "period": period,
                "made_on": timezone.localdate(),
                "association": association,
            },
        )
    return HTML(string=html).write_pdf()


def board_report(request):
    """Choose a period; download the board report for it."""
    if not (request.user.is_superuser or request.user.has_perm(REPORT_PERMISSION)):
        raise PermissionDenied
    default = Period.last_months(12)
    form = ReportForm(request.GET or None, initial={"start": f"{default.start:%Y-%m}", "end": f"{default.end:%Y-%m}"})
    if request.GET and form.is_valid():
        period = form.cleaned_data["period"]
        response = HttpResponse(board_report_pdf(user=request.user, period=period), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="bestuursrapportage-{period.start:%Y-%m}-{period.end:%Y-%m}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "portal/admin/board_report_form.html", {"form": form})


@hooks.register("register_admin_urls")
def dashboard_urls():
    return [
        path("dashboard/report/", board_report, name="portal_board_report"),
        path("dashboard/<slug:section_key>/<slug:item_key>.csv", dashboard_csv, name="portal_dashboard_csv"),
    ]
