"""The one table of membership rules: what each status allows, and that every mover obeys it."""

import pytest

from members.models import MEMBERSHIP_MOVES, Membership, MembershipAction
from members.services.dues import payment_record
from members.services.membership import membership_end, membership_lapse, membership_resign
from members.services.transitions import membership_transition
from portal.exceptions import DomainError
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

Status = Membership.Status
Action = MembershipAction

# What a member and the secretariat may do in each status, as the secretariat explains it.
ABILITIES = {
    #                 pay    resign  reminder  record payment  end
    Status.APPLICANT: (True, False, True, True, True),
    Status.ACTIVE: (False, True, True, True, True),
    Status.IN_ARREARS: (True, True, True, True, True),
    Status.LAPSED: (False, False, True, True, True),
    Status.RESIGNED: (False, False, False, True, True),
    Status.ENDED: (False, False, False, False, False),
}


def test_every_action_has_a_row_in_the_table():
    assert set(MEMBERSHIP_MOVES) == set(Action.values)


@pytest.mark.parametrize("status", list(ABILITIES))
def test_the_model_answers_what_each_status_allows(status):
    membership = Membership(status=status)
    answers = (
        membership.can_pay, membership.can_resign, membership.can_get_reminder,
        membership.can_record_payment, membership.can_end,
    )
    assert answers == ABILITIES[status]


def test_a_requested_resignation_cannot_be_requested_again():
    membership = Membership(status=Status.ACTIVE, resignation_requested_at="2026-01-01T00:00Z")
    assert not membership.can_resign


@pytest.mark.parametrize("status", [s for s in Status.values if s not in MEMBERSHIP_MOVES[Action.LAPSE].sources])
def test_a_refused_transition_raises_and_leaves_the_status(status):
    membership = Membership(status=status)
    with pytest.raises(DomainError):
        membership_transition(membership, Action.LAPSE)
    assert membership.status == status


def test_an_allowed_transition_sets_the_target_and_returns_the_status_before():
    membership = Membership(status=Status.IN_ARREARS)
    assert membership_transition(membership, Action.LAPSE) == Status.IN_ARREARS
    assert membership.status == Status.LAPSED


def test_the_refusal_message_is_the_callers():
    with pytest.raises(DomainError, match="Not now"):
        membership_transition(Membership(status=Status.ENDED), Action.END, refusal="Not now")


def test_lapsing_an_active_membership_is_refused_by_the_table():
    membership = MembershipFactory(active=True)
    with pytest.raises(DomainError):
        membership_lapse(membership=membership)
    assert Membership.objects.get(pk=membership.pk).status == Status.ACTIVE


def test_ending_an_ended_membership_is_refused_by_the_table():
    membership = MembershipFactory(ended=True)
    with pytest.raises(DomainError):
        membership_end(membership=membership, actor=UserFactory(), reason="Twice")


def test_an_applicant_cannot_resign():
    membership = MembershipFactory()
    with pytest.raises(DomainError):
        membership_resign(membership=membership, actor=membership.user)
    assert Membership.objects.get(pk=membership.pk).resignation_requested_at is None


def test_no_payment_is_recorded_for_an_ended_membership():
    from django.utils import timezone

    membership = MembershipFactory(ended=True)
    with pytest.raises(DomainError):
        payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=UserFactory())
    assert not membership.payments.exists()


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (Action.STRIPE_IN_ARREARS, {Status.APPLICANT, Status.ACTIVE, Status.IN_ARREARS}),
        (Action.STRIPE_LAPSE, {Status.APPLICANT, Status.ACTIVE, Status.IN_ARREARS}),
        (Action.STRIPE_ACTIVE, {Status.APPLICANT, Status.ACTIVE, Status.IN_ARREARS, Status.LAPSED, Status.RESIGNED}),
    ],
)
def test_stripe_never_moves_an_ended_membership_and_moves_only_as_the_table_says(action, allowed):
    assert MEMBERSHIP_MOVES[action].sources == allowed
    assert not Membership(status=Status.ENDED).may(action)
