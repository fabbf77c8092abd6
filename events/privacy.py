"""The events app's part of a person's data (portal/privacy.py): registrations,
waiting-list places and the personal calendar address.

Retention: a registration (with a guest's name and address) is kept
`PRIVACY_EVENT_REGISTRATION_YEARS` after the event ended, as proof of
attendance for permanent education; then the guest's details are replaced by the registration's number. On
erasure, waiting-list places and the calendar address go; past registrations stay
as anonymous attendance (the account they point at no longer names anyone), and
the guest's details are replaced by the registration's number.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import CalendarToken, Registration, WaitlistEntry
from portal import privacy


def export(user) -> privacy.Export:
    registrations = []
    for registration in Registration.objects.filter(user=user).select_related("event").order_by("created_at"):
        registrations.append(
            privacy.record(registration, exclude=("checked_in_by",))
            | {"event_title": registration.event.title, "event_start": registration.event.start}
        )
    waitlist = [
        privacy.record(entry) | {"event_title": entry.event.title}
        for entry in WaitlistEntry.objects.filter(user=user).select_related("event").order_by("pk")
    ]
    return privacy.Export(data={
        "registrations": registrations,
        "waitlist": waitlist,
        "personal_calendar": CalendarToken.objects.filter(user=user).exists(),
    })


def erase_blockers(user) -> list[str]:
    upcoming = Registration.objects.filter(
        user=user, status__in=Registration.SEAT_STATUSES, event__end__gt=timezone.now()
    )
    if upcoming.exists():
        return [_("Cancel your registrations for events that are still to come first.")]
    return []


def guests_clear(registrations) -> int:
    """Replace a guest's name and address by the registration's number (a guest's name
    also tells two seats of one person apart, so it cannot simply be emptied)."""
    cleared = 0
    for registration in registrations.exclude(guest_name="", guest_email="").only("pk", "guest_name"):
        Registration.objects.filter(pk=registration.pk).update(
            guest_name=f"#{registration.pk}" if registration.guest_name else "", guest_email=""
        )
        cleared += 1
    return cleared


def erase(user) -> dict:
    return {
        "waitlist": WaitlistEntry.objects.filter(user=user, registration__isnull=True).delete()[0],
        "calendar": CalendarToken.objects.filter(user=user).delete()[0],
        "guests_cleared": guests_clear(Registration.objects.filter(user=user)),
        "registrations_kept": Registration.objects.filter(user=user).count(),
    }


def retention(today) -> dict:
    cutoff = privacy.years_before(today, settings.PRIVACY_EVENT_REGISTRATION_YEARS)
    guests = Registration.objects.filter(event__end__date__lt=cutoff).exclude(guest_name__startswith="#")
    return {"guests_cleared": guests_clear(guests)}


privacy.register(privacy.PersonalData(
    name="events", order=50, export=export, erase=erase, erase_blockers=erase_blockers, retention=retention,
))
