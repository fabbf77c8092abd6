"""A member's data (portal/privacy.py with each app's part): the ZIP, erasure, retention."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events.models import Registration
from events.services import registration_create
from knowledge.pe_models import PEEntry
from members.models import Certificate, CertificationApplication, Evidence, Membership, MemberProfile, Payment
from members.services import certification as certification_services
from members.services.membership import membership_end
from portal import privacy
from portal.exceptions import DomainError
from tests.events.helpers import event_page
from tests.knowledge.pe import factories as pe
from tests.members.certification import factories as certification
from tests.members.factories import MemberProfileFactory, PaymentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def certified():
    """A certified member with a profile, a payment, an evidence file, a PE entry with
    evidence and a past event registration with a guest."""
    certificate = certification.issued_certificate()
    user = certificate.holder
    profile = MemberProfileFactory(user=user)
    MemberProfile.objects.filter(pk=profile.pk).update(
        phone="+31 6 11112222", register_listed=True, show_headline=True, headline="Interim-CFO"
    )
    PaymentFactory(membership=user.membership)
    application = certificate.application
    Evidence.objects.create(
        application=application, kind=Evidence.Kind.CV, file=SimpleUploadedFile("x", PDF),
        original_name="cv-jansen.pdf", content_type="application/pdf", size=len(PDF),
    )
    pe.submitted(user, evidence=pe.pdf("certificaat-cursus.pdf"))
    event = event_page(start=timezone.now() - timedelta(days=30))
    registration = Registration.objects.create(event=event, user=user, guest_name="Piet Gast", guest_email="piet@example.org")
    return user


def signed_in(client, user):
    """Signed in, and the password given again just now (allauth's reauthentication,
    which the download and erasure ask for)."""
    from allauth.account.internal.flows.login import record_authentication
    from django.http import HttpRequest

    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password", reauthenticated=True)
    request.session.save()
    return client


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_a_member_downloads_all_their_data_as_one_zip(client, certified):
    signed_in(client, certified)

    response = client.post(reverse("members:data_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="rqim-mijn-gegevens-')
    assert "no-store" in response["Cache-Control"]
    archive = zip_of(response)
    names = set(archive.namelist())
    assert {"manifest.json", "account.json", "profile.json", "membership.json", "certification.json", "pe.json", "events.json"} <= names
    account = json.loads(archive.read("account.json"))
    assert account["email"] == certified.email and "password" not in account
    profile = json.loads(archive.read("profile.json"))
    assert profile["phone"] == "+31 6 11112222"
    assert profile["consents"]["register_listed"] is True and "headline" in profile["consents"]["public_fields"]
    membership = json.loads(archive.read("membership.json"))
    assert membership["status"] == "active" and len(membership["payments"]) >= 1
    assert membership["accepted"]["privacy_version"]
    certification_data = json.loads(archive.read("certification.json"))
    assert certification_data["certificates"][0]["number"] == certified.certificates.get().number
    assert certification_data["applications"][0]["decision"]["outcome"] == "granted"
    evidence_path = certification_data["applications"][0]["evidence"][0]["file_in_zip"]
    assert archive.read(evidence_path) == PDF
    pe_data = json.loads(archive.read("pe.json"))
    assert pe_data["entries"][0]["title"] == "Sessie"
    assert archive.read(pe_data["entries"][0]["file_in_zip"]).startswith(b"%PDF")
    events = json.loads(archive.read("events.json"))
    assert events["registrations"][0]["guest_name"] == "Piet Gast"


def test_the_zip_holds_nothing_of_another_person(client, certified):
    other = certification.member()
    signed_in(client, other)

    archive = zip_of(client.post(reverse("members:data_export")))

    text = b"".join(archive.read(name) for name in archive.namelist())
    assert certified.email.encode() not in text
    assert b"Piet Gast" not in text and PDF not in text


def test_every_download_is_in_the_audit_log(client, certified):
    signed_in(client, certified)

    client.post(reverse("members:data_export"))

    entry = ModelLogEntry.objects.get(action="portal.personal_data.exported")
    assert entry.object_id == str(certified.pk) and entry.user_id == certified.pk
    assert "certification" in entry.data["parts"]


def test_the_download_needs_a_post_and_the_password_again(client):
    member = certification.member()
    anonymous = client.post(reverse("members:data_export"))
    client.force_login(member)  # signed in a while ago, no password given just now

    response = client.post(reverse("members:data_export"))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response.url
    # Back from the password prompt with a GET: to the page with the button, no download.
    signed_in(client, member)
    assert client.get(reverse("members:data_export")).url == reverse("members:privacy")
    assert not ModelLogEntry.objects.filter(action="portal.personal_data.exported").exists()


def test_erasure_waits_while_membership_and_certificate_run(client, certified):
    signed_in(client, certified)

    page = client.get(reverse("members:privacy")).content.decode()
    response = client.post(reverse("members:data_erase"), {"confirm": "on"})

    assert "End your membership first" in page or "Beëindig eerst" in page
    assert response.status_code == 400
    certified.refresh_from_db()
    assert certified.is_active and MemberProfile.objects.filter(user=certified).exists()
    assert not ModelLogEntry.objects.filter(action="portal.personal_data.erased").exists()


def ended(user):
    """End the membership and withdraw the certificate, as the secretariat and the body would."""
    secretary, decider = certification.secretary(), certification.decider()
    membership_end(membership=user.membership, actor=secretary, reason="Verzoek om verwijdering")
    certification_services.certificate_withdraw(certificate=user.certificates.get(), actor=decider, reason="Op verzoek")
    return user


def test_erasure_deletes_personal_data_and_keeps_what_the_body_must_keep(client, certified, django_capture_on_commit_callbacks, settings):
    ended(certified)
    number = certified.certificates.get().number
    evidence_file = settings.PRIVATE_MEDIA_ROOT / Evidence.objects.get().file.name
    pe_file = settings.PRIVATE_MEDIA_ROOT / PEEntry.objects.get().evidence.name
    assert evidence_file.exists() and pe_file.exists()
    signed_in(client, certified)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:data_erase"), {"confirm": "on"})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    user = get_user_model().objects.get(pk=certified.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith("@erased.invalid") and user.last_name == ""
    assert not MemberProfile.objects.filter(user=user).exists()
    assert not PEEntry.objects.filter(member=user).exists()
    assert not Evidence.objects.exists() and not evidence_file.exists() and not pe_file.exists()
    application = CertificationApplication.objects.get(applicant=user)
    assert application.cv_summary == "" and not application.assignments.exists()
    # kept: the decision, the certificate and its history; the payments
    assert application.decision.outcome == "granted"
    certificate = Certificate.objects.get(number=number)
    assert certificate.holder_id == user.pk and certificate.periods.exists()
    assert ModelLogEntry.objects.filter(action__startswith="members.certificate.", object_id=str(certificate.pk)).exists()
    assert Payment.objects.filter(membership__user=user).exists()
    assert Registration.objects.get(user=user).guest_name.startswith("#")
    # no audit title names the person any longer
    assert not ModelLogEntry.objects.filter(label__icontains=certified.last_name).exists()
    entry = ModelLogEntry.objects.get(action="portal.personal_data.erased")
    assert entry.object_id == str(user.pk) and entry.data["reason"] == "request"
    assert client.login(email=certified.email, password="correct horse battery") is False


def test_erasure_without_the_confirmation_changes_nothing(client, certified):
    ended(certified)
    signed_in(client, certified)

    response = client.post(reverse("members:data_erase"), {})

    assert response.status_code == 400
    assert get_user_model().objects.get(pk=certified.pk).is_active
    assert MemberProfile.objects.filter(user=certified).exists()


def test_a_failing_part_rolls_back_the_whole_erasure(certified, monkeypatch):
    ended(certified)
    from members import privacy as members_privacy

    def broken(user):
        raise RuntimeError("disk full")

    parts = {part.name: part for part in privacy.parts()}
    monkeypatch.setitem(privacy._parts, "pe", privacy.PersonalData(name="pe", order=parts["pe"].order, erase=broken))

    with pytest.raises(RuntimeError):
        privacy.personal_data_erase(user=certified, actor=certified)

    assert MemberProfile.objects.filter(user=certified).exists()
    assert get_user_model().objects.get(pk=certified.pk).email == certified.email
    assert members_privacy.is_erased(certified) is False


def test_staff_accounts_are_not_erased_here():
    secretary = certification.secretary()

    with pytest.raises(DomainError):
        privacy.personal_data_erase(user=secretary, actor=secretary)


def test_every_app_contributes_its_part():
    names = [part.name for part in privacy.parts()]

    assert names[-1] == "account"  # erased last
    assert {"profile", "membership", "certification", "pe", "events"} <= set(names)


def test_members_does_not_import_events_or_knowledge_for_it():
    import ast
    from pathlib import Path

    source = Path(privacy.__file__).resolve().parents[1] / "members" / "privacy.py"
    imported = {
        node.module.split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", "x")
        for alias in node.names
    }

    assert not imported & {"events", "knowledge"}


# --- retention ---------------------------------------------------------------------------------


def test_retention_erases_former_members_after_the_period(settings):
    settings.PRIVACY_INACTIVE_ACCOUNT_YEARS = 2
    old = certification.member()
    MemberProfileFactory(user=old)
    membership_end(membership=old.membership, actor=certification.secretary(), reason="Opgezegd")
    recent = certification.member()
    membership_end(membership=recent.membership, actor=certification.secretary(), reason="Opgezegd")
    Membership.objects.filter(user=old).update(updated_at=timezone.now() - timedelta(days=2 * 366 + 1))

    result = privacy.retention_apply()

    assert result["account"]["accounts"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.is_active and old.email.endswith("@erased.invalid")
    assert recent.is_active
    entry = ModelLogEntry.objects.get(action="portal.personal_data.erased")
    assert entry.object_id == str(old.pk) and entry.data["reason"] == "retention" and entry.user_id is None
    assert privacy.retention_apply()["account"]["accounts"] == 0  # the next day finds nothing again


def test_retention_deletes_old_evidence_files_and_keeps_the_records(settings, certified, django_capture_on_commit_callbacks):
    settings.PRIVACY_CERTIFICATION_EVIDENCE_YEARS = 5
    settings.PRIVACY_PE_EVIDENCE_YEARS = 7
    CertificationApplication.objects.filter(applicant=certified).update(decided_at=timezone.now() - timedelta(days=5 * 366))
    entry = PEEntry.objects.get(member=certified)
    PEEntry.objects.filter(pk=entry.pk).update(date=date.today() - timedelta(days=7 * 366))
    pe_file = settings.PRIVATE_MEDIA_ROOT / entry.evidence.name

    with django_capture_on_commit_callbacks(execute=True):
        result = privacy.retention_apply()

    assert result["certification"]["evidence"] == 1 and result["pe"]["evidence"] == 1
    assert not Evidence.objects.exists() and not pe_file.exists()
    entry.refresh_from_db()
    assert entry.evidence == "" and entry.hours  # the activity and its points stay
    assert certified.certificates.get().status == Certificate.Status.ACTIVE
    assert result["account"]["accounts"] == 0  # a valid certificate keeps the account


def test_the_retention_run_is_scheduled_once_a_day():
    from django_q.models import Schedule

    from portal.tasks import PRIVACY_RETENTION_SCHEDULE_NAME, privacy_schedule_ensure

    assert privacy_schedule_ensure() is True
    assert privacy_schedule_ensure() is False
    schedule = Schedule.objects.get(name=PRIVACY_RETENTION_SCHEDULE_NAME)
    assert schedule.schedule_type == Schedule.DAILY and schedule.func == "portal.tasks.privacy_retention"
