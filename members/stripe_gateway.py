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


# --- One-off payments (members.services.charges) ---------------------------------------

# A one-off payment is paid at once: by card or iDEAL (no direct debit, which clears for days).
ONE_OFF_PAYMENT_METHOD_TYPES = ["card", "ideal"]


def charge_checkout_session_create(
    *, charge, success_url: str, cancel_url: str, expires_at: int, email: str
) -> dict:
    """Start Stripe Checkout in payment mode for one charge; returns id, url and expires_at.

    The session and its payment carry `metadata.charge`, which is how the webhook finds
    the charge. The idempotency key makes a double click (or a retry) the same session.
    """
    metadata = {"charge": str(charge.pk), "purpose": charge.purpose}
    try:
        session = client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": f"charge-{charge.pk}",
                "customer_email": email,
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "eur",
                            "unit_amount": int(charge.amount * 100),
                            "product_data": {"name": charge.description[:200]},
                        },
                    }
                ],
                "payment_method_types": ONE_OFF_PAYMENT_METHOD_TYPES,
                "success_url": success_url,
                "cancel_url": cancel_url,
                "locale": _locale(),
                "expires_at": expires_at,
                "metadata": metadata,
                "payment_intent_data": {"metadata": metadata, "description": charge.description[:200]},
            },
            options={"idempotency_key": f"charge-{charge.pk}-session-{expires_at}"},
        )
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return {"id": session.id, "url": session.url, "expires_at": getattr(session, "expires_at", None) or expires_at}


def checkout_session_expire(*, session_id: str) -> bool:
    """Close a Checkout session so it can no longer be paid. Returns False when it cannot be
    closed because the customer completed it (the payment is on its way to the webhook)."""
    try:
        session = client().v1.checkout.sessions.retrieve(session_id)
        if session.status == "complete":
            return False
        if session.status == "open":
            session = client().v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError as error:
        # Closed meanwhile, or unknown to Stripe: either way nobody can pay it any more.
        logger.warning("Stripe session %s could not be expired: %s", session_id, error)
        return True
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return session.status != "complete"


def refund_create(*, charge, amount_cents: int, key: str) -> str:
    """Refund (part of) a charge's payment at Stripe; returns the refund's id.

    The refund's own state comes back by webhook (`charge.refunded`)."""
    try:
        refund = client().v1.refunds.create(
            params={
                "payment_intent": charge.stripe_payment_intent_id,
                "amount": amount_cents,
                "metadata": {"charge": str(charge.pk), "purpose": charge.purpose},
            },
            options={"idempotency_key": key},
        )
    except stripe.StripeError as error:
        raise _unavailable(error) from error
    return refund.id
