"""Paying online: start Stripe Checkout, come back from it, open the Billing portal.

Thin views: check who asks, call the gateway, redirect. Without Stripe keys the
member is told plainly that online payment is not configured.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import stripe_gateway
from members.services import dues
from members.models import Membership
from members.stripe_sync import ENDED_SUBSCRIPTION
from portal.exceptions import DomainError



def _dashboard_url() -> str:
    """"Mijn lidmaatschap", or the home page while that page does not exist yet."""
    try:
        return reverse("members:dashboard")
    except NoReverseMatch:
        return "/"


def _pay_url() -> str:
    """The payment step, to come back to when the member leaves Checkout."""
    try:
        return reverse("members:pay")
    except NoReverseMatch:
        return _dashboard_url()


def _own_membership(request) -> Membership | None:
    return Membership.objects.select_related("plan", "user").filter(user=request.user).first()


@login_required
@require_POST
def checkout_start(request):
    membership = _own_membership(request)
    if membership is None or not membership.can_pay:
        messages.error(request, _("There is nothing to pay for your membership right now."))
        return redirect(_dashboard_url())
    if not settings.STRIPE_ENABLED:
        messages.warning(
            request,
            _("Online payment is not configured. Please pay by bank transfer; the secretariat will record it."),
        )
        return redirect(_dashboard_url())
    if membership.stripe_subscription_id and membership.stripe_subscription_status not in ENDED_SUBSCRIPTION + ("",):
        # The subscription still runs (a renewal failed): fix the payment method there, no second subscription.
        return _to_billing_portal(request, membership)
    try:
        url = dues.membership_checkout_start(
            membership=membership,
            success_url=request.build_absolute_uri(reverse("members:checkout_return")) + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(_pay_url()),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_dashboard_url())
    return redirect(url)


@login_required
def checkout_return(request):
    return render(
        request,
        "members/stripe/checkout_return.html",
        {"membership": _own_membership(request), "dashboard_url": _dashboard_url()},
    )


@login_required
@require_POST
def billing_portal(request):
    membership = _own_membership(request)
    if membership is None:
        messages.error(request, _("You have no membership yet."))
        return redirect(_dashboard_url())
    if not settings.STRIPE_ENABLED:
        messages.warning(request, _("Online payment is not configured."))
        return redirect(_dashboard_url())
    return _to_billing_portal(request, membership)


def _to_billing_portal(request, membership):
    try:
        url = stripe_gateway.billing_portal_session_create(
            membership=membership, return_url=request.build_absolute_uri(_dashboard_url())
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_dashboard_url())
    return redirect(url)
