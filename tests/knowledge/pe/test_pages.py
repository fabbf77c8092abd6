"""The member's PE pages, the evidence download and the review queue in the admin."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from knowledge.pe_models import PEEntry
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member, secretary

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement():
    return f.rqim_requirement()


def _today_entry(person, **kwargs):
    today = timezone.localdate()
    return f.submitted(person, on=today, today=today, **kwargs)


def test_the_ledger_lives_at_pe_in_dutch_and_en_pe_in_english():
    assert reverse("pe:ledger") == "/pe/"
    with translation.override("en"):
        assert reverse("pe:ledger") == "/en/pe/"


def test_the_ledger_asks_a_visitor_to_log_in(client):
    assert client.get("/pe/").status_code == 302


def test_the_ledger_shows_entries_and_progress(client, requirement):
    person = member()
    _today_entry(person, title="Kennissessie over fusies")
    client.force_login(person)
    response = client.get("/en/pe/")
    assert response.status_code == 200
    assert b"Kennissessie over fusies" in response.content
    assert response.context["progress"].required == Decimal("60")


def test_a_member_logs_an_activity_with_evidence(client, requirement):
    person = member()
    client.force_login(person)
    response = client.post(reverse("pe:entry_add"), {
        "title": "Training", "provider": "Academie", "date": timezone.localdate().isoformat(), "hours": "3",
        "category": f.category("courses").pk, "reflection": "Nuttig.", "evidence_file": f.pdf(),
    })
    assert response.status_code == 302
    entry = PEEntry.objects.get(member=person)
    assert entry.status == PEEntry.Status.PENDING and entry.evidence_type == "application/pdf"


def test_a_fake_file_is_refused_and_nothing_stored(client, requirement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = member()
    client.force_login(person)
    response = client.post(reverse("pe:entry_add"), {
        "title": "Training", "date": timezone.localdate().isoformat(), "hours": "3",
        "category": f.category("courses").pk,
        "evidence_file": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
    })
    assert response.status_code == 400
    assert not PEEntry.objects.exists()


def test_a_future_date_is_refused_in_the_form(client, requirement):
    person = member()
    client.force_login(person)
    response = client.post(reverse("pe:entry_add"), {
        "title": "Training", "date": date(2099, 1, 1).isoformat(), "hours": "3", "category": f.category("courses").pk,
    })
    assert response.status_code == 400
    assert not PEEntry.objects.exists()


def test_a_member_edits_and_withdraws_a_pending_entry(client, requirement):
    person = member()
    entry = _today_entry(person)
    client.force_login(person)
    data = {"title": "Nieuw", "date": entry.date.isoformat(), "hours": "2", "category": entry.category_id}
    assert client.post(reverse("pe:entry_edit", args=[entry.pk]), data).status_code == 302
    assert client.post(reverse("pe:entry_withdraw", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.status) == ("Nieuw", PEEntry.Status.WITHDRAWN)


def test_another_members_entry_answers_404(client, requirement):
    entry = _today_entry(member())
    client.force_login(member())
    assert client.get(reverse("pe:entry_edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("pe:entry_withdraw", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.PENDING


def test_the_owner_downloads_their_evidence(client, requirement):
    entry = _today_entry(member(), evidence=f.png())
    client.force_login(entry.member)
    response = client.get(reverse("pe:evidence", args=[entry.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == f.PNG_BYTES


def test_another_members_evidence_answers_404(client, requirement):
    entry = _today_entry(member(), evidence=f.pdf())
    client.force_login(member())
    assert client.get(reverse("pe:evidence", args=[entry.pk])).status_code == 404


def test_staff_download_a_members_evidence(client, requirement):
    entry = _today_entry(member(), evidence=f.pdf())
    client.force_login(secretary())
    assert client.get(reverse("pe:evidence", args=[entry.pk])).status_code == 200


@pytest.mark.parametrize("count", [10, 500])
def test_the_ledger_answers_in_constant_queries(client, requirement, django_assert_max_num_queries, count):
    person = member()
    today = timezone.localdate()
    categories = [f.category(code) for code in ("sessions", "courses", "intervision")]
    PEEntry.objects.bulk_create([
        PEEntry(member=person, category=categories[index % 3], title=f"Activiteit {index}", date=today,
                hours=Decimal("1"), status=[PEEntry.Status.PENDING, PEEntry.Status.APPROVED][index % 2],
                audit_year=today.year if index % 7 == 0 else None,
                points=Decimal("2") if index % 5 == 0 else None)
        for index in range(count)
    ])
    client.force_login(person)
    with django_assert_max_num_queries(20):
        response = client.get("/pe/")
    assert len(response.context["entries"]) == count


def test_the_secretariat_works_the_review_queue(client, requirement):
    entry = _today_entry(member())
    client.force_login(secretary())
    response = client.get(reverse("pe_entries:index"), {"status": "pending"})
    assert response.status_code == 200
    assert entry in response.context["object_list"]
    assert client.get(reverse("pe_entries:inspect", args=[entry.pk])).status_code == 200
    assert client.post(reverse("pe_entries:approve", args=[entry.pk]), {}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.APPROVED


def test_the_secretariat_rejects_with_a_reason_the_member_sees(client, requirement):
    entry = _today_entry(member())
    client.force_login(secretary())
    response = client.post(reverse("pe_entries:reject", args=[entry.pk]), {"reason": "Bewijs ontbreekt."})
    assert response.status_code == 302
    client.force_login(entry.member)
    assert b"Bewijs ontbreekt." in client.get("/pe/").content


def test_a_rejection_without_reason_changes_nothing(client, requirement):
    entry = _today_entry(member())
    client.force_login(secretary())
    assert client.post(reverse("pe_entries:reject", args=[entry.pk]), {"reason": ""}).status_code == 200
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.PENDING


def test_a_member_cannot_reach_the_review_queue(client, requirement):
    entry = _today_entry(member())
    client.force_login(member())
    assert client.post(reverse("pe_entries:approve", args=[entry.pk]), {}).status_code in (302, 403)
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.PENDING


def test_the_review_queue_filters_by_category_and_member(client, requirement):
    mine = _today_entry(member(), code="courses")
    other = _today_entry(member(), code="sessions")
    client.force_login(secretary())
    response = client.get(reverse("pe_entries:index"), {"category": f.category("courses").pk, "member": mine.member_id})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [mine]
    assert other not in response.context["object_list"]


def test_a_rejection_renders_with_its_reason_in_dutch(requirement):
    from knowledge import pe_services
    from portal.audit import entries_for, entry_message

    entry = _today_entry(member())
    pe_services.pe_entry_reject(entry=entry, actor=secretary(), reason="Bewijs ontbreekt.")
    with translation.override("nl"):
        message = entry_message(entries_for(entry).first())
    assert message.startswith("PE-activiteit afgewezen") and "Bewijs ontbreekt." in message
