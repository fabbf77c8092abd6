"""Builders for the PE suites: categories, a requirement for the RQIM scheme, and entries.

    requirement = rqim_requirement()        # from 2020-01-01, 3-year cycles, 60 points, 1 point per hour;
                                            # "courses" max 30, "intervision" min 10
    entry = submitted(member, hours=4)      # a pending entry, through the service
"""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import pe_services
from knowledge.pe_models import PECategory, PECategoryRule, PERequirement
from tests.members.certification.factories import PDF_BYTES, PNG_BYTES, scheme_with_norms  # noqa: F401

CATEGORIES = [
    ("sessions", "Kennissessies", "Knowledge sessions"),
    ("courses", "Cursussen en trainingen", "Courses and training"),
    ("intervision", "Intervisie en collegiale toetsing", "Intervision and peer review"),
]


def category(code="sessions") -> PECategory:
    for index, (each, nl, en) in enumerate(CATEGORIES):
        if each == code:
            return PECategory.objects.get_or_create(code=code, defaults={"name_nl": nl, "name_en": en, "sort_order": index})[0]
    raise LookupError(code)


def rqim_requirement(*, valid_from=date(2020, 1, 1), points=Decimal("60"), rate=Decimal("1"), years=3) -> PERequirement:
    requirement = PERequirement.objects.create(
        scheme=scheme_with_norms(), valid_from=valid_from, cycle_years=years, points_required=points, points_per_hour=rate,
    )
    for code, _nl, _en in CATEGORIES:
        category(code)
    PECategoryRule.objects.create(requirement=requirement, category=category("courses"), max_points=Decimal("30"))
    PECategoryRule.objects.create(requirement=requirement, category=category("intervision"), min_points=Decimal("10"))
    return requirement


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name="evidence.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def submitted(member, *, code="sessions", hours="4", on=None, evidence=None, today=None, title="Sessie"):
    return pe_services.pe_entry_submit(
        member=member, category=category(code), title=title, provider="Vereniging", date=on or date(2026, 3, 1),
        hours=Decimal(hours), reflection="Geleerd.", evidence=evidence, today=today or date(2026, 6, 1),
    )


def approved(member, reviewer, **kwargs):
    return pe_services.pe_entry_approve(entry=submitted(member, **kwargs), actor=reviewer)
