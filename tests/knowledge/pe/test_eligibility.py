"""Eligibility with its reasons, cycle boundaries in Amsterdam time, caps, rule changes,
the forecast, and the standings of many members agreeing with one member's."""

from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone, translation

from knowledge import pe_selectors
from knowledge.pe_models import PECategoryRule, PEEntry
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member, secretary

pytestmark = pytest.mark.django_db

# Rules from 2020-01-01 in three-year cycles: the cycle around 2026 runs 2026-01-01 – 2028-12-31.


@pytest.fixture
def requirement():
    return f.rqim_requirement()


@pytest.fixture
def staff():
    return secretary()


def _approve(person, staff, *, code, hours, on):
    return f.approved(person, staff, code=code, hours=str(hours), on=on, today=max(on, date(2026, 1, 2)))


def test_eligibility_says_which_categories_and_how_many_points_are_short(requirement, staff):
    person = member()
    _approve(person, staff, code="sessions", hours=20, on=date(2026, 3, 1))
    _approve(person, staff, code="intervision", hours=4, on=date(2026, 3, 1))
    result = pe_selectors.pe_eligibility(user=person, on=date(2026, 6, 1))
    assert not result.met
    shortfalls = {(s.category.code if s.category else None): s.missing for s in result.shortfalls}
    assert shortfalls == {None: Decimal("36"), "intervision": Decimal("6")}
    with translation.override("en"):
        assert result.reasons == ["36 points short of the 60 required in the cycle.",
                                  "6 points short in Intervision and peer review."]


def test_eligibility_is_met_with_the_total_and_every_minimum(requirement, staff):
    person = member()
    _approve(person, staff, code="sessions", hours=50, on=date(2026, 3, 1))
    _approve(person, staff, code="intervision", hours=10, on=date(2026, 3, 1))
    result = pe_selectors.pe_eligibility(user=person, on=date(2026, 6, 1))
    assert result.met and result.shortfalls == () and result.reasons == []


def test_an_activity_on_the_last_day_of_the_cycle_counts_in_it(requirement, staff):
    person = member()
    entry = f.approved(person, staff, hours="5", on=date(2028, 12, 31), today=date(2028, 12, 31))
    assert pe_selectors.pe_eligibility(user=person, on=date(2028, 12, 31)).progress.counted == Decimal("5")
    assert pe_selectors.pe_eligibility(user=person, on=date(2029, 1, 1)).progress.counted == 0
    assert entry.date == date(2028, 12, 31)


def test_the_cycle_turns_at_midnight_in_amsterdam_not_utc(requirement):
    person = member()
    # 23:30 UTC on 31 December 2028 is already 1 January 2029 in Amsterdam: a new cycle,
    # so a date in the old one is refused as before the current cycle.
    moment = datetime(2028, 12, 31, 23, 30, tzinfo=dt_timezone.utc)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert timezone.localdate() == date(2029, 1, 1)
        cycle = pe_selectors.pe_cycle_for(user=person, scheme=requirement.scheme, on=timezone.localdate())
    assert (cycle.start, cycle.end) == (date(2029, 1, 1), date(2031, 12, 31))


def test_a_certificate_holders_last_day_counts_and_the_next_day_does_not(staff, pe_check_registered):
    from tests.members.certification.factories import issued_certificate

    f.rqim_requirement()
    certificate = issued_certificate()
    holder = certificate.holder
    cycle = pe_selectors.pe_cycle_for(user=holder, scheme=certificate.scheme, on=certificate.valid_from)
    assert (cycle.start, cycle.end) == (certificate.valid_from, certificate.valid_until)
    PEEntry.objects.create(member=holder, category=f.category("sessions"), title="Laatste dag", date=cycle.end,
                           hours=Decimal("7"), status=PEEntry.Status.APPROVED)
    PEEntry.objects.create(member=holder, category=f.category("sessions"), title="Dag erna",
                           date=date.fromordinal(cycle.end.toordinal() + 1), hours=Decimal("9"),
                           status=PEEntry.Status.APPROVED)
    result = pe_selectors.pe_eligibility(user=holder, on=cycle.end)
    assert result.progress.counted == Decimal("7")


def test_caps_apply_before_the_total(requirement, staff):
    person = member()
    _approve(person, staff, code="courses", hours=45, on=date(2026, 3, 1))  # max 30 counts
    _approve(person, staff, code="sessions", hours=20, on=date(2026, 3, 1))
    _approve(person, staff, code="intervision", hours=10, on=date(2026, 3, 1))
    result = pe_selectors.pe_eligibility(user=person, on=date(2026, 6, 1))
    assert result.progress.counted == Decimal("60") and result.met
    courses = next(row for row in result.progress.categories if row.category.code == "courses")
    assert courses.over_maximum == Decimal("15")


def test_a_rule_change_applies_from_the_next_cycle_only(requirement, staff):
    stricter = type(requirement).objects.create(scheme=requirement.scheme, valid_from=date(2029, 1, 1), cycle_years=3,
                                                points_required=Decimal("80"), points_per_hour=Decimal("2"))
    PECategoryRule.objects.create(requirement=stricter, category=f.category("intervision"), min_points=Decimal("20"))
    person = member()
    PEEntry.objects.create(member=person, category=f.category("intervision"), title="Oud", date=date(2028, 6, 1),
                           hours=Decimal("10"), status=PEEntry.Status.APPROVED)
    PEEntry.objects.create(member=person, category=f.category("intervision"), title="Nieuw", date=date(2029, 6, 1),
                           hours=Decimal("10"), status=PEEntry.Status.APPROVED)
    old = pe_selectors.pe_eligibility(user=person, on=date(2028, 6, 1)).progress
    new = pe_selectors.pe_eligibility(user=person, on=date(2029, 6, 1)).progress
    assert (old.required, old.counted) == (Decimal("60"), Decimal("10"))
    assert (new.required, new.counted) == (Decimal("80"), Decimal("20"))


def test_the_forecast_extrapolates_the_pace_to_the_cycles_end(requirement, staff):
    person = member()
    # After a third of the cycle (2026), 25 points with 5 in intervision: 75 by the end, but intervision 15.
    _approve(person, staff, code="sessions", hours=20, on=date(2026, 3, 1))
    _approve(person, staff, code="intervision", hours=2, on=date(2026, 3, 1))
    on = date(2026, 12, 31)
    forecast = pe_selectors.pe_forecast(user=person, on=on)
    assert forecast.projected > Decimal("60") * 1  # sessions alone make 60 by the end
    assert [row.category.code for row in forecast.short_categories] == ["intervision"]
    assert not forecast.will_meet
    assert forecast.days_left == 732  # 2027, leap year 2028, and today


def test_a_member_on_pace_will_meet(requirement, staff):
    person = member()
    _approve(person, staff, code="sessions", hours=20, on=date(2026, 3, 1))
    _approve(person, staff, code="intervision", hours=5, on=date(2026, 3, 1))
    forecast = pe_selectors.pe_forecast(user=person, on=date(2026, 12, 31))
    assert forecast.will_meet and forecast.short_categories == []


def test_the_forecast_is_none_without_rules():
    assert pe_selectors.pe_forecast(user=member(), on=date(2026, 6, 1)) is None


def test_the_forecast_counts_event_points(requirement, staff):
    person = member()
    PEEntry.objects.create(member=person, category=f.category("sessions"), title="Sessie", date=date(2026, 3, 1),
                           hours=Decimal("2"), points=Decimal("30"), status=PEEntry.Status.APPROVED,
                           source=PEEntry.Source.EVENT)
    assert pe_selectors.pe_forecast(user=person, on=date(2026, 6, 1)).progress.counted == Decimal("30")


def test_the_standings_of_many_agree_with_each_members_own(requirement, staff, django_assert_max_num_queries):
    people = [member() for _ in range(4)]
    for index, person in enumerate(people):
        _approve(person, staff, code="courses", hours=10 * (index + 1), on=date(2026, 3, 1))
        _approve(person, staff, code="intervision", hours=index * 4, on=date(2026, 4, 1)) if index else None
        f.submitted(person, code="sessions", hours="3", on=date(2026, 5, 1))
    PEEntry.objects.create(member=people[0], category=f.category("sessions"), title="Vorige cyclus",
                           date=date(2025, 12, 31), hours=Decimal("40"), status=PEEntry.Status.APPROVED)
    with django_assert_max_num_queries(10):
        standings = pe_selectors.pe_standings(on=date(2026, 6, 1), member_ids=[p.pk for p in people])
    for person in people:
        own = pe_selectors.pe_eligibility(user=person, on=date(2026, 6, 1))
        mine = standings[person.pk]
        assert mine.progress.counted == own.progress.counted
        assert mine.progress.pending == own.progress.pending
        assert mine.eligibility().shortfalls == own.shortfalls
