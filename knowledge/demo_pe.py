"""Demo content for permanent education: the categories, a requirement for the RQIM
scheme, and entries in every state for the demo members.

`seed_pe(stdout)` is listed in `manage.py seed_demo` after the certification.
Idempotent: categories and the requirement are matched by code and start date, and a
member who already has entries is left alone. Every state is reached through the services.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from knowledge import pe_selectors, pe_services
from knowledge.pe_models import PECategory, PECategoryRule, PEEntry, PERequirement
from members.models import CertificationScheme

# code, Dutch, English, minimum, maximum that counts
CATEGORIES = [
    ("sessions", "Kennissessies", "Knowledge sessions", Decimal("10"), None),
    ("courses", "Cursussen en trainingen", "Courses and training", Decimal("0"), Decimal("40")),
    ("intervision", "Intervisie en collegiale toetsing", "Intervision and peer review", Decimal("10"), Decimal("30")),
    ("teaching", "Doceren en publiceren", "Teaching and publishing", Decimal("0"), Decimal("20")),
    ("reflection", "Reflectie op een opdracht", "Reflection on an assignment", Decimal("0"), Decimal("15")),
]

# days before today, category, title, provider, hours, what happens
ENTRIES = [
    (200, "sessions", "Kennissessie: interim in de zorg", "RQIM-vereniging", "3", "approved"),
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
    for index, (code, nl, en, minimum, maximum) in enumerate(CATEGORIES):
        categories[code], _created = PECategory.objects.get_or_create(
            code=code, defaults={"name_nl": nl, "name_en": en, "sort_order": index})
    requirement, created = PERequirement.objects.get_or_create(
        scheme=scheme, valid_from=date(2026, 1, 1),
        defaults={"cycle_years": 3, "points_required": Decimal("60"), "points_per_hour": Decimal("1")})
    if created:
        for code, _nl, _en, minimum, maximum in CATEGORIES:
            PECategoryRule.objects.create(requirement=requirement, category=categories[code], min_points=minimum,
                                          max_points=maximum)
    stdout.write(f"  PE: {len(categories)} categories, requirement {requirement}")

    User = get_user_model()
    reviewer = User.objects.filter(email__iexact=f"secretariat@{DEMO_DOMAIN}").first()
    for email in (f"member@{DEMO_DOMAIN}", f"cert.anna@{DEMO_DOMAIN}"):
        user = User.objects.filter(email__iexact=email).first()
        if user is None or reviewer is None:
            continue
        if PEEntry.objects.filter(member=user).exists():
            stdout.write(f"    {email}: entries exist")
            continue
        _seed_entries(user, reviewer=reviewer, scheme=scheme, categories=categories)
        stdout.write(f"    {email}: {PEEntry.objects.filter(member=user).count()} entries")


def _seed_entries(user, *, reviewer, scheme, categories) -> None:
    today = timezone.localdate()
    start = pe_selectors.pe_cycle_for(user=user, scheme=scheme, on=today).start
    for days_ago, code, title, provider, hours, outcome in ENTRIES:
        entry = pe_services.pe_entry_submit(
            member=user, category=categories[code], title=title, provider=provider,
            date=max(today - timedelta(days=days_ago), start), hours=Decimal(hours),
            reflection="Wat ik meeneem: concrete handvatten voor mijn volgende opdracht.", today=today)
        if outcome == "approved":
            pe_services.pe_entry_approve(entry=entry, actor=reviewer)
        elif outcome == "rejected":
            pe_services.pe_entry_reject(entry=entry, actor=reviewer,
                                        reason="Voeg een bewijs van deelname toe en dien de activiteit opnieuw in.")
        elif outcome == "withdrawn":
            pe_services.pe_entry_withdraw(entry=entry, actor=user)
