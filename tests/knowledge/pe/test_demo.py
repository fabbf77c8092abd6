"""The PE demo: entries in every state across two cycles, one member on track and one behind; idempotent."""

from datetime import date
from io import StringIO

import pytest
from django.utils import timezone

from knowledge import pe_selectors
from knowledge.demo_pe import seed_pe
from knowledge.pe_models import PEAuditRun, PEEntry, PERequirement
from tests.factories import UserFactory
from tests.members.certification.factories import scheme_with_norms
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    scheme_with_norms()
    UserFactory(email="secretariat@rqim.example", groups=["Secretariat"])
    on_track = MembershipFactory(active=True, user__email="member@rqim.example").user
    behind = MembershipFactory(active=True, user__email="arrears@rqim.example").user
    return on_track, behind


def _snapshot():
    return sorted(PEEntry.objects.values_list("member_id", "title", "status", "date", "audit_year"))


def test_the_demo_gives_two_cycles_one_member_on_track_and_one_behind(people):
    on_track, behind = people
    seed_pe(StringIO())
    today = timezone.localdate()
    assert PERequirement.objects.count() == 2  # the rules changed between the cycles
    assert set(PEEntry.objects.filter(member=on_track).values_list("status", flat=True)) >= {
        "approved", "pending", "rejected", "withdrawn"}
    assert PEEntry.objects.filter(member=on_track, audit_year=2025).exists()
    assert pe_selectors.pe_forecast(user=on_track, on=today).will_meet
    assert not pe_selectors.pe_forecast(user=behind, on=today).will_meet
    previous = date(2025, 6, 1)
    assert pe_selectors.pe_eligibility(user=on_track, on=previous).met
    assert not pe_selectors.pe_eligibility(user=behind, on=previous).met


def test_running_the_demo_twice_changes_nothing(people):
    seed_pe(StringIO())
    before = _snapshot()
    seed_pe(StringIO())
    assert _snapshot() == before and PEAuditRun.objects.count() == 1
