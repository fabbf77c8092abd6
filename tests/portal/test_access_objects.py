"""Objects of another person answer 404: every view that tests/access_rules.py marks
`own_object()` is asked for a real object of one member by another member (404, the
object's existence not revealed) and by its owner (it opens).

A new `own_object()` view fails `test_every_object_view_has_a_sample` until it gets a
sample in SAMPLES below: a function that makes an object for `owner` and returns its address.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import access_rules as rules

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def receipt(owner, certificate):
    from tests.members.factories import PaymentFactory

    return reverse("members:receipt", args=[PaymentFactory(membership=owner.membership).pk])


def application(owner, certificate):
    return reverse("members:certification_application", args=[certificate.application_id])


def certificate_pdf(owner, certificate):
    return reverse("members:certificate_pdf", args=[certificate.pk])


def evidence(owner, certificate):
    from members.models import Evidence

    item = Evidence.objects.create(
        application=certificate.application, kind=Evidence.Kind.CV, file=SimpleUploadedFile("x", PDF),
        original_name="cv.pdf", content_type="application/pdf", size=len(PDF),
    )
    return reverse("members:certification_evidence", args=[item.pk])


def objection_evidence(owner, certificate):
    from members.models import Objection, ObjectionEvidence

    application = certificate.application
    decision = application.decision
    objection = Objection.objects.create(
        application=application, decision=decision, original_assessor_id=decision.assessor_id,
        original_decider_id=decision.decider_id, reasons="Het interview is niet meegewogen.",
        filed_at=timezone.now(), due_on=timezone.localdate() + timedelta(weeks=6),
    )
    item = ObjectionEvidence.objects.create(
        objection=objection, file=SimpleUploadedFile("x", PDF), original_name="verslag.pdf",
        content_type="application/pdf", size=len(PDF),
    )
    return reverse("members:certification_objection_evidence", args=[item.pk])


def _pe_entry(owner):
    from tests.knowledge.pe import factories as pe

    return pe.submitted(owner, evidence=pe.pdf())


def pe_entry_edit(owner, certificate):
    return reverse("pe:entry_edit", args=[_pe_entry(owner).pk])


def pe_evidence(owner, certificate):
    return reverse("pe:evidence", args=[_pe_entry(owner).pk])


def pe_evidence_add(owner, certificate):
    return reverse("pe:evidence_add", args=[_pe_entry(owner).pk])


def _registration(owner):
    from events.models import Registration
    from tests.events.helpers import event_page

    event = event_page(start=timezone.now() - timedelta(hours=5), hours=2)
    registration = Registration.objects.create(event=event, user=owner)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now() - timedelta(hours=4))
    return event, registration


def ticket(owner, certificate):
    event, registration = _registration(owner)
    return event.url + event.reverse_subpage("ticket", kwargs={"code": registration.code})


def ticket_pdf(owner, certificate):
    event, registration = _registration(owner)
    return event.url + event.reverse_subpage("ticket_pdf", kwargs={"code": registration.code})


def attendance_certificate(owner, certificate):
    event, registration = _registration(owner)
    return event.url + event.reverse_subpage("certificate", kwargs={"code": registration.code})


SAMPLES = {
    "members:receipt": receipt,
    "members:certification_application": application,
    "members:certificate_pdf": certificate_pdf,
    "members:certification_evidence": evidence,
    "members:certification_objection_evidence": objection_evidence,
    "pe:entry_edit": pe_entry_edit,
    "pe:evidence": pe_evidence,
    "pe:evidence_add": pe_evidence_add,
    "events.EventPage:ticket": ticket,
    "events.EventPage:ticket_pdf": ticket_pdf,
    "events.EventPage:certificate": attendance_certificate,
}


def object_views() -> set[str]:
    return {
        key for table in (rules.SITE_RULES, rules.PAGE_RULES) for key, rule in table.items()
        if isinstance(rule, rules.OwnObjectRule)
    }


def test_every_object_view_has_a_sample():
    missing = object_views() - set(SAMPLES)

    assert not missing, f"own_object() views without a sample in SAMPLES of {__name__}: {sorted(missing)}"


def test_another_persons_objects_answer_404_and_the_owners_open(client):
    from tests.members.certification import factories as certification

    certificate = certification.issued_certificate()
    owner = certificate.holder
    stranger = certification.member()
    addresses = {key: make(owner, certificate) for key, make in SAMPLES.items()}
    wrong = []

    client.force_login(stranger)
    for key, address in addresses.items():
        status = client.get(address).status_code
        if status != 404:
            wrong.append(f"{key} {address}: another member got {status}, not 404")
    client.force_login(owner)
    for key, address in addresses.items():
        status = client.get(address).status_code
        if status != 200:
            wrong.append(f"{key} {address}: the owner got {status}, not 200 (is the sample right?)")

    assert not wrong, "\n".join(wrong)
