"""The certification services: every transition and every refusal."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from members.certification_selectors import norm_version_in_force
from members.models import Assessment, Certificate, CertificationApplication, Decision, NormVersion
from members.services import certification as services
from portal.exceptions import DomainError
from tests.members.factories import MembershipFactory

from . import factories as f

pytestmark = pytest.mark.django_db
Status = CertificationApplication.Status


def actions(instance):
    return list(ModelLogEntry.objects.for_instance(instance).order_by("timestamp", "pk").values_list("action", flat=True))


# --- Norms ------------------------------------------------------------------------------


def test_norm_version_in_force_is_the_latest_effective_on_the_day():
    scheme = f.scheme_with_norms()
    old = NormVersion.objects.get(version="2026.1")
    new = NormVersion.objects.create(scheme=scheme, version="2027.1", title_nl="x", title_en="x",
                                     effective_from=date(2027, 3, 1), replaces=old)
    assert norm_version_in_force(scheme=scheme, on=date(2027, 2, 28)) == old
    assert norm_version_in_force(scheme=scheme, on=date(2027, 3, 1)) == new
    assert norm_version_in_force(scheme=scheme, on=date(2025, 12, 31)) is None


def test_submission_records_the_norm_version_in_force_that_day():
    application = f.complete_draft()
    scheme = application.scheme
    NormVersion.objects.create(scheme=scheme, version="2027.1", title_nl="x", title_en="x", effective_from=date(2027, 3, 1))
    services.application_submit(application=application, actor=application.applicant, declaration_signed=True,
                                today=date(2027, 2, 1))
    application.refresh_from_db()
    assert application.norm_version.version == "2026.1"


# --- Application ----------------------------------------------------------------------------


def test_only_an_active_member_can_start_an_application():
    applicant = MembershipFactory().user  # an applicant for membership, not a member
    with pytest.raises(DomainError):
        services.application_start(applicant=applicant, level=f.level())
    assert not CertificationApplication.objects.exists()


def test_a_lapsed_member_cannot_start_an_application():
    with pytest.raises(DomainError):
        services.application_start(applicant=MembershipFactory(lapsed=True).user, level=f.level())


def test_starting_twice_resumes_the_draft():
    applicant = f.member()
    first = services.application_start(applicant=applicant, level=f.level())
    assert services.application_start(applicant=applicant, level=f.level("senior")) == first
    assert CertificationApplication.objects.count() == 1


def test_draft_saves_and_resumes():
    application = f.complete_draft()
    services.application_update(application=application, actor=application.applicant, motivation="Nieuw")
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.motivation == "Nieuw"


def test_another_person_cannot_change_a_draft():
    application = f.complete_draft()
    with pytest.raises(DomainError):
        services.application_update(application=application, actor=f.member(), motivation="Gekaapt")


def test_submit_without_declaration_is_refused():
    application = f.complete_draft()
    with pytest.raises(DomainError):
        services.application_submit(application=application, actor=application.applicant, declaration_signed=False)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_submit_below_the_eligibility_thresholds_is_refused():
    application = f.complete_draft()
    services.application_update(application=application, actor=application.applicant, years_experience=2)
    with pytest.raises(DomainError, match="3"):
        services.application_submit(application=application, actor=application.applicant, declaration_signed=True)


def test_submit_makes_the_fee_due_with_a_reference(django_capture_on_commit_callbacks):
    application = f.complete_draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=application.applicant, declaration_signed=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.fee_amount == application.scheme.application_fee
    assert application.fee_reference.startswith(f"RQIM-aanvraag {application.pk}")
    assert application.fee_paid_at is None
    assert application.declaration_version == services.CODE_OF_CONDUCT_VERSION
    assert "members.certification_application.submitted" in actions(application)


def test_a_submitted_application_cannot_be_changed():
    application = f.submitted_application()
    with pytest.raises(DomainError):
        services.application_update(application=application, actor=application.applicant, motivation="Later")


def test_fee_is_marked_paid_once():
    application = f.submitted_application(paid=False)
    secretary = f.secretary()
    services.application_fee_mark_paid(application=application, actor=secretary, paid_on=timezone.localdate())
    with pytest.raises(DomainError):
        services.application_fee_mark_paid(application=application, actor=secretary, paid_on=timezone.localdate())


# --- Evidence --------------------------------------------------------------------------------


def test_pdf_evidence_is_stored_privately(settings):
    application = f.complete_draft()
    evidence = services.evidence_add(application=application, actor=application.applicant, upload=f.pdf_upload(), kind="cv")
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "cv.pdf"
    assert str(settings.PRIVATE_MEDIA_ROOT) in evidence.file.path
    assert "cv" not in evidence.file.name.rsplit("/", 1)[-1]


def test_png_evidence_is_accepted():
    application = f.complete_draft()
    upload = SimpleUploadedFile("photo.png", f.PNG_BYTES, content_type="image/png")
    assert services.evidence_add(application=application, actor=application.applicant, upload=upload).content_type == "image/png"


def test_a_text_file_named_pdf_is_refused_by_its_content():
    application = f.complete_draft()
    upload = SimpleUploadedFile("cv.pdf", b"just some text pretending", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.evidence_add(application=application, actor=application.applicant, upload=upload)
    assert not application.evidence.exists()


def test_a_file_over_ten_megabytes_is_refused():
    application = f.complete_draft()
    upload = SimpleUploadedFile("big.pdf", f.PDF_BYTES + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(DomainError, match="10 MB"):
        services.evidence_add(application=application, actor=application.applicant, upload=upload)


# --- Assessment --------------------------------------------------------------------------------


def test_assigning_needs_the_fee():
    application = f.submitted_application(paid=False)
    with pytest.raises(DomainError):
        services.assessment_assign(application=application, assessor=f.assessor(), actor=f.secretary())


def test_only_an_assessor_can_be_assigned():
    application = f.submitted_application()
    with pytest.raises(DomainError):
        services.assessment_assign(application=application, assessor=f.decider(), actor=f.secretary())


def test_a_declared_conflict_ends_the_assignment_and_blocks_it_again():
    application = f.submitted_application()
    assessor = f.assessor()
    assessment = services.assessment_assign(application=application, assessor=assessor, actor=f.secretary())
    services.assessment_declare(assessment=assessment, assessor=assessor, has_conflict=True, relation="Oud-collega")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert Assessment.objects.get().status == Assessment.Status.CONFLICT
    with pytest.raises(DomainError, match="relatie"):
        services.assessment_assign(application=application, assessor=assessor, actor=f.secretary())
    # Another assessor can be assigned.
    services.assessment_assign(application=application, assessor=f.assessor(), actor=f.secretary())
    assert "members.certification_application.conflict_declared" in actions(application)


def test_a_conflict_needs_the_relation_described():
    application = f.submitted_application()
    assessor = f.assessor()
    assessment = services.assessment_assign(application=application, assessor=assessor, actor=f.secretary())
    with pytest.raises(DomainError):
        services.assessment_declare(assessment=assessment, assessor=assessor, has_conflict=True, relation=" ")


def test_scoring_before_the_declaration_is_refused():
    application = f.submitted_application()
    assessor = f.assessor()
    assessment = services.assessment_assign(application=application, assessor=assessor, actor=f.secretary())
    criterion = application.norm_version.areas.first().criteria.first()
    with pytest.raises(DomainError):
        services.assessment_score(assessment=assessment, assessor=assessor, scores={criterion.pk: (2, "")})


def test_another_assessor_cannot_score():
    assessment = f.assessment_in_progress()
    criterion = assessment.application.norm_version.areas.first().criteria.first()
    with pytest.raises(DomainError):
        services.assessment_score(assessment=assessment, assessor=f.assessor(), scores={criterion.pk: (2, "")})


def test_rqim_level_is_not_scored_on_senior_criteria():
    assessment = f.assessment_in_progress()
    senior_criterion = assessment.application.norm_version.areas.get(code="B").criteria.get()
    with pytest.raises(DomainError):
        services.assessment_score(assessment=assessment, assessor=assessment.assessor, scores={senior_criterion.pk: (2, "")})


def test_recommending_needs_every_criterion_and_the_interview():
    assessment = f.assessment_in_progress()
    with pytest.raises(DomainError, match="criterium"):
        services.assessment_recommend(assessment=assessment, assessor=assessment.assessor, recommendation="grant", reasons="x")


def test_recommendation_sends_the_application_to_a_decider():
    assessment = f.recommended()
    assessment.application.refresh_from_db()
    assert assessment.application.status == Status.DECISION
    assert assessment.scores.count() == 2


# --- Decision ---------------------------------------------------------------------------------


def test_grant_issues_a_certificate_with_a_valid_number(mailoutbox):
    application = f.application_for_decision()
    decider = f.decider()
    decision = services.application_decide(application=application, decider=decider, outcome="granted", reasons="Voldoet.")
    application.refresh_from_db()
    certificate = application.certificate
    assert decision.decider == decider and decision.assessor == application.assessments.get().assessor
    assert application.status == Status.GRANTED
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.norm_version == application.norm_version
    assert certificate.level == application.level
    assert certificate.valid_until == services.validity_end(start=certificate.valid_from, years=3)
    from members.models.certification import certificate_number_parse

    assert certificate_number_parse(certificate.number) == (certificate.number, True)
    assert certificate.periods.count() == 1
    assert actions(certificate) == ["members.certificate.issued"]


def test_refusal_gives_reasons_and_no_certificate():
    application = f.application_for_decision(recommendation="refuse")
    services.application_decide(application=application, decider=f.decider(), outcome="refused", reasons="Te weinig bewijs.")
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert application.decision.reasons == "Te weinig bewijs."
    assert not Certificate.objects.exists()


def test_the_assessor_cannot_decide_even_as_a_decider():
    from django.contrib.auth.models import Group

    from portal import roles

    assessor = f.assessor()
    assessor.groups.add(Group.objects.get(name=roles.DECIDERS))
    application = f.application_for_decision(the_assessor=assessor)
    with pytest.raises(DomainError, match="betrokken"):
        services.application_decide(application=application, decider=assessor, outcome="granted", reasons="Zelf.")
    assert not Decision.objects.exists()


def test_an_assessor_who_stepped_back_for_a_conflict_cannot_decide():
    from django.contrib.auth.models import Group

    from portal import roles

    application = f.submitted_application()
    conflicted = f.assessor()
    conflicted.groups.add(Group.objects.get(name=roles.DECIDERS))
    assessment = services.assessment_assign(application=application, assessor=conflicted, actor=f.secretary())
    services.assessment_declare(assessment=assessment, assessor=conflicted, has_conflict=True, relation="Zwager")
    application = f.application_for_decision(application=application)
    with pytest.raises(DomainError):
        services.application_decide(application=application, decider=conflicted, outcome="granted", reasons="x")


def test_deciding_twice_is_refused():
    application = f.application_for_decision()
    services.application_decide(application=application, decider=f.decider(), outcome="granted", reasons="Voldoet.")
    with pytest.raises(DomainError, match="al besloten"):
        services.application_decide(application=application, decider=f.decider(), outcome="refused", reasons="Toch niet.")
    assert Certificate.objects.count() == 1


def test_secretariat_cannot_decide():
    application = f.application_for_decision()
    with pytest.raises(DomainError):
        services.application_decide(application=application, decider=f.secretary(), outcome="granted", reasons="x")


def test_deciding_before_the_assessment_is_refused():
    application = f.submitted_application()
    with pytest.raises(DomainError):
        services.application_decide(application=application, decider=f.decider(), outcome="granted", reasons="x")


def test_database_refuses_a_decision_by_the_assessor():
    application = f.application_for_decision()
    assessor = application.assessments.get().assessor
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=application, assessor=assessor, decider=assessor, outcome="granted",
                                reasons="Langs de service heen.", decided_at=timezone.now())


def test_certificate_numbers_follow_each_other_within_a_year():
    first = f.issued_certificate()
    second = f.issued_certificate()
    year = timezone.localdate().year
    assert first.number.startswith(f"RQIM-{year}-00001-")
    assert second.number.startswith(f"RQIM-{year}-00002-")


# --- Certificate lifecycle ------------------------------------------------------------------


def test_suspend_and_reinstate(mailoutbox, django_capture_on_commit_callbacks):
    certificate = f.issued_certificate()
    body = f.decider()
    until = timezone.localdate() + timedelta(days=60)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_suspend(certificate=certificate, actor=body, reason="Onderzoek naar een klacht loopt.", until=until)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED
    assert certificate.suspended_until == until
    assert any(certificate.holder.email in message.to for message in mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reinstate(certificate=certificate, actor=body)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.suspended_until is None
    assert actions(certificate)[-2:] == ["members.certificate.suspended", "members.certificate.reinstated"]


def test_suspension_needs_a_reason_and_a_future_end():
    certificate = f.issued_certificate()
    with pytest.raises(DomainError):
        services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="", until=date(2099, 1, 1))
    with pytest.raises(DomainError):
        services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="x", until=timezone.localdate())


def test_reinstating_an_active_certificate_is_refused():
    with pytest.raises(DomainError):
        services.certificate_reinstate(certificate=f.issued_certificate(), actor=f.decider())


def test_withdrawal_is_final():
    certificate = f.issued_certificate()
    body = f.decider()
    services.certificate_withdraw(certificate=certificate, actor=body, reason="Gedragscode geschonden.")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.WITHDRAWN
    with pytest.raises(DomainError):
        services.certificate_suspend(certificate=certificate, actor=body, reason="x", until=date(2099, 1, 1))
    with pytest.raises(DomainError):
        services.certificate_reinstate(certificate=certificate, actor=body)
    with pytest.raises(DomainError):
        services.certificate_renew(certificate=certificate, actor=body)


def test_a_suspended_certificate_can_be_withdrawn():
    certificate = f.issued_certificate()
    body = f.decider()
    services.certificate_suspend(certificate=certificate, actor=body, reason="Onderzoek.", until=date(2099, 1, 1))
    services.certificate_withdraw(certificate=certificate, actor=body, reason="Klacht gegrond.")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.WITHDRAWN
    assert certificate.suspended_until is None


def test_daily_run_expires_once():
    certificate = f.issued_certificate()
    day_after = certificate.valid_until + timedelta(days=1)
    # The register's copy of the certificate facts followed each change: nothing to correct.
    nothing = {"expired": 0, "skipped": 0, "register_corrected": 0}
    assert services.certificates_daily_run(today=certificate.valid_until) == nothing
    assert services.certificates_daily_run(today=day_after) == {**nothing, "expired": 1}
    assert services.certificates_daily_run(today=day_after) == nothing
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
    assert certificate.status_changed_on == day_after
    assert actions(certificate).count("members.certificate.expired") == 1


def test_daily_run_leaves_a_suspended_certificate_alone():
    certificate = f.issued_certificate()
    services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="Onderzoek.", until=date(2099, 1, 1))
    assert services.certificates_daily_run(today=certificate.valid_until + timedelta(days=1))["expired"] == 0


def test_renewal_keeps_the_number_and_adds_a_period():
    certificate = f.issued_certificate()
    number, old_until = certificate.number, certificate.valid_until
    services.certificate_renew(certificate=certificate, actor=f.decider(), today=old_until - timedelta(days=30))
    certificate.refresh_from_db()
    assert certificate.number == number
    assert certificate.valid_from == old_until + timedelta(days=1)
    assert certificate.periods.count() == 2


def test_renewal_opens_six_months_before_expiry():
    certificate = f.issued_certificate()
    with pytest.raises(DomainError):
        services.certificate_renew(certificate=certificate, actor=f.decider())


def test_an_expired_certificate_is_renewed_from_today():
    certificate = f.issued_certificate()
    later = certificate.valid_until + timedelta(days=10)
    services.certificates_daily_run(today=later)
    services.certificate_renew(certificate=certificate, actor=f.decider(), today=later)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.valid_from == later


@pytest.fixture
def pe_check():
    previous = services._pe_requirement_check

    def register(answer):
        calls = []

        def check(*, user, period_start, period_end):
            calls.append((user, period_start, period_end))
            return answer

        services.pe_requirement_check_register(check)
        return calls

    yield register
    services.pe_requirement_check_register(previous)


def test_recertifying_without_the_pe_requirement_is_refused(pe_check):
    certificate = f.issued_certificate()
    calls = pe_check(False)
    with pytest.raises(DomainError, match="permanente"):
        services.certificate_renew(certificate=certificate, actor=f.decider(), today=certificate.valid_until - timedelta(days=30))
    certificate.refresh_from_db()
    assert certificate.periods.count() == 1
    assert calls == [(certificate.holder, certificate.valid_from, certificate.valid_until)]


def test_recertifying_with_the_pe_requirement_met(pe_check):
    certificate = f.issued_certificate()
    pe_check(True)
    services.certificate_renew(certificate=certificate, actor=f.decider(), today=certificate.valid_until - timedelta(days=30))
    assert certificate.periods.count() == 2
