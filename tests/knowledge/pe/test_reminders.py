"""Reminders to members still short: twelve, six and three months before the cycle ends, each once."""

from datetime import date
from decimal import Decimal

import pytest

from knowledge import pe_services
from knowledge.pe_models import PEEntry, PEReminder
from portal.models import OutboundEmail
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member

pytestmark = pytest.mark.django_db

# Rules from 2020-01-01, three-year cycles: the current one ends on 2028-12-31.


@pytest.fixture
def requirement():
    return f.rqim_requirement()


@pytest.mark.parametrize(("today", "months"), [
    (date(2027, 12, 30), None), (date(2027, 12, 31), 12), (date(2028, 6, 29), 12), (date(2028, 6, 30), 6),
    (date(2028, 9, 29), 6), (date(2028, 9, 30), 3), (date(2028, 12, 31), 3), (date(2029, 1, 1), None),
])
def test_the_occasion_follows_the_months_left(today, months):
    assert pe_services.pe_reminder_occasion(cycle_end=date(2028, 12, 31), today=today) == months


def test_a_member_still_short_gets_each_reminder_once(requirement, mailoutbox):
    person = member()
    counts = pe_services.pe_reminders_run(today=date(2027, 12, 31))
    assert counts["sent"] == 1
    assert pe_services.pe_reminders_run(today=date(2028, 1, 1))["sent"] == 0
    assert pe_services.pe_reminders_run(today=date(2028, 7, 1))["sent"] == 1
    assert pe_services.pe_reminders_run(today=date(2028, 10, 1))["sent"] == 1
    assert pe_services.pe_reminders_run(today=date(2028, 10, 2))["sent"] == 0
    assert list(PEReminder.objects.filter(member=person).order_by("-months_before").values_list("months_before", flat=True)) == [12, 6, 3]
    emails = OutboundEmail.objects.filter(kind="knowledge.pe_reminder")
    assert emails.count() == 3
    assert "60" in emails.first().body_text


def test_a_member_who_met_the_requirement_gets_none(requirement):
    person = member()
    for code, hours in (("sessions", "50"), ("intervision", "10")):
        PEEntry.objects.create(member=person, category=f.category(code), title="Gedaan", date=date(2027, 3, 1),
                               hours=Decimal(hours), status=PEEntry.Status.APPROVED)
    assert pe_services.pe_reminders_run(today=date(2027, 12, 31))["sent"] == 0
    assert not PEReminder.objects.exists()


def test_the_reminder_is_in_the_members_language(requirement):
    person = member()
    person.language = "en"
    person.save(update_fields=["language"])
    pe_services.pe_reminders_run(today=date(2028, 10, 1))
    email = OutboundEmail.objects.get(kind="knowledge.pe_reminder")
    assert "Your PE cycle ends in 3 months" in email.subject
    assert "/en/pe/" in email.body_text


def test_the_daily_schedule_is_registered_once():
    from knowledge.pe_tasks import schedules_ensure

    assert schedules_ensure() is True
    assert schedules_ensure() is False
