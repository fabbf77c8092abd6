"""The only module that talks to Stripe's API (through Stripe's own library).

Nothing here runs inside a database transaction. Implemented by the Stripe work:
Checkout in subscription mode (card, iDEAL, SEPA Direct Debit), the Billing portal,
and cancelling a subscription at the end of its period.
"""

from members.models import Membership


def checkout_session_create(*, membership: Membership, success_url: str, cancel_url: str) -> str:
    """Start Stripe Checkout for the membership's plan; returns the URL to send the member to."""
    raise NotImplementedError("Stripe Checkout is not built yet")


def billing_portal_session_create(*, membership: Membership, return_url: str) -> str:
    """Open Stripe's Billing portal for the member; returns its URL."""
    raise NotImplementedError("Stripe Billing portal is not built yet")


def subscription_cancel_at_period_end(*, membership: Membership) -> None:
    """Ask Stripe to cancel the subscription at the end of the paid period."""
    raise NotImplementedError("Stripe cancellation is not built yet")
