"""The applicant's pages: start, draft, portfolio, evidence, submission and status."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import CertificationApplication
from members.services import certification as services
from tests.members.factories import MembershipFactory

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_client(client):
    f.scheme_with_norms()
    user = f.member()
    client.force_login(user)
    client.user = user
    return client


def test_member_starts_an_application(applicant_client):
    response = applicant_client.post(reverse("members:certification"), {"level": f.level().pk})
    application = CertificationApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:certification_application", args=[application.pk])


def test_non_member_is_told_to_become_a_member(client):
    f.scheme_with_norms()
    user = MembershipFactory().user
    client.force_login(user)
    response = client.get(reverse("members:certification"))
    assert response.status_code == 200
    assert response.context["form"] is None
    client.post(reverse("members:certification"), {"level": f.level().pk})
    assert not CertificationApplication.objects.exists()


def test_draft_is_saved_and_shown_again(applicant_client):
    application = services.application_start(applicant=applicant_client.user, level=f.level())
    url = reverse("members:certification_application", args=[application.pk])
    response = applicant_client.post(url, {"level": f.level("senior").pk, "years_experience": 9, "assignment_count": 10,
                                           "cv_summary": "Lange loopbaan", "motivation": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.level.code == "senior" and application.years_experience == 9
    assert "Lange loopbaan" in applicant_client.get(url).content.decode()


def test_upload_and_download_own_evidence(applicant_client):
    application = services.application_start(applicant=applicant_client.user, level=f.level())
    response = applicant_client.post(
        reverse("members:certification_evidence_upload", args=[application.pk]),
        {"evidence-kind": "cv", "evidence-file": f.pdf_upload()},
    )
    assert response.status_code == 302
    evidence = application.evidence.get()
    download = applicant_client.get(reverse("members:certification_evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == f.PDF_BYTES
    assert {"private", "no-store"} <= {part.strip() for part in download["Cache-Control"].split(",")}


def test_upload_of_a_disguised_file_is_refused(applicant_client):
    application = services.application_start(applicant=applicant_client.user, level=f.level())
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    response = applicant_client.post(
        reverse("members:certification_evidence_upload", args=[application.pk]), {"evidence-kind": "cv", "evidence-file": fake}
    )
    assert response.status_code == 400
    assert not application.evidence.exists()


def test_another_applicants_evidence_is_404(client):
    owner_application = f.complete_draft()
    evidence = services.evidence_add(application=owner_application, actor=owner_application.applicant, upload=f.pdf_upload())
    client.force_login(f.member())
    assert client.get(reverse("members:certification_evidence", args=[evidence.pk])).status_code == 404


def test_an_assessor_not_assigned_gets_404_and_the_assigned_one_the_file(client):
    application = f.complete_draft()
    evidence = services.evidence_add(application=application, actor=application.applicant, upload=f.pdf_upload())
    services.application_submit(application=application, actor=application.applicant, declaration_signed=True)
    services.application_fee_mark_paid(application=application, actor=f.secretary(), paid_on=timezone.localdate())
    assessment = f.assessment_in_progress(application)
    url = reverse("members:certification_evidence", args=[evidence.pk])
    client.force_login(f.assessor())
    assert client.get(url).status_code == 404
    client.force_login(assessment.assessor)
    assert client.get(url).status_code == 200


def test_another_persons_application_is_404(client):
    application = f.complete_draft()
    client.force_login(f.member())
    assert client.get(reverse("members:certification_application", args=[application.pk])).status_code == 404


def test_submission_shows_status_and_next_step(applicant_client):
    application = f.complete_draft(applicant_client.user)
    response = applicant_client.post(reverse("members:certification_submit", args=[application.pk]), {"submit-declaration": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == CertificationApplication.Status.SUBMITTED
    page = applicant_client.get(reverse("members:certification_application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Save draft" not in page.content.decode()


def test_submission_without_declaration_changes_nothing(applicant_client):
    application = f.complete_draft(applicant_client.user)
    response = applicant_client.post(reverse("members:certification_submit", args=[application.pk]), {})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == CertificationApplication.Status.DRAFT


def test_membership_page_links_to_certification(applicant_client):
    response = applicant_client.get(reverse("members:dashboard"))
    assert reverse("members:certification") in response.content.decode()


def test_footer_links_to_verification(client):
    f.scheme_with_norms()
    assert 'href="/verify/"' in client.get("/verify/").content.decode()


def test_holder_page_offers_the_filled_in_linkedin_link(client):
    from urllib.parse import parse_qs, urlparse

    certificate = f.issued_certificate()
    client.force_login(certificate.holder)
    response = client.get(reverse("members:certification"))
    [certificate_shown] = response.context["certificates"]
    query = parse_qs(urlparse(certificate_shown.linkedin_url).query)
    assert query["certId"] == [certificate.number]
    assert query["certUrl"][0].endswith(f"/verify/{certificate.number}/")
    assert query["expirationYear"] == [str(certificate.valid_until.year)]
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert "linkedin.com/profile/add" in response.content.decode()


def test_certification_pages_have_an_english_path_and_dutch_keeps_its_own(applicant_client):
    from django.utils import translation

    with translation.override("en"):
        english = reverse("members:certification")
    assert (english, reverse("members:certification")) == ("/en/certification/", "/certificering/")
    response = applicant_client.get(english)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
