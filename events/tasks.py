"""django-q2 entry points of the events app. Each is safe to run twice.

`events_housekeeping` runs every few minutes (see `manage.py events_setup_schedules`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from events import ical, services, tickets
from events.models import AttendeeMessage, EventCapacity, Registration, WaitlistEntry
from portal.mail import email_render_and_queue

HOUSEKEEPING_SCHEDULE_NAME = "events.housekeeping"


def events_housekeeping() -> dict[str, int]:
    """Expire unanswered waiting-list offers and release unpaid seats; both pass seats on."""
    return services.events_housekeeping_run(now=timezone.now())


def _language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _page_in(event, language: str):
    """The event's page in `language` if it exists, for links in the reader's language."""
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=language).first()
    translated = event.get_translation_or_none(locale) if locale else None
    return (translated or event).specific


def _absolute(url: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return url if url.startswith("http") else base.rstrip("/") + url


def registration_confirmation_send(pk: int) -> str:
    """The ticket by e-mail: QR code, PDF ticket and .ics attached. Sent once per registration."""
    registration = Registration.objects.select_related("event", "user").filter(pk=pk).first()
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return "not-applicable"
    claimed = Registration.objects.filter(pk=pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    if not claimed:
        return "already-sent"
    try:
        _send_confirmation(registration)
    except Exception:
        Registration.objects.filter(pk=pk).update(confirmation_sent_at=None)  # let the retry send it
        raise
    return "sent"


def _send_confirmation(registration: Registration) -> None:
    user = registration.user
    language = _language(user)
    page = _page_in(registration.event, language)
    ticket_url = _absolute(page.url + page.reverse_subpage("ticket", args=[registration.code]))
    sequence = EventCapacity.objects.filter(event=registration.event).values_list("calendar_sequence", flat=True).first()
    with translation.override(language):
        context = {
            "registration": registration,
            "event": page,
            "ticket_url": ticket_url,
            "qr_data_uri": tickets.ticket_qr_data_uri(registration.code),
        }
        subject = " ".join(render_to_string("events/email/confirmation_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("events/email/confirmation.txt", context),
            to=[registration.guest_email or user.email] if registration.guest_name else [user.email],
            cc=[user.email] if registration.guest_name and registration.guest_email else [],
        )
        message.attach_alternative(render_to_string("events/email/confirmation.html", context), "text/html")
        message.attach(f"ticket-{registration.code}.pdf", tickets.ticket_pdf(registration=registration), "application/pdf")
        calendar = ical.calendar_bytes(
            [ical.vevent(page, url=_absolute(page.url), sequence=sequence or 0, online_url=page.online_url)]
        )
        message.attach(f"{page.slug}.ics", calendar, "text/calendar")
    message.send()


def registration_payment_settle(pk: int) -> str:
    """After a cancellation (or a payment that came too late): cancel the open payment or
    refund the paid one. Idempotent; Stripe is called here, never inside a request's lock."""
    registration = Registration.objects.filter(pk=pk).first()
    if registration is None:
        return "missing"
    return services.registration_payment_settle(registration=registration)


def registration_payment_instructions_send(pk: int) -> str:
    """How to pay for a held seat (IBAN and reference), once per registration."""
    registration = Registration.objects.select_related("event", "user").filter(pk=pk).first()
    if registration is None or registration.status != Registration.Status.AWAITING_PAYMENT:
        return "not-applicable"
    language = _language(registration.user)
    page = _page_in(registration.event, language)
    email_render_and_queue(
        to=[registration.user.email],
        template="events/email/payment_instructions",
        context={
            "registration": registration,
            "event": page,
            "association": tickets._association(),
            "ticket_url": _absolute(page.url + page.reverse_subpage("ticket", args=[registration.code])),
            "pay_online": settings.STRIPE_ENABLED,
        },
        language=language,
        kind="events.payment_instructions",
        key=f"events-payment:{registration.pk}",
    )
    return "queued"


def waitlist_offer_send(pk: int) -> str:
    """Tell the person first on the waiting list that a seat is theirs to take, until when."""
    entry = WaitlistEntry.objects.select_related("event", "user").filter(pk=pk).first()
    if entry is None or entry.status != WaitlistEntry.Status.OFFERED:
        return "not-applicable"
    language = _language(entry.user)
    page = _page_in(entry.event, language)
    email_render_and_queue(
        to=[entry.user.email],
        template="events/email/waitlist_offer",
        context={"entry": entry, "event": page, "event_url": _absolute(page.url)},
        language=language,
        kind="events.waitlist_offer",
        key=f"events-offer:{entry.pk}:{entry.offer_sent_at:%Y%m%d%H%M%S}",
    )
    return "queued"


def registration_reminder_send(pk: int, kind: str) -> str:
    """Queue the day-before reminder or the materials e-mail (at most once per occasion)."""
    registration = Registration.objects.select_related("event", "user").filter(pk=pk).first()
    if registration is None or registration.status != Registration.Status.CONFIRMED or kind not in ("reminder", "materials"):
        return "not-applicable"
    language = _language(registration.user)
    page = _page_in(registration.event, language)
    email_render_and_queue(
        to=[registration.email],
        template=f"events/email/{kind}",
        context={
            "registration": registration,
            "event": page,
            "event_url": _absolute(page.url),
            "ticket_url": _absolute(page.url + page.reverse_subpage("ticket", args=[registration.code])),
        },
        language=language,
        kind=f"events.{kind}",
        key=f"events-{kind}:{registration.pk}",
    )
    return "queued"


def attendee_message_deliver(pk: int) -> str:
    """Queue staff's message to each confirmed attendee, each once (the outbox key holds the
    message and the registration), in the attendee's language for the surrounding text."""
    message = AttendeeMessage.objects.select_related("event").filter(pk=pk).first()
    if message is None:
        return "missing"
    confirmed = Registration.objects.filter(event=message.event, status=Registration.Status.CONFIRMED).select_related("user")
    count = 0
    for registration in confirmed.order_by("pk"):
        language = _language(registration.user)
        page = _page_in(message.event, language)
        email_render_and_queue(
            to=[registration.email],
            template="events/email/attendee_message",
            context={
                "message": message,
                "registration": registration,
                "event": page,
                "ticket_url": _absolute(page.url + page.reverse_subpage("ticket", args=[registration.code])),
            },
            language=language,
            kind="events.attendee_message",
            key=f"events-message:{message.pk}:{registration.pk}",
        )
        count += 1
    AttendeeMessage.objects.filter(pk=pk).update(delivered_at=timezone.now(), recipients=count)
    return f"queued {count}"


def event_cancellation_apply(pk: int) -> dict | str:
    """The event was published as cancelled: cancel its registrations and waiting list."""
    from events.models import EventPage

    event = EventPage.objects.filter(pk=pk).first()
    if event is None:
        return "missing"
    return services.event_cancellation_apply(event=event)


def event_cancelled_notice_send(kind: str, pk: int) -> str:
    """Tell one attendee (kind "registration") or one person on the waiting list ("waitlist")
    that the event is cancelled, and whether a payment is refunded. Once each (outbox key)."""
    if kind == "registration":
        item = Registration.objects.select_related("event", "user", "charge").filter(pk=pk).first()
        if item is None or item.status != Registration.Status.CANCELLED:
            return "not-applicable"
        to = [item.email]
    else:
        item = WaitlistEntry.objects.select_related("event", "user").filter(pk=pk).first()
        if item is None or item.status != WaitlistEntry.Status.EVENT_CANCELLED:
            return "not-applicable"
        to = [item.user.email]
    language = _language(item.user)
    page = _page_in(item.event, language)
    charge = getattr(item, "charge", None)
    email_render_and_queue(
        to=to,
        template="events/email/event_cancelled",
        context={
            "event": page,
            "name": item.attendee_name if kind == "registration" else item.person_name,
            "on_waitlist": kind == "waitlist",
            "paid": charge is not None and charge.is_paid,
            "amount": charge.amount if charge is not None else None,
            "association": tickets._association(),
        },
        language=language,
        kind="events.event_cancelled",
        key=f"events-cancelled:{kind}:{pk}",
    )
    return "queued"


def schedules_ensure() -> bool:
    """Register the housekeeping run as a django-q2 schedule, once. Returns whether it was created."""
    from django_q.models import Schedule

    _schedule, created = Schedule.objects.get_or_create(
        name=HOUSEKEEPING_SCHEDULE_NAME,
        defaults={
            "func": "events.tasks.events_housekeeping",
            "schedule_type": Schedule.MINUTES,
            "minutes": 10,
            "repeats": -1,
        },
    )
    return created
