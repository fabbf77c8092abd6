"""The ledger decides: caps and minimums per category, the total, rules per cycle, recertification."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from knowledge import pe_selectors
from knowledge.pe_models import PECategoryRule
from members.services import certification as cert_services
from portal.exceptions import DomainError
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import decider, issued_certificate, member, scheme_with_norms, secretary

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def _progress(user, on=TODAY):
    scheme = scheme_with_norms()
    cycle = pe_selectors.pe_cycle_for(user=user, scheme=scheme, on=on)
    return pe_selectors.pe_progress(user=user, start=cycle.start, end=cycle.end, requirement=cycle.requirement)


def _by_code(progress):
    return {row.category.code: row for row in progress.categories}


def test_points_above_the_maximum_do_not_count():
    f.rqim_requirement()
    person, reviewer = member(), secretary()
    f.approved(person, reviewer, code="courses", hours="45")
    row = _by_code(_progress(person))["courses"]
    assert (row.approved, row.counted) == (Decimal("45"), Decimal("30"))


def test_the_total_counts_only_capped_points():
    f.rqim_requirement()
    person, reviewer = member(), secretary()
    f.approved(person, reviewer, code="courses", hours="45")
    f.approved(person, reviewer, code="intervision", hours="10")
    f.approved(person, reviewer, code="sessions", hours="19")
    progress = _progress(person)
    assert progress.counted == Decimal("59")
    assert progress.missing == Decimal("1")
    assert not progress.met


def test_the_requirement_is_met_with_enough_points_and_every_minimum():
    f.rqim_requirement()
    person, reviewer = member(), secretary()
    f.approved(person, reviewer, code="courses", hours="30")
    f.approved(person, reviewer, code="intervision", hours="10")
    f.approved(person, reviewer, code="sessions", hours="20")
    assert pe_selectors.pe_requirement_met(user=person, scheme=scheme_with_norms(), on=TODAY)


def test_a_category_below_its_minimum_fails_the_requirement():
    f.rqim_requirement()
    person, reviewer = member(), secretary()
    f.approved(person, reviewer, code="sessions", hours="100")
    f.approved(person, reviewer, code="intervision", hours="9")
    progress = _progress(person)
    assert progress.missing == 0
    assert [row.category.code for row in progress.short_categories] == ["intervision"]
    assert not pe_selectors.pe_requirement_met(user=person, scheme=scheme_with_norms(), on=TODAY)


def test_pending_rejected_and_withdrawn_entries_do_not_count():
    from knowledge import pe_services

    f.rqim_requirement()
    person, reviewer = member(), secretary()
    f.submitted(person, hours="5")
    pe_services.pe_entry_reject(entry=f.submitted(person, hours="7"), actor=reviewer, reason="Nee.")
    pe_services.pe_entry_withdraw(entry=f.submitted(person, hours="11"), actor=person)
    row = _by_code(_progress(person))["sessions"]
    assert (row.approved, row.pending) == (Decimal("0"), Decimal("5"))


def test_hours_convert_to_points_at_the_requirements_rate():
    f.rqim_requirement(rate=Decimal("2"))
    person = member()
    f.approved(person, secretary(), code="sessions", hours="3")
    assert _by_code(_progress(person))["sessions"].approved == Decimal("6")


def test_an_entry_in_an_earlier_cycle_does_not_count_in_the_current_one():
    f.rqim_requirement()
    person = member()
    f.approved(person, secretary(), code="sessions", hours="8", on=date(2025, 12, 31), today=date(2025, 12, 31))
    assert _by_code(_progress(person))["sessions"].approved == 0
    assert _by_code(_progress(person, on=date(2025, 6, 1)))["sessions"].approved == Decimal("8")


def test_the_rules_of_the_cycle_apply_after_a_rule_change():
    old = f.rqim_requirement(points=Decimal("60"))
    new = f.rqim_requirement(valid_from=date(2026, 1, 1), points=Decimal("90"))
    person = member()
    assert pe_selectors.pe_cycle_for(user=person, scheme=old.scheme, on=date(2025, 6, 1)).requirement == old
    assert pe_selectors.pe_cycle_for(user=person, scheme=old.scheme, on=date(2026, 6, 1)).requirement == new
    assert _progress(person, on=date(2025, 6, 1)).required == Decimal("60")


def test_a_certificate_holders_cycle_is_the_validity_period():
    f.rqim_requirement()
    certificate = issued_certificate()
    cycle = pe_selectors.pe_cycle_for(user=certificate.holder, scheme=certificate.scheme, on=certificate.valid_from)
    assert (cycle.start, cycle.end) == (certificate.valid_from, certificate.valid_until)


def test_a_rule_maximum_below_its_minimum_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    requirement = f.rqim_requirement()
    with pytest.raises(IntegrityError), transaction.atomic():
        PECategoryRule.objects.create(requirement=requirement, category=f.category("sessions"),
                                      min_points=Decimal("10"), max_points=Decimal("5"))


def test_recertification_is_refused_when_the_ledger_falls_short(pe_check_registered):
    f.rqim_requirement()
    certificate = issued_certificate()
    with pytest.raises(DomainError):
        cert_services.certificate_renew(certificate=certificate, actor=decider(),
                                        today=certificate.valid_until - timedelta(days=30))
    assert certificate.periods.count() == 1


def test_recertification_is_allowed_when_the_ledger_meets_the_requirement(pe_check_registered):
    f.rqim_requirement()
    certificate = issued_certificate()
    person, reviewer, day = certificate.holder, secretary(), certificate.valid_from
    f.approved(person, reviewer, code="courses", hours="30", on=day, today=day)
    f.approved(person, reviewer, code="intervision", hours="10", on=day, today=day)
    f.approved(person, reviewer, code="sessions", hours="20", on=day, today=day)
    cert_services.certificate_renew(certificate=certificate, actor=decider(),
                                    today=certificate.valid_until - timedelta(days=30))
    assert certificate.periods.count() == 2


def test_the_ledger_is_registered_as_the_certification_check():
    from knowledge.pe_selectors import pe_requirement_check
    from members.services import certification

    assert certification._pe_requirement_check is pe_requirement_check
