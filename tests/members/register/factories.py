"""Listed managers for register tests, built directly (the certification flow has its own tests)."""

from datetime import date, timedelta

from django.utils import timezone

from members.models import Certificate, CertificateStatusList, CertificationApplication, NormVersion, Region, Sector
from members.services.certification import certificate_status_place_take
from tests.factories import UserFactory
from tests.members.certification.factories import level as certification_level
from tests.members.certification.factories import scheme_with_norms
from tests.members.factories import MemberProfileFactory

_serial = iter(range(1, 99999))

ALL_PUBLIC = {f"show_{name}": True for name in (
    "photo", "headline", "bio", "sectors", "expertise", "regions", "languages", "availability", "day_rate", "linkedin"
)}


def certificate_for(user, *, status=Certificate.Status.ACTIVE, level_code="rqim") -> Certificate:
    scheme = scheme_with_norms()
    lvl = certification_level(level_code)
    norms = NormVersion.objects.get(scheme=scheme, version="2026.1")
    application = CertificationApplication.objects.create(
        applicant=user, scheme=scheme, level=lvl, status="granted", norm_version=norms,
        years_experience=8, assignment_count=5, submitted_at=timezone.now(),
    )
    today = date.today()
    suspension_list, suspension_index = certificate_status_place_take(CertificateStatusList.Purpose.SUSPENSION)
    revocation_list, revocation_index = certificate_status_place_take(CertificateStatusList.Purpose.REVOCATION)
    return Certificate.objects.create(
        suspension_list=suspension_list, suspension_index=suspension_index,
        revocation_list=revocation_list, revocation_index=revocation_index,
        number=Certificate.format_number(year=2026, serial=next(_serial)),
        holder=user, scheme=scheme, level=lvl, norm_version=norms, application=application, status=status,
        status_changed_on=today, issued_on=today - timedelta(days=30), valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=1000),
        suspended_until=today + timedelta(days=60) if status == Certificate.Status.SUSPENDED else None,
    )


def listed_manager(*, first_name="Anna", last_name="Vermeulen", status=Certificate.Status.ACTIVE, listed=True,
                   consents=None, sectors=("healthcare",), regions=("utrecht",), level_code="rqim", **fields):
    user = UserFactory(first_name=first_name, last_name=last_name)
    values = {
        "headline": "Interim CFO in de zorg",
        "bio_nl": "Ervaren financieel bestuurder bij fusies van ziekenhuizen.",
        "bio_en": "Experienced finance director in hospital mergers.",
        "expertise": "Fusies, turnarounds, financiële sturing.",
        "languages": "Nederlands, Engels",
        "available_from": date.today() + timedelta(days=30),
        "day_rate_band": "1250-1500",
        "linkedin_url": "https://www.linkedin.com/in/example",
        "register_listed": listed,
        **(ALL_PUBLIC if consents is None else consents),
        **fields,
    }
    profile = MemberProfileFactory(user=user, **values)
    profile.register_sectors.set(Sector.objects.filter(code__in=sectors))
    profile.regions.set(Region.objects.filter(code__in=regions))
    certificate_for(user, status=status, level_code=level_code)
    return profile


def certificates_change(user, **fields) -> None:
    """Change the member's certificates the way a service does (row by row, `save`), so that
    the register's copy of the certificate facts follows; the services have their own tests."""
    for certificate in Certificate.objects.filter(holder=user):
        for name, value in fields.items():
            setattr(certificate, name, value)
        certificate.save(update_fields=list(fields))
