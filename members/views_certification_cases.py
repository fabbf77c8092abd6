"""Objections by applicants, their files, and the public complaint form.

Thin views: parse, authorise, call one service, render. Someone else's objection
file answers 404. The complaint form answers the same whether or not the number
it names exists: the verification page is where numbers are checked.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import certification_selectors as selectors
from members.forms_certification_cases import ComplaintForm, ObjectionForm
from members.models import Evidence, ObjectionEvidence
from members.services import certification_cases as services
from members.views_verify import client_address
from portal.exceptions import DomainError

COMPLAINT_RATE_LIMIT = 5  # complaints per address per hour
COMPLAINT_RATE_WINDOW = 3600


def complaint_rate_exceeded(request) -> bool:
    """Count this complaint against its address's hourly budget (in the shared cache)."""
    window = int(timezone.now().timestamp()) // COMPLAINT_RATE_WINDOW
    key = f"certification-complaint:{client_address(request)}:{window}"
    cache.add(key, 0, COMPLAINT_RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, COMPLAINT_RATE_WINDOW + 5)
        count = 1
    return count > COMPLAINT_RATE_LIMIT


@login_required
@require_POST
def objection_file(request, pk: int):
    """The applicant objects to the refusal of their application."""
    from members.views_certification import render_application

    application = selectors.application_for_applicant(user=request.user, pk=pk)
    if application is None:
        raise Http404
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.objection_file(application=application, actor=request.user, reasons=form.cleaned_data["reasons"],
                                    uploads=[form.cleaned_data["file"]])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your objection is filed. You receive a confirmation by e-mail."))
            return redirect("members:certification_application", pk=application.pk)
    return render_application(request, application, status=400, objection_form=form)


@login_required
def objection_evidence_download(request, pk: int):
    """A file of an objection, for its applicant and the body only; 404 for anyone else."""
    item = ObjectionEvidence.objects.select_related("objection__application").filter(pk=pk).first()
    if item is None or not selectors.user_may_see_application(application=item.objection.application, user=request.user):
        raise Http404
    extension = Evidence.ALLOWED_TYPES[item.content_type]
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=True,
                            filename=f"objection-{item.objection_id}-{item.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def complaint(request):
    """Anyone files a complaint about a certified manager."""
    initial = {"certificate_number": request.GET.get("number", "")[:40]}
    form = ComplaintForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        if complaint_rate_exceeded(request):
            form.add_error(None, _("Too many complaints from your connection; please try again later."))
            status = 429
        else:
            data = form.cleaned_data
            try:
                services.complaint_file(
                    certificate_number=data["certificate_number"], manager_name=data["manager_name"],
                    description=data["description"], name=data["name"], email=data["email"],
                    language=translation.get_language() or "nl",
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your complaint has been received. We confirm it by e-mail and tell you "
                                            "the outcome at the same address."))
                return redirect("members:complaint")
    elif request.method == "POST":
        status = 400
    scheme = selectors.scheme_default()
    weeks = scheme.reconsideration_period_weeks if scheme else services.DEFAULT_HANDLING_WEEKS
    return render(request, "members/certification/complaint.html", {"form": form, "weeks": weeks}, status=status)


@login_required
@require_POST
def recertify(request, pk: int):
    """The holder applies for recertification of their certificate."""
    from members.forms_certification_cases import RecertifyForm
    from members.services import certification as certification_services

    certificate = selectors.certificates_for_holder(user=request.user).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    form = RecertifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sign the declaration on the code of conduct to apply for recertification."))
        return redirect("members:certification")
    try:
        application = certification_services.recertification_start(certificate=certificate, actor=request.user,
                                                                    declaration_signed=form.cleaned_data["declaration"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("members:certification")
    messages.success(request, _("Your application for recertification is submitted."))
    return redirect("members:certification_application", pk=application.pk)
