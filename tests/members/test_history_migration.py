"""The data migration that moves MembershipChange rows onto the audit log keeps every fact."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

BEFORE = [("members", "0007_certification_roles")]
AFTER = [("members", "0008_membership_history_to_audit_log")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    """Later tests in this process need every migration applied again."""
    yield
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_history_rows_become_audit_entries_with_their_facts():
    old = migrate(BEFORE)
    User = old.get_model("members", "User")
    Plan = old.get_model("members", "MembershipPlan")
    Membership = old.get_model("members", "Membership")
    Payment = old.get_model("members", "Payment")
    Change = old.get_model("members", "MembershipChange")
    when = datetime(2026, 3, 1, 9, 30, tzinfo=dt_timezone.utc)
    member = User.objects.create(email="anna@example.org", password="!")
    staff = User.objects.create(email="secretariat@example.org", password="!")
    plan = Plan.objects.create(code="regular", name_nl="Gewoon", name_en="Regular", yearly_price=Decimal("250"))
    membership = Membership.objects.create(
        user=member, plan=plan, status="active", paid_until=when.date(), statutes_version="2026-01",
        privacy_version="2026-01", terms_accepted_at=when,
    )
    payment = Payment.objects.create(
        membership=membership, plan=plan, method="other", status="paid", amount=Decimal("302.50"),
        period_start=when.date(), period_end=when.date(),
    )
    Change.objects.create(
        membership=membership, action="members.membership.activated", from_status="applicant", to_status="active",
        actor=staff, source="secretariat", reason="Betaling geregistreerd: Anders", data={"payment": payment.pk},
        created_at=when,
    )
    Change.objects.create(
        membership=membership, action="members.membership.reminder_sent", from_status="active", to_status="active",
        actor=staff, source="secretariat", data={"email": 7}, created_at=when,
    )
    Change.objects.create(
        membership=membership, action="members.membership.ended", from_status="active", to_status="ended",
        actor=None, source="system", reason="Zelf getypt", created_at=when,
    )

    migrate(AFTER)

    from wagtail.models import ModelLogEntry

    from members.models import Membership as CurrentMembership
    from portal.audit import entries_for, entry_message

    entries = list(entries_for(CurrentMembership.objects.get(pk=membership.pk)).order_by("id"))
    assert [entry.action for entry in entries] == [
        "members.membership.activated", "members.reminder.sent", "members.membership.ended",
    ]
    activated, reminder, ended = entries
    assert activated.timestamp == when and activated.user_id == staff.pk
    assert activated.data == {
        "source": "secretariat", "from_status": "applicant", "to_status": "active", "payment": payment.pk,
        "cause": "payment", "method": "other",
    }
    with translation.override("en"):
        assert entry_message(activated) == "Membership activated: payment recorded (other)"
    assert reminder.data["kind"] == "secretariat"
    assert ended.user is None and ended.data["reason"] == "Zelf getypt" and ended.data["source"] == "system"
    assert ModelLogEntry.objects.count() == 3
