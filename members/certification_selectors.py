"""Reads of the certification shared by several callers (pages, API, admin, services)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from members.models import (
    Assessment,
    Certificate,
    CertificateStatusList,
    CertificationApplication,
    CertificationScheme,
    Criterion,
    NormVersion,
)


def scheme_default() -> CertificationScheme | None:
    """The scheme members apply for (there is one today: RQIM)."""
    return CertificationScheme.objects.filter(is_open=True).order_by("pk").first()


def norm_version_in_force(*, scheme: CertificationScheme, on: date) -> NormVersion | None:
    """The norm version in force on `on`: the one with the latest effective date not after it."""
    return NormVersion.objects.filter(scheme=scheme, effective_from__lte=on).order_by("-effective_from").first()


def criteria_for(*, norm_version: NormVersion, eqf_level: int) -> QuerySet[Criterion]:
    """The criteria an application at `eqf_level` is assessed on: those asking at most that level."""
    return (
        Criterion.objects.filter(area__norm_version=norm_version, eqf_level__lte=eqf_level)
        .select_related("area")
        .order_by("area__sort_order", "area__code", "sort_order", "code")
    )


def applications_for_applicant(*, user) -> QuerySet[CertificationApplication]:
    return (
        CertificationApplication.objects.filter(applicant=user)
        .select_related("scheme", "level", "norm_version", "decision", "certificate")
        .order_by("-created_at")
    )


def application_for_applicant(*, user, pk: int) -> CertificationApplication | None:
    """One of the user's own applications, or None (another person's answers None too)."""
    return applications_for_applicant(user=user).filter(pk=pk).first()


def current_assessment(*, application: CertificationApplication) -> Assessment | None:
    """The assessment in progress or done (not one ended by a declared conflict)."""
    return (
        application.assessments.exclude(status=Assessment.Status.CONFLICT)
        .select_related("assessor")
        .order_by("-assigned_at")
        .first()
    )


def user_took_part_in_assessment(*, application: CertificationApplication, user) -> bool:
    """Whether `user` was ever assigned to assess `application` (even if they stepped back)."""
    return application.assessments.filter(assessor=user).exists()


def user_may_see_application(*, application: CertificationApplication, user) -> bool:
    """The applicant, the body (deciders, the secretariat) and the application's assessors."""
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    if user.has_perm("members.decide_certificationapplication") or user.has_perm(
        "members.manage_certificationapplication"
    ):
        return True
    if user.has_perm("members.assess_certificationapplication"):
        return application.assessments.filter(assessor=user).exclude(status=Assessment.Status.CONFLICT).exists()
    return False


def applications_visible_to(*, user) -> QuerySet[CertificationApplication]:
    """The applications a body member sees in the admin: an assessor only those assigned to them."""
    queryset = CertificationApplication.objects.exclude(status=CertificationApplication.Status.DRAFT).select_related(
        "applicant", "level", "scheme"
    )
    if user.is_superuser or user.has_perm("members.decide_certificationapplication") or user.has_perm(
        "members.manage_certificationapplication"
    ):
        return queryset
    if user.has_perm("members.assess_certificationapplication"):
        return queryset.filter(
            assessments__assessor=user,
            assessments__status__in=[
                Assessment.Status.AWAITING_DECLARATION,
                Assessment.Status.IN_PROGRESS,
                Assessment.Status.RECOMMENDED,
            ],
        ).distinct()
    return queryset.none()


def certificates_for_holder(*, user) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(holder=user)
        .select_related("scheme", "level", "norm_version")
        .prefetch_related(Prefetch("periods"))
        .order_by("-issued_on")
    )


def certificate_for_verification(*, number: str) -> Certificate | None:
    """A certificate with everything the verification page and JSON show, in one query."""
    return (
        Certificate.objects.select_related("holder", "scheme", "level", "norm_version")
        .filter(number=number)
        .first()
    )


def linkedin_add_url(*, certificate: Certificate, organisation: str, verify_url: str) -> str:
    """LinkedIn's "Add licence or certification" link, filled in for this certificate."""
    from urllib.parse import urlencode

    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"{certificate.level.name_en or certificate.level.name_nl} (Registered and Qualified Interim Manager)",
        "organizationName": organisation,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "expirationYear": certificate.valid_until.year,
        "expirationMonth": certificate.valid_until.month,
        "certUrl": verify_url,
        "certId": certificate.number,
    }
    return f"https://www.linkedin.com/profile/add?{urlencode(params)}"


# --- Signed credentials and status lists ---------------------------------------------------


def certificate_holder_id(*, certificate: Certificate) -> str:
    """The holder's URI in the credential (``credentialSubject.id``, the JWT ``sub``).

    Derived from the certificate number, so it is stable and reveals nothing of the
    portal's accounts.
    """
    import uuid

    from members.credentials.vc import verification_url

    return uuid.uuid5(uuid.NAMESPACE_URL, f"{verification_url(certificate.number)}#holder").urn


def certificate_credential_data(*, certificate: Certificate):
    """What the signed credential says of `certificate` (with holder, scheme, level, norm version loaded)."""
    from members.credentials.vc import CredentialData

    return CredentialData(
        number=certificate.number,
        holder_name=certificate.holder.get_full_name(),
        holder_id=certificate_holder_id(certificate=certificate),
        scheme_name=certificate.scheme.name_en or certificate.scheme.name_nl,
        level_code=certificate.level.code,
        level_name_nl=certificate.level.name_nl,
        level_name_en=certificate.level.name_en or certificate.level.name_nl,
        eqf_level=certificate.level.eqf_level,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        norm_version=certificate.norm_version.version,
        suspension_list_id=certificate.suspension_list_id,
        suspension_index=certificate.suspension_index,
        revocation_list_id=certificate.revocation_list_id,
        revocation_index=certificate.revocation_index,
    )


# The certificate status that sets a list's bit, per purpose.
STATUS_SETTING_BIT = {
    CertificateStatusList.Purpose.SUSPENSION: Certificate.Status.SUSPENDED,
    CertificateStatusList.Purpose.REVOCATION: Certificate.Status.WITHDRAWN,
}


def status_list_set_indexes(*, status_list: CertificateStatusList) -> list[int]:
    """The indexes whose bit is 1 in `status_list` now: suspended, or withdrawn, certificates."""
    purpose = status_list.purpose
    return list(
        Certificate.objects.filter(
            **{f"{purpose}_list": status_list}, status=STATUS_SETTING_BIT[purpose]
        ).values_list(f"{purpose}_index", flat=True)
    )


def certificates_at_status_places(*, places: list[tuple[str, int, int]]) -> list[tuple[str, Certificate]]:
    """The certificates holding the given ``(purpose, list id, index)`` places, one query.

    Returns ``(purpose, certificate)`` for each place someone holds.
    """
    if not places:
        return []
    condition = Q()
    for purpose, list_id, index in places:
        condition |= Q(**{f"{purpose}_list_id": list_id, f"{purpose}_index": index})
    certificates = list(
        Certificate.objects.filter(condition).select_related("holder", "scheme", "level", "norm_version")
    )
    found = []
    for purpose, list_id, index in places:
        for certificate in certificates:
            if getattr(certificate, f"{purpose}_list_id") == list_id and getattr(certificate, f"{purpose}_index") == index:
                found.append((purpose, certificate))
    return found


# --- Objections and complaints ----------------------------------------------------------------


def objections_visible_to(*, user) -> QuerySet:
    """The objections staff see in the admin: the secretariat and deciders all of them, nobody else any."""
    from members.models import Objection

    queryset = Objection.objects.select_related("application__applicant", "application__level", "handler")
    if user.is_superuser or user.has_perm("members.view_objection"):
        return queryset
    return queryset.none()


def complaints_visible_to(*, user) -> QuerySet:
    """The complaints staff see in the admin: the secretariat and deciders all of them, nobody else any."""
    from members.models import Complaint

    queryset = Complaint.objects.select_related("certificate", "handler")
    if user.is_superuser or user.has_perm("members.view_complaint"):
        return queryset
    return queryset.none()


def objection_for_applicant(*, application: CertificationApplication):
    """The objection to the decision on `application`, with its files, or None."""
    from members.models import Objection

    return Objection.objects.filter(application=application).prefetch_related("evidence").first()


def overdue_objections_and_complaints(*, today: date | None = None) -> dict[str, int]:
    """Counts for a staff dashboard: open and overdue objections and complaints.

    Returns ``{"objections_open", "objections_overdue", "complaints_open",
    "complaints_overdue"}``. "Open" is not yet decided (awaiting a handler or
    being handled); "overdue" is open past its `due_on` (the end of the scheme's
    reconsideration period). Two queries, whatever the number of cases.
    """
    from django.db.models import Count
    from django.utils import timezone

    from members.models import Complaint, Objection
    from members.models.certification_cases import OPEN_CASE_STATUSES

    today = today or timezone.localdate()
    counts = {}
    for prefix, model in (("objections", Objection), ("complaints", Complaint)):
        row = model.objects.filter(status__in=OPEN_CASE_STATUSES).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
        )
        counts[f"{prefix}_open"] = row["open"]
        counts[f"{prefix}_overdue"] = row["overdue"]
    return counts
