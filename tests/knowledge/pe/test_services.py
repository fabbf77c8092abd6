"""Every PE entry transition and every refusal, with its audit entry."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import pe_services
from knowledge.pe_models import PEEntry
from portal.audit import entries_for
from portal.exceptions import DomainError
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member, secretary

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement():
    return f.rqim_requirement()


def _actions(entry):
    """The entry's audit actions, oldest first."""
    return [item.action for item in reversed(entries_for(entry))]


def test_a_new_entry_is_pending_and_audited(requirement):
    entry = f.submitted(member())
    assert entry.status == PEEntry.Status.PENDING
    assert _actions(entry) == ["knowledge.pe_entry.submitted"]


def test_a_future_date_is_refused(requirement):
    with pytest.raises(DomainError):
        f.submitted(member(), on=date(2026, 6, 2), today=date(2026, 6, 1))
    assert not PEEntry.objects.exists()


def test_a_date_before_the_cycle_is_refused(requirement):
    with pytest.raises(DomainError):
        f.submitted(member(), on=date(2025, 12, 31), today=date(2026, 6, 1))
    assert not PEEntry.objects.exists()


def test_the_first_day_of_the_cycle_is_accepted(requirement):
    assert f.submitted(member(), on=date(2026, 1, 1), today=date(2026, 6, 1)).pk


@pytest.mark.parametrize("hours", ["0", "-2"])
def test_zero_or_negative_hours_are_refused(requirement, hours):
    with pytest.raises(DomainError):
        f.submitted(member(), hours=hours)
    assert not PEEntry.objects.exists()


def test_pdf_and_png_evidence_are_stored_privately(requirement):
    entry = f.submitted(member(), evidence=f.pdf())
    assert entry.evidence_type == "application/pdf"
    assert entry.evidence.name.startswith(f"pe/{entry.member_id}/") and entry.evidence.name.endswith(".pdf")
    with pytest.raises(ValueError):
        entry.evidence.url  # noqa: B018  (private storage has no public URL)
    assert f.submitted(member(), evidence=f.png()).evidence_type == "image/png"


def test_evidence_is_judged_by_content_not_name(requirement):
    fake = SimpleUploadedFile("certificate.pdf", b"just some text, not a PDF", content_type="application/pdf")
    with pytest.raises(DomainError, match="PDF"):
        f.submitted(member(), evidence=fake)
    assert not PEEntry.objects.exists()


def test_evidence_over_10_mb_is_refused(requirement):
    big = SimpleUploadedFile("big.pdf", f.PDF_BYTES + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(DomainError, match="10 MB"):
        f.submitted(member(), evidence=big)
    assert not PEEntry.objects.exists()


def test_the_member_changes_a_pending_entry(requirement):
    entry = f.submitted(member())
    pe_services.pe_entry_update(entry=entry, actor=entry.member, hours=Decimal("6"), title="Nieuwe titel",
                                today=date(2026, 6, 1))
    entry.refresh_from_db()
    assert (entry.hours, entry.title) == (Decimal("6"), "Nieuwe titel")
    assert _actions(entry)[-1] == "knowledge.pe_entry.updated"


def test_another_member_cannot_change_an_entry(requirement):
    entry = f.submitted(member())
    with pytest.raises(DomainError):
        pe_services.pe_entry_update(entry=entry, actor=member(), hours=Decimal("6"))


def test_an_approved_entry_cannot_be_changed(requirement):
    entry = f.approved(member(), secretary())
    with pytest.raises(DomainError):
        pe_services.pe_entry_update(entry=entry, actor=entry.member, hours=Decimal("6"))


def test_the_member_withdraws_a_pending_entry(requirement):
    entry = f.submitted(member())
    pe_services.pe_entry_withdraw(entry=entry, actor=entry.member)
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.WITHDRAWN
    assert _actions(entry)[-1] == "knowledge.pe_entry.withdrawn"


def test_a_withdrawn_entry_cannot_be_withdrawn_again(requirement):
    entry = f.submitted(member())
    pe_services.pe_entry_withdraw(entry=entry, actor=entry.member)
    with pytest.raises(DomainError):
        pe_services.pe_entry_withdraw(entry=entry, actor=entry.member)


def test_another_member_cannot_withdraw_an_entry(requirement):
    entry = f.submitted(member())
    with pytest.raises(DomainError):
        pe_services.pe_entry_withdraw(entry=entry, actor=member())


def test_staff_approve_a_pending_entry(requirement):
    reviewer = secretary()
    entry = f.approved(member(), reviewer)
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.APPROVED and entry.reviewed_by == reviewer
    assert _actions(entry)[-1] == "knowledge.pe_entry.approved"


def test_an_approved_entry_cannot_be_approved_again(requirement):
    reviewer = secretary()
    entry = f.approved(member(), reviewer)
    with pytest.raises(DomainError):
        pe_services.pe_entry_approve(entry=entry, actor=reviewer)


def test_staff_reject_with_a_reason(requirement):
    entry = f.submitted(member())
    pe_services.pe_entry_reject(entry=entry, actor=secretary(), reason="Geen bewijs van aanwezigheid.")
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.REJECTED
    assert entry.rejection_reason == "Geen bewijs van aanwezigheid."
    assert _actions(entry)[-1] == "knowledge.pe_entry.rejected"


def test_a_rejection_without_a_reason_is_refused(requirement):
    entry = f.submitted(member())
    with pytest.raises(DomainError):
        pe_services.pe_entry_reject(entry=entry, actor=secretary(), reason="  ")
    entry.refresh_from_db()
    assert entry.status == PEEntry.Status.PENDING


def test_a_withdrawn_entry_cannot_be_reviewed(requirement):
    entry = f.submitted(member())
    pe_services.pe_entry_withdraw(entry=entry, actor=entry.member)
    with pytest.raises(DomainError):
        pe_services.pe_entry_approve(entry=entry, actor=secretary())
    with pytest.raises(DomainError):
        pe_services.pe_entry_reject(entry=entry, actor=secretary(), reason="Te laat.")


def test_nobody_reviews_their_own_entry(requirement):
    reviewer = secretary()
    entry = f.submitted(reviewer)
    with pytest.raises(DomainError):
        pe_services.pe_entry_approve(entry=entry, actor=reviewer)


def test_every_action_renders_a_message():
    from portal.audit import log_registry

    for action in ("submitted", "updated", "withdrawn", "approved", "rejected"):
        assert log_registry.get_action_label(f"knowledge.pe_entry.{action}")
