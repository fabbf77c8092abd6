"""One-off payments: open a charge, pay it (Stripe Checkout or a recorded transfer),
let it expire or cancel it, refund it. See `members.models.charges` for the states.

Who owns a charge: the app that opened it, named by `purpose` ("events.registration",
"members.certification_fee") and `object_id`. Every move of a charge is sent to the
owner as a signal of `members.signals`, inside the transaction that records the move,
after the charge row was locked. Lock order is therefore always *charge, then the
owner's rows*; owners never lock a charge while holding their own locks (they call
these services after their own transaction commits).

Stripe: `charge_checkout_start` creates a Checkout session in payment mode (card,
iDEAL) outside any transaction and stores it; the webhook's events arrive through
`members.stripe_sync`, which stores each Stripe event once and calls
`charge_stripe_event_apply` in the same transaction. The facts merge in any order:
paid is paid however often it is reported; the refunded amount is Stripe's running
total, so it only grows. A refund asked of Stripe is recorded as requested and becomes
refunded when Stripe's `charge.refunded` event says so.

Without Stripe, the payer transfers the amount with the charge's reference, and the
secretariat records it (`charge_transfer_record`) and, later, any refund it paid back
(`charge_refund_record`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import signals, stripe_gateway
from members.models import Charge
from portal.audit import Source, log_action
from portal.exceptions import DomainError
from portal.money import vat_included

Status = Charge.Status
Method = Charge.Method

DEFAULT_VAT_RATE = Decimal("21.00")
# Stripe lets a Checkout session live between 30 minutes and 24 hours.
SESSION_MIN = timedelta(minutes=31)
SESSION_MAX = timedelta(hours=23)
# A session this close to its end is not handed out again; a new one is made.
SESSION_REUSE_MARGIN = timedelta(minutes=5)


def _cents(amount: int | None) -> Decimal:
    return (Decimal(amount or 0) / 100).quantize(Decimal("0.01"))


def _log(charge: Charge, action: str, *, actor=None, source: str = Source.SYSTEM, **data) -> None:
    log_action(
        charge,
        action,
        actor=actor,
        source=source,
        data={"purpose": charge.purpose, "reference": charge.reference, **data},
    )


def _lock(charge: Charge) -> Charge:
    return Charge.objects.select_for_update(of=("self",)).select_related("user").get(pk=charge.pk)


def charge_lock(*, charge: Charge) -> Charge:
    """The charge, locked until the transaction ends (for owners that must read it settled)."""
    return _lock(charge)


# --- Opening and finding --------------------------------------------------------------


def charge_open(
    *,
    purpose: str,
    object_id,
    user,
    amount: Decimal,
    description: str,
    vat_rate: Decimal = DEFAULT_VAT_RATE,
    expires_at: datetime | None = None,
    refundable: bool = True,
    reference: str = "",
    actor=None,
    source: str = Source.MEMBER,
) -> Charge:
    """Open a charge for `amount` (incl. VAT). One insert, no lock: cheap inside the owner's
    transaction. The database keeps one open charge per purpose and object."""
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError(_("There is nothing to pay."))
    charge = Charge(
        purpose=purpose,
        object_id=str(object_id),
        user=user,
        description=description[:200],
        amount=amount,
        vat_rate=vat_rate,
        vat_amount=vat_included(amount, vat_rate),
        expires_at=expires_at,
        refundable=refundable,
    )
    if reference:
        charge.reference = reference[:40]
    charge.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    charge.save()
    _log(charge, "members.charge.opened", actor=actor, source=source, amount=amount,
         expires_at=expires_at)
    return charge


def charge_for(*, purpose: str, object_id) -> Charge | None:
    """The newest charge for one thing to pay for (open, paid or closed), or None."""
    return Charge.objects.filter(purpose=purpose, object_id=str(object_id)).order_by("-created_at", "-pk").first()


# --- Paying online ----------------------------------------------------------------------


def charge_checkout_start(*, charge: Charge, success_url: str, cancel_url: str, now: datetime | None = None) -> str:
    """The Stripe Checkout address to pay `charge`. Call it outside any transaction.

    An open session that has time left is handed out again (a second click, or coming
    back from Stripe's page); otherwise a new one is made. A session lives at least
    Stripe's minimum of 30 minutes: when that is past the time to pay, the charge's time
    is extended to the session's end, so that no one pays for something already released.
    """
    now = now or timezone.now()
    if not settings.STRIPE_ENABLED:
        raise DomainError(_("Online payment is not configured. Please pay by bank transfer."))
    charge = Charge.objects.select_related("user").get(pk=charge.pk)
    _require_open(charge, now=now)
    if charge.stripe_session_url and charge.stripe_session_expires_at and charge.stripe_session_expires_at > now + SESSION_REUSE_MARGIN:
        return charge.stripe_session_url
    ends = now + SESSION_MAX
    if charge.expires_at:
        ends = min(ends, max(charge.expires_at, now + SESSION_MIN))
    session = stripe_gateway.charge_checkout_session_create(
        charge=charge,
        success_url=success_url,
        cancel_url=cancel_url,
        expires_at=int(ends.timestamp()),
        email=charge.user.email,
    )
    session_ends = datetime.fromtimestamp(session["expires_at"], tz=timezone.get_current_timezone())
    stored = _session_store(charge=charge, session_id=session["id"], url=session["url"], ends=session_ends)
    if not stored:
        # Paid, expired or cancelled while the session was made: nobody may pay this one.
        stripe_gateway.checkout_session_expire(session_id=session["id"])
        raise DomainError(_("This payment is no longer open."))
    return session["url"]


def _require_open(charge: Charge, *, now: datetime) -> None:
    if charge.is_paid:
        raise DomainError(_("This has already been paid."))
    if charge.status != Status.OPEN:
        raise DomainError(_("This payment is no longer open."))
    if charge.expires_at and charge.expires_at <= now:
        raise DomainError(_("The time to pay has passed."))


@transaction.atomic
def _session_store(*, charge: Charge, session_id: str, url: str, ends: datetime) -> bool:
    charge = _lock(charge)
    if charge.status != Status.OPEN:
        return False
    fields = ["stripe_session_id", "stripe_session_url", "stripe_session_expires_at"]
    charge.stripe_session_id, charge.stripe_session_url, charge.stripe_session_expires_at = session_id, url, ends
    if charge.expires_at and ends > charge.expires_at:
        charge.expires_at = ends
        fields.append("expires_at")
    charge.save(update_fields=fields)
    return True


# --- The moves -----------------------------------------------------------------------------


def _mark_paid(charge: Charge, *, method: str, at: datetime, actor, source: str, **data) -> bool:
    """Record the money's arrival on a locked charge; False if it was already recorded."""
    if charge.is_paid:
        return False
    previous = charge.status
    charge.status = Status.PAID
    charge.method = method
    charge.paid_at = at
    charge.stripe_session_url = ""
    fields = ["status", "method", "paid_at", "stripe_session_url"]
    if actor is not None and getattr(actor, "is_authenticated", False):
        charge.recorded_by = actor
        fields.append("recorded_by")
    if data.get("note"):
        charge.note = data["note"][:200]
        fields.append("note")
    charge.save(update_fields=fields)
    _log(charge, "members.charge.paid", actor=actor, source=source, from_status=previous, method=method,
         amount=charge.amount, **data)
    signals.charge_paid.send(sender=Charge, charge=charge, purpose=charge.purpose)
    return True


def _close(charge: Charge, *, status: str, at: datetime, actor, source: str, **data) -> bool:
    if charge.status != Status.OPEN:
        return False
    charge.status = status
    charge.closed_at = at
    charge.stripe_session_url = ""
    charge.save(update_fields=["status", "closed_at", "stripe_session_url"])
    action = "members.charge.expired" if status == Status.EXPIRED else "members.charge.cancelled"
    _log(charge, action, actor=actor, source=source, **data)
    signal = signals.charge_expired if status == Status.EXPIRED else signals.charge_cancelled
    signal.send(sender=Charge, charge=charge, purpose=charge.purpose)
    return True


def _refunded_to(charge: Charge, *, total: Decimal, at: datetime, actor, source: str, **data) -> bool:
    """Raise the refunded amount to `total` (a running total); never lowers it."""
    total = min(total, charge.amount)
    if total <= charge.refunded_amount:
        return False
    delta = total - charge.refunded_amount
    charge.refunded_amount = total
    charge.refund_requested_amount = max(Decimal("0"), charge.refund_requested_amount - delta)
    charge.status = Status.REFUNDED if total >= charge.amount else Status.PARTLY_REFUNDED
    charge.refunded_at = at
    charge.save(update_fields=["refunded_amount", "refund_requested_amount", "status", "refunded_at"])
    _log(charge, "members.charge.refunded", actor=actor, source=source, amount=delta, total=total, **data)
    signals.charge_refunded.send(sender=Charge, charge=charge, purpose=charge.purpose, amount=delta)
    return True


def charge_transfer_record(
    *, charge: Charge, actor, paid_on: date, method: str = Method.BANK_TRANSFER, note: str = ""
) -> Charge:
    """The secretariat records that the amount arrived by bank transfer (or otherwise).

    Also for a charge that expired or was cancelled: the money is there, and its owner
    decides what follows (an event registration whose seat was released is refunded)."""
    if method not in (Method.BANK_TRANSFER, Method.OTHER):
        raise DomainError(_("Online payments are recorded by Stripe, not by hand."))
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."))
    with transaction.atomic():
        charge = _lock(charge)
        if charge.is_paid:
            raise DomainError(_("This payment has already been recorded."))
        at = timezone.make_aware(datetime.combine(paid_on, time(12, 0)))
        _mark_paid(charge, method=method, at=min(at, timezone.now()), actor=actor, source=Source.SECRETARIAT,
                   paid_on=paid_on, note=note)
    return charge


def _stripe_session_close(charge: Charge) -> bool:
    """Close the charge's open Checkout session at Stripe before the charge closes.
    False when the payer already completed it (the payment is on its way)."""
    if not (charge.stripe_session_id and settings.STRIPE_ENABLED):
        return True
    if charge.stripe_session_expires_at and charge.stripe_session_expires_at <= timezone.now():
        return True
    return stripe_gateway.checkout_session_expire(session_id=charge.stripe_session_id)


def charge_expire(*, charge: Charge, now: datetime | None = None) -> Charge:
    """Close an open charge whose time to pay is over. Safe to repeat; not due: no change.
    A Checkout session the payer completed keeps the charge open for its payment to arrive."""
    now = now or timezone.now()
    charge = Charge.objects.get(pk=charge.pk)
    if charge.status != Status.OPEN or not charge.expires_at or charge.expires_at > now:
        return charge
    if not _stripe_session_close(charge):
        return charge
    with transaction.atomic():
        charge = _lock(charge)
        if charge.expires_at and charge.expires_at <= now:
            _close(charge, status=Status.EXPIRED, at=now, actor=None, source=Source.SYSTEM)
    return charge


def charges_expire_due(*, now: datetime | None = None, purpose: str | None = None) -> int:
    """Expire every open charge whose time is over. Idempotent; a Stripe failure leaves
    that charge for the next run."""
    now = now or timezone.now()
    due = Charge.objects.filter(status=Status.OPEN, expires_at__lte=now)
    if purpose:
        due = due.filter(purpose=purpose)
    expired = 0
    for charge in due.order_by("expires_at", "pk"):
        try:
            if charge_expire(charge=charge, now=now).status == Status.EXPIRED:
                expired += 1
        except DomainError:
            continue
    return expired


def charge_cancel(*, charge: Charge, actor=None, source: str = Source.SYSTEM, reason: str = "") -> Charge:
    """Cancel an open charge (its owner no longer wants it paid). Safe to repeat.

    When the payer has just completed Checkout, the charge stays open: its payment
    arrives by webhook and the owner hears `charge_paid` (and may refund)."""
    charge = Charge.objects.get(pk=charge.pk)
    if charge.status != Status.OPEN or not _stripe_session_close(charge):
        return charge
    with transaction.atomic():
        charge = _lock(charge)
        _close(charge, status=Status.CANCELLED, at=timezone.now(), actor=actor, source=source, reason=reason)
    return charge


# --- Refunds ---------------------------------------------------------------------------------


def charge_refund(*, charge: Charge, actor=None, amount: Decimal | None = None, reason: str = "",
                  source: str = Source.SYSTEM) -> Charge:
    """Pay (part of) a charge back. Online payments are refunded at Stripe (its webhook
    confirms); a transfer's refund is due and recorded by the secretariat once paid.

    The amount is reserved under the lock first, so two refunds never exceed the payment."""
    with transaction.atomic():
        charge = _lock(charge)
        if not charge.is_paid:
            raise DomainError(_("Only a paid payment can be refunded."))
        amount = charge.refundable_amount if amount is None else Decimal(amount)
        if amount <= 0 or amount > charge.refundable_amount:
            raise DomainError(_("The refund must be more than zero and at most what is left to refund."))
        before = charge.refund_requested_amount
        charge.refund_requested_amount = before + amount
        charge.save(update_fields=["refund_requested_amount"])
        online = charge.method == Method.STRIPE and bool(charge.stripe_payment_intent_id)
        _log(charge, "members.charge.refund_requested", actor=actor, source=source, amount=amount,
             online=online, reason=reason)
    if not online:
        return charge
    key = f"charge-{charge.pk}-refund-{charge.refunded_amount + before}-{amount}"
    try:
        stripe_gateway.refund_create(charge=charge, amount_cents=int(amount * 100), key=key)
    except DomainError:
        with transaction.atomic():
            charge = _lock(charge)
            charge.refund_requested_amount = max(Decimal("0"), charge.refund_requested_amount - amount)
            charge.save(update_fields=["refund_requested_amount"])
            _log(charge, "members.charge.refund_failed", actor=actor, source=source, amount=amount)
        raise
    return charge


def charge_refund_record(*, charge: Charge, actor, amount: Decimal, refunded_on: date, note: str = "") -> Charge:
    """The secretariat records a refund it paid back by bank transfer."""
    if refunded_on > timezone.localdate():
        raise DomainError(_("The refund date cannot be in the future."))
    amount = Decimal(amount)
    with transaction.atomic():
        charge = _lock(charge)
        if not charge.is_paid:
            raise DomainError(_("Only a paid payment can be refunded."))
        if charge.method == Method.STRIPE:
            raise DomainError(_("Online payments are refunded through Stripe, not recorded by hand."))
        if amount <= 0 or charge.refunded_amount + amount > charge.amount:
            raise DomainError(_("The refund must be more than zero and at most what is left to refund."))
        at = min(timezone.make_aware(datetime.combine(refunded_on, time(12, 0))), timezone.now())
        _refunded_to(charge, total=charge.refunded_amount + amount, at=at, actor=actor, source=Source.SECRETARIAT,
                     refunded_on=refunded_on, note=note)
    return charge


# --- Stripe's events (called by members.stripe_sync inside its transaction) -------------------

STRIPE_CHARGE_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
)
RESULT_UNKNOWN_CHARGE = "unknown charge"


def _digits(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def stripe_object_names_charge(event_type: str, obj: dict) -> bool:
    """Whether a Stripe object belongs to a one-off payment (not to a membership)."""
    if event_type == "charge.refunded":
        return True
    return obj.get("mode") == "payment" or _digits((obj.get("metadata") or {}).get("charge")) is not None


def _charge_of(event_type: str, obj: dict) -> Charge | None:
    locked = Charge.objects.select_for_update(of=("self",)).select_related("user")
    pk = _digits((obj.get("metadata") or {}).get("charge"))
    if pk is not None:
        found = locked.filter(pk=pk).first()
        if found:
            return found
    intent = obj.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    if intent:
        found = locked.filter(stripe_payment_intent_id=intent).first()
        if found:
            return found
    if event_type.startswith("checkout.session") and obj.get("id"):
        return locked.filter(stripe_session_id=obj["id"]).first()
    return None


def charge_stripe_event_apply(*, event: dict, at: datetime) -> str:
    """Apply one stored Stripe event to its charge (the caller holds the transaction)."""
    kind = event["type"]
    obj = event["data"]["object"]
    charge = _charge_of(kind, obj)
    if charge is None:
        return RESULT_UNKNOWN_CHARGE
    facts = {"event": event["id"]}
    intent = obj.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else (intent or "")
    if intent and not charge.stripe_payment_intent_id:
        charge.stripe_payment_intent_id = intent
        charge.save(update_fields=["stripe_payment_intent_id"])

    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if obj.get("payment_status") not in ("paid", "no_payment_required"):
            return "recorded: payment processing"
        changed = _mark_paid(charge, method=Method.STRIPE, at=at, actor=None, source=Source.STRIPE,
                             session=obj.get("id") or "", **facts)
        return "applied" if changed else "recorded: already paid"
    if kind == "checkout.session.async_payment_failed":
        if charge.status != Status.OPEN:
            return "recorded: not open"
        charge.stripe_session_url = ""
        charge.stripe_session_expires_at = None
        charge.save(update_fields=["stripe_session_url", "stripe_session_expires_at"])
        _log(charge, "members.charge.payment_failed", source=Source.STRIPE, **facts)
        return "applied"
    if kind == "checkout.session.expired":
        if charge.status != Status.OPEN or obj.get("id") != charge.stripe_session_id:
            return "recorded: not the open session"
        if charge.expires_at and charge.expires_at <= at + SESSION_REUSE_MARGIN:
            _close(charge, status=Status.EXPIRED, at=at, actor=None, source=Source.STRIPE, **facts)
            return "applied"
        # No time limit (or time left): the session is gone, a new one can be started.
        charge.stripe_session_url = ""
        charge.stripe_session_expires_at = None
        charge.save(update_fields=["stripe_session_url", "stripe_session_expires_at"])
        return "recorded: session closed"
    if kind == "charge.refunded":
        # A refund implies the payment: delivered before the Checkout's event, it records both.
        _mark_paid(charge, method=Method.STRIPE, at=at, actor=None, source=Source.STRIPE, **facts)
        changed = _refunded_to(charge, total=_cents(obj.get("amount_refunded")), at=at, actor=None,
                               source=Source.STRIPE, **facts)
        return "applied" if changed else "recorded: refund already known"
    return "ignored: event type not handled"
