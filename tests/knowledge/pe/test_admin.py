"""The secretariat's PE admin: bulk approve, the audit filter, members behind schedule,
one member's ledger, and the review queue's query count as entries grow."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.pe_models import PEEntry
from portal.audit import entries_for
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member, secretary

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement():
    return f.rqim_requirement()


def _today_entry(person, **kwargs):
    today = timezone.localdate()
    return f.submitted(person, on=today, today=today, **kwargs)


def _bulk_url(*entries):
    ids = "&".join(f"id={entry.pk}" for entry in entries)
    return reverse("wagtail_bulk_action", args=["knowledge", "peentry", "approve"]) + "?" + ids


def test_the_queue_offers_bulk_approve(client, requirement):
    _today_entry(member())
    client.force_login(secretary())
    content = client.get(reverse("pe_entries:index")).content.decode()
    assert reverse("wagtail_bulk_action", args=["knowledge", "peentry", "approve"]) in content
    assert "bulk-action-checkbox" in content


def test_bulk_approve_approves_each_pending_entry_through_the_service(client, requirement):
    first, second = _today_entry(member()), _today_entry(member())
    staff = secretary()
    client.force_login(staff)
    assert client.get(_bulk_url(first, second)).status_code == 200
    assert client.post(_bulk_url(first, second)).status_code == 302
    for entry in (first, second):
        entry.refresh_from_db()
        assert entry.status == PEEntry.Status.APPROVED and entry.reviewed_by == staff
        assert entries_for(entry).first().action == "knowledge.pe_entry.approved"


def test_bulk_approve_leaves_rejected_entries_alone(client, requirement):
    from knowledge import pe_services

    staff = secretary()
    rejected = pe_services.pe_entry_reject(entry=_today_entry(member()), actor=staff, reason="Geen bewijs.")
    pending = _today_entry(member())
    client.force_login(staff)
    client.post(_bulk_url(rejected, pending))
    rejected.refresh_from_db()
    pending.refresh_from_db()
    assert rejected.status == PEEntry.Status.REJECTED and pending.status == PEEntry.Status.APPROVED


def test_a_member_cannot_bulk_approve(client, requirement):
    entry = _today_entry(member())
    client.force_login(member())
    client.post(_bulk_url(entry))
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.PENDING


def test_the_queue_filters_by_status_date_and_audit(client, requirement):
    staff = secretary()
    old = f.approved(member(), staff, on=date(2026, 2, 1), today=date(2026, 6, 1))
    PEEntry.objects.filter(pk=old.pk).update(audit_year=2026)
    recent = _today_entry(member())
    client.force_login(staff)
    response = client.get(reverse("pe_entries:index"), {"audit": "true"})
    assert list(response.context["object_list"]) == [old]
    response = client.get(reverse("pe_entries:index"), {"status": "pending"})
    assert list(response.context["object_list"]) == [recent]
    response = client.get(reverse("pe_entries:index"), {"date_from": "2026-01-01", "date_to": "2026-02-28"})
    assert list(response.context["object_list"]) == [old]


@pytest.mark.parametrize("count", [10, 500])
def test_the_review_queue_answers_in_constant_queries(client, requirement, django_assert_max_num_queries, count):
    people = [member() for _ in range(3)]
    today = timezone.localdate()
    PEEntry.objects.bulk_create([
        PEEntry(member=people[index % 3], category=f.category(["sessions", "courses", "intervision"][index % 3]),
                title=f"Activiteit {index}", date=today, hours=Decimal("1"))
        for index in range(count)
    ])
    client.force_login(secretary())
    with django_assert_max_num_queries(40):
        response = client.get(reverse("pe_entries:index"))
    assert response.status_code == 200


def test_staff_see_members_behind_schedule_and_their_ledger(client, requirement):
    behind = member()
    _today_entry(behind, hours="1")
    client.force_login(secretary())
    response = client.get(reverse("pe_members:behind"))
    assert response.status_code == 200
    assert behind.pk in [row["user"].pk for row in response.context["rows"]]
    response = client.get(reverse("pe_members:member", args=[behind.pk]))
    assert response.status_code == 200
    assert response.context["progress"].required == Decimal("60")
    assert not response.context["eligibility"].met


def test_a_member_on_track_is_not_behind(client, requirement):
    staff = secretary()
    on_track = member()
    f.approved(on_track, staff, code="sessions", hours="50", on=timezone.localdate(), today=timezone.localdate())
    f.approved(on_track, staff, code="intervision", hours="10", on=timezone.localdate(), today=timezone.localdate())
    client.force_login(staff)
    response = client.get(reverse("pe_members:behind"))
    assert on_track.pk not in [row["user"].pk for row in response.context["rows"]]


def test_a_member_cannot_see_the_staff_pages(client, requirement):
    person = member()
    client.force_login(person)
    assert client.get(reverse("pe_members:behind")).status_code in (302, 403)
    assert client.get(reverse("pe_members:member", args=[person.pk])).status_code in (302, 403)
