"""Admin views of the certification body: the application detail with its history, and
one form view per action, each calling one service.

Who may do what is the model permission of the action (portal/roles.py):
the secretariat records fees and assigns (manage), an assessor assesses only the
applications assigned to them (assess), a decider decides (decide) and acts on
certificates (change_certificate). The services check the rest per application.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from members import certification_selectors as selectors
from members.models import Assessment, Certificate, CertificationApplication, CriterionScore, Decision
from members.services import certification as services
from portal.audit import entries_for, entry_message
from portal.exceptions import DomainError

APPLICATIONS = "certification_applications"
CERTIFICATES = "certificates"


# --- Forms ------------------------------------------------------------------------------


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(label=gettext_lazy("Assessor"), queryset=None)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from portal.roles import ASSESSORS

        self.fields["assessor"].queryset = (
            get_user_model().objects.filter(Q(groups__name=ASSESSORS), is_active=True)
            .exclude(pk=application.applicant_id).distinct().order_by("last_name", "first_name")
        )


class FeePaidForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=gettext_lazy("Bank reference or note"), required=False, max_length=120)


class DeclareForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=gettext_lazy("Do you have, or did you have in the last three years, a personal, business or financial relation with the applicant?"),
        choices=[("no", gettext_lazy("No, I have no relation with the applicant")), ("yes", gettext_lazy("Yes, I have a relation"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
    )
    relation = forms.CharField(label=gettext_lazy("The relation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Interview held on"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=gettext_lazy("Interview record"), widget=forms.Textarea(attrs={"rows": 8}))


class RecommendForm(forms.Form):
    recommendation = forms.ChoiceField(label=gettext_lazy("Recommendation"), choices=Assessment.Recommendation.choices,
                                       widget=forms.RadioSelect)
    reasons = forms.CharField(label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 6}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=gettext_lazy("Reasons (the applicant reads them)"), widget=forms.Textarea(attrs={"rows": 6}))


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            current = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.code} {criterion.text} (EQF {criterion.eqf_level})",
                choices=[("", "—"), *CriterionScore.Score.choices], coerce=int, empty_value=None, required=False,
                initial=current.score if current else None,
            )
            self.fields[f"notes_{criterion.pk}"] = forms.CharField(
                label=_("Notes on %(code)s") % {"code": criterion.code}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}), initial=current.notes if current else "",
            )

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            criterion.pk: (self.cleaned_data[f"score_{criterion.pk}"], self.cleaned_data[f"notes_{criterion.pk}"])
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}") is not None
        }


class SuspendForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (for the holder and the file; not shown to clients)"),
                             widget=forms.Textarea(attrs={"rows": 4}))
    until = forms.DateField(label=gettext_lazy("Suspended until"), widget=forms.DateInput(attrs={"type": "date"}))


class ReinstateForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


# --- Application views -----------------------------------------------------------------


def _url(viewset: str, name: str, *args) -> str:
    return reverse(f"{viewset}:{name}", args=args)


class ApplicationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.applications_visible_to(user=self.request.user)


class ApplicationInspectView(generic.InspectView):
    template_name = "members/admin/certification_application_inspect.html"

    def get_object(self, queryset=None):
        application = selectors.applications_visible_to(user=self.request.user).filter(pk=self.pk).first()
        if application is None:
            raise Http404
        return application

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        assessment = selectors.current_assessment(application=application)
        decision = Decision.objects.filter(application=application).select_related("decider", "assessor").first()
        scores = list(assessment.scores.select_related("criterion__area")) if assessment else []
        is_own_assessment = assessment is not None and assessment.assessor_id == user.pk
        actions = []

        def offer(name, label, allowed):
            if allowed:
                actions.append({"url": _url(APPLICATIONS, name, application.pk), "label": label})

        Status = CertificationApplication.Status
        manage = user.has_perm("members.manage_certificationapplication")
        offer("fee_paid", _("Record fee received"), manage and application.fee_paid_at is None)
        offer("assign", _("Assign assessor"), manage and application.status == Status.SUBMITTED and application.fee_paid_at)
        if is_own_assessment and user.has_perm("members.assess_certificationapplication"):
            offer("declare", _("Declare conflict of interest"), assessment.status == Assessment.Status.AWAITING_DECLARATION)
            in_progress = assessment.status == Assessment.Status.IN_PROGRESS
            offer("score", _("Score criteria"), in_progress)
            offer("interview", _("Record interview"), in_progress)
            offer("recommend", _("Recommend"), in_progress)
        offer("decide", _("Decide"), user.has_perm("members.decide_certificationapplication")
              and application.status == Status.DECISION and decision is None
              and not selectors.user_took_part_in_assessment(application=application, user=user))
        context.update(
            application=application,
            assessment=assessment,
            scores=scores,
            decision=decision,
            assignments=list(application.assignments.all()),
            evidence=list(application.evidence.all()),
            history=[{"entry": entry, "message": entry_message(entry)} for entry in entries_for(application)],
            actions=actions,
            objection_url=self._objection_url(application, user),
        )
        return context


    @staticmethod
    def _objection_url(application, user) -> str:
        """The objection to this application's decision, for staff who see objections."""
        if not user.has_perm("members.view_objection"):
            return ""
        from members.models import Objection

        pk = Objection.objects.filter(application=application).values_list("pk", flat=True).first()
        return reverse("certification_objections:inspect", args=[pk]) if pk else ""


class ApplicationActionView(WagtailAdminTemplateMixin, FormView):
    """An action on one application: a form, then one service call."""

    template_name = "members/admin/membership_action.html"
    permission_required = ""
    header_icon = "tick-inverse"
    submit_button_label = gettext_lazy("Save")
    submit_button_classname = "button"
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.object = selectors.applications_visible_to(user=request.user).filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def inspect_url(self):
        return _url(APPLICATIONS, "inspect", self.object.pk)

    @cached_property
    def assessment(self):
        assessment = selectors.current_assessment(application=self.object)
        if assessment is None or assessment.assessor_id != self.request.user.pk:
            raise PermissionDenied
        return assessment

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url(APPLICATIONS, "index"), "label": _("Applications")},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "action_url": self.request.path,
            "cancel_url": self.inspect_url,
            "submit_button_label": self.submit_button_label,
            "submit_button_classname": self.submit_button_classname,
            "intro": self.intro,
        }

    def run_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.run_service(form)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.inspect_url

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Nothing was changed; correct the errors below."), form)
        return super().form_invalid(form)


class FeePaidView(ApplicationActionView):
    page_title = gettext_lazy("Record fee received")
    permission_required = "members.manage_certificationapplication"
    form_class = FeePaidForm

    def get_initial(self):
        return {"paid_on": timezone.localdate()}

    def run_service(self, form):
        services.application_fee_mark_paid(application=self.object, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The application fee is recorded as received."))


class AssignView(ApplicationActionView):
    page_title = gettext_lazy("Assign assessor")
    permission_required = "members.manage_certificationapplication"
    form_class = AssignForm
    intro = gettext_lazy("The assessor first declares whether they have a relation with the applicant; a declared relation ends the assignment.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.object}

    def run_service(self, form):
        services.assessment_assign(application=self.object, assessor=form.cleaned_data["assessor"], actor=self.request.user)
        messages.success(self.request, _("The assessor is assigned."))


class DeclareView(ApplicationActionView):
    page_title = gettext_lazy("Declare conflict of interest")
    permission_required = "members.assess_certificationapplication"
    form_class = DeclareForm

    def run_service(self, form):
        self.assessment = services.assessment_declare(assessment=self.assessment, assessor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your declaration is recorded."))

    def get_success_url(self):
        if self.assessment.status == Assessment.Status.CONFLICT:
            return _url(APPLICATIONS, "index")  # no longer theirs to see
        return self.inspect_url


class ScoreView(ApplicationActionView):
    page_title = gettext_lazy("Score criteria")
    permission_required = "members.assess_certificationapplication"
    form_class = ScoreForm

    def get_form_kwargs(self):
        criteria = selectors.criteria_for(norm_version=self.object.norm_version, eqf_level=self.object.level.eqf_level)
        scores = {score.criterion_id: score for score in self.assessment.scores.all()}
        return {**super().get_form_kwargs(), "criteria": criteria, "scores": scores}

    def run_service(self, form):
        services.assessment_score(assessment=self.assessment, assessor=self.request.user, scores=form.scores())
        messages.success(self.request, _("The scores are saved."))


class InterviewView(ApplicationActionView):
    page_title = gettext_lazy("Record interview")
    permission_required = "members.assess_certificationapplication"
    form_class = InterviewForm

    def run_service(self, form):
        services.assessment_interview_record(assessment=self.assessment, assessor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The interview is recorded."))


class RecommendView(ApplicationActionView):
    page_title = gettext_lazy("Recommend")
    permission_required = "members.assess_certificationapplication"
    form_class = RecommendForm

    def run_service(self, form):
        services.assessment_recommend(assessment=self.assessment, assessor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your recommendation is recorded; a decider takes it from here."))


class DecideView(ApplicationActionView):
    page_title = gettext_lazy("Decide")
    permission_required = "members.decide_certificationapplication"
    form_class = DecideForm
    intro = gettext_lazy("You may only decide on an application you took no part in assessing.")

    def run_service(self, form):
        services.application_decide(application=self.object, decider=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The decision is recorded and the applicant is told."))


# --- Certificate views ---------------------------------------------------------------------


class CertificateIndexView(generic.IndexView):
    def get_base_queryset(self):
        return Certificate.objects.select_related("holder", "level")


class CertificateInspectView(generic.InspectView):
    template_name = "members/admin/certificate_inspect.html"

    def get_fields(self):
        return ["number", "holder", "level", "status", "status_changed_on", "valid_from", "valid_until", "norm_version",
                "suspended_until", "suspension_reason", "withdrawal_reason", "issued_on"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate, user = self.object, self.request.user
        actions = []
        if user.has_perm("members.change_certificate"):
            Status = Certificate.Status
            for name, label, allowed in (
                ("suspend", _("Suspend"), certificate.status == Status.ACTIVE),
                ("reinstate", _("Reinstate"), certificate.status == Status.SUSPENDED),
                ("withdraw", _("Withdraw"), certificate.status in (Status.ACTIVE, Status.SUSPENDED)),
            ):
                if allowed:
                    actions.append({"url": _url(CERTIFICATES, name, certificate.pk), "label": label})
        context.update(
            certificate=certificate,
            actions=actions,
            periods=list(certificate.periods.select_related("norm_version")),
            history=[{"entry": entry, "message": entry_message(entry)} for entry in entries_for(certificate)],
            verify_url=reverse("verify_certificate", args=[certificate.number]),
        )
        return context


class CertificateActionView(ApplicationActionView):
    permission_required = "members.change_certificate"
    submit_button_classname = "button serious"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.object = Certificate.objects.select_related("holder").filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return FormView.dispatch(self, request, *args, **kwargs)

    @cached_property
    def inspect_url(self):
        return _url(CERTIFICATES, "inspect", self.object.pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url(CERTIFICATES, "index"), "label": _("Certificates")},
            {"url": self.inspect_url, "label": self.object.number},
            {"url": "", "label": self.get_page_title()},
        ]


class SuspendView(CertificateActionView):
    page_title = gettext_lazy("Suspend certificate")
    form_class = SuspendForm
    intro = gettext_lazy("The verification page shows the suspension at once, with its end date but not its reason.")

    def run_service(self, form):
        services.certificate_suspend(certificate=self.object, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The certificate is suspended and the holder is told."))


class ReinstateView(CertificateActionView):
    page_title = gettext_lazy("Reinstate certificate")
    form_class = ReinstateForm
    submit_button_classname = "button"

    def run_service(self, form):
        services.certificate_reinstate(certificate=self.object, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The certificate is active again and the holder is told."))


class WithdrawView(CertificateActionView):
    page_title = gettext_lazy("Withdraw certificate")
    form_class = WithdrawForm
    intro = gettext_lazy("Withdrawal is final: the certificate can never be reinstated.")

    def run_service(self, form):
        services.certificate_withdraw(certificate=self.object, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The certificate is withdrawn and the holder is told."))
