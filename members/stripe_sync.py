"""Stripe webhook events applied to memberships and payments.

Stripe may deliver an event twice, late, or before an event that happened
earlier. So nothing here depends on the order of arrival:

* Every event is stored once by its id (`StripeEvent.event_id` is unique); a
  second delivery is answered "duplicate" and changes nothing. Storing the event
  and applying it happen in one transaction, so an event that fails half-way is
  stored not at all and Stripe's retry applies it afresh. The event is stored at
  the end of that transaction, with what was done: a second delivery handled at
  the same moment waits for the first at the membership's (or charge's) lock or
  at that insert, then fails the unique check and is rolled back whole.
* Each event adds a *fact*, and facts merge the same way in any order:
  - an invoice becomes a `Payment` row (unique `stripe_invoice_id`) whose status
    only moves up: processing < failed < paid; paid at the earliest moment
    reported (the invoice's, not the Checkout completing a moment later);
  - `paid_until` is the latest period end of any paid or processing payment; it
    never shrinks;
  - the subscription (status, cancel at period end, payment method) is taken
    from the newest snapshot by the event's own timestamp; an older snapshot
    (`created` before `membership.stripe_synced_at`) is ignored, except that
    it names the payment method when none is known yet.
* The membership's status is then *derived* from those facts (see `_derive`),
  and moved only as the rules allow (`MEMBERSHIP_MOVES`, the same table the
  services check):
  subscription ended → resigned (if a resignation was requested) or lapsed;
  an unpaid failed invoice not covered by a later paid one → in arrears, with
  a grace period counted from that invoice's period start; otherwise a paid or
  clearing payment → active, "payment pending" while a payment is clearing.
  A paying applicant always becomes active first, even when the failed renewal
  or the end was delivered before the payment: member since and the history
  ("activated", then "in arrears", "resigned"...) read as in order.
* A Checkout handled after its subscription renewed or ended reads the
  subscription as it is now: of that it takes only the id and the payment
  method, never the status or the current period (which belongs to a later
  invoice); the first invoice's own event brings its period.

Status changes are written to the audit log (`members.history`) with source "stripe",
all entries of one event with one insert at its end.
A membership ended by the secretariat keeps its status; its payments are still
recorded. An event for a customer the portal does not know is stored with the
result "unknown customer" and changes nothing (it is not replayed later).

One-off payments (Checkout in payment mode, their refunds) share this pipeline: an
event whose object names a charge (`metadata.charge`, or `mode: payment`) is stored
the same way and handed to `members.services.charges.charge_stripe_event_apply` in
the same transaction; see there for how those facts merge.

The only API call (reading the subscription for `checkout.session.completed`,
or a changed payment method) happens before the transaction opens.

Cost per event (pinned by tests/members/test_stripe_webhook_queries.py): one query
to answer a duplicate; otherwise the lock on the membership (with its plan and
user), its payments read once (with the invoice's payment, wherever it belongs),
then only the writes: the payment, the membership's changed fields, the audit
entries, the event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from members import stripe_gateway
from members.history import HistoryAction
from members.models import Membership, MembershipAction, Payment, StripeEvent
from members.services import charges
from members.services.membership import GRACE_DAYS
from members.services.transitions import membership_log_entry, membership_transition
from portal.audit import Source, log_entries_save
from portal.money import vat_included
from members.stripe_events import event_checked

Status = Membership.Status
Action = MembershipAction
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

MEMBERSHIP_TYPES = (
    "checkout.session.completed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
)
HANDLED_TYPES = tuple(dict.fromkeys(MEMBERSHIP_TYPES + charges.STRIPE_CHARGE_EVENTS))
ENDED_SUBSCRIPTION = ("canceled", "incomplete_expired")
LIVE_SUBSCRIPTION = ("active", "trialing")
# A payment's status only moves up this ladder, whatever order the events arrive in.
PAYMENT_RANK = {Payment.Status.PENDING: 0, Payment.Status.FAILED: 1, Payment.Status.PAID: 2}

RESULT_APPLIED = "applied"
RESULT_DUPLICATE = "duplicate"
RESULT_UNKNOWN_CUSTOMER = "unknown customer"
RESULT_IGNORED_TYPE = "ignored: event type not handled"
RESULT_ENDED = "recorded: membership ended by the secretariat"


# --- Reading Stripe objects ----------------------------------------------------


def _id(value) -> str:
    """An id from a field that is either the id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _moment(timestamp: int | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def _day(timestamp: int) -> date:
    """A Stripe timestamp as a calendar day in Amsterdam."""
    return datetime.fromtimestamp(timestamp, tz=AMSTERDAM).date()


def _cents(amount: int | None) -> Decimal:
    return (Decimal(amount or 0) / 100).quantize(Decimal("0.01"))


def invoice_subscription_id(invoice: dict) -> str:
    """The invoice's subscription (API 2025-03 and later: under parent.subscription_details)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def invoice_period(invoice: dict) -> tuple[date, date] | None:
    """The period an invoice pays for, from its lines (the invoice's own period is the previous one)."""
    periods = [line["period"] for line in (invoice.get("lines") or {}).get("data", []) if line.get("period")]
    if not periods:
        return None
    return _day(min(p["start"] for p in periods)), _day(max(p["end"] for p in periods))


def subscription_period(subscription: dict) -> tuple[date, date] | None:
    """The current period (API 2025-03 and later: on the items; before: on the subscription)."""
    items = (subscription.get("items") or {}).get("data", [])
    starts = [i["current_period_start"] for i in items if i.get("current_period_start")]
    ends = [i["current_period_end"] for i in items if i.get("current_period_end")]
    if not ends and subscription.get("current_period_end"):
        starts, ends = [subscription["current_period_start"]], [subscription["current_period_end"]]
    if not ends:
        return None
    return _day(min(starts)), _day(max(ends))


def payment_method_label(payment_method: dict | None) -> str:
    """"Visa •••• 4242" or "SEPA NL•• •••• 3000" (brand names, not translated)."""
    if not isinstance(payment_method, dict):
        return ""
    kind = payment_method.get("type")
    details = payment_method.get(kind) or {}
    last4 = details.get("last4") or ""
    if kind == "card":
        return f"{(details.get('brand') or 'card').title()} •••• {last4}".strip()
    if kind == "sepa_debit":
        return f"SEPA {details.get('country') or ''}•• •••• {last4}".strip()
    return kind or ""


# --- Reading from Stripe's API ---------------------------------------------------


def _fetch_for(event: dict) -> dict:
    """What an event needs from Stripe's API, read before any transaction opens."""
    obj = event["data"]["object"]
    extra: dict = {}
    if not settings.STRIPE_ENABLED:
        return extra
    if charges.stripe_object_names_charge(event["type"], obj):
        return extra
    if event["type"] == "checkout.session.completed" and _id(obj.get("subscription")):
        subscription = obj["subscription"]
        extra["subscription"] = (
            subscription
            if isinstance(subscription, dict)
            else stripe_gateway.subscription_retrieve(subscription_id=subscription)
        )
    elif event["type"] == "customer.subscription.updated":
        changed = (event["data"].get("previous_attributes") or {}).keys()
        method = obj.get("default_payment_method")
        if "default_payment_method" in changed and isinstance(method, str) and method:
            extra["payment_method"] = stripe_gateway.payment_method_retrieve(payment_method_id=method)
    return extra


# --- The webhook entry point -------------------------------------------------


def stripe_event_handle(*, event: dict) -> str:
    """Store and apply one verified Stripe event; returns what was done.

    Called by the webhook view (after the signature check) and the benchmark.
    Raises on a failure Stripe should retry (then nothing is stored), and
    `MalformedEvent` on an event the portal cannot store or read (nothing stored).
    """
    event = event_checked(event)
    if StripeEvent.objects.filter(event_id=event["id"]).exists():
        return RESULT_DUPLICATE
    extra = _fetch_for(event) if event.get("type") in HANDLED_TYPES else {}
    try:
        return _event_apply(event=event, extra=extra)
    except IntegrityError:
        # On PostgreSQL a second delivery handled at the same moment waits at the
        # insert for the first one's transaction, then fails the unique check; its
        # own transaction is rolled back whole. The event is stored once.
        if StripeEvent.objects.filter(event_id=event["id"]).exists():
            return RESULT_DUPLICATE
        raise


@transaction.atomic
def _event_apply(*, event: dict, extra: dict) -> str:
    at = _moment(event["created"])
    obj = event["data"]["object"]
    if event["type"] not in HANDLED_TYPES:
        result = RESULT_IGNORED_TYPE
    elif charges.stripe_object_names_charge(event["type"], obj):
        result = charges.charge_stripe_event_apply(event=event, at=at)
    elif event["type"] not in MEMBERSHIP_TYPES:
        result = RESULT_IGNORED_TYPE
    else:
        membership = _membership_for(event["type"], obj)
        if membership is None:
            result = RESULT_UNKNOWN_CUSTOMER
        else:
            result = _apply(membership, event=event, obj=obj, at=at, extra=extra)
    # Last, with what was done, in the transaction that did it: a concurrent delivery of the
    # same event fails the unique check here (after waiting for the first) and rolls back whole.
    StripeEvent.objects.create(
        event_id=event["id"], type=event["type"], created=at, payload=event,
        processed_at=timezone.now(), result=result,
    )
    return result


def _membership_for(event_type: str, obj: dict) -> Membership | None:
    """The event's membership, locked (select_for_update) for the rest of the transaction."""
    # Lock only the membership row (not the plan and user joined in: the audit entries
    # name the user), in pk order.
    locked = Membership.objects.select_for_update(of=("self",)).select_related("plan", "user").order_by("pk")
    customer = _id(obj.get("customer"))
    if customer:
        found = locked.filter(stripe_customer_id=customer).first()
        if found:
            return found
    if event_type == "checkout.session.completed":
        reference = obj.get("client_reference_id") or ""
        if reference.isascii() and reference.isdigit() and len(reference) <= 18:
            # The customer is stored before Checkout starts; this covers a customer Checkout made itself.
            return locked.filter(pk=int(reference), stripe_customer_id__in=["", customer]).first()
    return None


# --- Applying one event --------------------------------------------------------


class _Facts:
    """What one event works on besides the locked membership: its payments, read once
    (under the membership's lock) and kept current as facts merge, and the audit entries
    to write at the end."""

    def __init__(self, membership: Membership):
        self.membership = membership
        self.log: list = []
        self._own: list[Payment] | None = None
        self._by_invoice: dict[str, Payment | None] = {}

    def _read(self, invoice_id: str = "") -> None:
        # The invoice's payment may belong to another membership; one query reads both.
        condition = Q(membership_id=self.membership.pk)
        if invoice_id:
            condition |= Q(stripe_invoice_id=invoice_id)
        found = list(Payment.objects.filter(condition))
        self._own = [payment for payment in found if payment.membership_id == self.membership.pk]
        for payment in found:
            if payment.stripe_invoice_id:
                self._by_invoice[payment.stripe_invoice_id] = payment
        if invoice_id:
            self._by_invoice.setdefault(invoice_id, None)

    def payments(self) -> list[Payment]:
        """The membership's own payments (all methods)."""
        if self._own is None:
            self._read()
        return self._own

    def payment_for(self, invoice_id: str) -> Payment | None:
        """The payment of a Stripe invoice, whichever membership it belongs to."""
        if self._own is None:
            self._read(invoice_id)
        elif invoice_id not in self._by_invoice:
            self._by_invoice[invoice_id] = Payment.objects.filter(stripe_invoice_id=invoice_id).first()
        return self._by_invoice[invoice_id]

    def payment_added(self, payment: Payment) -> None:
        self._by_invoice[payment.stripe_invoice_id] = payment
        if payment.membership_id == self.membership.pk:
            self.payments().append(payment)


def _apply(membership: Membership, *, event: dict, obj: dict, at: datetime, extra: dict) -> str:
    before = {field: getattr(membership, field) for field in _TRACKED}
    kind = event["type"]
    result = RESULT_APPLIED
    facts = _Facts(membership)

    if kind == "checkout.session.completed":
        result = _apply_checkout(membership, facts, session=obj, at=at, subscription=extra.get("subscription"))
    elif kind in ("invoice.paid", "invoice.payment_failed"):
        _apply_invoice(membership, facts, invoice=obj, paid=kind == "invoice.paid", at=at)
    else:
        newest = _apply_subscription(
            membership, facts, subscription=obj, at=at, payment_method=extra.get("payment_method")
        )
        if not newest:
            result = "ignored: older than the last update"

    for _step in range(2):
        _derive(membership, facts)
        changed = [field for field in _TRACKED if getattr(membership, field) != before[field]]
        if changed:
            membership.save(update_fields=changed + ["updated_at"])
            _record_changes(membership, facts, before=before, event=event)
        # A paying applicant becomes a member first; when later events (a failed renewal, the
        # end) were delivered before the payment, the next step leads on, each recorded as in order.
        if not (before["status"] == Status.APPLICANT and membership.status == Status.ACTIVE):
            break
        before = {field: getattr(membership, field) for field in _TRACKED}
    log_entries_save(facts.log)
    if membership.status == Status.ENDED and result == RESULT_APPLIED:
        result = RESULT_ENDED
    return result


_TRACKED = [
    "status", "paid_until", "payment_pending", "grace_until", "member_since", "resignation_requested_at",
    "stripe_customer_id", "stripe_subscription_id", "stripe_subscription_status", "payment_method_label",
    "stripe_synced_at",
]


def _apply_checkout(membership: Membership, facts: _Facts, *, session: dict, at: datetime, subscription: dict | None) -> str:
    customer = _id(session.get("customer"))
    if customer and not membership.stripe_customer_id:
        membership.stripe_customer_id = customer
    session_invoice = _id(session.get("invoice"))
    if subscription and (
        subscription.get("status") in ENDED_SUBSCRIPTION
        or (session_invoice and _id(subscription.get("latest_invoice")) != session_invoice)
    ):
        # Read after it renewed or ended (Checkout handled late): neither its status nor its
        # current period is that of the Checkout; the subscription's and the first invoice's
        # own events bring those. Only what does not change is taken here.
        if not membership.stripe_subscription_id:
            membership.stripe_subscription_id = subscription["id"]
        label = payment_method_label(subscription.get("default_payment_method"))
        if label and not membership.payment_method_label:
            membership.payment_method_label = label
        return "recorded: subscription renewed or ended since"
    if subscription:
        _apply_subscription(membership, facts, subscription=subscription, at=at, payment_method=None)
    elif _id(session.get("subscription")) and not membership.stripe_subscription_id:
        membership.stripe_subscription_id = _id(session["subscription"])
    period = subscription_period(subscription) if subscription else None
    invoice_id = session_invoice or _id((subscription or {}).get("latest_invoice"))
    if not (period and invoice_id):
        return "recorded: no subscription period"
    # "unpaid" is a SEPA debit or iDEAL mandate payment still clearing.
    paid = session.get("payment_status") in ("paid", "no_payment_required")
    _payment_fact(
        membership,
        facts,
        invoice_id=invoice_id,
        status=Payment.Status.PAID if paid else Payment.Status.PENDING,
        period=period,
        amount=_cents(session.get("amount_total")),
        paid_at=at if paid else None,
    )
    return RESULT_APPLIED


def _apply_invoice(membership: Membership, facts: _Facts, *, invoice: dict, paid: bool, at: datetime) -> None:
    subscription_id = invoice_subscription_id(invoice)
    if subscription_id and (
        not membership.stripe_subscription_id
        or (subscription_id != membership.stripe_subscription_id
            and membership.stripe_subscription_status in ENDED_SUBSCRIPTION)
    ):
        # A first or a new subscription (after rejoining); its own snapshot tells its status.
        membership.stripe_subscription_id = subscription_id
        membership.stripe_subscription_status = ""
    period = invoice_period(invoice)
    if period is None:
        return
    paid_at = _moment((invoice.get("status_transitions") or {}).get("paid_at")) or at
    _payment_fact(
        membership,
        facts,
        invoice_id=invoice["id"],
        status=Payment.Status.PAID if paid else Payment.Status.FAILED,
        period=period,
        amount=_cents(invoice.get("amount_paid") if paid else invoice.get("amount_due")),
        paid_at=paid_at if paid else None,
    )


def _apply_subscription(membership: Membership, facts: _Facts, *, subscription: dict, at: datetime, payment_method: dict | None) -> bool:
    """Take the subscription snapshot if it is the newest; returns whether it was."""
    status = subscription.get("status") or ""
    other = membership.stripe_subscription_id and membership.stripe_subscription_id != subscription["id"]
    if other and status in ENDED_SUBSCRIPTION:
        return False  # an earlier subscription ending says nothing about the current one
    # A renewal still clearing (SEPA) keeps the member active; the row turns paid or failed later.
    # This fact merges like the others, so it counts even from a snapshot that arrives late.
    period = subscription_period(subscription)
    invoice_id = _id(subscription.get("latest_invoice"))
    if status in LIVE_SUBSCRIPTION and period and invoice_id:
        _payment_fact(
            membership, facts, invoice_id=invoice_id, status=Payment.Status.PENDING, period=period,
            amount=membership.plan.price_incl_vat, paid_at=None,
        )
    newest = not (membership.stripe_synced_at and at < membership.stripe_synced_at)
    # A payment method's name from an older snapshot still beats none (snapshots usually carry only its id).
    label = payment_method_label(payment_method or subscription.get("default_payment_method"))
    if label and (newest or not membership.payment_method_label):
        membership.payment_method_label = label
    if not newest:
        return False

    membership.stripe_subscription_id = subscription["id"]
    membership.stripe_subscription_status = status
    membership.stripe_synced_at = at

    reason = (subscription.get("cancellation_details") or {}).get("reason")
    wants_to_leave = bool(subscription.get("cancel_at_period_end") or subscription.get("cancel_at")) or (
        status in ENDED_SUBSCRIPTION and reason == "cancellation_requested"
    )
    if wants_to_leave and not membership.resignation_requested_at:
        membership.resignation_requested_at = _moment(subscription.get("canceled_at")) or at
    elif (
        not wants_to_leave
        and status not in ENDED_SUBSCRIPTION
        and membership.resignation_requested_at
        and membership.resignation_requested_at < at
        and membership.status in Membership.MEMBER_STATUSES
    ):
        membership.resignation_requested_at = None  # the member took back the cancellation
    return True


def _log_payment(membership: Membership, facts: _Facts, payment: Payment, *, invoice_id: str) -> None:
    """One audit entry each time an invoice's payment appears or moves up the ladder."""
    facts.log.append(membership_log_entry(
        membership,
        HistoryAction.ONLINE_PAYMENT,
        from_status=membership.status,
        source=Source.STRIPE,
        data={
            "payment": payment.pk,
            "invoice": invoice_id,
            "status": payment.status,
            "amount": payment.amount,
            "period_start": payment.period_start,
            "period_end": payment.period_end,
        },
    ))


def _payment_fact(
    membership: Membership, facts: _Facts, *, invoice_id: str, status: str, period: tuple[date, date], amount: Decimal, paid_at
) -> Payment:
    start, end = period
    payment = facts.payment_for(invoice_id)
    if payment is None:
        plan = membership.plan
        payment = Payment(
            membership=membership,
            plan=plan,
            method=Payment.Method.STRIPE,
            status=status,
            amount=amount,
            vat_rate=plan.vat_rate,
            vat_amount=vat_included(amount, plan.vat_rate),
            period_start=start,
            period_end=max(start, end),
            paid_at=paid_at,
            stripe_invoice_id=invoice_id,
        )
        # Membership and plan are the locked rows themselves: not read again to check them.
        payment.full_clean(exclude=["membership", "plan"], validate_unique=False, validate_constraints=False)
        payment.save()
        facts.payment_added(payment)
        _log_payment(membership, facts, payment, invoice_id=invoice_id)
    elif status == payment.status == Payment.Status.PAID and paid_at and (not payment.paid_at or paid_at < payment.paid_at):
        # Checkout completes just after the invoice is paid: the earliest moment is the payment's.
        payment.paid_at = paid_at
        payment.save(update_fields=["paid_at"])
    elif PAYMENT_RANK[status] > PAYMENT_RANK[payment.status]:
        payment.status = status
        fields = ["status"]
        if status == Payment.Status.PAID:
            payment.paid_at, payment.amount = paid_at, amount
            payment.vat_amount = vat_included(amount, payment.vat_rate)
            fields += ["paid_at", "amount", "vat_amount"]
        payment.save(update_fields=fields)
        _log_payment(membership, facts, payment, invoice_id=invoice_id)
    if status in (Payment.Status.PAID, Payment.Status.PENDING) and payment.membership_id == membership.pk:
        membership.paid_until = max(filter(None, [membership.paid_until, end]))
    return payment


# --- Deriving the status from the facts ------------------------------------------


def _derive(membership: Membership, facts: _Facts) -> None:
    """Set status, payment_pending and grace_until from the facts merged so far."""
    current = membership.status
    if current == Status.ENDED:
        return
    rows = [(row.status, row.method, row.period_start, row.period_end) for row in facts.payments()]
    paid_through = max((end for status, _m, _s, end in rows if status == Payment.Status.PAID), default=None)

    def open_rows(kind):
        return [
            (start, end)
            for status, method, start, end in rows
            if status == kind and method == Payment.Method.STRIPE and (paid_through is None or end > paid_through)
        ]

    unpaid = open_rows(Payment.Status.FAILED)
    clearing = open_rows(Payment.Status.PENDING)
    has_paid_or_clearing = any(status in (Payment.Status.PAID, Payment.Status.PENDING) for status, *_ in rows)
    # An applicant whose subscription ended was paid for it if the payment arrived after the end
    # (out of order), not if they applied again after it ended.
    was_paid = current in Membership.MEMBER_STATUSES or (
        current == Status.APPLICANT
        and membership.paid_until
        and (membership.stripe_synced_at is None or membership.terms_accepted_at <= membership.stripe_synced_at)
    )

    # Which move the facts ask for; MEMBERSHIP_MOVES decides from which statuses it may happen.
    if membership.stripe_subscription_status in ENDED_SUBSCRIPTION:
        if was_paid and current == Status.APPLICANT:
            _move(membership, Action.STRIPE_ACTIVE, pending=False, grace=None)  # and ended at the next step
        elif was_paid:
            action = Action.STRIPE_RESIGN if membership.resignation_requested_at else Action.STRIPE_LAPSE
            _move(membership, action, pending=False, grace=None)
    elif unpaid and membership.paid_until:
        if current == Status.APPLICANT:
            _move(membership, Action.STRIPE_ACTIVE, pending=False, grace=None)  # and in arrears at the next step
        else:
            grace = min(start for start, _end in unpaid) + timedelta(days=GRACE_DAYS)
            _move(membership, Action.STRIPE_IN_ARREARS, pending=False, grace=grace)
    elif has_paid_or_clearing and membership.paid_until:
        # A lapsed or resigned member is active again only while the paid period runs.
        if membership.is_member or current == Status.APPLICANT or membership.paid_until >= timezone.localdate():
            _move(membership, Action.STRIPE_ACTIVE, pending=bool(clearing), grace=None)


def _move(membership: Membership, action: str, *, pending: bool, grace: date | None) -> None:
    if not membership.may(action):
        return  # the facts are stored; the status stays where the rules keep it
    previous = membership_transition(membership, action)
    target = membership.status
    membership.payment_pending = pending
    membership.grace_until = grace
    if target in Membership.MEMBER_STATUSES and (previous not in Membership.MEMBER_STATUSES or not membership.member_since):
        membership.member_since = timezone.localdate()
    if target in Membership.MEMBER_STATUSES and previous in (Status.LAPSED, Status.RESIGNED):
        membership.resignation_requested_at = None


def _record_changes(membership: Membership, facts: _Facts, *, before: dict, event: dict) -> None:
    previous = before["status"]
    data = {"event": event["id"], "type": event["type"]}
    if membership.resignation_requested_at and not before["resignation_requested_at"]:
        facts.log.append(membership_log_entry(membership, HistoryAction.RESIGNATION_REQUESTED,
                         from_status=previous, source=Source.STRIPE, data=data))
    elif before["resignation_requested_at"] and not membership.resignation_requested_at and previous == membership.status:
        facts.log.append(membership_log_entry(membership, HistoryAction.RESIGNATION_WITHDRAWN,
                         from_status=previous, source=Source.STRIPE, data=data))
    if membership.status != previous:
        action = {
            Status.ACTIVE: HistoryAction.ACTIVATED,
            Status.IN_ARREARS: HistoryAction.IN_ARREARS,
            Status.LAPSED: HistoryAction.LAPSED,
            Status.RESIGNED: HistoryAction.RESIGNED,
        }[membership.status]
    elif membership.status == Status.ACTIVE and membership.paid_until != before["paid_until"]:
        action = HistoryAction.RENEWED
    elif membership.payment_pending != before["payment_pending"]:
        action = HistoryAction.PAYMENT_CLEARED if not membership.payment_pending else HistoryAction.PAYMENT_PENDING
    else:
        return
    data["paid_until"] = membership.paid_until.isoformat() if membership.paid_until else None
    data["payment_pending"] = membership.payment_pending
    facts.log.append(membership_log_entry(membership, action, from_status=previous, source=Source.STRIPE, data=data))
