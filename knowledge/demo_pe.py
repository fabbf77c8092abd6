"""Demo content for permanent education: the categories, two generations of rules for
the RQIM scheme, and entries in every state across two cycles.

- member@ (Milan de Boer) is on track: the previous cycle (2023–2025, 40 points) met,
  the current one (from 2026, 60 points) at a pace that meets it; pending, rejected,
  withdrawn entries, one drawn for the evidence audit, credit for a session attended.
- arrears@ (Thijs Mulder) is behind: the previous cycle short, few points now, a credit
  voided because the check-in was undone. Staff find him under "Members behind schedule".
- cert.anna@ gets entries in every state in her certificate's cycle.

`seed_pe(stdout)` is listed in `manage.py seed_demo` after the certification, and
`seed_pe_attendance(stdout)` after the events (it checks the two members in at the past
knowledge session through the events service, which credits them). Idempotent:
categories and requirements are matched by code and start date, a member who already
has entries is left alone, the audit is drawn once per year, a registration once.
Every state is reached through the services.
"""

import random

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from knowledge import pe_selectors, pe_services, pe_tasks
from knowledge.pe_models import PECategory, PECategoryRule, PEEntry, PERequirement
from members.models import CertificationScheme

# code, Dutch, English, minimum, maximum that counts, kind of event credited here
CATEGORIES = [
    ("sessions", "Kennissessies", "Knowledge sessions", Decimal("10"), None, "knowledge"),
    ("courses", "Cursussen en trainingen", "Courses and training", Decimal("0"), Decimal("40"), ""),
    ("intervision", "Intervisie en collegiale toetsing", "Intervision and peer review", Decimal("10"), Decimal("30"),
     "network"),
    ("teaching", "Doceren en publiceren", "Teaching and publishing", Decimal("0"), Decimal("20"), ""),
    ("reflection", "Reflectie op een opdracht", "Reflection on an assignment", Decimal("0"), Decimal("15"), "skills"),
]

# The rules before 2026: 40 points in three years, at least 5 in sessions and in intervision.
PREVIOUS_RULES = {"valid_from": date(2023, 1, 1), "points": Decimal("40"),
                  "minimum": {"sessions": Decimal("5"), "intervision": Decimal("5")}}

# date, category, title, provider, hours, what happens: the previous cycle (2023–2025)
ON_TRACK_PREVIOUS = [
    (date(2023, 4, 12), "sessions", "Kennissessie: governance in de publieke sector", "RQIM-vereniging", "3", "approved"),
    (date(2023, 10, 5), "courses", "Leergang veranderkunde", "Academie Noord", "16", "approved"),
    (date(2024, 3, 20), "intervision", "Intervisiegroep 2024", "Eigen intervisiegroep", "8", "approved"),
    (date(2024, 9, 1), "teaching", "Artikel in vakblad", "Management Scope", "6", "approved"),
    (date(2025, 2, 14), "sessions", "Kennissessie: AI in de bedrijfsvoering", "RQIM-vereniging", "3", "approved"),
    (date(2025, 6, 3), "reflection", "Reflectie op opdracht woningcorporatie", "", "4", "approved"),
    (date(2025, 11, 20), "courses", "Cursus zonder bewijs", "Onbekend", "6", "rejected"),
]
BEHIND_PREVIOUS = [
    (date(2024, 5, 10), "courses", "Workshop timemanagement", "Trainingshuis", "6", "approved"),
    (date(2025, 3, 3), "sessions", "Kennissessie: interim in het onderwijs", "RQIM-vereniging", "2", "approved"),
    (date(2025, 9, 9), "teaching", "Gastles zonder bewijs", "ROC Midden", "3", "rejected"),
]
# days before today, category, title, provider, hours, what happens: the current cycle (from 2026)
ON_TRACK_CURRENT = [
    (300, "courses", "Training onderhandelen", "Academie Noord", "12", "approved"),
    (250, "intervision", "Intervisiegroep voorjaar", "Eigen intervisiegroep", "6", "approved"),
    (200, "sessions", "Kennissessie: leiderschap in crisistijd", "RQIM-vereniging", "4", "approved"),
    (120, "reflection", "Reflectie op opdracht gemeente", "", "4", "approved"),
    (90, "teaching", "Gastcollege verandermanagement", "Hogeschool Utrecht", "2", "rejected"),
    (20, "sessions", "Webinar nieuwe normen", "RQIM-vereniging", "1.5", "withdrawn"),
    (5, "intervision", "Intervisiegroep najaar", "Eigen intervisiegroep", "3", "pending"),
]
BEHIND_CURRENT = [
    (150, "courses", "E-learning privacywetgeving", "Online Academie", "2", "approved"),
    (10, "reflection", "Reflectie op opdracht zorginstelling", "", "2", "pending"),
]
ON_TRACK, BEHIND = "member", "arrears"

# days before today, category, title, provider, hours, what happens
ENTRIES = [
    (200, "sessions", "Kennissessie: leiderschap in crisistijd", "RQIM-vereniging", "4", "approved"),
    (150, "courses", "Training onderhandelen", "Academie Noord", "16", "approved"),
    (120, "intervision", "Intervisiegroep voorjaar", "Eigen intervisiegroep", "6", "approved"),
    (90, "teaching", "Gastcollege verandermanagement", "Hogeschool Utrecht", "2", "rejected"),
    (40, "reflection", "Reflectie op opdracht gemeente", "", "4", "pending"),
    (20, "sessions", "Webinar nieuwe normen", "RQIM-vereniging", "1.5", "withdrawn"),
    (5, "intervision", "Intervisiegroep najaar", "Eigen intervisiegroep", "3", "pending"),
]


def seed_pe(stdout) -> None:
    from portal.demo import DEMO_DOMAIN

    scheme = CertificationScheme.objects.filter(code="rqim").first()
    if scheme is None:
        stdout.write("  No RQIM scheme; PE demo skipped.")
        return
    categories = {}
    for index, (code, nl, en, _minimum, _maximum, kind) in enumerate(CATEGORIES):
        categories[code], _created = PECategory.objects.get_or_create(
            code=code, defaults={"name_nl": nl, "name_en": en, "sort_order": index})
        if kind and not categories[code].event_category and not PECategory.objects.filter(event_category=kind).exists():
            categories[code].event_category = kind
            categories[code].save(update_fields=["event_category"])
    previous, created = PERequirement.objects.get_or_create(
        scheme=scheme, valid_from=PREVIOUS_RULES["valid_from"],
        defaults={"cycle_years": 3, "points_required": PREVIOUS_RULES["points"], "points_per_hour": Decimal("1")})
    if created:
        for code, minimum in PREVIOUS_RULES["minimum"].items():
            PECategoryRule.objects.create(requirement=previous, category=categories[code], min_points=minimum)
    requirement, created = PERequirement.objects.get_or_create(
        scheme=scheme, valid_from=date(2026, 1, 1),
        defaults={"cycle_years": 3, "points_required": Decimal("60"), "points_per_hour": Decimal("1")})
    if created:
        for code, _nl, _en, minimum, maximum, _kind in CATEGORIES:
            PECategoryRule.objects.create(requirement=requirement, category=categories[code], min_points=minimum,
                                          max_points=maximum)
    stdout.write(f"  PE: {len(categories)} categories, requirements {previous} and {requirement}")

    User = get_user_model()
    reviewer = User.objects.filter(email__iexact=f"secretariat@{DEMO_DOMAIN}").first()
    plans = {
        ON_TRACK: (ON_TRACK_PREVIOUS, ON_TRACK_CURRENT),
        BEHIND: (BEHIND_PREVIOUS, BEHIND_CURRENT),
        "cert.anna": ((), ENTRIES),
    }
    for local, (earlier, current) in plans.items():
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email__iexact=email).first()
        if user is None or reviewer is None:
            continue
        if PEEntry.objects.filter(member=user).exists():
            stdout.write(f"    {email}: entries exist")
            continue
        _seed_previous(user, earlier, reviewer=reviewer, categories=categories)
        _seed_entries(user, reviewer=reviewer, scheme=scheme, categories=categories, entries=current)
        stdout.write(f"    {email}: {PEEntry.objects.filter(member=user).count()} entries")
    run, created = pe_services.pe_audit_draw(year=2025, rng=random.Random(2023))  # draws one of member@'s
    stdout.write(f"  Evidence audit 2025: {run.selected} of {run.eligible} entries ({'drawn' if created else 'present'}).")
    created = pe_tasks.schedules_ensure()
    stdout.write(f"  Daily PE run scheduled: {'created' if created else 'already present'}.")


def seed_pe_attendance(stdout) -> None:
    """Check the demo members in at the past knowledge session through the events service:
    the on-track member is credited; the other's check-in is undone (a voided credit)."""
    from events import services as event_services
    from events.models import EventPage, Registration
    from portal.demo import DEMO_DOMAIN

    User = get_user_model()
    staff = User.objects.filter(email__iexact=f"secretariat@{DEMO_DOMAIN}").first()
    event = (EventPage.objects.filter(pe_points__gt=0, start__lt=timezone.now(), locale__language_code="nl")
             .order_by("-start").first())
    if event is None or staff is None:
        stdout.write("  No past event with PE points: attendance credit skipped.")
        return
    for local, undo in ((ON_TRACK, False), (BEHIND, True)):
        user = User.objects.filter(email__iexact=f"{local}@{DEMO_DOMAIN}").first()
        if user is None or Registration.objects.filter(event=event, user=user).exists():
            continue
        # Registered before the session (registration has closed since): as the events demo does.
        registration = Registration.objects.create(event=event, user=user, status=Registration.Status.CONFIRMED)
        event_services.registration_check_in(event=event, code=registration.code, actor=staff,
                                             now=event.start - timedelta(minutes=5))
        if undo:
            event_services.registration_check_in_undo(registration=registration, actor=staff)
        stdout.write(f"    {user.email}: checked in at {event.title}{' and undone' if undo else ''}.")


def _seed_previous(user, entries, *, reviewer, categories) -> None:
    """Entries of the previous cycle, logged while it ran (the last day of 2025)."""
    for on, code, title, provider, hours, outcome in entries:
        entry = pe_services.pe_entry_submit(
            member=user, category=categories[code], title=title, provider=provider, date=on, hours=Decimal(hours),
            reflection="Wat ik meeneem: concrete handvatten voor mijn volgende opdracht.", today=date(2025, 12, 31))
        _outcome(entry, outcome, user=user, reviewer=reviewer)


def _outcome(entry, outcome, *, user, reviewer) -> None:
    if outcome == "approved":
        pe_services.pe_entry_approve(entry=entry, actor=reviewer)
    elif outcome == "rejected":
        pe_services.pe_entry_reject(entry=entry, actor=reviewer,
                                    reason="Voeg een bewijs van deelname toe en dien de activiteit opnieuw in.")
    elif outcome == "withdrawn":
        pe_services.pe_entry_withdraw(entry=entry, actor=user)


def _seed_entries(user, *, reviewer, scheme, categories, entries) -> None:
    today = timezone.localdate()
    start = pe_selectors.pe_cycle_for(user=user, scheme=scheme, on=today).start
    for days_ago, code, title, provider, hours, outcome in entries:
        entry = pe_services.pe_entry_submit(
            member=user, category=categories[code], title=title, provider=provider,
            date=max(today - timedelta(days=days_ago), start), hours=Decimal(hours),
            reflection="Wat ik meeneem: concrete handvatten voor mijn volgende opdracht.", today=today)
        _outcome(entry, outcome, user=user, reviewer=reviewer)
