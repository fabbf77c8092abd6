"""The certification body's part of the Wagtail admin, and the certification's audit actions.

Imported from `members/wagtail_hooks.py`. The "Certification" menu holds:

- the scheme (levels, fees, validity, thresholds, periods) and the norm versions
  with their competence areas and criteria: edited by deciders (the body);
- applications, queued by state: the secretariat records fees and assigns
  assessors, an assessor sees only the applications assigned to them and
  assesses them, a decider decides (never one who assessed);
- the certificate register with filters, and suspend / reinstate / withdraw.

Every action calls one service in `members/services/certification.py`; each
application's and certificate's history is read from the audit log.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.audit import LogFormatter

# --- Audit actions --------------------------------------------------------------------


class _Formatter(LogFormatter):
    """Shows `label`, or `message` filled in from the entry's data through `fields`."""

    message = None
    fields: dict = {}

    def format_message(self, log_entry):
        if self.message is None:
            return str(self.label)
        data = log_entry.data or {}
        values = {
            name: source(data) if callable(source) else data.get(source, "") for name, source in self.fields.items()
        }
        return str(self.message) % values


def _formatter(label, message=None, **fields):
    """A formatter class for one action. Each field names the data key that fills the
    placeholder of the same name, or is a function of the data."""
    return type("CertificationLogFormatter", (_Formatter,), {"label": label, "message": message, "fields": fields})


def _choice(model_name: str, choices_name: str, key: str = "outcome"):
    """The label of the choice stored under `key` ("" for a value no longer known)."""

    def label(data):
        from members import models

        choices = getattr(getattr(models, model_name), choices_name)
        value = data.get(key)
        return choices(value).label if value in choices.values else ""

    return label


def _assessor(data: dict) -> str:
    return data.get("assessor") or ""


def _criteria(data: dict) -> str:
    return ", ".join(data.get("criteria", []))


LOG_ACTIONS = {
    "members.certification_application.started": _formatter(_("Certification application started")),
    "members.certification_application.evidence_added": _formatter(
        _("Evidence added"), _("Evidence added: %(file)s"), file="file"
    ),
    "members.certification_application.submitted": _formatter(
        _("Application submitted"), _("Application submitted; assessed against norms %(version)s"),
        version="norm_version",
    ),
    "members.certification_application.recertification_started": _formatter(
        _("Recertification applied for"),
        _("Recertification of %(number)s applied for; assessed against norms %(version)s"),
        number="number", version="norm_version",
    ),
    "members.certification_application.fee_paid": _formatter(
        _("Application fee received"), _("Application fee of € %(amount)s received"), amount="amount"
    ),
    "members.certification_application.assessor_assigned": _formatter(
        _("Assessor assigned"), _("Assessor assigned: %(name)s"), name=_assessor
    ),
    "members.certification_application.conflict_declared": _formatter(
        _("Conflict of interest declared"), _("%(name)s declared a relation with the applicant and stepped back"),
        name=_assessor,
    ),
    "members.certification_application.no_conflict_declared": _formatter(
        _("No conflict of interest declared"), _("%(name)s declared no conflict of interest"), name=_assessor
    ),
    "members.certification_application.scored": _formatter(
        _("Criteria scored"), _("Criteria scored: %(codes)s"), codes=_criteria
    ),
    "members.certification_application.interview_recorded": _formatter(
        _("Interview recorded"), _("Interview of %(date)s recorded"), date="held_on"
    ),
    "members.certification_application.recommended": _formatter(
        _("Recommendation made"), _("Recommendation: %(outcome)s"),
        outcome=_choice("Assessment", "Recommendation", key="recommendation"),
    ),
    "members.certification_application.decided": _formatter(
        _("Decision taken"), _("Decision: %(outcome)s"), outcome=_choice("Decision", "Outcome")
    ),
    "members.certificate.issued": _formatter(
        _("Certificate issued"), _("Certificate %(number)s issued, valid until %(until)s"),
        number="number", until="valid_until",
    ),
    "members.certificate.suspended": _formatter(
        _("Certificate suspended"), _("Suspended until %(until)s: %(reason)s"), until="until", reason="reason"
    ),
    "members.certificate.reinstated": _formatter(_("Certificate reinstated")),
    "members.certificate.withdrawn": _formatter(_("Certificate withdrawn"), _("Withdrawn: %(reason)s"), reason="reason"),
    "members.certificate.expired": _formatter(
        _("Certificate expired"), _("Expired after %(until)s"), until="valid_until"
    ),
    "members.certificate.renewed": _formatter(
        _("Certificate renewed"), _("Renewed: valid from %(start)s until %(end)s"), start="valid_from", end="valid_until"
    ),
    "members.certificate.reminder_sent": _formatter(
        _("Recertification reminder sent"), _("Recertification reminder sent (%(occasion)s)"),
        occasion=_choice("CertificateReminder", "Occasion", key="occasion"),
    ),
    # Objections (logged on the application) and complaints (on the certificate, or the complaint).
    "members.objection.filed": _formatter(
        _("Objection filed"), _("Objection filed; to be reconsidered by %(due)s"), due="due_on"
    ),
    "members.objection.assigned": _formatter(
        _("Objection assigned"), _("Objection assigned to %(name)s"), name="handler"
    ),
    "members.objection.decided": _formatter(
        _("Objection decided"), _("Objection decided: %(outcome)s"), outcome=_choice("Objection", "Outcome")
    ),
    "members.complaint.filed": _formatter(
        _("Complaint received"), _("Complaint received; to be handled by %(due)s"), due="due_on"
    ),
    "members.complaint.assigned": _formatter(
        _("Complaint assigned"), _("Complaint assigned to %(name)s"), name="handler"
    ),
    "members.complaint.decided": _formatter(
        _("Complaint decided"), _("Complaint decided: %(outcome)s"), outcome=_choice("Complaint", "Outcome")
    ),
}  # fmt: skip


@hooks.register("register_log_actions")
def register_certification_log_actions(actions):
    for action, formatter_class in LOG_ACTIONS.items():
        actions.register_action(action)(formatter_class)


# --- Viewsets ---------------------------------------------------------------------------

from django.urls import path  # noqa: E402
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel  # noqa: E402
from wagtail.admin.ui.tables import Column  # noqa: E402
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup  # noqa: E402

from portal.viewsets import ServiceRecordViewSet  # noqa: E402

from members import admin_views_certification as views  # noqa: E402
from members.models import (  # noqa: E402
    Certificate,
    CertificationApplication,
    CertificationScheme,
    Criterion,
    NormVersion,
)


class SchemeViewSet(ModelViewSet):
    model = CertificationScheme
    name = "certification_schemes"
    url_prefix = "certification/schemes"
    icon = "clipboard-list"
    menu_label = _("Scheme and levels")
    copy_view_enabled = False
    list_display = ["name_nl", "code", "validity_years", "application_fee", "is_open"]
    panels = [
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("name_nl"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("description_nl"), FieldPanel("description_en")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("validity_years"), FieldPanel("application_fee"), FieldPanel("renewal_fee")]),
                FieldRowPanel([FieldPanel("min_years_experience"), FieldPanel("min_assignments")]),
                FieldRowPanel([FieldPanel("objection_period_weeks"), FieldPanel("reconsideration_period_weeks")]),
            ],
            heading=_("Rules"),
        ),
        FieldPanel("is_open"),
        InlinePanel("levels", heading=_("Levels"), label=_("Level")),
    ]


class NormVersionViewSet(ModelViewSet):
    model = NormVersion
    name = "norm_versions"
    url_prefix = "certification/norms"
    icon = "doc-full"
    menu_label = _("Norm versions")
    copy_view_enabled = False
    list_display = ["version", "title_nl", "effective_from", "replaces"]
    panels = [
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("version"), FieldPanel("effective_from"), FieldPanel("replaces")]),
        FieldRowPanel([FieldPanel("title_nl"), FieldPanel("title_en")]),
        FieldRowPanel([FieldPanel("summary_nl"), FieldPanel("summary_en")]),
        InlinePanel("areas", heading=_("Competence areas"), label=_("Competence area")),
    ]


class CriterionViewSet(ModelViewSet):
    model = Criterion
    name = "certification_criteria"
    url_prefix = "certification/criteria"
    icon = "list-ul"
    menu_label = _("Criteria")
    copy_view_enabled = False
    list_display = ["code", "text_nl", "eqf_level", "area"]
    list_filter = ["area__norm_version", "eqf_level"]
    panels = [FieldPanel("area"), FieldRowPanel([FieldPanel("code"), FieldPanel("eqf_level"), FieldPanel("sort_order")]),
              FieldPanel("text_nl"), FieldPanel("text_en")]


class ApplicationViewSet(ServiceRecordViewSet):
    """Applications queued by state (filter), each with its detail, history and actions."""

    model = CertificationApplication
    name = views.APPLICATIONS
    url_prefix = "certification/applications"
    icon = "form"
    menu_label = _("Applications")
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = views.ApplicationIndexView
    inspect_view_class = views.ApplicationInspectView
    list_filter = ["status", "level"]
    list_display = [
        Column("applicant", label=_("Applicant")),
        Column("level", label=_("Level")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("submitted_at", label=_("Submitted")),
    ]
    search_fields = ["applicant__first_name", "applicant__last_name"]
    search_backend_name = None
    ordering = "-submitted_at"

    def get_action_urlpatterns(self):
        return [
            path("fee-paid/<int:pk>/", self.construct_view(views.FeePaidView), name="fee_paid"),
            path("assign/<int:pk>/", self.construct_view(views.AssignView), name="assign"),
            path("declare/<int:pk>/", self.construct_view(views.DeclareView), name="declare"),
            path("score/<int:pk>/", self.construct_view(views.ScoreView), name="score"),
            path("interview/<int:pk>/", self.construct_view(views.InterviewView), name="interview"),
            path("recommend/<int:pk>/", self.construct_view(views.RecommendView), name="recommend"),
            path("decide/<int:pk>/", self.construct_view(views.DecideView), name="decide"),
        ]


class CertificateViewSet(ServiceRecordViewSet):
    """The certificate register with filters; suspend, reinstate and withdraw (POST forms)."""

    model = Certificate
    name = views.CERTIFICATES
    url_prefix = "certification/certificates"
    icon = "success"
    menu_label = _("Certificates")
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = views.CertificateIndexView
    inspect_view_class = views.CertificateInspectView
    list_filter = ["status", "level", "norm_version"]
    list_display = ["number", "holder", "level", Column("status", label=_("Status"), accessor="get_status_display"),
                    "valid_until"]
    search_fields = ["number", "holder__first_name", "holder__last_name"]
    search_backend_name = None
    ordering = "-issued_on"

    def get_action_urlpatterns(self):
        return [
            path("suspend/<int:pk>/", self.construct_view(views.SuspendView), name="suspend"),
            path("reinstate/<int:pk>/", self.construct_view(views.ReinstateView), name="reinstate"),
            path("withdraw/<int:pk>/", self.construct_view(views.WithdrawView), name="withdraw"),
        ]


from members import admin_views_certification_cases as case_views  # noqa: E402
from members.models import Complaint, Objection  # noqa: E402


class ObjectionViewSet(ServiceRecordViewSet):
    """Objections with their clock; filter the overdue ones; assign a handler and decide."""

    model = Objection
    name = case_views.OBJECTIONS
    url_prefix = "certification/objections"
    icon = "warning"
    menu_label = _("Objections")
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = case_views.ObjectionIndexView
    inspect_view_class = case_views.ObjectionInspectView
    filterset_class = case_views.ObjectionFilterSet
    list_display = [
        Column("application", label=_("Application"), accessor="application"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("handler", label=_("Handler")),
        Column("due_on", label=_("To be handled by")),
        case_views.ClockColumn("clock", label=_("Clock")),
    ]
    search_fields = ["application__applicant__first_name", "application__applicant__last_name"]
    search_backend_name = None
    ordering = "due_on"

    def get_action_urlpatterns(self):
        return [
            path("assign/<int:pk>/", self.construct_view(case_views.ObjectionAssignView), name="assign"),
            path("decide/<int:pk>/", self.construct_view(case_views.ObjectionDecideView), name="decide"),
        ]


class ComplaintViewSet(ServiceRecordViewSet):
    """Complaints about certified managers with their clock; assign a handler and decide."""

    model = Complaint
    name = case_views.COMPLAINTS
    url_prefix = "certification/complaints"
    icon = "mail"
    menu_label = _("Complaints")
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = case_views.ComplaintIndexView
    inspect_view_class = case_views.ComplaintInspectView
    filterset_class = case_views.ComplaintFilterSet
    list_display = [
        Column("pk", label=_("Complaint"), accessor="__str__"),
        Column("certificate_number", label=_("Certificate number")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("handler", label=_("Handler")),
        Column("due_on", label=_("To be handled by")),
        case_views.ClockColumn("clock", label=_("Clock")),
    ]
    search_fields = ["certificate_number", "manager_name", "complainant_email"]
    search_backend_name = None
    ordering = "due_on"

    def get_action_urlpatterns(self):
        return [
            path("assign/<int:pk>/", self.construct_view(case_views.ComplaintAssignView), name="assign"),
            path("decide/<int:pk>/", self.construct_view(case_views.ComplaintDecideView), name="decide"),
        ]


class CertificationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Certification")
    menu_name = "certification"
    menu_icon = "success"
    menu_order = 260
    items = (ApplicationViewSet, CertificateViewSet, ObjectionViewSet, ComplaintViewSet, SchemeViewSet, NormVersionViewSet, CriterionViewSet)


@hooks.register("register_admin_viewset")
def register_certification_viewsets():
    return CertificationViewSetGroup()
