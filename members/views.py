"""Member-facing pages: joining, paying, "Mijn lidmaatschap", receipts and resigning.

Thin views: parse, authorise, call one service, render.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from members import selectors
from members.services.membership import (
    PRIVACY_VERSION,
    STATUTES_VERSION,
    membership_apply,
    membership_resign,
    membership_resignation_withdraw,
)
from members.services.reminders import resign_link_membership
from members.forms import PROFILE_FIELDS, JoinForm, ResignForm
from members.models import MemberProfile, Membership, MembershipAction, MembershipFeesPage, MembershipPlan
from members.receipts import receipt_filename, receipt_pdf
from portal.exceptions import DomainError



def _join_initial(user, membership: Membership | None) -> dict:
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    profile = MemberProfile.objects.filter(user=user).first()
    if profile is not None:
        initial.update({field: getattr(profile, field) for field in PROFILE_FIELDS})
    if membership is not None:
        initial["plan"] = membership.plan_id
        if membership.can_change_application:
            # Resuming: they accepted these versions already.
            initial["accept_statutes"] = membership.statutes_version == STATUTES_VERSION
            initial["accept_privacy"] = membership.privacy_version == PRIVACY_VERSION
    return initial


def _document_links(request) -> dict:
    """The statutes and privacy statement the join form asks to accept, in the reader's language."""
    from portal.models import AssociationSettings

    association = AssociationSettings.for_request(request)
    links = {}
    for name, page_id in (("statutes_url", association.statutes_page_id), ("privacy_url", association.privacy_page_id)):
        page = Page.objects.live().filter(pk=page_id).first() if page_id else None
        links[name] = page.localized.get_url(request=request) if page is not None else None
    return links


def _join_intro(request):
    """"Lid worden" for a visitor who is not signed in: what membership gives, the steps,
    what it costs; the account links carry ?next= so the person comes back here."""
    join_path = request.get_full_path()
    return render(
        request,
        "members/join_intro.html",
        {
            "plans": list(MembershipPlan.objects.filter(is_active=True)),
            "fees_page": MembershipFeesPage.for_active_locale(),
            "next_query": urlencode({REDIRECT_FIELD_NAME: join_path}),
        },
    )


@require_http_methods(["GET", "POST"])
def join(request):
    """Apply for membership, or change an application that is not paid yet.

    A visitor who is not signed in first reads the steps and the dues, then creates an
    account or logs in and lands back on this form.
    """
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return _join_intro(request)
    membership = selectors.membership_for_user(user=request.user)
    if membership is not None and membership.is_member:
        messages.info(request, _("You are already a member."))
        return redirect("members:dashboard")
    plans = MembershipPlan.objects.filter(is_active=True)
    form = JoinForm(request.POST if request.method == "POST" else None, plans=plans, initial=_join_initial(request.user, membership))
    if request.method == "POST" and form.is_valid():
        try:
            membership_apply(
                user=request.user,
                plan=form.cleaned_data["plan"],
                profile=form.profile_data(),
                accepted_statutes=form.cleaned_data["accept_statutes"],
                accepted_privacy=form.cleaned_data["accept_privacy"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)  # a model check the form did not catch; shown by field
        else:
            messages.success(request, _("Your application is saved. One step left: paying the dues."))
            return redirect("members:pay")
    plan_list = list(plans)
    return render(
        request,
        "members/join.html",
        {
            "form": form,
            "plans": plan_list,
            "membership": membership,
            "resuming": membership is not None,
            "statutes_version": STATUTES_VERSION,
            "privacy_version": PRIVACY_VERSION,
            **_document_links(request),
        },
    )


@login_required
def pay(request):
    """The payment step: Stripe Checkout when configured, otherwise bank transfer details."""
    membership = selectors.membership_for_user(user=request.user)
    if membership is None:
        return redirect("members:join")
    if not membership.can_pay:
        if membership.is_member:
            messages.info(request, _("Your membership is paid; there is nothing to pay now."))
            return redirect("members:dashboard")
        messages.info(request, _("Your membership has ended. Apply again to rejoin."))
        return redirect("members:join")
    from portal.models import AssociationSettings

    return render(
        request,
        "members/pay.html",
        {
            "membership": membership,
            "plan": membership.plan,
            "stripe_enabled": settings.STRIPE_ENABLED,
            "association": AssociationSettings.for_request(request),
            "bank_reference": selectors.bank_reference(membership=membership),
        },
    )


@login_required
def dashboard(request):
    """"Mijn lidmaatschap": status, paid-until date, what to do next, payments and history."""
    context = selectors.membership_dashboard(user=request.user)
    context["stripe_enabled"] = settings.STRIPE_ENABLED
    return render(request, "members/dashboard.html", context)


@login_required
def receipt(request, pk: int):
    """The receipt PDF of a hand-recorded payment: for the member themself and staff only."""
    payment = selectors.payment_for_receipt(user=request.user, pk=pk)
    if payment is None:
        raise Http404
    response = HttpResponse(receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(payment)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _resign_allowed(membership: Membership | None) -> bool:
    return membership is not None and membership.may(MembershipAction.RESIGN_REQUEST)


def _resign(request, membership: Membership, *, actor, form: ResignForm) -> bool:
    try:
        membership_resign(membership=membership, actor=actor, reason=form.cleaned_data["reason"])
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def resign(request):
    """One button: resign at the end of the paid period."""
    membership = selectors.membership_for_user(user=request.user)
    if not _resign_allowed(membership):
        messages.info(request, _("You have no current membership to resign."))
        return redirect("members:dashboard")
    form = ResignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _resign(request, membership, actor=request.user, form=form):
        membership.refresh_from_db()
        messages.success(request, _("Your resignation is received. Your membership ends on %(date)s.") % {
            "date": _date(membership.paid_until)
        })
        return redirect("members:dashboard")
    return render(request, "members/resign.html", {"membership": membership, "form": form})


@login_required
@require_POST
def resign_withdraw(request):
    """Take back a resignation before it takes effect."""
    membership = selectors.membership_for_user(user=request.user)
    if membership is None:
        return redirect("members:dashboard")
    try:
        membership_resignation_withdraw(membership=membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your resignation is withdrawn. Your membership continues."))
    return redirect("members:dashboard")


@require_http_methods(["GET", "POST"])
def resign_link(request, token: str):
    """The one-click link in a renewal notice: the same confirm page, without logging in first.

    The signed token names the membership and expires; opening the link (as mail
    scanners do) changes nothing, only pressing the button does.
    """
    membership = resign_link_membership(token=token)
    if membership is None:
        return render(request, "members/resign_link_invalid.html", status=400)
    if not _resign_allowed(membership) or membership.resignation_requested_at:
        return render(request, "members/resign_done.html", {"membership": membership})
    form = ResignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and _resign(request, membership, actor=membership.user, form=form):
        membership.refresh_from_db()
        return render(request, "members/resign_done.html", {"membership": membership})
    return render(request, "members/resign.html", {"membership": membership, "form": form, "via_link": True})


def _date(value) -> str:
    from django.utils.formats import date_format

    return date_format(value, "j F Y") if value else ""
