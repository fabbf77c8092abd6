"""Side effects of publishing an event page (outside the registration rules)."""

from django.db.models import F

from events.models import EventCapacity, EventPage


def event_published(sender, instance, **kwargs):
    """Each publish raises the event's calendar SEQUENCE, so calendars take the new version
    (times, place, a cancellation) over the one they have; the UID stays the same."""
    if not isinstance(instance, EventPage):
        return
    from events.services import event_capacity_ensure, event_source

    source = event_source(instance)
    event_capacity_ensure(event=source)
    EventCapacity.objects.filter(event=source).update(calendar_sequence=F("calendar_sequence") + 1)
