"""Membership history on the audit log: one entry per change, rendered in the reader's language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.services.daily import memberships_daily_run
from members.services.dues import payment_record
from members.services.membership import (
    membership_apply,
    membership_end,
    membership_lapse,
    membership_mark_in_arrears,
    membership_resign,
    membership_resignation_withdraw,
)
from members.services.reminders import membership_admin_reminder_send
from portal.audit import entry_message, log_registry
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory, history, history_entry, profile_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(email="secretariat@example.org", is_staff=True)


def last(membership):
    return history(membership).last()


def in_language(entry, language):
    with translation.override(language):
        return entry_message(entry)


def test_every_history_action_is_registered_with_a_label():
    from members.history import HistoryAction

    for action in HistoryAction:
        assert log_registry.action_exists(action.value)
        assert log_registry.get_action_label(action.value) == action.label


def test_applying_writes_one_entry_by_the_applicant():
    user = UserFactory()
    membership = membership_apply(
        user=user, plan=MembershipFactory().plan, profile=profile_data(), accepted_statutes=True, accepted_privacy=True
    )
    [entry] = history(membership)
    assert (entry.action, entry.user) == ("members.membership.applied", user)
    assert entry.data == {"source": "member", "from_status": "", "to_status": "applicant"}


def test_recording_a_payment_writes_the_payment_and_the_activation(staff):
    membership = MembershipFactory()
    payment = payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    recorded, activated = history(membership)
    assert (recorded.action, recorded.user) == ("members.payment.recorded", staff)
    assert recorded.data["payment"] == payment.pk
    assert recorded.data["receipt_number"] == payment.receipt_number
    assert recorded.data["amount"] == str(payment.amount)
    assert (activated.action, activated.user) == ("members.membership.activated", staff)
    assert activated.data.items() >= {
        "source": "secretariat", "from_status": "applicant", "to_status": "active", "cause": "payment",
        "method": "bank_transfer",
    }.items()


def test_falling_into_arrears_writes_the_grace_date_and_the_typed_reason():
    membership = MembershipFactory(active=True)
    membership_mark_in_arrears(membership=membership, source="stripe", reason="Card declined")
    entry = last(membership)
    assert entry.action == "members.membership.in_arrears"
    assert entry.user is None
    assert entry.data["reason"] == "Card declined"
    assert entry.data["grace_until"] == membership.__class__.objects.get(pk=membership.pk).grace_until.isoformat()


def test_lapsing_by_the_daily_run_writes_a_cause_not_a_sentence():
    membership = MembershipFactory(in_arrears=True, grace_until=timezone.localdate() - timedelta(days=1))
    memberships_daily_run(today=timezone.localdate())
    entry = last(membership)
    assert entry.action == "members.membership.lapsed"
    assert entry.data["cause"] == "grace_ended" and "reason" not in entry.data


def test_lapsing_by_hand_keeps_the_statuses():
    membership = MembershipFactory(in_arrears=True)
    membership_lapse(membership=membership)
    assert (last(membership).data["from_status"], last(membership).data["to_status"]) == ("in_arrears", "lapsed")


def test_resigning_and_withdrawing_write_one_entry_each_by_the_member():
    membership = MembershipFactory(active=True)
    membership_resign(membership=membership, actor=membership.user, reason="Retiring")
    membership_resignation_withdraw(membership=membership, actor=membership.user)
    actions = [(entry.action, entry.user) for entry in history(membership)]
    assert actions == [
        ("members.membership.resignation_requested", membership.user),
        ("members.membership.resignation_withdrawn", membership.user),
    ]


def test_ending_stores_the_secretariats_reason_as_typed(staff):
    membership = MembershipFactory(active=True)
    membership_end(membership=membership, actor=staff, reason="Op verzoek, per telefoon")
    entry = last(membership)
    assert (entry.action, entry.user, entry.data["reason"]) == ("members.membership.ended", staff, "Op verzoek, per telefoon")
    assert in_language(entry, "en") == "Membership ended by the secretariat: Op verzoek, per telefoon"


def test_a_reminder_by_the_secretariat_is_logged(staff):
    membership = MembershipFactory(in_arrears=True)
    membership_admin_reminder_send(membership=membership, actor=staff, association=None)
    entry = last(membership)
    assert (entry.action, entry.user, entry.data["kind"]) == ("members.reminder.sent", staff, "secretariat")


def test_an_automatic_reminder_is_logged_once():
    membership = MembershipFactory(in_arrears=True, grace_until=timezone.localdate() + timedelta(days=3))
    memberships_daily_run(today=timezone.localdate())
    memberships_daily_run(today=timezone.localdate())
    entries = history(membership).filter(action="members.reminder.sent")
    assert [entry.data["kind"] for entry in entries] == ["grace_ending"]
    assert entries.get().user is None and entries.get().data["source"] == "system"


def test_an_activation_reads_in_english_and_in_dutch(staff):
    membership = MembershipFactory()
    payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    entry = last(membership)
    assert in_language(entry, "en") == "Membership activated: payment recorded (bank transfer)"
    assert in_language(entry, "nl") == "Lidmaatschap geactiveerd: betaling geregistreerd (bankoverschrijving)"


def test_the_english_dashboard_shows_no_dutch_history(client, user, staff):
    membership = MembershipFactory(user=user)
    payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    client.force_login(user)
    with translation.override("en"):
        url = reverse("members:dashboard")
    content = client.get(url).content.decode()
    assert "Membership activated: payment recorded (bank transfer)" in content
    assert "Bankoverschrijving" not in content and "geregistreerd" not in content


def test_the_dutch_dashboard_shows_the_same_history_in_dutch(client, user, staff):
    membership = MembershipFactory(user=user)
    payment_record(membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    client.force_login(user)
    content = client.get(reverse("members:dashboard")).content.decode()
    assert "Lidmaatschap geactiveerd: betaling geregistreerd (bankoverschrijving)" in content


def test_a_payment_line_names_amount_method_and_receipt_in_the_readers_language():
    membership = MembershipFactory(active=True)
    entry = history_entry(
        membership, "members.payment.recorded", amount="302.50", method="bank_transfer", receipt_number="R2026-00001"
    )
    assert in_language(entry, "en") == "Payment recorded: €302.50, bank transfer, receipt R2026-00001"
    assert in_language(entry, "nl") == "Betaling geregistreerd: € 302,50, bankoverschrijving, betaalbewijs R2026-00001"


def test_the_admin_shows_history_entries_but_no_way_to_edit_them(admin_client):
    membership = MembershipFactory(active=True)
    history_entry(membership, "members.membership.renewed", reason="Getypt door het secretariaat")
    response = admin_client.get(reverse("memberships:inspect", args=[membership.pk]))
    html = response.content.decode()
    assert "Getypt door het secretariaat" in html
    assert "/admin/logs/" not in html or "edit" not in html.split('id="membership-history"')[1].split("</table>")[0]
