"""Objections and complaints: every transition and refusal, impartiality in the service and
in the database, the public complaint form, the applicant's page and the admin."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from members.certification_selectors import overdue_objections_and_complaints
from members.models import Certificate, CertificationApplication, Complaint, Decision, Objection, ObjectionEvidence
from members.models.certification_cases import CaseStatus
from members.services import certification as cert_services
from members.services import certification_cases as services
from portal import roles
from portal.exceptions import DomainError
from portal.models import OutboundEmail

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def refused_application(*, decider=None):
    application = f.application_for_decision()
    decider = decider or f.decider()
    cert_services.application_decide(application=application, decider=decider, outcome="refused",
                                     reasons="A.2 onvoldoende aangetoond.")
    application.refresh_from_db()
    return application


def file_objection(application=None, **kwargs):
    application = application or refused_application()
    return services.objection_file(application=application, actor=application.applicant,
                                   reasons="Het interview is niet goed meegewogen.", **kwargs)


def actions(instance):
    return list(ModelLogEntry.objects.for_instance(instance).order_by("timestamp", "pk").values_list("action", flat=True))


# --- Objections: filing -------------------------------------------------------------------


def test_applicant_objects_within_the_period(django_capture_on_commit_callbacks):
    application = refused_application()
    with django_capture_on_commit_callbacks(execute=True):
        objection = file_objection(application)
    assert objection.status == CaseStatus.OPEN
    assert objection.due_on == timezone.localdate() + timedelta(weeks=6)
    assert objection.original_decider_id == application.decision.decider_id
    assert "members.objection.filed" in actions(application)
    mail = OutboundEmail.objects.get(kind="members.certification.objection_filed")
    assert mail.to == application.applicant.email


def test_objection_after_the_period_is_refused_with_the_date():
    application = refused_application()
    too_late = timezone.localdate(application.decision.decided_at) + timedelta(weeks=4, days=1)
    with pytest.raises(DomainError) as error, translation.override("en"):
        file_objection(application, today=too_late)
    assert "no longer" in error.value.message
    assert not Objection.objects.exists()


def test_objection_on_the_last_day_is_accepted():
    application = refused_application()
    last_day = timezone.localdate(application.decision.decided_at) + timedelta(weeks=4)
    assert file_objection(application, today=last_day).pk


def test_objection_period_follows_the_scheme():
    application = refused_application()
    application.scheme.objection_period_weeks = 2
    application.scheme.save()
    with pytest.raises(DomainError):
        file_objection(application, today=timezone.localdate() + timedelta(weeks=2, days=1))


def test_only_the_applicant_objects():
    application = refused_application()
    with pytest.raises(DomainError):
        services.objection_file(application=application, actor=f.member(), reasons="x")


def test_one_objection_per_decision():
    application = refused_application()
    file_objection(application)
    with pytest.raises(DomainError):
        file_objection(application)
    assert Objection.objects.count() == 1


def test_a_grant_cannot_be_objected_to():
    certificate = f.issued_certificate()
    with pytest.raises(DomainError):
        file_objection(certificate.application)


def test_objection_without_grounds_is_refused():
    application = refused_application()
    with pytest.raises(DomainError):
        services.objection_file(application=application, actor=application.applicant, reasons="  ")
    assert not Objection.objects.exists()


def test_objection_evidence_is_checked_by_content():
    application = refused_application()
    fake = SimpleUploadedFile("bewijs.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError):
        file_objection(application, uploads=[fake])
    assert not Objection.objects.exists()


def test_objection_evidence_is_stored():
    objection = file_objection(uploads=[f.pdf_upload("verslag.pdf")])
    item = objection.evidence.get()
    assert item.original_name == "verslag.pdf" and item.content_type == "application/pdf"


# --- Objections: handling -----------------------------------------------------------------


def test_original_decider_cannot_handle_the_objection():
    decider = f.decider()
    objection = file_objection(refused_application(decider=decider))
    with pytest.raises(DomainError):
        services.objection_assign(objection=objection, handler=decider, actor=f.secretary())
    objection.refresh_from_db()
    assert objection.handler is None


def test_original_assessor_cannot_handle_the_objection():
    objection = file_objection()
    assessor = objection.original_assessor
    assessor.groups.add(*__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(name=roles.DECIDERS))
    with pytest.raises(DomainError):
        services.objection_assign(objection=objection, handler=assessor, actor=f.secretary())


def test_database_refuses_the_original_decider_as_handler():
    objection = file_objection()
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=objection.pk).update(handler=objection.original_decider)


def test_database_refuses_the_original_assessor_as_handler():
    objection = file_objection()
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=objection.pk).update(handler=objection.original_assessor)


def test_secretary_cannot_handle_an_objection():
    objection = file_objection()
    with pytest.raises(DomainError):
        services.objection_assign(objection=objection, handler=f.secretary(), actor=f.secretary())


def test_editor_cannot_assign():
    objection = file_objection()
    with pytest.raises(DomainError):
        services.objection_assign(objection=objection, handler=f.decider(), actor=f.staff(roles.EDITORS))


def test_only_the_assigned_handler_decides():
    objection = file_objection()
    handler = f.decider()
    services.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    with pytest.raises(DomainError):
        services.objection_decide(objection=objection, handler=f.decider(), outcome="upheld", reasons="Terecht.")


def test_deciding_without_a_handler_is_refused():
    objection = file_objection()
    with pytest.raises(DomainError):
        services.objection_decide(objection=objection, handler=f.decider(), outcome="upheld", reasons="x")


def test_upheld_objection_closes_and_tells_the_applicant(django_capture_on_commit_callbacks):
    objection = file_objection()
    handler = f.decider()
    services.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(objection=objection, handler=handler, outcome="upheld", reasons="Besluit blijft staan.")
    objection.refresh_from_db()
    assert objection.status == CaseStatus.CLOSED and objection.outcome == "upheld"
    assert objection.application.status == CertificationApplication.Status.REFUSED
    assert not Certificate.objects.exists()
    mail = OutboundEmail.objects.get(kind="members.certification.objection_decided")
    assert "Besluit blijft staan." in mail.body_text
    assert actions(objection.application)[-3:] == ["members.objection.filed", "members.objection.assigned",
                                                   "members.objection.decided"]


def test_overturned_refusal_grants_and_issues_the_certificate():
    objection = file_objection()
    handler = f.decider()
    services.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    services.objection_decide(objection=objection, handler=handler, outcome="overturned", reasons="Wel aangetoond.")
    application = CertificationApplication.objects.get(pk=objection.application_id)
    assert application.status == CertificationApplication.Status.GRANTED
    certificate = application.certificate
    assert certificate.status == Certificate.Status.ACTIVE
    assert "members.certificate.issued" in actions(certificate)
    assert ModelLogEntry.objects.for_instance(certificate).get(action="members.certificate.issued").user == handler
    # The original refusal stays on record.
    assert Decision.objects.get(application=application).outcome == "refused"


def test_deciding_an_objection_twice_is_refused():
    objection = file_objection()
    handler = f.decider()
    services.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    services.objection_decide(objection=objection, handler=handler, outcome="upheld", reasons="x")
    with pytest.raises(DomainError):
        services.objection_decide(objection=objection, handler=handler, outcome="overturned", reasons="y")
    objection.refresh_from_db()
    assert objection.outcome == "upheld"


def test_decided_objection_cannot_be_reassigned():
    objection = file_objection()
    handler = f.decider()
    services.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    services.objection_decide(objection=objection, handler=handler, outcome="upheld", reasons="x")
    with pytest.raises(DomainError):
        services.objection_assign(objection=objection, handler=f.decider(), actor=f.secretary())


def test_outcome_needs_reasons():
    objection = file_objection()
    handler = f.decider()
    services.objection_assign(objection=objection, handler=handler, actor=f.secretary())
    with pytest.raises(DomainError):
        services.objection_decide(objection=objection, handler=handler, outcome="upheld", reasons=" ")


# --- Complaints ---------------------------------------------------------------------------


def test_complaint_about_a_certificate_copies_who_may_not_handle_it(django_capture_on_commit_callbacks):
    certificate = f.issued_certificate()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.complaint_file(certificate_number=certificate.number.lower().replace("-", " "),
                                            description="Opdracht niet afgemaakt.", email="klant@example.org")
    assert complaint.certificate == certificate and complaint.holder == certificate.holder
    assert complaint.original_decider_id == certificate.application.decision.decider_id
    assert "members.complaint.filed" in actions(certificate)
    assert OutboundEmail.objects.get(kind="members.certification.complaint_received").to == "klant@example.org"


def test_complaint_with_an_unknown_number_is_kept_without_certificate():
    complaint = services.complaint_file(certificate_number="RQIM-2026-99999-1", description="x", email="a@example.org")
    assert complaint.certificate is None
    assert "members.complaint.filed" in actions(complaint)


def test_holder_and_original_decider_cannot_handle_a_complaint():
    certificate = f.issued_certificate()
    complaint = services.complaint_file(certificate_number=certificate.number, description="x", email="a@example.org")
    decider = certificate.application.decision.decider
    with pytest.raises(DomainError):
        services.complaint_assign(complaint=complaint, handler=decider, actor=f.secretary())
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(handler=certificate.holder)


def test_complaint_decided_tells_complainant_and_holder(django_capture_on_commit_callbacks):
    certificate = f.issued_certificate()
    complaint = services.complaint_file(certificate_number=certificate.number, description="x", email="a@example.org")
    handler = f.decider()
    services.complaint_assign(complaint=complaint, handler=handler, actor=f.secretary())
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_decide(complaint=complaint, handler=handler, outcome="unfounded", reasons="Geen bewijs.")
    recipients = set(OutboundEmail.objects.filter(kind="members.certification.complaint_decided").values_list("to", flat=True))
    assert recipients == {"a@example.org", certificate.holder.email}
    with pytest.raises(DomainError):
        services.complaint_decide(complaint=complaint, handler=handler, outcome="founded", reasons="x")
    assert actions(certificate)[-3:] == ["members.complaint.filed", "members.complaint.assigned",
                                         "members.complaint.decided"]


def test_overdue_counts_for_the_dashboard():
    file_objection()
    services.complaint_file(manager_name="Jan", description="x", email="a@example.org")
    later = timezone.localdate() + timedelta(weeks=7)
    assert overdue_objections_and_complaints() == {
        "objections_open": 1, "objections_overdue": 0, "complaints_open": 1, "complaints_overdue": 0,
    }
    assert overdue_objections_and_complaints(today=later)["objections_overdue"] == 1
    assert overdue_objections_and_complaints(today=later)["complaints_overdue"] == 1


# --- The public complaint form ----------------------------------------------------------------


def _started(seconds_ago=10):
    return signing.Signer(salt="certification-complaint").sign(str(int(time.time()) - seconds_ago))


def _complaint(**overrides):
    data = {"certificate_number": "", "manager_name": "Jan Jansen", "description": "Afspraken niet nagekomen.",
            "name": "Petra", "email": "petra@client.example", "website": "", "started": _started()}
    data.update(overrides)
    return data


def test_complaint_page_has_dutch_and_english_paths(client):
    assert reverse("members:complaint") == "/klacht/"
    with translation.override("en"):
        assert reverse("members:complaint") == "/en/complaint/"
    assert client.get("/klacht/").status_code == 200
    response = client.get("/en/complaint/")
    assert response.status_code == 200 and "File a complaint" in response.content.decode()


def test_complaint_form_files_a_complaint(client):
    response = client.post("/klacht/", _complaint())
    assert response.status_code == 302
    assert Complaint.objects.get().complainant_email == "petra@client.example"


def test_complaint_answer_does_not_tell_whether_the_number_exists(client):
    certificate = f.issued_certificate()
    known = client.post("/klacht/", _complaint(certificate_number=certificate.number), follow=True)
    unknown = client.post("/klacht/", _complaint(certificate_number="RQIM-2026-99999-1"), follow=True)
    assert known.status_code == unknown.status_code == 200
    assert [str(m) for m in known.context["messages"]] == [str(m) for m in unknown.context["messages"]]
    assert certificate.holder.get_full_name() not in known.content.decode()


@pytest.mark.parametrize("overrides", [
    lambda: {"website": "http://spam.example"},  # the honeypot filled in
    lambda: {"started": _started(0)},  # faster than a person types
    lambda: {"started": "forged"},
    lambda: {"certificate_number": "", "manager_name": ""},  # about nobody
])
def test_complaint_spam_or_empty_is_refused(client, overrides):
    response = client.post("/klacht/", _complaint(**overrides()))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_complaint_form_is_rate_limited(client, monkeypatch):
    from members import views_certification_cases

    monkeypatch.setattr(views_certification_cases, "COMPLAINT_RATE_LIMIT", 2)
    codes = [client.post("/klacht/", _complaint()).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Complaint.objects.count() == 2


def test_verification_page_and_footer_link_the_complaint_form(client):
    certificate = f.issued_certificate()
    page = client.get(f"/verify/{certificate.number}/").content.decode()
    assert f"/klacht/?number={certificate.number}" in page
    assert 'href="/klacht/"' in client.get("/verify/").content.decode()


# --- The applicant's page ----------------------------------------------------------------------


def test_applicant_files_an_objection_on_the_application_page(client):
    application = refused_application()
    client.force_login(application.applicant)
    page = reverse("members:certification_application", args=[application.pk])
    assert "objection_form" in client.get(page).context
    response = client.post(reverse("members:certification_objection", args=[application.pk]),
                           {"objection-reasons": "Niet eens.", "objection-file": f.pdf_upload()})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.evidence.count() == 1
    shown = client.get(page)
    assert shown.context["objection"] == objection and "objection_form" not in shown.context


def test_too_late_shows_why_and_refuses(client):
    application = refused_application()
    Decision.objects.filter(application=application).update(decided_at=timezone.now() - timedelta(weeks=5))
    client.force_login(application.applicant)
    page = client.get(reverse("members:certification_application", args=[application.pk]))
    assert page.context["objection_closed"]
    assert "objection_form" not in page.context
    response = client.post(reverse("members:certification_objection", args=[application.pk]),
                           {"objection-reasons": "Niet eens."})
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_another_applicants_objection_evidence_is_404(client):
    objection = file_objection(uploads=[f.pdf_upload()])
    item = objection.evidence.get()
    url = reverse("members:certification_objection_evidence", args=[item.pk])
    client.force_login(f.member())
    assert client.get(url).status_code == 404
    client.force_login(objection.application.applicant)
    assert client.get(url).status_code == 200
    client.force_login(f.decider())
    assert client.get(url).status_code == 200


def test_another_member_cannot_object_to_someone_elses_decision(client):
    application = refused_application()
    client.force_login(f.member())
    response = client.post(reverse("members:certification_objection", args=[application.pk]),
                           {"objection-reasons": "x"})
    assert response.status_code == 404


# --- The admin ------------------------------------------------------------------------------------


def test_admin_lists_objections_with_the_clock_and_filters_overdue(client):
    late = file_objection()
    Objection.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    on_time = file_objection()
    client.force_login(f.secretary())
    response = client.get(reverse("certification_objections:index"))
    assert response.status_code == 200
    content = response.content.decode()
    # The admin speaks the reader's language (Dutch by default).
    assert ("3 days overdue" in content and "42 days left" in content) or (
        "3 dagen over de termijn" in content and "nog 42 dagen" in content
    )
    response = client.get(reverse("certification_objections:index"), {"overdue": "on"})
    assert list(response.context["object_list"]) == [late]
    assert on_time not in response.context["object_list"]


def test_admin_assign_and_decide_through_the_views(client):
    objection = file_objection()
    handler = f.decider()
    client.force_login(f.secretary())
    response = client.post(reverse("certification_objections:assign", args=[objection.pk]), {"handler": handler.pk})
    assert response.status_code == 302
    # The secretariat cannot decide.
    response = client.post(reverse("certification_objections:decide", args=[objection.pk]),
                           {"outcome": "upheld", "reasons": "x"})
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    objection.refresh_from_db()
    assert objection.outcome == ""
    client.force_login(handler)
    inspect = client.get(reverse("certification_objections:inspect", args=[objection.pk]))
    assert reverse("certification_objections:decide", args=[objection.pk]) in [a["url"] for a in inspect.context["actions"]]
    response = client.post(reverse("certification_objections:decide", args=[objection.pk]),
                           {"outcome": "overturned", "reasons": "Wel aangetoond."})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.outcome == "overturned"
    history = client.get(reverse("certification_applications:inspect", args=[objection.application_id]))
    assert "members.objection.decided" in [item["entry"].action for item in history.context["history"]]
    assert all(item["message"] != item["entry"].action for item in history.context["history"])
    assert history.context["objection_url"] == reverse("certification_objections:inspect", args=[objection.pk])


def test_original_decider_is_not_offered_as_handler(client):
    decider = f.decider()
    objection = file_objection(refused_application(decider=decider))
    client.force_login(f.secretary())
    response = client.get(reverse("certification_objections:assign", args=[objection.pk]))
    assert decider not in response.context["form"].fields["handler"].queryset
    response = client.post(reverse("certification_objections:assign", args=[objection.pk]), {"handler": decider.pk})
    assert response.status_code == 200
    objection.refresh_from_db()
    assert objection.handler is None


@pytest.mark.parametrize("group", [roles.EDITORS, roles.ASSESSORS])
def test_editors_and_assessors_see_no_cases(client, group):
    objection = file_objection()
    complaint = services.complaint_file(manager_name="Jan", description="x", email="a@example.org")
    client.force_login(f.staff(group))
    assert client.get(reverse("certification_objections:inspect", args=[objection.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("certification_complaints:inspect", args=[complaint.pk])).status_code in (302, 403, 404)
    response = client.post(reverse("certification_complaints:assign", args=[complaint.pk]), {"handler": f.decider().pk})
    assert response.status_code in (302, 403, 404)
    complaint.refresh_from_db()
    assert complaint.handler is None


def test_complaint_admin_and_history_on_the_certificate(client):
    certificate = f.issued_certificate()
    complaint = services.complaint_file(certificate_number=certificate.number, description="x", email="a@example.org")
    handler = f.decider()
    client.force_login(handler)
    assert client.post(reverse("certification_complaints:assign", args=[complaint.pk]), {"handler": handler.pk}).status_code == 302
    assert client.post(reverse("certification_complaints:decide", args=[complaint.pk]),
                       {"outcome": "founded", "reasons": "Klopt."}).status_code == 302
    page = client.get(reverse("certificates:inspect", args=[certificate.pk]))
    assert "members.complaint.decided" in [item["entry"].action for item in page.context["history"]]
    inspect = client.get(reverse("certification_complaints:inspect", args=[complaint.pk]))
    assert len(inspect.context["history"]) == 3


@pytest.mark.parametrize("size", [2, 6])
def test_objection_and_complaint_lists_take_constant_queries(client, django_assert_max_num_queries, size):
    for _ in range(size):
        file_objection()
        services.complaint_file(manager_name="Jan", description="x", email="a@example.org")
    client.force_login(f.decider())
    client.get(reverse("certification_objections:index"))  # the session and caches warm
    # 12 today at both sizes (session, user, permissions, the count and the page of rows with
    # applicant, level and handler joined): a query per row would show at the larger size.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("certification_objections:index")).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("certification_complaints:index")).status_code == 200
