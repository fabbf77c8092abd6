"""Demo content for the events app: the events index in Dutch and English, upcoming and
past events, registrations, a waiting list and check-ins, and a menu entry.

`seed_events(stdout)` is listed in `manage.py seed_demo`. Idempotent: pages are found
by slug, demo people by e-mail address, and registrations are made only for an event
that has none yet. Upcoming registrations go through the real services (so their
audit entries are real; the paid congress has paid seats, whose transfers the
secretariat recorded, and one seat held awaiting payment); the past event's
attendance is recorded as it stood.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale

from events import services
from events.models import EventIndexPage, EventPage, Registration
from portal.demo import DEMO_DOMAIN, DEMO_PASSWORD, heading, paragraph
from portal.models import HomePage, NavigationMenu


@dataclass
class DemoEvent:
    slug: str
    days_ahead: int
    start: time
    hours: int
    nl: dict
    en: dict
    fields: dict = field(default_factory=dict)
    attendees: int = 0
    waiting: int = 0
    checked_in: int = 0
    cancelled: bool = False  # the association cancelled it after people registered


EVENTS = [
    DemoEvent(
        slug="kennissessie-goed-opdrachtgeverschap",
        days_ahead=12,
        start=time(15, 30),
        hours=3,
        nl={
            "title": "Kennissessie: goed opdrachtgeverschap",
            "lead": "Hoe maak je als interim-manager heldere afspraken met je opdrachtgever? Een middag met praktijkcases.",
            "body": "We bespreken de norm voor opdrachtformulering aan de hand van drie echte opdrachten.",
        },
        en={
            "title": "Knowledge session: good commissioning",
            "lead": "How do interim managers make clear agreements with their clients? An afternoon of real cases.",
            "body": "We discuss the norm for assignment briefs using three real assignments.",
        },
        fields={
            "event_type": "knowledge_session",
            "venue_name": "Domus Utrecht",
            "venue_address": "Domplein 1\n3512 JC Utrecht",
            "region": "centre",
            "capacity": 40,
            "pe_points": Decimal("3.0"),
            "pe_category": "knowledge",
            "speakers": [("speaker", {"name": "Marieke de Wit", "role": "Interim CFO, RQIM", "bio": ""})],
        },
        attendees=6,
    ),
    DemoEvent(
        slug="regiobijeenkomst-noord",
        days_ahead=18,
        start=time(17, 0),
        hours=2,
        nl={
            "title": "Regiobijeenkomst Noord",
            "lead": "Collega's uit Groningen, Friesland en Drenthe ontmoeten elkaar. Vol: schrijf je in op de wachtlijst.",
            "body": "Een informele bijeenkomst met een korte intervisie en een borrel.",
        },
        en={
            "title": "Regional meeting North",
            "lead": "Colleagues from Groningen, Friesland and Drenthe meet. Full: join the waiting list.",
            "body": "An informal meeting with a short peer review and drinks.",
        },
        fields={
            "event_type": "regional_meeting",
            "venue_name": "Het Kasteel",
            "venue_address": "Melkweg 1\n9718 EP Groningen",
            "region": "north",
            "capacity": 4,
            "pe_points": Decimal("1.0"),
            "pe_category": "network",
        },
        attendees=4,
        waiting=2,
    ),
    DemoEvent(
        slug="jaarcongres",
        days_ahead=60,
        start=time(9, 30),
        hours=8,
        nl={
            "title": "Jaarcongres RQIM",
            "lead": "Het jaarlijkse congres van de vereniging: keynotes, workshops en de uitreiking van de RQIM-prijs.",
            "body": "Een dag vol inspiratie voor interim-managers, opdrachtgevers en trainers.",
        },
        en={
            "title": "RQIM annual congress",
            "lead": "The association's annual congress: keynotes, workshops and the RQIM award.",
            "body": "A day full of inspiration for interim managers, clients and trainers.",
        },
        fields={
            "event_type": "congress",
            "venue_name": "Beurs van Berlage",
            "venue_address": "Damrak 243\n1012 ZJ Amsterdam",
            "region": "west",
            "capacity": 250,
            "member_price": Decimal("195.00"),
            "non_member_price": Decimal("395.00"),
            "pe_points": Decimal("6.0"),
            "pe_category": "knowledge",
        },
        attendees=3,
    ),
    DemoEvent(
        slug="webinar-de-nieuwe-norm",
        days_ahead=25,
        start=time(12, 0),
        hours=1,
        nl={
            "title": "Webinar: de nieuwe norm uitgelegd",
            "lead": "In een uur langs de wijzigingen in de norm. De link krijg je na aanmelding.",
            "body": "Met ruimte voor vragen via de chat.",
        },
        en={
            "title": "Webinar: the new norm explained",
            "lead": "The changes in the norm in one hour. You receive the link after registering.",
            "body": "With room for questions in the chat.",
        },
        fields={
            "event_type": "webinar",
            "venue_name": "",
            "online_url": f"https://meet.{DEMO_DOMAIN}/nieuwe-norm",
            "region": "online",
            "capacity": 500,
            "pe_points": Decimal("1.0"),
            "pe_category": "knowledge",
        },
        attendees=2,
    ),
    DemoEvent(
        slug="regiobijeenkomst-zuid",
        days_ahead=15,
        start=time(17, 0),
        hours=2,
        nl={
            "title": "Regiobijeenkomst Zuid",
            "lead": "Gaat niet door: de locatie is niet beschikbaar. Aangemelde leden zijn gemaild.",
            "body": "Collega's uit Limburg, Noord-Brabant en Zeeland zouden elkaar hier ontmoeten.",
        },
        en={
            "title": "Regional meeting South",
            "lead": "Cancelled: the venue is not available. Registered members have been e-mailed.",
            "body": "Colleagues from Limburg, North Brabant and Zeeland were to meet here.",
        },
        fields={
            "event_type": "regional_meeting",
            "venue_name": "Kasteel Vaeshartelt",
            "venue_address": "Weert 9\n6222 PG Maastricht",
            "region": "south",
            "capacity": 40,
            "pe_points": Decimal("2.0"),
            "pe_category": "knowledge",
        },
        attendees=3,
        cancelled=True,
    ),
    DemoEvent(
        slug="kennissessie-interim-in-de-zorg",
        days_ahead=-30,
        start=time(15, 0),
        hours=3,
        nl={
            "title": "Kennissessie: interim in de zorg",
            "lead": "Ervaringen van interim-managers in zorgorganisaties.",
            "body": "Terugblik: drie sprekers over crisismanagement in de zorg.",
        },
        en={
            "title": "Knowledge session: interim management in healthcare",
            "lead": "Experiences of interim managers in healthcare organisations.",
            "body": "Looking back: three speakers on crisis management in healthcare.",
        },
        fields={
            "event_type": "knowledge_session",
            "venue_name": "Jaarbeurs",
            "venue_address": "Jaarbeursplein 6\n3521 AL Utrecht",
            "region": "centre",
            "capacity": 30,
            "pe_points": Decimal("3.0"),
            "pe_category": "knowledge",
        },
        attendees=5,
        checked_in=4,
    ),
]

INDEX = {
    "nl": {"title": "Evenementen", "slug": "evenementen", "intro": "Kennissessies, webinars, regiobijeenkomsten en het jaarcongres."},
    "en": {"title": "Events", "slug": "events", "intro": "Knowledge sessions, webinars, regional meetings and the annual congress."},
}

ATTENDEES = [
    ("Lotte", "Mulder"), ("Bram", "Kok"), ("Iris", "Dekker"), ("Joost", "Peters"), ("Fleur", "Hendriks"),
    ("Ruben", "van Dijk"), ("Sara", "Bos"), ("Thijs", "Vermeulen"),
]


def seed_events(stdout) -> None:
    dutch = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    english = Locale.objects.filter(language_code="en").first()
    home = HomePage.objects.filter(locale=dutch, depth=2).first()
    if home is None:
        stdout.write("  No Dutch home page: no events added.")
        return
    home_en = home.get_translation_or_none(english) if english else None

    index, created = _index(home, "nl")
    index_en = _translation(index, home_en, INDEX["en"]) if home_en else None
    events_created = 0
    for demo in EVENTS:
        event, made = _event(index, demo)
        events_created += made
        if index_en is not None:
            _translation(event, index_en, _event_fields(demo, "en"))
    stdout.write(f"  Events: index {'created' if created else 'present'}, {events_created} events created.")

    people = _people()
    added = sum(_registrations(demo, EventPage.objects.get(pk=_event(index, demo)[0].pk), people) for demo in EVENTS)
    stdout.write(f"  Registrations: {added} added.")
    for demo in EVENTS:
        if demo.cancelled:
            stdout.write(f"  Cancelled event: {_cancel(EventPage.objects.get(pk=_event(index, demo)[0].pk), english)}")
    stdout.write(f"  Menu entries: {_menu(index, index_en)} added.")


def _index(home, language):
    existing = EventIndexPage.objects.child_of(home).filter(slug=INDEX[language]["slug"]).first()
    if existing:
        return existing, False
    index = EventIndexPage(**INDEX[language], locale=home.locale)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index, True


def _when(demo: DemoEvent) -> tuple[datetime, datetime]:
    day = timezone.localdate() + timedelta(days=demo.days_ahead)
    start = timezone.make_aware(datetime.combine(day, demo.start))
    return start, start + timedelta(hours=demo.hours)


def _event_fields(demo: DemoEvent, language: str) -> dict:
    text = getattr(demo, language)
    return {
        "slug": demo.slug if language == "nl" else slugify(text["title"]),
        "title": text["title"],
        "lead": text["lead"],
        "description": [heading("Programma" if language == "nl" else "Programme"), paragraph(text["body"])],
    }


def _event(index, demo: DemoEvent):
    existing = EventPage.objects.child_of(index).filter(slug=demo.slug).first()
    if existing:
        return existing, 0
    start, end = _when(demo)
    event = EventPage(locale=index.locale, start=start, end=end, **demo.fields, **_event_fields(demo, "nl"))
    index.add_child(instance=event)
    event.save_revision().publish()
    return event, 1


def _translation(page, parent_translation, fields: dict):
    existing = page.get_translation_or_none(parent_translation.locale)
    if existing is not None:
        return existing.specific
    copy = page.specific.copy_for_translation(parent_translation.locale).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.slug = find_available_slug(parent_translation, fields.get("slug") or copy.slug)
    copy.save()
    copy.save_revision().publish()
    return copy


def _people():
    User = get_user_model()
    people = []
    for number, (first, last) in enumerate(ATTENDEES, start=1):
        email = f"attendee{number}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
        people.append(user)
    return people


def _registrations(demo: DemoEvent, event: EventPage, people) -> int:
    if Registration.objects.filter(event=event).exists():
        return 0
    attendees, waiting = people[: demo.attendees], people[demo.attendees : demo.attendees + demo.waiting]
    if demo.days_ahead < 0:
        return _past_attendance(demo, event, attendees)
    registrations = [services.registration_create(event=event, user=person) for person in attendees]
    held = [r for r in registrations if r.status == Registration.Status.AWAITING_PAYMENT]
    if held:
        # A paid event: all but the last have paid by transfer (recorded by the secretariat,
        # so the payment shows in Members › One-off payments); the last seat is still held.
        staff = get_user_model().objects.filter(email=f"secretariat@{DEMO_DOMAIN}").first()
        for registration in held[:-1]:
            services.registration_transfer_record(registration=registration, actor=staff)
    for person in waiting:
        services.waitlist_join(event=event, user=person)
    return len(attendees) + len(waiting)


def _cancel(event: EventPage, english) -> str:
    """Publish the event (and its translation) as cancelled, as an editor would; the
    registrations are cancelled at once here rather than by the task queue."""
    if event.is_cancelled:
        return "already cancelled"
    translation = event.get_translation_or_none(english) if english else None
    for page in (event, translation.specific if translation else None):
        if page is not None:
            page.is_cancelled = True
            page.save_revision().publish()
    result = services.event_cancellation_apply(event=event)
    return f"{result['registrations']} registrations cancelled, each attendee told"


def _past_attendance(demo: DemoEvent, event: EventPage, attendees) -> int:
    """The past session as it stood: everyone confirmed, most of them checked in."""
    staff = get_user_model().objects.filter(email=f"secretariat@{DEMO_DOMAIN}").first()
    for number, person in enumerate(attendees):
        checked_in = number < demo.checked_in
        Registration.objects.create(
            event=event,
            user=person,
            status=Registration.Status.CONFIRMED,
            checked_in_at=event.start - timedelta(minutes=10) if checked_in else None,
            checked_in_by=staff if checked_in else None,
        )
    return len(attendees)


def _menu(index, index_en) -> int:
    added = 0
    for page in (index, index_en):
        if page is None:
            continue
        menu = NavigationMenu.objects.filter(placement=NavigationMenu.Placement.MAIN, locale=page.locale).first()
        if menu is None or any(block.value.get("page") and block.value["page"].pk == page.pk for block in menu.items):
            continue
        items = [{"type": block.block_type, "value": block.block.get_prep_value(block.value)} for block in menu.items]
        # After the news, before contact.
        items.insert(max(len(items) - 1, 0), {"type": "link", "value": {"page": page.pk, "url": "", "label": ""}})
        menu.items = items
        menu.save()
        added += 1
    return added
