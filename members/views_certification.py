"""The applicant's and holder's certification pages, and evidence downloads.

Thin views: parse, authorise, call one service, render. Someone else's
application or evidence answers 404, so that its existence is not revealed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import certification_selectors as selectors
from members.forms_certification import ApplicationForm, AssignmentForm, EvidenceForm, StartForm, SubmitForm
from members.models import CertificationApplication, Evidence
from members.selectors import user_is_active_member
from members.services import certification as services
from portal.exceptions import DomainError


def _own_application(request, pk) -> CertificationApplication:
    application = selectors.application_for_applicant(user=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


@login_required
@require_http_methods(["GET", "POST"])
def overview(request):
    """Where the member's applications and certificates stand, and what happens next."""
    scheme = selectors.scheme_default()
    applications = list(selectors.applications_for_applicant(user=request.user))
    certificates = list(selectors.certificates_for_holder(user=request.user))
    is_member = user_is_active_member(user=request.user)
    open_application = next((a for a in applications if a.is_open), None)
    form = None
    if scheme is not None and is_member and open_application is None:
        form = StartForm(request.POST or None, levels=scheme.levels.all())
        if request.method == "POST" and form.is_valid():
            try:
                application = services.application_start(applicant=request.user, level=form.cleaned_data["level"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("members:certification_application", pk=application.pk)
    from django.conf import settings
    from django.urls import reverse

    from portal.models import AssociationSettings

    organisation = AssociationSettings.for_request(request).name or "Vereniging RQIM"
    from members.forms_certification_cases import RecertifyForm

    for certificate in certificates:
        certificate.recertification_open = open_application is None and services.recertification_window_open(
            certificate=certificate
        )
        if certificate.recertification_open:
            certificate.recertification_pe_met = services.recertification_pe_met(certificate=certificate)
            certificate.recertify_form = RecertifyForm()
        certificate.verify_url = f"{settings.BASE_URL}{reverse('verify_certificate', args=[certificate.number])}"
        if certificate.status == certificate.Status.ACTIVE:
            certificate.linkedin_url = selectors.linkedin_add_url(
                certificate=certificate, organisation=organisation, verify_url=certificate.verify_url
            )
    return render(request, "members/certification/overview.html", {
        "scheme": scheme,
        "applications": applications,
        "certificates": certificates,
        "is_member": is_member,
        "open_application": open_application,
        "form": form,
    })


def _application_context(request, application, **forms):
    from portal.models import AssociationSettings

    context = {
        "application": application,
        "assignments": list(application.assignments.all()),
        "evidence": list(application.evidence.all()),
        "association": AssociationSettings.for_request(request),
        "pay_online": settings.STRIPE_ENABLED and bool(application.fee_amount) and application.fee_paid_at is None,
        "returned_from_payment": request.GET.get("paid") == "1" and application.fee_paid_at is None,
    }
    context.update(_objection_context(request, application, forms.get("objection_form")))
    if application.status == CertificationApplication.Status.DRAFT:
        context.update({
            "form": forms.get("form") or ApplicationForm(instance=application),
            "assignment_form": forms.get("assignment_form") or AssignmentForm(),
            "evidence_form": forms.get("evidence_form") or EvidenceForm(),
            "submit_form": forms.get("submit_form") or SubmitForm(),
            "missing": services.application_missing(application=application),
        })
    return context


def _objection_context(request, application, objection_form=None) -> dict:
    """The objection to the decision (if any), or the form to file one while that is possible."""
    from members.services.certification_cases import objection_deadline, objection_refusal_reason

    if application.status not in (CertificationApplication.Status.REFUSED, CertificationApplication.Status.GRANTED):
        return {}
    objection = selectors.objection_for_applicant(application=application)
    context = {"objection": objection, "objection_evidence": list(objection.evidence.all()) if objection else []}
    decision = getattr(application, "decision", None)
    if objection is None and decision is not None and decision.outcome == decision.Outcome.REFUSED:
        refusal = objection_refusal_reason(application=application, user=request.user)
        context["objection_deadline"] = objection_deadline(decision=decision)
        if refusal is None:
            from members.forms_certification_cases import ObjectionForm

            context["objection_form"] = objection_form or ObjectionForm()
        else:
            context["objection_closed"] = refusal
    return context


def render_application(request, application, status=200, **forms):
    """The application page, with forms that failed to validate passed in by name."""
    return render(request, "members/certification/application.html",
                  _application_context(request, application, **forms), status=status)


_render_application = render_application


@login_required
@require_http_methods(["GET", "POST"])
def application(request, pk: int):
    """A draft to fill in and save, or the status of a submitted application."""
    application = _own_application(request, pk)
    if request.method == "POST":
        form = ApplicationForm(request.POST, instance=CertificationApplication.objects.get(pk=application.pk))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.APPLICATION_FIELDS}
            try:
                services.application_update(application=application, actor=request.user,
                                            level=form.cleaned_data["level"], **data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your application is saved. You can come back to it at any time."))
                return redirect("members:certification_application", pk=application.pk)
        return _render_application(request, application, status=400, form=form)
    return _render_application(request, application)


@login_required
@require_POST
def assignment_add(request, pk: int):
    application = _own_application(request, pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.portfolio_assignment_add(application=application, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            form.add_error(None, getattr(error, "message", None) or error)
        else:
            messages.success(request, _("The assignment is added to your portfolio."))
            return redirect("members:certification_application", pk=application.pk)
    return _render_application(request, application, status=400, assignment_form=form)


@login_required
@require_POST
def assignment_remove(request, pk: int, assignment_pk: int):
    application = _own_application(request, pk)
    assignment = get_object_or_404(application.assignments, pk=assignment_pk)
    try:
        services.portfolio_assignment_remove(assignment=assignment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("members:certification_application", pk=application.pk)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    application = _own_application(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(application=application, actor=request.user, upload=form.cleaned_data["file"],
                                  kind=form.cleaned_data["kind"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The file is added to your portfolio."))
            return redirect("members:certification_application", pk=application.pk)
    return _render_application(request, application, status=400, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("application"), pk=pk,
                                 application__applicant=request.user)
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("members:certification_application", pk=evidence.application_id)


@login_required
@require_POST
def submit(request, pk: int):
    application = _own_application(request, pk)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.application_submit(application=application, actor=request.user,
                                        declaration_signed=form.cleaned_data["declaration"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect("members:certification_application", pk=application.pk)
    return _render_application(request, application, status=400, submit_form=form)


@login_required
@require_POST
def fee_pay(request, pk: int):
    """Pay the application fee online: on to Stripe Checkout (back to the application after)."""
    application = _own_application(request, pk)
    back = request.build_absolute_uri(reverse("members:certification_application", args=[application.pk]))
    try:
        url = services.application_fee_checkout_start(
            application=application, actor=request.user, success_url=back + "?paid=1", cancel_url=back
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("members:certification_application", pk=application.pk)
    return redirect(url)


@login_required
def evidence_download(request, pk: int):
    """An evidence file, for its applicant, the body and the application's assessor only; 404 for anyone else."""
    evidence = Evidence.objects.select_related("application").filter(pk=pk).first()
    if evidence is None or not selectors.user_may_see_application(application=evidence.application, user=request.user):
        raise Http404
    extension = Evidence.ALLOWED_TYPES[evidence.content_type]
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type, as_attachment=True,
                            filename=f"evidence-{evidence.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def certificate_pdf(request, pk: int):
    """The holder's certificate as a PDF, in Dutch or English (?lang=en); 404 for anyone else."""
    from django.conf import settings
    from django.http import HttpResponse

    from members.certificate_pdf import certificate_filename, certificate_pdf_data
    from members.certificate_pdf import certificate_pdf as render_pdf

    certificate = selectors.certificates_for_holder(user=request.user).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    language = request.GET.get("lang", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = request.LANGUAGE_CODE
    data = certificate_pdf_data(certificate)
    response = HttpResponse(render_pdf(data, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(data, language)}"'
    response["Cache-Control"] = "private, no-store"
    return response
