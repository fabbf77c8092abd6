"""The yearly evidence audit: a share of last year's approved entries, drawn once; the
member sees the selection and adds evidence."""

import random
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from knowledge import pe_services
from knowledge.pe_models import PEAuditRun, PEEntry
from portal.audit import entries_for
from portal.exceptions import DomainError
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member, secretary

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement():
    return f.rqim_requirement()


def _approved_in_2026(count, person=None, staff=None):
    staff = staff or secretary()
    person = person or member()
    return [f.approved(person, staff, on=date(2026, 3, 1), today=date(2026, 6, 1), title=f"Sessie {index}")
            for index in range(count)]


def test_the_draw_flags_the_share_rounded_up_and_audits_each(requirement):
    entries = _approved_in_2026(11)
    run, created = pe_services.pe_audit_draw(year=2026, share=10, rng=random.Random(1))
    assert created and run.eligible == 11 and run.selected == 2
    flagged = PEEntry.objects.filter(audit_year=2026)
    assert flagged.count() == 2
    assert all(entries_for(entry).first().action == "knowledge.pe_entry.audit_selected" for entry in flagged)
    assert {entry.pk for entry in flagged} <= {entry.pk for entry in entries}


def test_a_second_draw_of_the_same_year_changes_nothing(requirement):
    _approved_in_2026(10)
    pe_services.pe_audit_draw(year=2026, share=50, rng=random.Random(1))
    before = set(PEEntry.objects.filter(audit_year=2026).values_list("pk", flat=True))
    run, created = pe_services.pe_audit_draw(year=2026, share=50, rng=random.Random(2))
    assert not created and PEAuditRun.objects.count() == 1
    assert set(PEEntry.objects.filter(audit_year=2026).values_list("pk", flat=True)) == before


def test_the_default_share_is_ten_percent(requirement):
    _approved_in_2026(20)
    run, _created = pe_services.pe_audit_draw(year=2026)
    assert run.share == 10 and run.selected == 2


def test_pending_and_other_years_are_not_drawn(requirement):
    staff = secretary()
    person = member()
    f.submitted(person, on=date(2026, 3, 1), today=date(2026, 6, 1))
    f.approved(person, staff, on=date(2026, 3, 1), today=date(2026, 6, 1))
    run, _created = pe_services.pe_audit_draw(year=2025, share=100)
    assert run.eligible == 0
    run, _created = pe_services.pe_audit_draw(year=2026, share=100)
    assert run.eligible == 1 and run.selected == 1


def test_a_share_outside_0_to_100_is_refused(requirement):
    with pytest.raises(DomainError):
        pe_services.pe_audit_draw(year=2026, share=101)
    assert not PEAuditRun.objects.exists()


def test_the_command_draws_once(requirement):
    _approved_in_2026(3)
    out = StringIO()
    call_command("pe_audit_draw", "--year", "2026", "--share", "100", stdout=out)
    call_command("pe_audit_draw", "--year", "2026", "--share", "100", stdout=out)
    assert "3 of 3" in out.getvalue() and "already drawn" in out.getvalue()
    assert PEEntry.objects.filter(audit_year=2026).count() == 3


def test_the_daily_run_draws_last_year_from_february_once(requirement):
    _approved_in_2026(4)
    assert "audit_drawn" not in pe_services.pe_daily_run(today=date(2027, 1, 15))
    assert pe_services.pe_daily_run(today=date(2027, 2, 1))["audit_drawn"] == 1
    assert pe_services.pe_daily_run(today=date(2027, 2, 2))["audit_drawn"] == 0
    assert PEAuditRun.objects.get().year == 2026


def test_the_member_sees_the_selection_and_adds_evidence(client, requirement, settings):
    entry = _approved_in_2026(1)[0]
    pe_services.pe_audit_draw(year=2026, share=100)
    client.force_login(entry.member)
    response = client.get("/en/pe/")
    assert b"Selected for audit: please make sure your evidence is uploaded." in response.content
    response = client.post(reverse("pe:evidence_add", args=[entry.pk]), {"evidence_file": f.pdf()})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.evidence and entry.evidence_type == "application/pdf"
    assert entries_for(entry).first().action == "knowledge.pe_entry.evidence_added"


def test_evidence_cannot_be_added_to_an_approved_entry_not_selected(client, requirement):
    entry = _approved_in_2026(1)[0]
    client.force_login(entry.member)
    response = client.post(reverse("pe:evidence_add", args=[entry.pk]), {"evidence_file": f.pdf()})
    assert response.status_code == 400
    entry.refresh_from_db()
    assert not entry.evidence


def test_another_members_evidence_upload_answers_404(client, requirement):
    entry = _approved_in_2026(1)[0]
    pe_services.pe_audit_draw(year=2026, share=100)
    client.force_login(member())
    assert client.get(reverse("pe:evidence_add", args=[entry.pk])).status_code == 404
    assert client.post(reverse("pe:evidence_add", args=[entry.pk]), {"evidence_file": f.pdf()}).status_code == 404
