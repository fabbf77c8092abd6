"""Recertification end to end (window, PE, renewed declaration, lighter assessment, decision)
and the reminders six, three and one month before expiry, each sent once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import Certificate, CertificateReminder, CertificationApplication
from members.services import certification as services
from members.services import certification_cases as cases
from members.tasks_certification import certificates_daily
from portal.dates import add_months
from portal.exceptions import DomainError
from portal.models import OutboundEmail

from . import factories as f

pytestmark = pytest.mark.django_db
Kind = CertificationApplication.Kind


@pytest.fixture
def pe_answer():
    previous = services._pe_requirement_check
    state = {"answer": True}
    services.pe_requirement_check_register(lambda **kwargs: state["answer"])
    yield state
    services.pe_requirement_check_register(previous)


def near_expiry(days_left=60):
    certificate = f.issued_certificate()
    start = timezone.localdate() + timedelta(days=days_left) - timedelta(days=3 * 365)
    Certificate.objects.filter(pk=certificate.pk).update(valid_from=start, valid_until=timezone.localdate() + timedelta(days=days_left))
    certificate.periods.update(valid_from=start, valid_until=timezone.localdate() + timedelta(days=days_left))
    certificate.refresh_from_db()
    return certificate


# --- The flow -------------------------------------------------------------------------------------


def test_recertification_runs_from_request_to_a_renewed_certificate(pe_answer):
    certificate = near_expiry()
    old_until = certificate.valid_until
    application = services.recertification_start(certificate=certificate, actor=certificate.holder,
                                                 declaration_signed=True)
    assert application.kind == Kind.RECERTIFICATION and application.renews == certificate
    assert application.status == CertificationApplication.Status.SUBMITTED
    assert application.declaration_signed_at is not None
    assert application.fee_amount == certificate.scheme.renewal_fee
    services.application_fee_mark_paid(application=application, actor=f.secretary(), paid_on=timezone.localdate())
    # The lighter assessment: no criterion scores and no interview needed.
    assessment = f.assessment_in_progress(application)
    services.assessment_recommend(assessment=assessment, assessor=assessment.assessor, recommendation="grant",
                                  reasons="PE op orde, praktijk voortgezet.")
    application.refresh_from_db()
    services.application_decide(application=application, decider=f.decider(), outcome="granted", reasons="Hercertificering.")
    certificate.refresh_from_db()
    assert certificate.valid_from == old_until + timedelta(days=1)
    assert certificate.periods.count() == 2
    assert Certificate.objects.count() == 1  # the same number, no new certificate


def test_holder_is_told_the_recertification_was_received(pe_answer, django_capture_on_commit_callbacks):
    certificate = near_expiry()
    with django_capture_on_commit_callbacks(execute=True):
        services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)
    mail = OutboundEmail.objects.get(kind="members.certification.submitted")
    assert mail.to == certificate.holder.email
    assert certificate.number in mail.body_text


def test_recertification_before_the_window_is_refused(pe_answer):
    certificate = f.issued_certificate()
    with pytest.raises(DomainError, match="six months|zes maanden"):
        services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)
    assert not CertificationApplication.objects.filter(kind=Kind.RECERTIFICATION).exists()


def test_recertification_without_pe_is_refused(pe_answer):
    certificate = near_expiry()
    pe_answer["answer"] = False
    with pytest.raises(DomainError):
        services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)
    assert not CertificationApplication.objects.filter(kind=Kind.RECERTIFICATION).exists()


def test_recertification_without_declaration_is_refused(pe_answer):
    certificate = near_expiry()
    with pytest.raises(DomainError):
        services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=False)


def test_only_the_holder_recertifies(pe_answer):
    certificate = near_expiry()
    with pytest.raises(DomainError):
        services.recertification_start(certificate=certificate, actor=f.member(), declaration_signed=True)


def test_a_withdrawn_certificate_cannot_be_recertified(pe_answer):
    certificate = near_expiry()
    services.certificate_withdraw(certificate=certificate, actor=f.decider(), reason="Gedragscode.")
    with pytest.raises(DomainError):
        services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)


def test_recertification_twice_is_refused(pe_answer):
    certificate = near_expiry()
    services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)
    with pytest.raises(DomainError):
        services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)


def test_first_application_still_needs_scores_and_interview():
    assessment = f.assessment_in_progress()
    with pytest.raises(DomainError):
        services.assessment_recommend(assessment=assessment, assessor=assessment.assessor, recommendation="grant",
                                      reasons="x")


def test_overturned_refusal_of_a_recertification_renews(pe_answer):
    certificate = near_expiry()
    application = services.recertification_start(certificate=certificate, actor=certificate.holder, declaration_signed=True)
    services.application_fee_mark_paid(application=application, actor=f.secretary(), paid_on=timezone.localdate())
    assessment = f.assessment_in_progress(application)
    services.assessment_recommend(assessment=assessment, assessor=assessment.assessor, recommendation="refuse", reasons="x")
    application.refresh_from_db()
    services.application_decide(application=application, decider=f.decider(), outcome="refused", reasons="PE twijfelachtig.")
    objection = cases.objection_file(application=application, actor=certificate.holder, reasons="PE is wel op orde.")
    handler = f.decider()
    cases.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    cases.objection_decide(objection=objection, handler=handler, outcome="overturned", reasons="Klopt.")
    certificate.refresh_from_db()
    assert certificate.periods.count() == 2


def test_holder_applies_on_the_certification_page(client, pe_answer):
    certificate = near_expiry()
    client.force_login(certificate.holder)
    page = client.get(reverse("members:certification"))
    shown = page.context["certificates"][0]
    assert shown.recertification_open and shown.recertification_pe_met is True
    response = client.post(reverse("members:certification_recertify", args=[certificate.pk]),
                           {"recertify-declaration": "on"})
    application = CertificationApplication.objects.get(kind=Kind.RECERTIFICATION)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:certification_application", args=[application.pk])


def test_page_says_when_pe_is_not_met(client, pe_answer):
    certificate = near_expiry()
    pe_answer["answer"] = False
    client.force_login(certificate.holder)
    page = client.get(reverse("members:certification"))
    assert page.context["certificates"][0].recertification_pe_met is False
    client.post(reverse("members:certification_recertify", args=[certificate.pk]), {"recertify-declaration": "on"})
    assert not CertificationApplication.objects.filter(kind=Kind.RECERTIFICATION).exists()


def test_another_member_cannot_recertify_a_certificate(client, pe_answer):
    certificate = near_expiry()
    client.force_login(f.member())
    response = client.post(reverse("members:certification_recertify", args=[certificate.pk]),
                           {"recertify-declaration": "on"})
    assert response.status_code == 404


# --- Reminders ----------------------------------------------------------------------------------


def test_reminder_occasions_follow_the_months_before_expiry():
    certificate = f.issued_certificate()
    until = certificate.valid_until
    assert cases.reminder_occasion_due(certificate=certificate, today=add_months(until, -7)) is None
    assert cases.reminder_occasion_due(certificate=certificate, today=add_months(until, -6)) == "6m"
    assert cases.reminder_occasion_due(certificate=certificate, today=add_months(until, -3)) == "3m"
    assert cases.reminder_occasion_due(certificate=certificate, today=add_months(until, -1)) == "1m"
    assert cases.reminder_occasion_due(certificate=certificate, today=until + timedelta(days=1)) is None


def test_each_reminder_is_sent_once(django_capture_on_commit_callbacks):
    certificate = f.issued_certificate()
    until = certificate.valid_until
    with django_capture_on_commit_callbacks(execute=True):
        for today in (add_months(until, -6), add_months(until, -6) + timedelta(days=1), add_months(until, -3),
                      add_months(until, -3), add_months(until, -1), until - timedelta(days=2)):
            cases.certificate_reminders_run(today=today)
    assert sorted(CertificateReminder.objects.values_list("occasion", flat=True)) == ["1m", "3m", "6m"]
    mails = OutboundEmail.objects.filter(kind="members.certification.recertification_reminder")
    assert mails.count() == 3
    assert all(mail.to == certificate.holder.email for mail in mails)


def test_a_reminder_twice_for_the_same_occasion_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    certificate = f.issued_certificate()
    CertificateReminder.objects.create(certificate=certificate, valid_until=certificate.valid_until, occasion="6m")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateReminder.objects.create(certificate=certificate, valid_until=certificate.valid_until, occasion="6m")


def test_no_reminder_for_a_suspended_or_renewed_certificate():
    certificate = f.issued_certificate()
    services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="x",
                                 until=timezone.localdate() + timedelta(days=30))
    assert cases.certificate_reminders_run(today=add_months(certificate.valid_until, -1)) == 0


def test_daily_task_sends_reminders(monkeypatch):
    certificate = near_expiry(days_left=20)
    counts = certificates_daily()
    assert counts["reminded"] == 1
    assert certificates_daily()["reminded"] == 0
    assert CertificateReminder.objects.get().occasion == "1m"
    assert CertificateReminder.objects.get().certificate == certificate


def test_setup_schedules_registers_the_daily_certificate_run():
    from django_q.models import Schedule

    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    schedule = Schedule.objects.get(name="members.certificates_daily")
    assert schedule.func == "members.tasks_certification.certificates_daily"
    assert schedule.schedule_type == Schedule.DAILY


def test_certification_pages_answer_in_both_languages(client):
    from django.utils import translation

    certificate = f.issued_certificate()
    client.force_login(certificate.holder)
    assert reverse("members:certification") == "/certificering/"
    with translation.override("en"):
        english = reverse("members:certification")
        english_application = reverse("members:certification_application", args=[certificate.application_id])
    assert english == "/en/certification/"
    assert client.get("/certificering/").status_code == 200
    assert client.get(english).status_code == 200
    assert client.get(english_application).status_code == 200
    assert client.get(f"/certificering/aanvraag/{certificate.application_id}/").status_code == 200
