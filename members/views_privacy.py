"""A member's data: download all of it (one ZIP), or have it erased.

Both ask for the password again when the last sign-in is more than a few minutes
old (allauth's reauthentication), since the ZIP holds everything and erasure
cannot be undone. The work is done in portal/privacy.py, with each app's part.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from allauth.account.decorators import reauthentication_required

from portal import privacy
from portal.exceptions import DomainError


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account and personal data are erased for good."),
        required=True,
    )


def _context(request, form=None) -> dict:
    return {
        "blockers": privacy.erase_blockers(user=request.user),
        "form": form or EraseForm(),
        "retention": {
            "accounts": settings.PRIVACY_INACTIVE_ACCOUNT_YEARS,
            "certification_evidence": settings.PRIVACY_CERTIFICATION_EVIDENCE_YEARS,
            "pe_evidence": settings.PRIVACY_PE_EVIDENCE_YEARS,
            "event_guests": settings.PRIVACY_EVENT_REGISTRATION_YEARS,
        },
    }


@login_required
@require_GET
def overview(request):
    return render(request, "members/privacy.html", _context(request))


def _back_to_overview(request):
    """After giving the password again, allauth sends the browser back here with a GET:
    it lands on the page with the buttons, and the button posts again."""
    return redirect("members:privacy")


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def export(request):
    if request.method == "GET":
        return _back_to_overview(request)
    archive = privacy.personal_data_export(user=request.user, actor=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    filename = f"rqim-mijn-gegevens-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def erase(request):
    if request.method == "GET":
        return _back_to_overview(request)
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            privacy.personal_data_erase(user=request.user, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and personal data have been erased."))
            return redirect("/")
    return render(request, "members/privacy.html", _context(request, form), status=400)
