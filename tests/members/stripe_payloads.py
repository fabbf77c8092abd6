"""Stripe webhook payloads for tests and the benchmark, and a signer.

Payloads follow the API version stripe-python 16 pins (2026-10-28): a
subscription's period lives on its items, an invoice's subscription under
`parent.subscription_details`, and the period an invoice pays for on its lines.

`signature_header` signs a body the way Stripe does: the header
`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the endpoint secret>`
(see stripe/_webhook.py, WebhookSignature).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import date, datetime, time as clock
from zoneinfo import ZoneInfo

WEBHOOK_SECRET = "whsec_test_standin_secret"
WEBHOOK_URL = "/stripe/webhook/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_sequence = itertools.count(1)


def ts(day: date, hour: int = 12) -> int:
    """A Unix timestamp on `day` in Amsterdam."""
    return int(datetime.combine(day, clock(hour), tzinfo=AMSTERDAM).timestamp())


def signature_header(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event(kind: str, obj: dict, *, created: int, event_id: str | None = None, previous: dict | None = None) -> dict:
    data = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id or f"evt_test{next(_sequence):08d}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
        "data": data,
    }


def subscription(
    sub_id: str,
    *,
    customer: str,
    start: int,
    end: int,
    status: str = "active",
    latest_invoice: str | None = None,
    cancel_at_period_end: bool = False,
    canceled_at: int | None = None,
    cancellation_reason: str | None = None,
    default_payment_method=None,
) -> dict:
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "created": start,
        "start_date": start,
        "cancel_at_period_end": cancel_at_period_end,
        "cancel_at": end if cancel_at_period_end else None,
        "canceled_at": canceled_at,
        "ended_at": canceled_at if status == "canceled" else None,
        "cancellation_details": {"reason": cancellation_reason, "comment": None, "feedback": None},
        "collection_method": "charge_automatically",
        "default_payment_method": default_payment_method,
        "latest_invoice": latest_invoice,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id}",
                    "object": "subscription_item",
                    "current_period_start": start,
                    "current_period_end": end,
                    "price": {"id": "price_regular", "object": "price", "unit_amount": 30250, "currency": "eur"},
                    "quantity": 1,
                }
            ],
        },
        "metadata": {},
    }


def invoice(
    invoice_id: str,
    *,
    customer: str,
    subscription_id: str,
    start: int,
    end: int,
    paid: bool = True,
    amount: int = 30250,
) -> dict:
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": customer,
        "status": "paid" if paid else "open",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "currency": "eur",
        "created": start,
        "attempt_count": 1,
        "billing_reason": "subscription_cycle",
        # An invoice's own period is the previous one; the lines say what it pays for.
        "period_start": start,
        "period_end": start,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription_id, "metadata": {}},
            "quote_details": None,
        },
        "lines": {
            "object": "list",
            "data": [{"id": f"il_{invoice_id}", "object": "line_item", "amount": amount, "period": {"start": start, "end": end}}],
        },
        "status_transitions": {"finalized_at": start, "paid_at": start if paid else None},
    }


def checkout_session(
    session_id: str,
    *,
    customer: str,
    subscription_id: str,
    membership_pk: int,
    payment_status: str = "paid",
    invoice_id: str | None = None,
    amount: int = 30250,
) -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": payment_status,
        "customer": customer,
        "subscription": subscription_id,
        "invoice": invoice_id,
        "client_reference_id": str(membership_pk),
        "amount_total": amount,
        "currency": "eur",
        "payment_method_types": ["card", "ideal", "sepa_debit"],
    }


def card(pm_id: str = "pm_card_visa", *, last4: str = "4242") -> dict:
    return {"id": pm_id, "object": "payment_method", "type": "card", "card": {"brand": "visa", "last4": last4}}


def sepa_debit(pm_id: str = "pm_sepa", *, last4: str = "3000") -> dict:
    return {"id": pm_id, "object": "payment_method", "type": "sepa_debit", "sepa_debit": {"country": "NL", "last4": last4}}


def post(client, payload: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, header: str | None = None):
    """POST an event to the webhook, signed like Stripe signs it."""
    return post_body(client, json.dumps(payload), secret=secret, timestamp=timestamp, header=header)


def post_body(client, body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, header: str | None = None):
    """POST a body as it is (any JSON, or none), signed like Stripe signs it."""
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header if header is not None else signature_header(body, secret=secret, timestamp=timestamp),
    )


def payment_session(
    session_id: str,
    *,
    charge_pk: int,
    amount: int,
    payment_status: str = "paid",
    payment_intent: str | None = "pi_test_1",
    status: str = "complete",
    purpose: str = "test.purpose",
) -> dict:
    """A Checkout session in payment mode for a one-off payment (members.Charge)."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": status,
        "payment_status": payment_status,
        "customer": None,
        "payment_intent": payment_intent,
        "client_reference_id": f"charge-{charge_pk}",
        "amount_total": amount,
        "currency": "eur",
        "metadata": {"charge": str(charge_pk), "purpose": purpose},
    }


def refunded_charge(*, payment_intent: str, amount: int, amount_refunded: int, charge_pk: int | None = None) -> dict:
    """A Stripe charge after (part of) it was refunded (`charge.refunded`); amount_refunded is the running total."""
    return {
        "id": f"ch_{payment_intent}",
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded >= amount,
        "payment_intent": payment_intent,
        "metadata": {"charge": str(charge_pk)} if charge_pk else {},
    }
