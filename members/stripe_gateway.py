"""The only module that talks to Stripe's API (through Stripe's own library).

It only talks to Stripe and returns what Stripe answered; it stores nothing.
The services call it before their transaction opens and store what it
returned (`members.services.dues.membership_checkout_start`). A Stripe failure
becomes a `DomainError` with a message the member can read; the details go to
the log.

`settings.STRIPE_API_BASE` points the library at another address (the local
stand-in in tests); without it, the library talks to api.stripe.com.
"""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from members.models import Membership
from portal.exceptions import DomainError

logger = logging.getLogger(__name__)

# iDEAL pays the first period and sets up a SEPA Direct Debit mandate for renewals.
PAYMENT_METHOD_TYPES = ["card", "ideal", "sepa_debit"]


def client() -> stripe.StripeClient:
    """A Stripe client for the configured key (and stand-in address, if set)."""
    if not settings.STRIPE_ENABLED:
        raise DomainError(_("Online payment is not configured. Please pay by bank transfer."))
    base_addresses = {"api": settings.STRIPE_API_BASE.rstrip("/")} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base_addresses, max_network_retries=1)


def _unavailable(error: Exception) -> DomainError:
    logger.exception("Stripe request failed: %s", error)
    return DomainError(_("The payment provider could not be reached. Please try again in a few minutes."))


def _locale() -> str:
    return "en" if (translation.get_language() or "nl").startswith("en") else "nl"


def customer_create(*, membership: Membership) -> str:
    """Create the member's Stripe customer; returns its id (the caller stores it)."""
    user = membership.user
    try:
        customer = client().v1.customers.create(
            params={
                "email": user.email,
                "name": user.get_full_name() or user.email,
                "preferred_locales": [_locale()],
                "metadata": {"membership": str(membership.pk)},
            },
            # A double click or a retry never makes a second customer.
            options={"idempotency_key": f"membership-{membership.pk}-customer"},
        )
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return customer.id


def checkout_session_create(*, membership: Membership, customer_id: str, success_url: str, cancel_url: str) -> str:
    """Start Stripe Checkout for the membership's plan; returns the URL to send the member to."""
    price = membership.plan.stripe_price_id
    if not price:
        raise DomainError(_("This plan cannot be paid online. Please pay by bank transfer."))
    try:
        session = client().v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer_id,
                "client_reference_id": str(membership.pk),
                "line_items": [{"price": price, "quantity": 1}],
                "payment_method_types": PAYMENT_METHOD_TYPES,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "locale": _locale(),
                "subscription_data": {"metadata": {"membership": str(membership.pk)}},
                "metadata": {"membership": str(membership.pk)},
            }
        )
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return session.url


def billing_portal_session_create(*, membership: Membership, return_url: str) -> str:
    """Open Stripe's Billing portal for the member; returns its URL."""
    if not membership.stripe_customer_id:
        raise DomainError(_("You have not paid online yet, so there is nothing to manage at Stripe."))
    try:
        session = client().v1.billing_portal.sessions.create(
            params={"customer": membership.stripe_customer_id, "return_url": return_url, "locale": _locale()}
        )
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return session.url


def subscription_cancel_at_period_end(*, membership: Membership) -> None:
    """Ask Stripe to cancel the subscription at the end of the paid period."""
    if not membership.stripe_subscription_id:
        return
    try:
        client().v1.subscriptions.update(membership.stripe_subscription_id, params={"cancel_at_period_end": True})
    except stripe.StripeError as error:
        raise _unavailable(error) from error


def subscription_resume(*, membership: Membership) -> None:
    """Take back a cancellation at period end: the subscription renews again."""
    if not membership.stripe_subscription_id:
        return
    try:
        client().v1.subscriptions.update(membership.stripe_subscription_id, params={"cancel_at_period_end": False})
    except stripe.StripeError as error:
        raise _unavailable(error) from error


def subscription_retrieve(*, subscription_id: str) -> dict:
    """The subscription as Stripe has it now, with its default payment method expanded."""
    subscription = client().v1.subscriptions.retrieve(
        subscription_id, params={"expand": ["default_payment_method"]}
    )
    return subscription.to_dict()


def payment_method_retrieve(*, payment_method_id: str) -> dict:
    return client().v1.payment_methods.retrieve(payment_method_id).to_dict()
