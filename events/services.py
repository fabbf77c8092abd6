"""Every write to registrations, the waiting list and check-ins.

A registration's status is a state machine:

    (register) ──free──▶ confirmed ──check in──▶ confirmed + checked in ──undo──▶ confirmed
        │                    ▲   │
        └──priced──▶ awaiting_payment ──paid──┘   └──cancel (until the deadline)──▶ cancelled
                             └──hold time over──▶ cancelled

and a waiting-list entry's:

    waiting ──seat frees──▶ offered ──accept──▶ accepted (with a registration)
       │                       ├──decline──▶ declined
       └──leave──▶ left        ├──leave────▶ left
                               └──time over──▶ expired

When the association cancels an event (an editor ticks "cancelled" and publishes),
`event_cancellation_apply` cancels every registration that holds a seat (its payment
refunded in full, whatever the event's own refund rule), closes the waiting list
(`event_cancelled`), and tells each person by e-mail.

Seats: an event's taken seats are its confirmed and awaiting-payment registrations
plus its open offers. Every function that takes or frees a seat first locks the
event's `EventCapacity` row (one small row, late and briefly: cheap checks come
before the transaction, and mail, PDFs and calendars are queued after commit).
Whoever holds the lock sees the true count, so capacity is never exceeded, and
people who find the event full join the waiting list in the order they got the
lock, which is the order in which they arrived.

Paid events: a priced registration opens a one-off payment in the membership app
(`members.services.charges`, purpose `events.registration`) in the same transaction,
and holds the seat as `awaiting_payment` until the payment's time is over
(`payment_hold()`: 30 minutes for Stripe Checkout, some days for a bank transfer; never
past the start). The attendee pays through Stripe Checkout (started after commit,
`registration_checkout_start`) or by transfer with the reference, which the secretariat
records on the payment. The payment tells this app what happened through
`members.signals` (`events.receivers`): paid → `registration_payment_confirm`;
expired or cancelled → `registration_hold_release` frees the seat for the waiting
list. Those receivers run with the payment's row locked and then lock the event's
row, so this module never locks a payment while it holds the event's lock: cancelling
a paid or unpaid registration settles its payment after commit
(`events.tasks.registration_payment_settle`: cancel an open payment, refund a paid one
where the event allows it).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import signals
from events.models import (
    EVENT_CANCELLED_REASON,
    OFFER_VALIDITY,
    AttendeeMessage,
    CalendarToken,
    EventCapacity,
    EventPage,
    Registration,
    WaitlistEntry,
    payment_hold,
)
from events.selectors import event_seat_counts, price_for, user_is_member
from members.services import charges
from portal.audit import Source, log_action
from portal.exceptions import DomainError

RegStatus = Registration.Status
WaitStatus = WaitlistEntry.Status

# The purpose of the payments this app opens (members.models.Charge.purpose).
CHARGE_PURPOSE = "events.registration"


class EventFull(DomainError):
    """No seat is free: the person may join the waiting list instead."""


class CheckInRefused(DomainError):
    """A ticket that cannot be checked in; `kind` says why, `registration` is the ticket if known."""

    def __init__(self, message, *, kind: str, registration: Registration | None = None):
        super().__init__(message)
        self.kind = kind
        self.registration = registration


# --- locking and counting ------------------------------------------------------------


def event_source(event: EventPage) -> EventPage:
    """The page in the default language that holds the registrations of `event`."""
    source_id = event.source_page_id()
    return event if source_id == event.pk else EventPage.objects.get(pk=source_id)


def event_capacity_ensure(*, event: EventPage) -> EventCapacity:
    """The event's capacity row, created on first use (a concurrent creator is tolerated)."""
    try:
        with transaction.atomic():
            capacity, _created = EventCapacity.objects.get_or_create(event=event)
    except IntegrityError:
        capacity = EventCapacity.objects.get(event=event)
    return capacity


def _lock_event(event: EventPage) -> EventCapacity:
    """Lock the event's one capacity row; everything that takes or frees a seat does this first.

    The row is created here on first use (in a savepoint, so a concurrent creator is
    tolerated): one statement when it exists, which is nearly always."""
    capacity = EventCapacity.objects.select_for_update().filter(event_id=event.pk).first()
    if capacity is None:
        event_capacity_ensure(event=event)
        capacity = EventCapacity.objects.select_for_update().get(event_id=event.pk)
    return capacity


def seats_taken(*, event: EventPage) -> int:
    return event_seat_counts(event_id=event.pk)["taken"]


def _task_after_commit(func: str, *args) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(func, *args))


def _log(instance, action: str, *, actor, source: str, **data) -> None:
    log_action(instance, action, actor=actor, source=source, data=data)


def _actor_source(actor, user) -> str:
    if actor is None:
        return Source.SYSTEM
    return Source.MEMBER if actor == user else Source.SECRETARIAT


# --- registration ----------------------------------------------------------------------


def _check_can_register(event: EventPage, *, user, guest_name: str, now: datetime) -> None:
    """The checks that need no lock; they run again where it matters."""
    if not event.live:
        raise DomainError(_("This event is not published."))
    if event.is_cancelled:
        raise DomainError(_("This event has been cancelled."))
    if event.registration_opens and now < event.registration_opens:
        raise DomainError(
            _("Registration opens on %(date)s.") % {"date": timezone.localtime(event.registration_opens).strftime("%d-%m-%Y %H:%M")}
        )
    if now >= event.registration_closes_at():
        raise DomainError(_("Registration for this event is closed."))
    if guest_name:
        if not event.allow_guests:
            raise DomainError(_("Colleagues cannot be registered for this event."))
        if not user_is_member(user):
            raise DomainError(_("Only members can register a colleague."))


def _check_not_registered(counts: dict, *, guest_name: str, waitlist: bool = True) -> None:
    """Refuse a second live registration (and, with `waitlist`, a second waiting-list place) for
    the same person; `counts` from `event_seat_counts(..., user=..., guest_name=...)` under the lock."""
    if counts["mine_registered"]:
        if guest_name:
            raise DomainError(_("%(name)s is already registered for this event.") % {"name": guest_name})
        raise DomainError(_("You are already registered for this event."))
    if waitlist and counts["mine_waiting"]:
        raise DomainError(_("You are already on the waiting list for this event."))


def _new_registration(
    event: EventPage, *, user, guest_name: str, guest_email: str, now: datetime, price_and_member: tuple | None = None
) -> Registration:
    price, member_price = price_and_member or price_for(event=event, user=user, guest=bool(guest_name))
    registration = Registration(
        event=event,
        user=user,
        guest_name=guest_name,
        guest_email=guest_email,
        price=price,
        member_price_applied=member_price,
    )
    if price:
        registration.status = RegStatus.AWAITING_PAYMENT
        registration.hold_expires_at = min(now + payment_hold(), event.start)
        registration.payment_reference = f"EV{event.pk}-{secrets.token_hex(3).upper()}"
    else:
        registration.status = RegStatus.CONFIRMED
    registration.full_clean(exclude=["event", "user"], validate_unique=False, validate_constraints=False)
    registration.save()
    if price:
        # One insert in the same transaction; Stripe is asked only after commit.
        registration.charge = charges.charge_open(
            purpose=CHARGE_PURPOSE,
            object_id=registration.pk,
            user=user,
            amount=price,
            description=f"{event.title} · {registration.attendee_name}",
            expires_at=registration.hold_expires_at,
            refundable=event.refund_on_cancellation,
            reference=registration.payment_reference,
        )
        registration.save(update_fields=["charge"])
    return registration


def _after_registration(registration: Registration) -> None:
    if registration.status == RegStatus.CONFIRMED:
        _task_after_commit("events.tasks.registration_confirmation_send", registration.pk)
    else:
        _task_after_commit("events.tasks.registration_payment_instructions_send", registration.pk)


def registration_create(
    *, event: EventPage, user, guest_name: str = "", guest_email: str = "", actor=None, now: datetime | None = None
) -> Registration:
    """Register `user` (or, with `guest_name`, a colleague of theirs) for `event`.

    Raises `EventFull` when no seat is free or people are already waiting, so
    that the caller can offer the waiting list, and `DomainError` for every other
    refusal. A priced seat is held as awaiting payment.
    """
    now = now or timezone.now()
    event = event_source(event)
    guest_name = (guest_name or "").strip()
    _check_can_register(event, user=user, guest_name=guest_name, now=now)
    # Read before the lock: the price does not depend on the seats.
    price_and_member = price_for(event=event, user=user, guest=bool(guest_name))
    with transaction.atomic():
        # Under the lock: one statement for the lock, one for the counts, the inserts.
        _lock_event(event)
        counts = event_seat_counts(event_id=event.pk, user=user, guest_name=guest_name)
        _check_not_registered(counts, guest_name=guest_name)
        if counts["taken"] >= event.capacity or counts["waiting"]:
            raise EventFull(_("This event is full. You can join the waiting list."))
        registration = _new_registration(
            event, user=user, guest_name=guest_name, guest_email=guest_email, now=now, price_and_member=price_and_member
        )
        _log(
            registration,
            "events.registration.created",
            actor=actor or user,
            source=_actor_source(actor or user, user),
            status=registration.status,
            price=registration.price,
            guest=guest_name,
        )
        _after_registration(registration)
    return registration


def _lock_registration(registration: Registration) -> Registration:
    return Registration.objects.select_for_update(of=("self",)).select_related("event", "user").get(pk=registration.pk)


def registration_cancel(
    *, registration: Registration, actor, by_staff: bool = False, reason: str = "", now: datetime | None = None
) -> Registration:
    """The attendee cancels (until the event's deadline), or staff cancel at any time.

    The freed seat is offered to the first person on the waiting list. The payment is
    settled after commit: an open one is cancelled, a paid one refunded where the event
    allows it (`events.tasks.registration_payment_settle`)."""
    now = now or timezone.now()
    event = registration.event
    if not by_staff and now >= event.cancellation_deadline_at():
        raise DomainError(_("The cancellation deadline for this event has passed."))
    with transaction.atomic():
        _lock_event(event)
        registration = _lock_registration(registration)
        if registration.status == RegStatus.CANCELLED:
            raise DomainError(_("This registration has already been cancelled."))
        if registration.checked_in_at:
            raise DomainError(_("This attendee has already been checked in; undo the check-in first."))
        previous = registration.status
        registration.status = RegStatus.CANCELLED
        registration.cancelled_at = now
        registration.hold_expires_at = None
        registration.save(update_fields=["status", "cancelled_at", "hold_expires_at"])
        _log(
            registration,
            "events.registration.cancelled",
            actor=actor,
            source=Source.SECRETARIAT if by_staff else _actor_source(actor, registration.user),
            from_status=previous,
            reason=reason,
        )
        _offer_free_seats(event, now=now)
        if registration.charge_id:
            _task_after_commit("events.tasks.registration_payment_settle", registration.pk)
    return registration


def registration_payment_settle(*, registration: Registration) -> str:
    """After a cancellation: cancel the open payment, or refund the paid one where the
    event allows it (always, when the seat was never confirmed). Idempotent: a refund
    already asked for or made is not asked again."""
    registration = Registration.objects.select_related("event", "charge").get(pk=registration.pk)
    charge = registration.charge
    if registration.status != RegStatus.CANCELLED or charge is None:
        return "not-applicable"
    if charge.is_open:
        charges.charge_cancel(charge=charge, source=Source.SYSTEM, reason="")
        charge.refresh_from_db()
        if charge.is_open:
            return "payment-in-flight"  # its charge_paid brings it back here
        if not charge.is_paid:
            return "cancelled"
    if not charge.is_paid:
        return "not-applicable"
    # A payment for a seat that was never confirmed (it arrived after the hold ran out, or
    # while the attendee cancelled) is always paid back; a cancelled paid seat as the event says.
    # When the association cancels the event itself, everyone is paid back in full.
    never_had_the_seat = registration.paid_at is None
    by_the_association = registration.event.is_cancelled
    if not (never_had_the_seat or by_the_association) and not (
        charge.refundable and registration.event.refund_on_cancellation
    ):
        return "not-refundable"
    if charge.refunded_amount or charge.refund_requested_amount:
        return "already-refunded"
    charges.charge_refund(charge=charge, reason=str(registration.event.title), source=Source.SYSTEM)
    return "refund-requested"


def registration_payment_confirm(
    *, registration: Registration, actor=None, source: str = Source.SECRETARIAT, now: datetime | None = None
) -> Registration:
    """The seat is paid for: the registration is confirmed and the ticket goes out. Safe to repeat.

    A payment that arrives for a registration already cancelled (its hold ran out, or the
    attendee cancelled) is refunded after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _lock_registration(registration)
        if registration.status == RegStatus.CONFIRMED and registration.paid_at:
            return registration
        if registration.status == RegStatus.CANCELLED and registration.charge_id:
            _log(registration, "events.registration.paid_after_cancel", actor=actor, source=source,
                 price=registration.price)
            _task_after_commit("events.tasks.registration_payment_settle", registration.pk)
            return registration
        if registration.status != RegStatus.AWAITING_PAYMENT:
            raise DomainError(_("Only a registration awaiting payment can be marked as paid."))
        registration.status = RegStatus.CONFIRMED
        registration.paid_at = now
        registration.hold_expires_at = None
        registration.save(update_fields=["status", "paid_at", "hold_expires_at"])
        _log(registration, "events.registration.paid", actor=actor, source=source, price=registration.price)
        _after_registration(registration)
    return registration


def registration_transfer_record(*, registration: Registration, actor, paid_on=None) -> Registration:
    """The secretariat records a bank transfer for a held seat: on its payment, which
    then confirms the registration (`events.receivers`)."""
    if registration.charge_id is None:
        return registration_payment_confirm(registration=registration, actor=actor)
    charges.charge_transfer_record(
        charge=registration.charge, actor=actor, paid_on=paid_on or timezone.localdate(),
        note=registration.payment_reference,
    )
    registration.refresh_from_db()
    return registration


def registration_hold_release(*, registration: Registration, reason: str = "expired", now: datetime | None = None) -> Registration:
    """Free the seat of an unpaid registration (its payment expired or was cancelled) and
    offer it to the waiting list. Safe to repeat."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_event(registration.event)
        locked = _lock_registration(registration)
        if locked.status != RegStatus.AWAITING_PAYMENT:
            return locked  # paid or released meanwhile
        locked.status = RegStatus.CANCELLED
        locked.cancelled_at = now
        locked.hold_expires_at = None
        locked.save(update_fields=["status", "cancelled_at", "hold_expires_at"])
        _log(locked, "events.registration.hold_released", actor=None, source=Source.SYSTEM, reason=reason)
        _offer_free_seats(locked.event, now=now)
    return locked


def registration_holds_release(*, now: datetime | None = None) -> int:
    """Release unpaid registrations whose hold time is over and offer their seats. Idempotent.

    A registration with a payment is released through it: the payment expires (closing
    its Stripe session, unless the attendee just paid) and tells this app."""
    now = now or timezone.now()
    released = 0
    expired = Registration.objects.filter(status=RegStatus.AWAITING_PAYMENT, hold_expires_at__lte=now)
    for registration in expired.select_related("event", "charge").order_by("pk"):
        if registration.charge is not None:
            try:
                charges.charge_expire(charge=registration.charge, now=now)
            except DomainError:
                continue  # Stripe unreachable: the next run tries again
            registration.refresh_from_db(fields=["status"])
            released += registration.status == RegStatus.CANCELLED
            continue
        if registration_hold_release(registration=registration, now=now).status == RegStatus.CANCELLED:
            released += 1
    return released


def registration_checkout_start(*, registration: Registration, success_url: str, cancel_url: str) -> str:
    """The Stripe Checkout address for a held seat. Call it outside any transaction."""
    if registration.status != RegStatus.AWAITING_PAYMENT or registration.charge_id is None:
        raise DomainError(_("This registration has nothing left to pay."))
    url = charges.charge_checkout_start(charge=registration.charge, success_url=success_url, cancel_url=cancel_url)
    # A Checkout session lives at least 30 minutes: the seat is held as long as it can be paid.
    pay_before = type(registration.charge).objects.filter(pk=registration.charge_id).values_list("expires_at", flat=True).first()
    if pay_before:
        Registration.objects.filter(
            pk=registration.pk, status=RegStatus.AWAITING_PAYMENT, hold_expires_at__lt=pay_before
        ).update(hold_expires_at=pay_before)
    return url


# --- waiting list ----------------------------------------------------------------------


def waitlist_join(
    *, event: EventPage, user, guest_name: str = "", guest_email: str = "", actor=None, now: datetime | None = None
) -> WaitlistEntry:
    """Put a person at the end of the waiting list of a full event."""
    now = now or timezone.now()
    event = event_source(event)
    guest_name = (guest_name or "").strip()
    _check_can_register(event, user=user, guest_name=guest_name, now=now)
    with transaction.atomic():
        _lock_event(event)
        counts = event_seat_counts(event_id=event.pk, user=user, guest_name=guest_name)
        _check_not_registered(counts, guest_name=guest_name)
        if counts["taken"] < event.capacity and not counts["waiting"]:
            raise DomainError(_("There are seats left: you can register straight away."))
        # Stamped under the lock, so the list's order is the order of arrival at the lock.
        entry = WaitlistEntry(event=event, user=user, guest_name=guest_name, guest_email=guest_email, joined_at=timezone.now())
        entry.save()
        _log(entry, "events.waitlist.joined", actor=actor or user, source=_actor_source(actor or user, user), guest=guest_name)
    return entry


def _lock_entry(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.select_for_update(of=("self",)).select_related("event", "user").get(pk=entry.pk)


def waitlist_leave(*, entry: WaitlistEntry, actor, now: datetime | None = None) -> WaitlistEntry:
    """Leave the waiting list (also with an open offer, which then passes on)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_event(entry.event)
        entry = _lock_entry(entry)
        if entry.status not in WaitlistEntry.ACTIVE_STATUSES:
            raise DomainError(_("You are no longer on the waiting list."))
        previous = entry.status
        entry.status = WaitStatus.LEFT
        entry.save(update_fields=["status"])
        _log(entry, "events.waitlist.left", actor=actor, source=_actor_source(actor, entry.user), from_status=previous)
        if previous == WaitStatus.OFFERED:
            _offer_free_seats(entry.event, now=now)
    return entry


def offer_expiry(*, event: EventPage, now: datetime) -> datetime:
    """An offer stands `OFFER_VALIDITY` (48 h), but at most half the time left before
    registration closes, so that close to the event the seat still passes on in time."""
    closes = event.registration_closes_at()
    return min(now + OFFER_VALIDITY, now + (closes - now) / 2)


def _offer_free_seats(event: EventPage, *, now: datetime) -> list[WaitlistEntry]:
    """Offer every free seat to the next person waiting. The caller holds the event's lock."""
    if event.is_cancelled or now >= event.registration_closes_at():
        return []
    free = event.capacity - seats_taken(event=event)
    if free <= 0:
        return []
    offered = []
    waiting = WaitlistEntry.objects.filter(event=event, status=WaitStatus.WAITING).order_by("joined_at", "pk")
    for entry in waiting.select_for_update()[:free]:
        entry.status = WaitStatus.OFFERED
        entry.offer_sent_at = now
        entry.offer_expires_at = offer_expiry(event=event, now=now)
        entry.save(update_fields=["status", "offer_sent_at", "offer_expires_at"])
        _log(entry, "events.waitlist.offered", actor=None, source=Source.SYSTEM, expires_at=entry.offer_expires_at)
        _task_after_commit("events.tasks.waitlist_offer_send", entry.pk)
        offered.append(entry)
    return offered


def waitlist_offer_next(*, event: EventPage, now: datetime | None = None) -> list[WaitlistEntry]:
    """Offer the event's free seats, if any, to the people first on the waiting list."""
    now = now or timezone.now()
    event = event_source(event)
    with transaction.atomic():
        _lock_event(event)
        return _offer_free_seats(event, now=now)


def waitlist_offer_accept(*, entry: WaitlistEntry, actor, now: datetime | None = None) -> Registration:
    """Take the offered seat: a registration (confirmed, or awaiting payment when priced)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_event(entry.event)
        entry = _lock_entry(entry)
        if entry.status != WaitStatus.OFFERED:
            raise DomainError(_("There is no open offer for you on this event."))
        if entry.event.is_cancelled:
            raise DomainError(_("This event has been cancelled."))
        if entry.offer_expires_at <= now:
            raise DomainError(_("This offer has expired."))
        counts = event_seat_counts(event_id=entry.event_id, user=entry.user, guest_name=entry.guest_name)
        _check_not_registered(counts, guest_name=entry.guest_name, waitlist=False)
        # The seat was held by the offer; turning the offer into a registration keeps the count.
        registration = _new_registration(
            entry.event, user=entry.user, guest_name=entry.guest_name, guest_email=entry.guest_email, now=now
        )
        entry.status = WaitStatus.ACCEPTED
        entry.registration = registration
        entry.save(update_fields=["status", "registration"])
        source = _actor_source(actor, entry.user)
        _log(entry, "events.waitlist.accepted", actor=actor, source=source)
        _log(
            registration,
            "events.registration.created",
            actor=actor,
            source=source,
            status=registration.status,
            price=registration.price,
            guest=entry.guest_name,
        )
        _after_registration(registration)
    return registration


def waitlist_offer_decline(*, entry: WaitlistEntry, actor, now: datetime | None = None) -> WaitlistEntry:
    """Decline the offered seat; it passes to the next person."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_event(entry.event)
        entry = _lock_entry(entry)
        if entry.status != WaitStatus.OFFERED:
            raise DomainError(_("There is no open offer for you on this event."))
        entry.status = WaitStatus.DECLINED
        entry.save(update_fields=["status"])
        _log(entry, "events.waitlist.declined", actor=actor, source=_actor_source(actor, entry.user))
        _offer_free_seats(entry.event, now=now)
    return entry


def waitlist_offers_expire(*, now: datetime | None = None) -> int:
    """Expire unanswered offers and pass their seats on. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    expired = 0
    due = WaitlistEntry.objects.filter(status=WaitStatus.OFFERED, offer_expires_at__lte=now).select_related("event")
    for entry in due.order_by("offer_expires_at", "pk"):
        with transaction.atomic():
            _lock_event(entry.event)
            locked = _lock_entry(entry)
            if locked.status != WaitStatus.OFFERED or locked.offer_expires_at > now:
                continue
            locked.status = WaitStatus.EXPIRED
            locked.save(update_fields=["status"])
            _log(locked, "events.waitlist.expired", actor=None, source=Source.SYSTEM)
            _offer_free_seats(locked.event, now=now)
            expired += 1
    return expired


# --- the association cancels the event ---------------------------------------------------

def event_cancellation_apply(*, event: EventPage, now: datetime | None = None) -> dict[str, int]:
    """The event is cancelled (its page says so): cancel every registration that holds a
    seat, close the waiting list, and tell each person (after commit, once each).

    Safe to run again (each publish of a cancelled event runs it): what is cancelled or
    closed already is left alone, so nobody hears twice. Each registration and entry is
    changed in its own transaction, so a failure half-way keeps what is done and the
    next run does the rest. Paid seats are refunded in full (`registration_payment_settle`).
    """
    now = now or timezone.now()
    event = event_source(event)
    if not event.is_cancelled:
        return {"registrations": 0, "waitlist": 0}
    cancelled = 0
    holding = Registration.objects.filter(
        event=event, status__in=Registration.SEAT_STATUSES, checked_in_at__isnull=True
    ).select_related("event")
    for registration in holding.order_by("pk"):
        with transaction.atomic():
            try:
                registration_cancel(
                    registration=registration, actor=None, by_staff=True, reason=EVENT_CANCELLED_REASON, now=now
                )
            except DomainError:
                continue  # cancelled meanwhile
            _task_after_commit("events.tasks.event_cancelled_notice_send", "registration", registration.pk)
        cancelled += 1
    closed = 0
    for entry in WaitlistEntry.objects.filter(event=event, status__in=WaitlistEntry.ACTIVE_STATUSES).order_by("pk"):
        with transaction.atomic():
            _lock_event(event)
            entry = _lock_entry(entry)
            if entry.status not in WaitlistEntry.ACTIVE_STATUSES:
                continue
            previous = entry.status
            entry.status = WaitStatus.EVENT_CANCELLED
            entry.save(update_fields=["status"])
            _log(entry, "events.waitlist.event_cancelled", actor=None, source=Source.SYSTEM, from_status=previous)
            _task_after_commit("events.tasks.event_cancelled_notice_send", "waitlist", entry.pk)
        closed += 1
    return {"registrations": cancelled, "waitlist": closed}


def events_housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic run: expire offers, release unpaid holds, send reminders and materials."""
    now = now or timezone.now()
    return {
        "offers_expired": waitlist_offers_expire(now=now),
        "holds_released": registration_holds_release(now=now),
        **registration_reminders_send(now=now),
    }


# --- reminders -------------------------------------------------------------------------

REMINDER_BEFORE = timedelta(hours=24)
MATERIALS_WITHIN = timedelta(days=7)


def registration_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """A reminder the day before, and the materials link after the event, each once per
    registration: the sent-at stamp is claimed with the mail queued in one transaction."""
    now = now or timezone.now()
    confirmed = Registration.objects.filter(status=RegStatus.CONFIRMED, event__is_cancelled=False)
    due = confirmed.filter(reminder_sent_at__isnull=True, event__start__gt=now, event__start__lte=now + REMINDER_BEFORE)
    reminders = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            if Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                _task_after_commit("events.tasks.registration_reminder_send", pk, "reminder")
                reminders += 1
    attended = confirmed.filter(
        materials_sent_at__isnull=True, event__end__lte=now, event__end__gt=now - MATERIALS_WITHIN
    ).select_related("event")
    materials = 0
    for registration in attended:
        if not registration.event.materials:
            continue
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk, materials_sent_at__isnull=True).update(materials_sent_at=now):
                _task_after_commit("events.tasks.registration_reminder_send", registration.pk, "materials")
                materials += 1
    return {"reminders_sent": reminders, "materials_sent": materials}


# --- check-in --------------------------------------------------------------------------


def registration_check_in(*, event: EventPage, code: str, actor, now: datetime | None = None) -> Registration:
    """Check in the ticket with `code` at `event`. Refusals are `CheckInRefused` with a kind:
    unknown, other_event, cancelled, unpaid, already (with the first check-in time)."""
    now = now or timezone.now()
    event = event_source(event)
    code = (code or "").strip()
    found = Registration.objects.filter(code=code).select_related("event", "user").first() if code else None
    if found is None:
        raise CheckInRefused(_("No ticket with this code."), kind="unknown")
    if found.event_id != event.pk:
        raise CheckInRefused(
            _("This ticket is for another event: %(event)s.") % {"event": found.event.title},
            kind="other_event",
            registration=found,
        )
    with transaction.atomic():
        registration = _lock_registration(found)
        if registration.status == RegStatus.CANCELLED:
            raise CheckInRefused(_("This ticket has been cancelled."), kind="cancelled", registration=registration)
        if registration.status == RegStatus.AWAITING_PAYMENT:
            raise CheckInRefused(_("This ticket has not been paid yet."), kind="unpaid", registration=registration)
        if registration.checked_in_at:
            raise CheckInRefused(
                _("Already checked in at %(time)s.")
                % {"time": timezone.localtime(registration.checked_in_at).strftime("%H:%M")},
                kind="already",
                registration=registration,
            )
        registration.checked_in_at = now
        registration.checked_in_by = actor if getattr(actor, "is_authenticated", False) else None
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        _log(registration, "events.registration.checked_in", actor=actor, source=Source.SECRETARIAT)
        _send_attendance(signals.attendance_recorded, registration)
    return registration


def registration_check_in_undo(*, registration: Registration, actor) -> Registration:
    """Undo a check-in made by mistake; the PE credit is withdrawn with it."""
    with transaction.atomic():
        registration = _lock_registration(registration)
        if not registration.checked_in_at:
            raise DomainError(_("This attendee has not been checked in."))
        checked_in_at = registration.checked_in_at
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        _log(
            registration,
            "events.registration.check_in_undone",
            actor=actor,
            source=Source.SECRETARIAT,
            checked_in_at=checked_in_at,
        )
        _send_attendance(signals.attendance_withdrawn, registration)
    return registration


def _send_attendance(signal, registration: Registration) -> None:
    """Tell listeners (the knowledge app's PE ledger) inside the transaction, so that the
    credit exists exactly when the check-in does. A guest has no account to credit."""
    event = registration.event
    signal.send(
        sender=Registration,
        registration=registration,
        user=None if registration.is_guest else registration.user,
        pe_points=event.pe_points,
        pe_category=event.pe_category,
        hours=event.hours,
    )


# --- messages to attendees ---------------------------------------------------------


def attendee_message_send(*, event: EventPage, subject: str, body: str, actor) -> AttendeeMessage:
    """Staff write to every confirmed attendee of `event`; the e-mails are queued by a task
    after commit, one per attendee, each once."""
    event = event_source(event)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise DomainError(_("Write a subject and a message."))
    if not Registration.objects.filter(event=event, status=RegStatus.CONFIRMED).exists():
        raise DomainError(_("This event has no confirmed attendees to write to."))
    with transaction.atomic():
        message = AttendeeMessage(event=event, subject=subject[:150], body=body, created_by=actor)
        message.full_clean(exclude=["event", "created_by"])
        message.save()
        _log(message, "events.message.sent", actor=actor, source=Source.SECRETARIAT, subject=message.subject)
        _task_after_commit("events.tasks.attendee_message_deliver", message.pk)
    return message


# --- personal calendar -----------------------------------------------------------------


def calendar_token_for(*, user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def calendar_token_reset(*, user) -> CalendarToken:
    """A new secret address for the person's calendar; the old one stops working at once."""
    from events.models import calendar_token_new

    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            token.token = calendar_token_new()
            token.save(update_fields=["token", "created_at"])
    return token


def registrations_active_for(*, user):
    """A person's own live registrations, soonest first (for the personal calendar)."""
    return (
        Registration.objects.filter(user=user, guest_name="", status__in=Registration.SEAT_STATUSES)
        .select_related("event")
        .order_by("event__start")
    )

