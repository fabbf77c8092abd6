"""Factories and builders for the certification suites.

    scheme = scheme_with_norms()                # RQIM with levels "rqim" (EQF 6) and "senior" (EQF 7),
                                                # norms 2026.1 in force since 2026-01-01, areas A and B
    application = submitted_application()       # an active member's complete, submitted application, fee paid
    application = application_for_decision()    # assessed and recommended, awaiting a decider
    certificate = issued_certificate()          # granted through the services

Transitions go through the services, so that history and constraints are real.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.models import (
    Assessment,
    CertificationLevel,
    CertificationScheme,
    CompetenceArea,
    Criterion,
    NormVersion,
)
from members.services import certification as services
from portal import roles
from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.members.factories import MembershipFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_upload(name="cv.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def scheme_with_norms(*, fee=Decimal("450.00")) -> CertificationScheme:
    scheme, _ = CertificationScheme.objects.get_or_create(
        code="rqim",
        defaults={"name_nl": "RQIM", "name_en": "RQIM", "application_fee": fee, "renewal_fee": Decimal("250.00"),
                  "min_years_experience": 3, "min_assignments": 3},
    )
    CertificationLevel.objects.get_or_create(scheme=scheme, code="rqim", defaults={"name_nl": "RQIM", "name_en": "RQIM", "eqf_level": 6, "sort_order": 1})
    CertificationLevel.objects.get_or_create(
        scheme=scheme, code="senior", defaults={"name_nl": "RQIM Senior", "name_en": "RQIM Senior", "eqf_level": 7, "sort_order": 2}
    )
    norms, created = NormVersion.objects.get_or_create(
        scheme=scheme, version="2026.1",
        defaults={"title_nl": "RQIM-norm 2026", "title_en": "RQIM norm 2026", "effective_from": date(2026, 1, 1)},
    )
    if created:
        a = CompetenceArea.objects.create(norm_version=norms, code="A", name_nl="Resultaat", name_en="Results", sort_order=1)
        b = CompetenceArea.objects.create(norm_version=norms, code="B", name_nl="Leiderschap", name_en="Leadership", sort_order=2)
        Criterion.objects.create(area=a, code="A.1", text_nl="Stuurt op resultaat.", text_en="Steers towards results.", eqf_level=6, sort_order=1)
        Criterion.objects.create(area=a, code="A.2", text_nl="Borgt overdracht.", text_en="Secures the handover.", eqf_level=6, sort_order=2)
        Criterion.objects.create(area=b, code="B.1", text_nl="Leidt complexe verandering.", text_en="Leads complex change.", eqf_level=7, sort_order=1)
    return scheme


def level(code="rqim") -> CertificationLevel:
    return CertificationLevel.objects.get(scheme=scheme_with_norms(), code=code)


def staff(*groups):
    user = verified_email(UserFactory(groups=list(groups)))
    totp_authenticator(user)
    return user


def assessor():
    return staff(roles.ASSESSORS)


def decider():
    return staff(roles.DECIDERS)


def secretary():
    return staff(roles.SECRETARIAT)


def member():
    return MembershipFactory(active=True).user


def complete_draft(applicant=None, level_code="rqim"):
    applicant = applicant or member()
    application = services.application_start(applicant=applicant, level=level(level_code))
    services.application_update(
        application=application, actor=applicant, years_experience=8, assignment_count=12,
        cv_summary="Twintig jaar interim in de zorg.", motivation="Kwaliteit zichtbaar maken.",
    )
    services.portfolio_assignment_add(
        application=application, actor=applicant, client="Ziekenhuis Noord", role="Interim-directeur",
        started_on=date(2024, 1, 1), ended_on=date(2024, 12, 31), description="Fusie begeleid.",
        reference_name="A. Jansen", reference_email="a.jansen@example.org",
    )
    return application


def submitted_application(applicant=None, *, paid=True, level_code="rqim"):
    application = complete_draft(applicant, level_code)
    services.application_submit(application=application, actor=application.applicant, declaration_signed=True)
    if paid and application.fee_paid_at is None:
        services.application_fee_mark_paid(application=application, actor=secretary(), paid_on=timezone.localdate())
    application.refresh_from_db()
    return application


def assessment_in_progress(application=None, the_assessor=None) -> Assessment:
    application = application or submitted_application()
    the_assessor = the_assessor or assessor()
    assessment = services.assessment_assign(application=application, assessor=the_assessor, actor=secretary())
    return services.assessment_declare(assessment=assessment, assessor=the_assessor, has_conflict=False)


def recommended(application=None, *, recommendation="grant", the_assessor=None) -> Assessment:
    assessment = assessment_in_progress(application, the_assessor)
    application = assessment.application
    from members.certification_selectors import criteria_for

    criteria = criteria_for(norm_version=application.norm_version, eqf_level=application.level.eqf_level)
    services.assessment_score(
        assessment=assessment, assessor=assessment.assessor, scores={c.pk: (2, "Aangetoond in portfolio.") for c in criteria}
    )
    services.assessment_interview_record(
        assessment=assessment, assessor=assessment.assessor, held_on=timezone.localdate() - timedelta(days=1), notes="Goed gesprek."
    )
    return services.assessment_recommend(
        assessment=assessment, assessor=assessment.assessor, recommendation=recommendation, reasons="Voldoet aan de norm."
    )


def application_for_decision(**kwargs):
    assessment = recommended(**kwargs)
    application = assessment.application
    application.refresh_from_db()
    return application


def issued_certificate(applicant=None, level_code="rqim"):
    application = application_for_decision(application=submitted_application(applicant, level_code=level_code))
    services.application_decide(application=application, decider=decider(), outcome="granted", reasons="Voldoet aan alle criteria.")
    return application.certificate
