"""Dates a person enters are bounded; odd dates already stored never break a page."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Membership, Payment
from members.services.dues import payment_record
from portal.exceptions import DomainError
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory, PaymentFactory, history

pytestmark = pytest.mark.django_db

ODD_DAYS = [date(1, 1, 1), date(1900, 1, 1), date(9999, 12, 31)]


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.mark.parametrize("paid_on", [date(1, 1, 1), date(1900, 1, 1), date(1999, 12, 31)])
def test_a_payment_dated_long_ago_is_refused_and_changes_nothing(staff, paid_on):
    membership = MembershipFactory()
    with translation.override("en"), pytest.raises(DomainError, match="must lie between .* and today"):
        payment_record(membership=membership, method="bank_transfer", paid_on=paid_on, actor=staff)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLICANT and membership.paid_until is None
    assert not Payment.objects.exists() and not history(membership).exists()


def test_a_payment_dated_before_the_application_is_refused(staff):
    membership = MembershipFactory()
    day_before = timezone.localdate(membership.created_at) - timedelta(days=1)
    with pytest.raises(DomainError):
        payment_record(membership=membership, method="bank_transfer", paid_on=day_before, actor=staff)


def test_a_payment_dated_tomorrow_is_refused(staff):
    with pytest.raises(DomainError):
        payment_record(
            membership=MembershipFactory(), method="bank_transfer", paid_on=timezone.localdate() + timedelta(days=1),
            actor=staff,
        )


def test_a_payment_dated_today_is_accepted(staff):
    payment = payment_record(membership=MembershipFactory(), method="bank_transfer", paid_on=timezone.localdate(), actor=staff)
    assert payment.receipt_number.startswith(f"R{timezone.localdate().year}-")


def _store_odd_data(membership, day):
    Membership.objects.filter(pk=membership.pk).update(
        status=Membership.Status.IN_ARREARS, paid_until=day, grace_until=day, member_since=day,
        resignation_requested_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
    )
    PaymentFactory(membership=membership, period_start=day, period_end=day, paid_at=datetime(day.year, day.month, day.day, tzinfo=UTC))


@pytest.mark.parametrize("day", ODD_DAYS)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_dashboard_shows_odd_stored_dates(client, user, day, language):
    membership = MembershipFactory(user=user, active=True)
    _store_odd_data(membership, day)
    client.force_login(user)
    with translation.override(language):
        url = reverse("members:dashboard")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("day", ODD_DAYS)
def test_the_admin_detail_shows_odd_stored_dates(admin_client, day):
    membership = MembershipFactory(active=True)
    _store_odd_data(membership, day)
    response = admin_client.get(reverse("memberships:inspect", args=[membership.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("typed", ["0001-01-01", "1900-01-01"])
def test_the_record_payment_form_refuses_a_date_long_ago_with_a_clear_message(admin_client, typed):
    membership = MembershipFactory()
    response = admin_client.post(
        reverse("memberships:record_payment", args=[membership.pk]),
        {"method": "bank_transfer", "paid_on": typed, "amount": "302.50"},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["paid_on"]
    assert "2000" in error and typed[:4].lstrip("0") in error  # names the range and the date typed
    assert not Payment.objects.exists()
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.APPLICANT


def test_the_record_payment_form_offers_only_the_allowed_dates(admin_client):
    membership = MembershipFactory()
    response = admin_client.get(reverse("memberships:record_payment", args=[membership.pk]))
    html = response.content.decode()
    assert f'max="{timezone.localdate().isoformat()}"' in html
    assert f'min="{timezone.localdate(membership.created_at).isoformat()}"' in html
