"""Every membership transition: allowed moves, refused moves, history rows and repeats."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members.services.dues import payment_record
from portal.dates import add_months
from members.services.membership import (
    GRACE_DAYS,
    PRIVACY_VERSION,
    STATUTES_VERSION,
    membership_apply,
    membership_end,
    membership_lapse,
    membership_mark_in_arrears,
    membership_resign,
    membership_resignation_complete,
    membership_resignation_withdraw,
)
from members.models import Membership, MemberProfile, Payment
from portal.audit import Source
from wagtail.models import ModelLogEntry
from portal.exceptions import DomainError
from portal.models import OutboundEmail
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory, MembershipPlanFactory, history, profile_data

pytestmark = pytest.mark.django_db

Status = Membership.Status



@pytest.fixture
def plan():
    return MembershipPlanFactory(code="regular", yearly_price=Decimal("250.00"), vat_rate=Decimal("21.00"))


@pytest.fixture
def staff():
    return UserFactory(email="secretariat@example.org", is_staff=True)


def apply(user, plan, **kwargs):
    arguments = {"user": user, "plan": plan, "profile": profile_data(), "accepted_statutes": True, "accepted_privacy": True}
    arguments.update(kwargs)
    return membership_apply(**arguments)


def changes(membership):
    return list(history(membership))


# --- apply -----------------------------------------------------------------------


def test_apply_creates_applicant_with_accepted_versions_and_history(plan):
    user = UserFactory()
    membership = apply(user, plan)
    assert membership.status == Status.APPLICANT
    assert membership.statutes_version == STATUTES_VERSION
    assert membership.privacy_version == PRIVACY_VERSION
    assert membership.terms_accepted_at is not None
    [change] = changes(membership)
    assert (change.action, change.data["from_status"], change.data["to_status"]) == ("members.membership.applied", "", Status.APPLICANT)
    assert (change.user, change.data["source"]) == (user, Source.MEMBER)


def test_apply_stores_the_profile_and_names(plan):
    user = UserFactory(first_name="", last_name="")
    apply(user, plan, first_name=" Mila ", last_name="de Jong")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Mila", "de Jong")
    assert MemberProfile.objects.get(user=user).kvk_number == "12345678"


def test_apply_without_accepting_the_statutes_saves_nothing(plan):
    user = UserFactory()
    with pytest.raises(DomainError):
        apply(user, plan, accepted_statutes=False)
    assert not Membership.objects.filter(user=user).exists()
    assert not MemberProfile.objects.filter(user=user).exists()


def test_apply_for_a_closed_plan_is_refused(plan):
    plan.is_active = False
    plan.save()
    with pytest.raises(DomainError):
        apply(UserFactory(), plan)


def test_apply_with_an_invalid_kvk_number_saves_nothing(plan):
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        apply(user, plan, profile=profile_data(kvk_number="1234"))
    assert not Membership.objects.filter(user=user).exists()


def test_resuming_an_application_adds_no_history(plan):
    user = UserFactory()
    apply(user, plan)
    membership = apply(user, plan, profile=profile_data(city="Utrecht"))
    assert len(changes(membership)) == 1
    assert MemberProfile.objects.get(user=user).city == "Utrecht"


def test_changing_the_plan_of_an_application_is_recorded(plan):
    user = UserFactory()
    apply(user, plan)
    starter = MembershipPlanFactory(code="starter")
    membership = apply(user, starter)
    assert membership.plan == starter
    assert changes(membership)[-1].action == "members.membership.plan_changed"
    assert changes(membership)[-1].data.items() >= {"from_plan": "regular", "to_plan": "starter"}.items()


def test_a_member_cannot_apply_again(plan):
    membership = MembershipFactory(active=True, plan=plan)
    with pytest.raises(DomainError):
        apply(membership.user, plan)


@pytest.mark.parametrize("status", ["lapsed", "resigned", "ended"])
def test_a_former_member_can_apply_again(plan, status):
    membership = MembershipFactory(plan=plan, **{status: True})
    membership = apply(membership.user, plan)
    assert membership.status == Status.APPLICANT
    assert membership.resignation_requested_at is None and membership.ended_reason == ""
    assert changes(membership)[-1].data["from_status"] == status


# --- payment_record -------------------------------------------------------------


def test_recorded_transfer_activates_an_applicant_for_the_plan_period(plan, staff):
    membership = MembershipFactory(plan=plan)
    today = timezone.localdate()
    payment = payment_record(
        membership=membership, method=Payment.Method.BANK_TRANSFER, paid_on=today, actor=staff, reference="NL12"
    )
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert membership.member_since == today
    assert membership.paid_until == add_months(today, 12) - timedelta(days=1)
    assert (payment.period_start, payment.period_end) == (today, membership.paid_until)
    assert payment.amount == Decimal("302.50") and payment.vat_amount == Decimal("52.50")
    assert payment.receipt_number == f"R{today.year}-00001"
    change = changes(membership)[-1]
    assert (change.action, change.data["from_status"], change.data["to_status"]) == ("members.membership.activated", Status.APPLICANT, Status.ACTIVE)
    assert (change.user, change.data["source"]) == (staff, Source.SECRETARIAT)
    assert (change.data["cause"], change.data["method"]) == ("payment", Payment.Method.BANK_TRANSFER)


def test_receipt_numbers_count_up(plan, staff):
    today = timezone.localdate()
    first = payment_record(membership=MembershipFactory(plan=plan), method="bank_transfer", paid_on=today, actor=staff)
    second = payment_record(membership=MembershipFactory(plan=plan), method="other", paid_on=today, actor=staff)
    assert int(second.receipt_number[-5:]) == int(first.receipt_number[-5:]) + 1


def test_recorded_payment_renews_an_active_membership_after_the_paid_period(plan, staff):
    membership = MembershipFactory(plan=plan, active=True)
    old_until = membership.paid_until
    payment = payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    membership.refresh_from_db()
    assert payment.period_start == old_until + timedelta(days=1)
    assert membership.paid_until == payment.period_end
    assert changes(membership)[-1].action == "members.membership.renewed"


def test_payment_in_arrears_continues_the_period_without_a_gap(plan, staff):
    membership = MembershipFactory(plan=plan, in_arrears=True)
    old_until = membership.paid_until
    payment = payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE and membership.grace_until is None
    assert payment.period_start == old_until + timedelta(days=1)


def test_payment_after_lapse_starts_a_new_membership_today(plan, staff):
    membership = MembershipFactory(plan=plan, lapsed=True)
    payment = payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert payment.period_start == timezone.localdate() == membership.member_since


def test_payment_for_an_ended_membership_is_refused(plan, staff):
    membership = MembershipFactory(plan=plan, ended=True)
    with pytest.raises(DomainError):
        payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    assert not Payment.objects.exists()


def test_payment_dated_in_the_future_is_refused(plan, staff):
    with pytest.raises(DomainError):
        payment_record(
            membership=MembershipFactory(plan=plan),
            method="bank_transfer",
            paid_on=timezone.localdate() + timedelta(days=1),
            actor=staff,
        )


def test_stripe_payments_cannot_be_recorded_by_hand(plan, staff):
    with pytest.raises(DomainError):
        payment_record(membership=MembershipFactory(plan=plan), method="stripe", paid_on=timezone.localdate(), actor=staff)


# --- arrears ---------------------------------------------------------------------


def test_mark_in_arrears_starts_a_grace_period(plan):
    membership = MembershipFactory(plan=plan, active=True, payment_pending=True)
    membership_mark_in_arrears(membership=membership, source=Source.STRIPE, reason="Card declined")
    membership.refresh_from_db()
    assert membership.status == Status.IN_ARREARS
    assert membership.payment_pending is False
    assert membership.grace_until == timezone.localdate() + timedelta(days=GRACE_DAYS)
    change = changes(membership)[-1]
    assert (change.action, change.data["from_status"], change.data["source"], change.data.get("reason", "")) == (
        "members.membership.in_arrears", Status.ACTIVE, Source.STRIPE, "Card declined"
    )


def test_mark_in_arrears_twice_changes_nothing_the_second_time(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_mark_in_arrears(membership=membership)
    grace_until = Membership.objects.get(pk=membership.pk).grace_until
    membership_mark_in_arrears(membership=membership, today=timezone.localdate() + timedelta(days=3))
    membership.refresh_from_db()
    assert membership.grace_until == grace_until
    assert history(membership).filter(action="members.membership.in_arrears").count() == 1


@pytest.mark.parametrize("status", ["applicant", "lapsed", "resigned", "ended"])
def test_only_an_active_membership_falls_into_arrears(plan, status):
    membership = MembershipFactory(plan=plan, **({} if status == "applicant" else {status: True}))
    with pytest.raises(DomainError):
        membership_mark_in_arrears(membership=membership)


def test_falling_into_arrears_mails_the_member_once_after_commit(plan, django_capture_on_commit_callbacks, mailoutbox):
    membership = MembershipFactory(plan=plan, active=True, stripe=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        membership_mark_in_arrears(membership=membership, source=Source.STRIPE)
    assert callbacks, "the notice is queued on commit"
    email = OutboundEmail.objects.get(kind="members.arrears")
    assert email.key == f"arrears-notice:{membership.pk}:{Membership.objects.get(pk=membership.pk).grace_until}"
    assert email.recipients == [membership.user.email]
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        membership_mark_in_arrears(membership=membership, source=Source.STRIPE)
    assert OutboundEmail.objects.filter(kind="members.arrears").count() == 1


def test_no_notice_is_queued_when_falling_into_arrears_is_rolled_back(plan, django_capture_on_commit_callbacks):
    from django.db import transaction

    membership = MembershipFactory(plan=plan, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            membership_mark_in_arrears(membership=membership)
            raise RuntimeError("rollback")
    assert not OutboundEmail.objects.exists()
    assert Membership.objects.get(pk=membership.pk).status == Status.ACTIVE


# --- lapse -----------------------------------------------------------------------


def test_lapse_ends_rights_after_the_grace_period(plan):
    membership = MembershipFactory(plan=plan, in_arrears=True)
    membership_lapse(membership=membership, reason="Grace over")
    membership.refresh_from_db()
    assert membership.status == Status.LAPSED and not membership.is_member
    change = changes(membership)[-1]
    assert (change.action, change.data["from_status"], change.data["to_status"], change.data["source"], change.user) == (
        "members.membership.lapsed", Status.IN_ARREARS, Status.LAPSED, Source.SYSTEM, None
    )


def test_lapse_twice_records_once(plan):
    membership = MembershipFactory(plan=plan, in_arrears=True)
    membership_lapse(membership=membership)
    membership_lapse(membership=membership)
    assert history(membership).filter(action="members.membership.lapsed").count() == 1


def test_an_active_membership_cannot_lapse(plan):
    with pytest.raises(DomainError):
        membership_lapse(membership=MembershipFactory(plan=plan, active=True))


# --- resign ----------------------------------------------------------------------


def test_resigning_keeps_the_membership_until_the_paid_period_ends(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=membership.user, reason="Retiring")
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert membership.resignation_pending
    change = changes(membership)[-1]
    assert (change.action, change.user, change.data["source"], change.data.get("reason", "")) == (
        "members.membership.resignation_requested", membership.user, Source.MEMBER, "Retiring"
    )
    assert change.data["ends_on"] == membership.paid_until.isoformat()


def test_resigning_twice_records_once(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=membership.user)
    membership_resign(membership=Membership.objects.get(pk=membership.pk), actor=membership.user)
    assert history(membership).filter(action="members.membership.resignation_requested").count() == 1


def test_withdrawing_a_resignation_keeps_the_membership_going(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=membership.user)
    membership_resignation_withdraw(membership=membership, actor=membership.user)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert not membership.resignation_pending
    change = changes(membership)[-1]
    assert (change.action, change.user, change.data["source"]) == (
        "members.membership.resignation_withdrawn", membership.user, Source.MEMBER
    )
    # Repeating it changes nothing, and a later daily run does not end the membership.
    membership_resignation_withdraw(membership=membership, actor=membership.user)
    assert history(membership).filter(action="members.membership.resignation_withdrawn").count() == 1


def test_a_resignation_that_took_effect_cannot_be_withdrawn(plan):
    membership = MembershipFactory(plan=plan, resigned=True)
    membership.resignation_requested_at = timezone.now()
    membership.save(update_fields=["resignation_requested_at"])
    with pytest.raises(DomainError):
        membership_resignation_withdraw(membership=membership, actor=membership.user)
    membership.refresh_from_db()
    assert membership.status == Status.RESIGNED


def test_resignation_by_the_secretariat_is_recorded_as_such(plan, staff):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=staff, reason="By letter")
    assert changes(membership)[-1].data["source"] == Source.SECRETARIAT


@pytest.mark.parametrize("status", ["applicant", "lapsed", "resigned", "ended"])
def test_only_a_current_membership_can_be_resigned(plan, status):
    membership = MembershipFactory(plan=plan, **({} if status == "applicant" else {status: True}))
    membership.resignation_requested_at = None
    membership.save()
    with pytest.raises(DomainError):
        membership_resign(membership=membership, actor=membership.user)


def test_resignation_completes_only_after_the_paid_period(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=membership.user)
    with pytest.raises(DomainError):
        membership_resignation_complete(membership=membership)
    membership_resignation_complete(membership=membership, today=membership.paid_until + timedelta(days=1))
    membership.refresh_from_db()
    assert membership.status == Status.RESIGNED
    change = changes(membership)[-1]
    assert (change.action, change.data["from_status"], change.data["source"]) == ("members.membership.resigned", Status.ACTIVE, Source.SYSTEM)


def test_completing_a_resignation_twice_records_once(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=membership.user)
    after = membership.paid_until + timedelta(days=1)
    membership_resignation_complete(membership=membership, today=after)
    membership_resignation_complete(membership=membership, today=after)
    assert history(membership).filter(action="members.membership.resigned").count() == 1


def test_a_resignation_that_was_not_requested_cannot_complete(plan):
    membership = MembershipFactory(plan=plan, active=True)
    with pytest.raises(DomainError):
        membership_resignation_complete(membership=membership, today=membership.paid_until + timedelta(days=1))


def test_stripe_may_complete_a_resignation_when_the_subscription_ends(plan):
    membership = MembershipFactory(plan=plan, active=True)
    membership_resign(membership=membership, actor=membership.user)
    membership_resignation_complete(membership=membership, source=Source.STRIPE)
    assert Membership.objects.get(pk=membership.pk).status == Status.RESIGNED


def test_rejoining_by_payment_after_resigning_clears_the_resignation(plan, staff):
    membership = MembershipFactory(plan=plan, resigned=True)
    payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE and membership.resignation_requested_at is None


# --- end -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["applicant", "active", "in_arrears", "lapsed", "resigned"])
def test_the_secretariat_can_end_any_membership_with_a_reason(plan, staff, status):
    membership = MembershipFactory(plan=plan, **({} if status == "applicant" else {status: True}))
    membership_end(membership=membership, actor=staff, reason="Deceased")
    membership.refresh_from_db()
    assert (membership.status, membership.ended_reason) == (Status.ENDED, "Deceased")
    change = changes(membership)[-1]
    assert (change.data["from_status"], change.user, change.data["source"], change.data.get("reason", "")) == (status, staff, Source.SECRETARIAT, "Deceased")


def test_ending_without_a_reason_is_refused(plan, staff):
    membership = MembershipFactory(plan=plan, active=True)
    with pytest.raises(DomainError):
        membership_end(membership=membership, actor=staff, reason="  ")
    assert Membership.objects.get(pk=membership.pk).status == Status.ACTIVE


def test_ending_an_ended_membership_is_refused(plan, staff):
    with pytest.raises(DomainError):
        membership_end(membership=MembershipFactory(plan=plan, ended=True), actor=staff, reason="Again")


# --- demo content ------------------------------------------------------------------


def test_demo_members_reach_each_status_and_a_second_seed_adds_nothing():
    import io

    from members.demo import seed_members

    seed_members(io.StringIO())
    counts = (Membership.objects.count(), ModelLogEntry.objects.count(), Payment.objects.count())
    seed_members(io.StringIO())
    assert (Membership.objects.count(), ModelLogEntry.objects.count(), Payment.objects.count()) == counts
    statuses = {m.user.email.split("@")[0]: (m.status, m.resignation_pending) for m in Membership.objects.select_related("user")}
    assert statuses == {
        "member": (Status.ACTIVE, False),
        "applicant": (Status.APPLICANT, False),
        "arrears": (Status.IN_ARREARS, False),
        "lapsed": (Status.LAPSED, False),
        "resigning": (Status.ACTIVE, True),
    }
    assert Payment.objects.get(membership__user__email__startswith="member@").has_receipt


def test_demo_members_have_their_history_on_the_audit_log():
    import io

    from members.demo import seed_members

    seed_members(io.StringIO())
    lapsed = Membership.objects.get(user__email__startswith="lapsed@")
    assert [entry.action for entry in history(lapsed)] == [
        "members.membership.applied",
        "members.payment.recorded",
        "members.membership.activated",
        "members.membership.in_arrears",
        "members.membership.lapsed",
    ]
