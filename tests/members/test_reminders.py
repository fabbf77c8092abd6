"""The daily run and the reminders: each moves or mails once, however often it runs."""

import re
from datetime import date, timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members import tasks
from members.services.daily import memberships_daily_run
from members.services.membership import GRACE_DAYS
from members.services import reminders
from members.services.reminders import GRACE_NOTICE_DAYS, REMINDER_ARREARS, RENEWAL_NOTICE_DAYS, resign_link_token
from members.models import Membership
from portal.models import OutboundEmail
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory, history

pytestmark = pytest.mark.django_db

Status = Membership.Status
TODAY = date(2030, 3, 10)



def run(today=TODAY):
    return memberships_daily_run(today=today)


def reload(membership):
    return Membership.objects.get(pk=membership.pk)


# --- moving on as time passes ------------------------------------------------------


def test_an_unpaid_renewal_puts_a_hand_paid_membership_in_arrears():
    membership = MembershipFactory(active=True, paid_until=TODAY - timedelta(days=1))
    assert run()["in_arrears"] == 1
    membership = reload(membership)
    assert membership.status == Status.IN_ARREARS
    assert membership.grace_until == TODAY + timedelta(days=GRACE_DAYS)
    assert history(membership).get(action="members.membership.in_arrears").data["cause"] == "period_ended"


def test_a_membership_paid_through_today_stays_active():
    membership = MembershipFactory(active=True, paid_until=TODAY)
    run()
    assert reload(membership).status == Status.ACTIVE


def test_stripe_memberships_are_renewed_by_stripe_not_by_the_daily_run():
    membership = MembershipFactory(active=True, stripe=True, paid_until=TODAY - timedelta(days=1), payment_pending=True)
    run()
    assert reload(membership).status == Status.ACTIVE


def test_a_membership_lapses_when_the_grace_period_is_over():
    ending = MembershipFactory(in_arrears=True, grace_until=TODAY - timedelta(days=1))
    still = MembershipFactory(in_arrears=True, grace_until=TODAY)
    assert run()["lapsed"] == 1
    assert reload(ending).status == Status.LAPSED
    assert reload(still).status == Status.IN_ARREARS


def test_a_resignation_takes_effect_after_the_paid_period_not_before():
    ending = MembershipFactory(active=True, paid_until=TODAY - timedelta(days=1), resignation_requested_at=timezone.now())
    running = MembershipFactory(active=True, paid_until=TODAY, resignation_requested_at=timezone.now())
    assert run()["resigned"] == 1
    assert reload(ending).status == Status.RESIGNED
    assert reload(running).status == Status.ACTIVE


def test_a_resigning_member_is_not_put_in_arrears_when_the_period_ends():
    membership = MembershipFactory(active=True, paid_until=TODAY - timedelta(days=1), resignation_requested_at=timezone.now())
    run()
    membership = reload(membership)
    assert membership.status == Status.RESIGNED
    assert not history(membership).filter(action="members.membership.in_arrears").exists()


def test_running_twice_changes_and_sends_nothing_the_second_time(mailoutbox):
    MembershipFactory(active=True, paid_until=TODAY - timedelta(days=1))
    MembershipFactory(in_arrears=True, grace_until=TODAY - timedelta(days=1))
    MembershipFactory(in_arrears=True, grace_until=TODAY + timedelta(days=3))
    MembershipFactory(active=True, stripe=True, paid_until=TODAY + timedelta(days=5))
    first = run()
    emails, changes = OutboundEmail.objects.count(), sum(history(m).count() for m in Membership.objects.all())
    second = run()
    assert first["in_arrears"] == first["lapsed"] == 1 and first["reminders"] == 2
    assert second == {"resigned": 0, "lapsed": 0, "in_arrears": 0, "reminders": 0, "skipped": 0}
    assert OutboundEmail.objects.count() == emails
    assert sum(history(m).count() for m in Membership.objects.all()) == changes


def test_the_task_runs_the_daily_run_for_today():
    membership = MembershipFactory(active=True, paid_until=timezone.localdate() - timedelta(days=1))
    tasks.memberships_daily()
    assert reload(membership).status == Status.IN_ARREARS


# --- renewal notice (Stripe) ------------------------------------------------------


def renewal_member(**kwargs):
    user = UserFactory(language=kwargs.pop("language", "en"), first_name="Mila")
    kwargs.setdefault("paid_until", TODAY + timedelta(days=10))
    return MembershipFactory(user=user, active=True, stripe=True, **kwargs)


def test_renewal_notice_gives_amount_date_payment_method_and_a_resign_link():
    membership = renewal_member()
    run()
    email = OutboundEmail.objects.get(kind="members.renewal")
    assert email.key == f"renewal-notice:{membership.pk}:{membership.paid_until.isoformat()}"
    assert email.recipients == [membership.user.email]
    assert "21 March 2030" in email.subject  # the day after paid_until
    assert "€302.50" in email.body_text
    assert "Visa •••• 4242" in email.body_text
    assert re.search(r"/en/membership/resign/[^/\s]+/", email.body_text)


def test_renewal_notice_is_written_in_the_members_language():
    renewal_member(language="nl")
    run()
    email = OutboundEmail.objects.get(kind="members.renewal")
    assert "21 maart 2030" in email.subject
    assert "€ 302,50" in email.body_text
    assert "/en/" not in email.body_text


def test_renewal_notice_is_sent_once_per_renewal():
    membership = renewal_member()
    run()
    run(TODAY + timedelta(days=1))
    assert OutboundEmail.objects.filter(kind="members.renewal").count() == 1
    Membership.objects.filter(pk=membership.pk).update(paid_until=membership.paid_until + timedelta(days=365))
    run(TODAY + timedelta(days=365))
    assert OutboundEmail.objects.filter(kind="members.renewal").count() == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"paid_until": TODAY + timedelta(days=RENEWAL_NOTICE_DAYS + 1)},
        {"resignation_requested_at": timezone.now()},
        {"stripe_subscription_status": "canceled"},
    ],
    ids=["too-early", "resigning", "cancelled"],
)
def test_no_renewal_notice_when_no_charge_is_coming_soon(kwargs):
    renewal_member(**kwargs)
    run()
    assert not OutboundEmail.objects.filter(kind="members.renewal").exists()


def test_hand_paid_members_get_no_automatic_renewal_notice():
    MembershipFactory(active=True, paid_until=TODAY + timedelta(days=5))
    run()
    assert not OutboundEmail.objects.filter(kind="members.renewal").exists()


# --- arrears and grace notices --------------------------------------------------------


def test_grace_period_ending_notice_is_sent_once_in_its_last_week():
    membership = MembershipFactory(in_arrears=True, grace_until=TODAY + timedelta(days=GRACE_NOTICE_DAYS))
    later = MembershipFactory(in_arrears=True, grace_until=TODAY + timedelta(days=GRACE_NOTICE_DAYS + 1))
    run()
    [email] = OutboundEmail.objects.filter(kind="members.grace_ending")
    assert email.key == f"grace-ending:{membership.pk}:{membership.grace_until.isoformat()}"
    assert email.recipients == [membership.user.email]
    run(TODAY + timedelta(days=1))  # `later` is now in its last week; `membership` is not mailed again
    assert OutboundEmail.objects.filter(kind="members.grace_ending", to=membership.user.email).count() == 1
    assert OutboundEmail.objects.filter(kind="members.grace_ending", to=later.user.email).count() == 1


def test_the_arrears_notice_for_a_bank_transfer_gives_the_bank_details(django_capture_on_commit_callbacks):
    from wagtail.models import Site

    from portal.models import AssociationSettings

    association = AssociationSettings.for_site(Site.objects.get(is_default_site=True))
    association.iban = "NL91ABNA0417164300"
    association.save()
    membership = MembershipFactory(active=True, paid_until=TODAY - timedelta(days=1), user=UserFactory(language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        run()
    email = OutboundEmail.objects.get(kind="members.arrears")
    assert "NL91ABNA0417164300" in email.body_text
    assert f"Contributie {membership.pk}" in email.body_text
    assert "April 2030" in email.body_text  # grace until 9 April 2030


def test_a_queued_arrears_notice_is_dropped_when_the_member_paid_in_between():
    membership = MembershipFactory(active=True)
    assert tasks.membership_reminder_send(membership.pk, REMINDER_ARREARS) == "not-applicable"
    assert tasks.membership_reminder_send(0, REMINDER_ARREARS) == "missing"
    assert not OutboundEmail.objects.exists()


# --- the one-click resignation link -------------------------------------------------


def test_the_resign_link_opens_the_confirm_page_without_login_and_changes_nothing(client):
    membership = renewal_member()
    url = reverse("members:resign_link", kwargs={"token": resign_link_token(membership=membership)})
    response = client.get(url)
    assert response.status_code == 200
    assert reload(membership).resignation_requested_at is None


def test_pressing_the_button_behind_the_resign_link_resigns(client, settings):
    settings.STRIPE_ENABLED = False
    membership = renewal_member()
    url = reverse("members:resign_link", kwargs={"token": resign_link_token(membership=membership)})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    membership = reload(membership)
    assert membership.resignation_pending and membership.status == Status.ACTIVE
    change = history(membership).get(action="members.membership.resignation_requested")
    assert (change.user, change.data["source"]) == (membership.user, "member")


def test_a_forged_resign_link_is_refused(client):
    membership = renewal_member()
    token = signing.dumps({"m": membership.pk}, salt="something-else")
    response = client.post(reverse("members:resign_link", kwargs={"token": token}))
    assert response.status_code == 400
    assert reload(membership).resignation_requested_at is None


def test_an_expired_resign_link_is_refused(client):
    membership = renewal_member()
    token = resign_link_token(membership=membership)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reminders, "RESIGN_LINK_MAX_AGE", timedelta(seconds=-1))
        response = client.post(reverse("members:resign_link", kwargs={"token": token}))
    assert response.status_code == 400
    assert reload(membership).resignation_requested_at is None


# --- the schedule ----------------------------------------------------------------------


def test_setup_schedules_registers_the_daily_run_once():
    from django_q.models import Schedule

    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    schedule = Schedule.objects.get(name=tasks.DAILY_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type) == ("members.tasks.memberships_daily", Schedule.DAILY)
