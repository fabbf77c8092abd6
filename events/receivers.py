"""Side effects of publishing an event page (outside the registration rules)."""

from django.db.models import F

from events.models import EventCapacity, EventPage


def event_published(sender, instance, **kwargs):
    """Each publish raises the event's calendar SEQUENCE, so calendars take the new version
    (times, place, a cancellation) over the one they have; the UID stays the same.

    Publishing the event as cancelled (on the page that holds the registrations) cancels
    its registrations and waiting list, after commit (`events.tasks.event_cancellation_apply`)."""
    if not isinstance(instance, EventPage):
        return
    from events.services import _task_after_commit, event_capacity_ensure, event_source

    source = event_source(instance)
    event_capacity_ensure(event=source)
    EventCapacity.objects.filter(event=source).update(calendar_sequence=F("calendar_sequence") + 1)
    if source.is_cancelled:
        _task_after_commit("events.tasks.event_cancellation_apply", source.pk)


# --- Payments (members.signals): the seat follows its payment -------------------------


def _registration_of(charge):
    from events.models import Registration
    from events.services import CHARGE_PURPOSE

    if charge.purpose != CHARGE_PURPOSE:
        return None
    return Registration.objects.select_related("event").filter(charge=charge).first()


def charge_paid(sender, charge, purpose, **kwargs):
    """Paid: confirm the seat and send the ticket (or refund, if the seat was already released)."""
    from events.services import registration_payment_confirm
    from portal.audit import Source

    registration = _registration_of(charge)
    if registration is None:
        return
    source = Source.STRIPE if charge.method == "stripe" else Source.SECRETARIAT
    actor = charge.recorded_by if source == Source.SECRETARIAT else None
    registration_payment_confirm(registration=registration, actor=actor, source=source)


def charge_closed(sender, charge, purpose, **kwargs):
    """Expired or cancelled unpaid: free the seat for the waiting list."""
    from events.services import registration_hold_release

    registration = _registration_of(charge)
    if registration is None:
        return
    reason = "expired" if charge.status == "expired" else "cancelled"
    registration_hold_release(registration=registration, reason=reason)


def charge_refunded(sender, charge, purpose, amount=None, **kwargs):
    """A refund went out: note it in the registration's history."""
    from portal.audit import Source, log_action

    registration = _registration_of(charge)
    if registration is None:
        return
    log_action(registration, "events.registration.refunded", source=Source.STRIPE if charge.method == "stripe"
               else Source.SECRETARIAT, data={"amount": amount, "total": charge.refunded_amount})
