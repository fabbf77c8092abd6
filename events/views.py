"""The event pages' own views (routes under each EventPage, so they follow the page's
language) and the calendar feeds outside the language prefix.

Thin: parse, authorise, call one service, show the result.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import ical, services, tickets
from events.models import CalendarToken, EventPage, Registration, WaitlistEntry
from portal.exceptions import DomainError

CHECK_IN_PERMISSION = "events.check_in_registration"


def _login_required(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _own_registration(request, page: EventPage, code: str) -> Registration:
    """The signed-in person's registration with `code` for this event; anyone else's is a 404."""
    registration = (
        Registration.objects.select_related("event", "user", "charge")
        .filter(code=code, user=request.user, event_id=page.source_page_id())
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def _own_entry(request, page: EventPage, pk: int) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_related("event", "user")
        .filter(pk=pk, user=request.user, event_id=page.source_page_id())
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def register(request, page: EventPage):
    """One click for a member (or a non-member with an account); with `guest_name`, a colleague."""
    refused = _post_only(request) or _login_required(request)
    if refused:
        return refused
    guest_name = request.POST.get("guest_name", "").strip()[:150]
    guest_email = request.POST.get("guest_email", "").strip()[:254]
    if "guest_name" in request.POST and not guest_name:
        messages.error(request, _("Enter your colleague's name."))
        return redirect(page.url)
    try:
        registration = services.registration_create(
            event=page, user=request.user, guest_name=guest_name, guest_email=guest_email, actor=request.user
        )
    except services.EventFull as error:
        messages.warning(request, error.message)
        return redirect(page.url + "#waitlist")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(page.url)
    return _to_payment_or_ticket(request, page, registration)


def _ticket_url(page: EventPage, registration: Registration) -> str:
    return page.url + page.reverse_subpage("ticket", args=[registration.code])


def _to_payment_or_ticket(request, page: EventPage, registration: Registration):
    """After the seat is taken (and committed): a held seat goes on to Stripe Checkout when
    online payment is configured; otherwise, or if Stripe cannot be reached, to the ticket
    page with the ways to pay."""
    if registration.status != Registration.Status.AWAITING_PAYMENT or not settings.STRIPE_ENABLED:
        return redirect(_ticket_url(page, registration))
    ticket_url = request.build_absolute_uri(_ticket_url(page, registration))
    try:
        url = services.registration_checkout_start(
            registration=registration, success_url=ticket_url + "?paid=1", cancel_url=ticket_url
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_ticket_url(page, registration))
    return redirect(url)


def pay(request, page: EventPage, code: str):
    """Pay a held seat online (again): to Stripe Checkout."""
    refused = _post_only(request) or _login_required(request)
    if refused:
        return refused
    registration = _own_registration(request, page, code)
    if registration.status != Registration.Status.AWAITING_PAYMENT:
        return redirect(_ticket_url(page, registration))
    return _to_payment_or_ticket(request, page, registration)


def cancel(request, page: EventPage, code: str):
    refused = _post_only(request) or _login_required(request)
    if refused:
        return refused
    registration = _own_registration(request, page, code)
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect(page.url)


def waitlist_join(request, page: EventPage):
    refused = _post_only(request) or _login_required(request)
    if refused:
        return refused
    guest_name = request.POST.get("guest_name", "").strip()[:150]
    guest_email = request.POST.get("guest_email", "").strip()[:254]
    if "guest_name" in request.POST and not guest_name:
        messages.error(request, _("Enter your colleague's name."))
        return redirect(page.url)
    try:
        services.waitlist_join(
            event=page, user=request.user, guest_name=guest_name, guest_email=guest_email, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are on the waiting list. We will e-mail you when a seat becomes free."))
    return redirect(page.url)


def waitlist_action(request, page: EventPage, pk: int, action: str):
    refused = _post_only(request) or _login_required(request)
    if refused:
        return refused
    entry = _own_entry(request, page, pk)
    try:
        if action == "accept":
            registration = services.waitlist_offer_accept(entry=entry, actor=request.user)
            return _to_payment_or_ticket(request, page, registration)
        if action == "decline":
            services.waitlist_offer_decline(entry=entry, actor=request.user)
            messages.success(request, _("You have declined the seat. Thank you for letting us know."))
        else:
            services.waitlist_leave(entry=entry, actor=request.user)
            messages.success(request, _("You have left the waiting list."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(page.url)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def ticket(request, page: EventPage, code: str):
    refused = _login_required(request)
    if refused:
        return refused
    registration = _own_registration(request, page, code)
    charge = registration.charge
    context = {
        "page": page,
        "registration": registration,
        "charge": charge,
        "pay_online": settings.STRIPE_ENABLED and registration.status == Registration.Status.AWAITING_PAYMENT,
        "returned_from_payment": request.GET.get("paid") == "1" and registration.status == Registration.Status.AWAITING_PAYMENT,
        "qr_svg": tickets.ticket_qr_svg(registration.code) if registration.status == Registration.Status.CONFIRMED else "",
        "association": tickets._association(),
        "can_cancel": timezone.now() < page.cancellation_deadline_at(),
    }
    return _private(TemplateResponse(request, "events/ticket.html", context))


def ticket_pdf(request, page: EventPage, code: str):
    refused = _login_required(request)
    if refused:
        return refused
    registration = _own_registration(request, page, code)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    response = HttpResponse(tickets.ticket_pdf(registration=registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ticket-{registration.code}.pdf"'
    return _private(response)


def certificate_pdf(request, page: EventPage, code: str):
    refused = _login_required(request)
    if refused:
        return refused
    registration = _own_registration(request, page, code)
    if not registration.checked_in_at or registration.guest_name:
        raise Http404
    response = HttpResponse(tickets.certificate_pdf(registration=registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attendance-{registration.code}.pdf"'
    return _private(response)


def event_ics(request, page: EventPage):
    """The event as .ics; the online link only for those registered."""
    source_id = page.source_page_id()
    attending = (
        request.user.is_authenticated
        and Registration.objects.filter(event_id=source_id, user=request.user, status=Registration.Status.CONFIRMED).exists()
    )
    body = ical.calendar_bytes(
        [
            ical.vevent(
                page,
                url=page.get_full_url(request),
                sequence=_sequence(source_id),
                online_url=page.online_url if attending else "",
            )
        ]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.ics"'
    if attending:
        _private(response)
    return response


def _sequence(event_id: int) -> int:
    from events.models import EventCapacity

    return EventCapacity.objects.filter(event_id=event_id).values_list("calendar_sequence", flat=True).first() or 0


def check_in(request, page: EventPage):
    """The door: type or scan a ticket code; shows the name and whether the ticket is valid."""
    refused = _login_required(request)
    if refused:
        return refused
    if not request.user.has_perm(CHECK_IN_PERMISSION):
        raise PermissionDenied
    source = services.event_source(page)
    result = None
    if request.method == "POST":
        code = request.POST.get("code", "").strip()[:64]
        undo = request.POST.get("undo")
        if undo:
            registration = Registration.objects.filter(code=undo, event=source).first()
            if registration is None:
                raise Http404
            try:
                services.registration_check_in_undo(registration=registration, actor=request.user)
                result = {"kind": "undone", "registration": registration, "message": _("Check-in undone.")}
            except DomainError as error:
                result = {"kind": "error", "registration": registration, "message": error.message}
        elif code:
            try:
                registration = services.registration_check_in(event=source, code=code, actor=request.user)
                result = {"kind": "valid", "registration": registration, "message": _("Valid ticket: checked in.")}
            except services.CheckInRefused as error:
                result = {"kind": error.kind, "registration": error.registration, "message": error.message}
    from events.selectors import event_seat_counts

    context = {"page": page, "result": result, "counts": event_seat_counts(event_id=source.pk), "capacity": source.capacity}
    return _private(TemplateResponse(request, "events/check_in.html", context))


# --- calendar feeds (outside the language prefix) ----------------------------------------


def _events_url(request, event) -> str:
    return event.get_full_url(request) or ""


def public_feed(request):
    """Upcoming published events (and recently cancelled ones) as one calendar."""
    from events.models import EventCapacity

    now = timezone.now()
    events = list(
        EventPage.objects.live()
        .public()
        .filter(end__gte=now, locale__language_code=settings.LANGUAGE_CODE)
        .defer_streamfields()
        .order_by("start")[:200]
    )
    sequences = dict(EventCapacity.objects.filter(event__in=events).values_list("event_id", "calendar_sequence"))
    items = [ical.vevent(event, url=_events_url(request, event), sequence=sequences.get(event.pk, 0)) for event in events]
    response = HttpResponse(
        ical.calendar_bytes(items, name=_("Events")), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=900"
    return response


def personal_feed(request, token: str):
    """A person's own registrations, at a secret address that they can reset."""
    calendar_token = CalendarToken.objects.select_related("user").filter(token=token).first()
    if calendar_token is None:
        raise Http404
    from events.models import EventCapacity

    registrations = list(services.registrations_active_for(user=calendar_token.user))
    events = [registration.event for registration in registrations]
    sequences = dict(EventCapacity.objects.filter(event__in=events).values_list("event_id", "calendar_sequence"))
    items = [
        ical.vevent(
            registration.event,
            url=_events_url(request, registration.event),
            sequence=sequences.get(registration.event_id, 0),
            online_url=registration.event.online_url if registration.status == Registration.Status.CONFIRMED else "",
        )
        for registration in registrations
    ]
    response = HttpResponse(
        ical.calendar_bytes(items, name=_("My events")), content_type="text/calendar; charset=utf-8"
    )
    return _private(response)


def calendar_settings(request, index):
    """Show (and create or reset) the address of the person's own calendar."""
    refused = _login_required(request)
    if refused:
        return refused
    token = CalendarToken.objects.filter(user=request.user).first()
    if request.method == "POST":
        token = services.calendar_token_reset(user=request.user)
        messages.success(request, _("Your calendar has a new address. The old address no longer works."))
        return redirect(index.url + index.reverse_subpage("calendar"))
    feed_url = request.build_absolute_uri(reverse("events_feeds:personal", args=[token.token])) if token else ""
    return _private(
        TemplateResponse(request, "events/calendar_settings.html", {"page": index, "feed_url": feed_url})
    )

