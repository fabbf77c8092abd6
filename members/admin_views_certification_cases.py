"""Admin views of objections and complaints: lists with the clock, the detail with its
history, and one form view per action (assign a handler, decide), each calling one service.

Who sees them: the secretariat and the deciders (view_objection / view_complaint,
portal/roles.py). Who assigns: the secretariat or a decider. Who decides: the
assigned handler, a decider without a part in the original decision; the services
check that per case.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic

from members import certification_selectors as selectors
from members.admin_views_certification import ApplicationActionView
from members.models import Complaint, Objection
from members.models.certification_cases import OPEN_CASE_STATUSES, CaseStatus
from members.services import certification_cases as services
from portal.audit import entries_for, entry_message

OBJECTIONS = "certification_objections"
COMPLAINTS = "certification_complaints"


# --- The clock ------------------------------------------------------------------------------


def clock_label(case, today=None) -> str:
    """"12 days left", "due today", "3 days overdue", or "closed"."""
    if not case.is_open:
        return _("closed")
    days = case.days_left(today)
    if days > 0:
        return _("%(days)d days left") % {"days": days} if days != 1 else _("1 day left")
    if days == 0:
        return _("due today")
    return _("%(days)d days overdue") % {"days": -days} if days != -1 else _("1 day overdue")


class ClockColumn(Column):
    cell_template_name = "members/admin/_case_clock_cell.html"

    def get_value(self, instance):
        return clock_label(instance)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = instance.is_overdue
        return context


class CaseFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(label=gettext_lazy("Status"), choices=CaseStatus.choices,
                                                 widget=forms.CheckboxSelectMultiple)
    overdue = django_filters.BooleanFilter(label=gettext_lazy("Overdue"), method="filter_overdue",
                                           widget=forms.CheckboxInput)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_CASE_STATUSES, due_on__lt=timezone.localdate())


class ObjectionFilterSet(CaseFilterSet):
    class Meta:
        model = Objection
        fields = ["status", "overdue"]


class ComplaintFilterSet(CaseFilterSet):
    class Meta:
        model = Complaint
        fields = ["status", "overdue"]


# --- Forms ------------------------------------------------------------------------------------


class HandlerForm(forms.Form):
    handler = forms.ModelChoiceField(label=gettext_lazy("Handler"), queryset=None,
                                     help_text=gettext_lazy("A decider who took no part in the original decision."))

    def __init__(self, *args, excluded: set, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.roles import DECIDERS

        self.fields["handler"].queryset = (
            get_user_model().objects.filter(Q(groups__name=DECIDERS), is_active=True)
            .exclude(pk__in=[pk for pk in excluded if pk]).distinct().order_by("last_name", "first_name")
        )


class ObjectionDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Objection.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=gettext_lazy("Reasons (the applicant reads them)"),
                              widget=forms.Textarea(attrs={"rows": 6}))


class ComplaintDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Complaint.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=gettext_lazy("Reasons (the complainant and the holder read them)"),
                              widget=forms.Textarea(attrs={"rows": 6}))


# --- Objections -------------------------------------------------------------------------------


def _url(viewset: str, name: str, *args) -> str:
    return reverse(f"{viewset}:{name}", args=args)


class ObjectionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.objections_visible_to(user=self.request.user)


class ComplaintIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.complaints_visible_to(user=self.request.user)


def _case_actions(user, case, viewset, refusal) -> list[dict]:
    actions = []
    if not case.is_open:
        return actions
    may_assign = user.has_perm("members.manage_certificationapplication") or user.has_perm(
        "members.decide_certificationapplication"
    )
    if may_assign:
        label = _("Assign handler") if case.handler_id is None else _("Change handler")
        actions.append({"url": _url(viewset, "assign", case.pk), "label": label})
    if case.handler_id == user.pk and refusal is None:
        actions.append({"url": _url(viewset, "decide", case.pk), "label": _("Decide")})
    return actions


class ObjectionInspectView(generic.InspectView):
    template_name = "members/admin/certification_case_inspect.html"

    def get_object(self, queryset=None):
        objection = (
            selectors.objections_visible_to(user=self.request.user)
            .select_related("decision__decider", "decision__assessor", "application__scheme")
            .filter(pk=self.pk).first()
        )
        if objection is None:
            raise Http404
        return objection

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objection, user = self.object, self.request.user
        refusal = services.objection_handler_refusal(objection=objection, user=user)
        history = [
            {"entry": entry, "message": entry_message(entry)}
            for entry in entries_for(objection.application)
        ]
        context.update(
            case=objection,
            kind="objection",
            clock=clock_label(objection),
            actions=_case_actions(user, objection, OBJECTIONS, refusal),
            evidence=list(objection.evidence.all()),
            application_url=_url("certification_applications", "inspect", objection.application_id),
            history=history,
        )
        return context


class ComplaintInspectView(generic.InspectView):
    template_name = "members/admin/certification_case_inspect.html"

    def get_object(self, queryset=None):
        complaint = (
            selectors.complaints_visible_to(user=self.request.user)
            .select_related("certificate__holder", "certificate__level").filter(pk=self.pk).first()
        )
        if complaint is None:
            raise Http404
        return complaint

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint, user = self.object, self.request.user
        refusal = services.complaint_handler_refusal(complaint=complaint, user=user)
        target = complaint.certificate if complaint.certificate_id else complaint
        history = [
            {"entry": entry, "message": entry_message(entry)}
            for entry in entries_for(target)
            if (entry.data or {}).get("complaint") == complaint.pk
        ]
        context.update(
            case=complaint,
            kind="complaint",
            clock=clock_label(complaint),
            actions=_case_actions(user, complaint, COMPLAINTS, refusal),
            certificate_url=(
                _url("certificates", "inspect", complaint.certificate_id)
                if complaint.certificate_id and user.has_perm("members.view_certificate") else ""
            ),
            history=history,
        )
        return context


class CaseActionView(ApplicationActionView):
    """An action on one objection or complaint: a form, then one service call."""

    viewset_name = ""
    list_label = ""

    def get_queryset(self, user):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required) and not request.user.has_perm(
            getattr(self, "alternative_permission", self.permission_required)
        ):
            raise PermissionDenied
        self.object = self.get_queryset(request.user).filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return FormView.dispatch(self, request, *args, **kwargs)

    @cached_property
    def inspect_url(self):
        return _url(self.viewset_name, "inspect", self.object.pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url(self.viewset_name, "index"), "label": str(self.list_label)},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]


class ObjectionActionView(CaseActionView):
    viewset_name = OBJECTIONS
    list_label = gettext_lazy("Objections")

    def get_queryset(self, user):
        return selectors.objections_visible_to(user=user)


class ComplaintActionView(CaseActionView):
    viewset_name = COMPLAINTS
    list_label = gettext_lazy("Complaints")

    def get_queryset(self, user):
        return selectors.complaints_visible_to(user=user)


class ObjectionAssignView(ObjectionActionView):
    page_title = gettext_lazy("Assign handler")
    permission_required = "members.manage_certificationapplication"
    alternative_permission = "members.decide_certificationapplication"
    form_class = HandlerForm
    intro = gettext_lazy("Neither the assessor nor the decider of the original decision may reconsider it.")

    def get_form_kwargs(self):
        o = self.object
        return {**super().get_form_kwargs(),
                "excluded": {o.original_decider_id, o.original_assessor_id, o.application.applicant_id}}

    def run_service(self, form):
        services.objection_assign(objection=self.object, handler=form.cleaned_data["handler"], actor=self.request.user)
        messages.success(self.request, _("The handler is assigned."))


class ObjectionDecideView(ObjectionActionView):
    page_title = gettext_lazy("Decide on objection")
    permission_required = "members.decide_certificationapplication"
    form_class = ObjectionDecideForm
    intro = gettext_lazy("Overturning a refusal grants the application: the certificate is issued at once.")

    def run_service(self, form):
        services.objection_decide(objection=self.object, handler=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The objection is decided and the applicant is told."))


class ComplaintAssignView(ComplaintActionView):
    page_title = gettext_lazy("Assign handler")
    permission_required = "members.manage_certificationapplication"
    alternative_permission = "members.decide_certificationapplication"
    form_class = HandlerForm
    intro = gettext_lazy("Neither the holder nor anyone who assessed or decided on the certificate may handle the complaint.")

    def get_form_kwargs(self):
        c = self.object
        return {**super().get_form_kwargs(),
                "excluded": {c.holder_id, c.original_decider_id, c.original_assessor_id}}

    def run_service(self, form):
        services.complaint_assign(complaint=self.object, handler=form.cleaned_data["handler"], actor=self.request.user)
        messages.success(self.request, _("The handler is assigned."))


class ComplaintDecideView(ComplaintActionView):
    page_title = gettext_lazy("Decide on complaint")
    permission_required = "members.decide_certificationapplication"
    form_class = ComplaintDecideForm
    intro = gettext_lazy("A founded complaint may lead to a suspension or withdrawal: do that on the certificate itself.")

    def run_service(self, form):
        services.complaint_decide(complaint=self.object, handler=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The complaint is decided; the complainant and the holder are told."))
