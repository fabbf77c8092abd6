"""The shape of a Stripe webhook event, checked before anything of it is stored.

Stripe signs what it sends, so a malformed event is rare; but a signed event the
portal cannot store or read must be answered "400 bad payload" and change
nothing, never fail half-way with a 500. Two steps:

* `event_parse(body)` reads the request body: JSON, an object, no NaN or
  Infinity (PostgreSQL's jsonb has no such numbers), not nested too deeply for
  the parser.
* `event_checked(event)` (called once, by `stripe_sync.stripe_event_handle`)
  returns a copy in which every string and key is storable, and checks the
  fields the portal reads:
  - a NUL character or a lone surrogate (`"\\u0000"`, `"\\ud800"` in the JSON)
    is refused by PostgreSQL's jsonb and text columns, and a lone surrogate
    cannot even be written as UTF-8; each becomes U+FFFD, so a real event with
    such a character in a name or description is still stored and applied
    rather than retried by Stripe until it gives up;
  - ids are Stripe's alphabet and fit their columns (100 characters);
    timestamps lie between 2000 and 2100; amounts fit a payment;
  - nesting is at most `MAX_DEPTH` deep (Stripe's own objects stay far below).

Anything else raises `MalformedEvent` with the path of the first bad field.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

MAX_DEPTH = 32
EARLIEST = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
LATEST = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
# Cents; `Payment.amount` holds nine digits, two of them decimals.
MAX_AMOUNT = 10**9 - 1
REPLACEMENT = "\ufffd"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_TYPE = re.compile(r"[a-z0-9_.]{1,100}")
_WORD = re.compile(r"[a-z0-9_]{0,30}")


class MalformedEvent(Exception):
    """A signed event the portal cannot store or read; the webhook answers 400 and stores nothing."""


# --- Parsing and cleaning ----------------------------------------------------------------


def _no_constant(name: str):
    raise MalformedEvent(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise MalformedEvent(f"{text} is out of range")
    return number


def event_parse(body: bytes | str) -> dict:
    """The event in a webhook's body; raises MalformedEvent if it is no JSON object."""
    try:
        event = json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise MalformedEvent("nested too deeply") from None
    except ValueError as error:  # includes UnicodeDecodeError
        raise MalformedEvent("not JSON") from error
    if not isinstance(event, dict):
        raise MalformedEvent("not a JSON object")
    return event


def _clean(value, depth: int = 0):
    """`value` with storable strings and keys; raises when nested deeper than MAX_DEPTH."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        raise MalformedEvent(f"nested more than {MAX_DEPTH} deep")
    if isinstance(value, dict):
        return {_UNSTORABLE.sub(REPLACEMENT, str(key)): _clean(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, depth + 1) for item in value]
    return value


# --- Checking ------------------------------------------------------------------------------


def event_checked(event) -> dict:
    """A storable copy of `event` whose fields the portal reads are well-formed.

    Raises MalformedEvent before anything is stored.
    """
    if not isinstance(event, dict):
        raise MalformedEvent("not a JSON object")
    event = _clean(event)
    _match(event.get("id"), "id", _ID)
    _match(event.get("type"), "type", _TYPE)
    _timestamp(event.get("created"), "created", required=True)
    data = _object(event.get("data"), "data", required=True)
    obj = _object(data.get("object"), "data.object", required=True)
    _object(data.get("previous_attributes"), "data.previous_attributes")
    check = _CHECKS.get(event["type"])
    if check:
        check(obj, "data.object")
    return event


def _checkout_session(session: dict, path: str) -> None:
    _reference(session.get("customer"), f"{path}.customer")
    _text(session.get("client_reference_id"), f"{path}.client_reference_id", 200)
    subscription = session.get("subscription")
    if isinstance(subscription, dict):
        _subscription(subscription, f"{path}.subscription")
    else:
        _reference(subscription, f"{path}.subscription")
    _reference(session.get("invoice"), f"{path}.invoice")
    _match(session.get("payment_status"), f"{path}.payment_status", _WORD, optional=True)
    _amount(session.get("amount_total"), f"{path}.amount_total")
    _match(session.get("mode"), f"{path}.mode", _WORD, optional=True)
    _reference(session.get("payment_intent"), f"{path}.payment_intent")
    _metadata(session.get("metadata"), f"{path}.metadata")


def _stripe_charge(charge: dict, path: str) -> None:
    """A Stripe charge (of a one-off payment) that was refunded."""
    _match(charge.get("id"), f"{path}.id", _ID)
    _reference(charge.get("payment_intent"), f"{path}.payment_intent")
    _amount(charge.get("amount"), f"{path}.amount")
    _amount(charge.get("amount_refunded"), f"{path}.amount_refunded")
    _metadata(charge.get("metadata"), f"{path}.metadata")


def _metadata(value, path: str) -> None:
    metadata = _object(value, path)
    _text(metadata.get("charge"), f"{path}.charge", 20)
    _text(metadata.get("purpose"), f"{path}.purpose", 40)


def _invoice(invoice: dict, path: str) -> None:
    _match(invoice.get("id"), f"{path}.id", _ID)
    _reference(invoice.get("customer"), f"{path}.customer")
    _reference(invoice.get("subscription"), f"{path}.subscription")
    parent = _object(invoice.get("parent"), f"{path}.parent")
    details = _object(parent.get("subscription_details"), f"{path}.parent.subscription_details")
    _reference(details.get("subscription"), f"{path}.parent.subscription_details.subscription")
    lines = _object(invoice.get("lines"), f"{path}.lines")
    for index, line in enumerate(_list(lines.get("data"), f"{path}.lines.data")):
        line = _object(line, f"{path}.lines.data[{index}]", required=True)
        _period(line.get("period"), f"{path}.lines.data[{index}].period")
    transitions = _object(invoice.get("status_transitions"), f"{path}.status_transitions")
    _timestamp(transitions.get("paid_at"), f"{path}.status_transitions.paid_at")
    _amount(invoice.get("amount_paid"), f"{path}.amount_paid")
    _amount(invoice.get("amount_due"), f"{path}.amount_due")


def _subscription(subscription: dict, path: str) -> None:
    _match(subscription.get("id"), f"{path}.id", _ID)
    _reference(subscription.get("customer"), f"{path}.customer")
    _match(subscription.get("status"), f"{path}.status", _WORD, optional=True)
    items = _object(subscription.get("items"), f"{path}.items")
    for index, item in enumerate(_list(items.get("data"), f"{path}.items.data")):
        item = _object(item, f"{path}.items.data[{index}]", required=True)
        _span(item, "current_period_start", "current_period_end", f"{path}.items.data[{index}]")
    _span(subscription, "current_period_start", "current_period_end", path)
    _reference(subscription.get("latest_invoice"), f"{path}.latest_invoice")
    method = subscription.get("default_payment_method")
    if isinstance(method, dict):
        _payment_method(method, f"{path}.default_payment_method")
    else:
        _reference(method, f"{path}.default_payment_method")
    cancellation = _object(subscription.get("cancellation_details"), f"{path}.cancellation_details")
    _text(cancellation.get("reason"), f"{path}.cancellation_details.reason", 100)
    if not isinstance(subscription.get("cancel_at_period_end"), bool | None):
        raise MalformedEvent(f"{path}.cancel_at_period_end: not true or false")
    _timestamp(subscription.get("cancel_at"), f"{path}.cancel_at")
    _timestamp(subscription.get("canceled_at"), f"{path}.canceled_at")


def _payment_method(method: dict, path: str) -> None:
    """Enough to name it: "Visa •••• 4242", "SEPA NL•• •••• 3000"."""
    _match(method.get("id"), f"{path}.id", _ID, optional=True)
    kind = _match(method.get("type"), f"{path}.type", _WORD, optional=True)
    details = _object(method.get(kind) if kind else None, f"{path}.{kind}")
    _text(details.get("brand"), f"{path}.{kind}.brand", 20)
    _text(details.get("last4"), f"{path}.{kind}.last4", 4)
    _text(details.get("country"), f"{path}.{kind}.country", 2)


_CHECKS = {
    "checkout.session.completed": _checkout_session,
    "checkout.session.async_payment_succeeded": _checkout_session,
    "checkout.session.async_payment_failed": _checkout_session,
    "checkout.session.expired": _checkout_session,
    "charge.refunded": _stripe_charge,
    "invoice.paid": _invoice,
    "invoice.payment_failed": _invoice,
    "customer.subscription.updated": _subscription,
    "customer.subscription.deleted": _subscription,
}


# --- Fields -----------------------------------------------------------------------------------


def _object(value, path: str, *, required: bool = False) -> dict:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise MalformedEvent(f"{path}: not an object")
    return value


def _list(value, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedEvent(f"{path}: not a list")
    return value


def _match(value, path: str, pattern: re.Pattern, *, optional: bool = False) -> str:
    if optional and value in (None, ""):
        return ""
    if not (isinstance(value, str) and pattern.fullmatch(value)):
        raise MalformedEvent(f"{path}: not a valid value")
    return value


def _reference(value, path: str) -> None:
    """A field holding an id, or the expanded object with its id."""
    if isinstance(value, dict):
        value = value.get("id")
        path = f"{path}.id"
    _match(value, path, _ID, optional=True)


def _text(value, path: str, max_length: int) -> None:
    if value is not None and not (isinstance(value, str) and len(value) <= max_length):
        raise MalformedEvent(f"{path}: not a text of at most {max_length} characters")


def _timestamp(value, path: str, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not EARLIEST <= value < LATEST:
        raise MalformedEvent(f"{path}: not a timestamp between 2000 and 2100")


def _amount(value, path: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise MalformedEvent(f"{path}: not an amount in cents")


def _period(value, path: str) -> None:
    if value is None:
        return
    period = _object(value, path, required=True)
    _timestamp(period.get("start"), f"{path}.start", required=True)
    _timestamp(period.get("end"), f"{path}.end", required=True)


def _span(obj: dict, start: str, end: str, path: str) -> None:
    """A period given as two timestamps: both, or neither."""
    _timestamp(obj.get(start), f"{path}.{start}", required=obj.get(end) is not None)
    _timestamp(obj.get(end), f"{path}.{end}", required=obj.get(start) is not None)
