"""The secretariat manages members and plans in the Wagtail admin; nobody else sees them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from members.models import Membership, MembershipPlan, Payment
from portal.models import OutboundEmail
from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.members.factories import (
    MemberProfileFactory,
    MembershipFactory,
    MembershipPlanFactory,
    PaymentFactory,
    history,
    history_entry,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/members/"
PLANS_URL = "/admin/membership-plans/"


def inspect_url(membership):
    return reverse("memberships:inspect", args=[membership.pk])


def record_payment_url(membership):
    return reverse("memberships:record_payment", args=[membership.pk])


def end_url(membership):
    return reverse("memberships:end", args=[membership.pk])


def send_reminder_url(membership):
    return reverse("memberships:send_reminder", args=[membership.pk])


def staff_member(*groups, language="en"):
    """A user in `groups` with TOTP set up (the admin requires it), reading the admin in `language`."""
    user = verified_email(UserFactory(groups=list(groups)))
    totp_authenticator(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.fixture
def secretariat(client):
    user = staff_member("Secretariat")
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    user = staff_member("Editors")
    client.force_login(user)
    return user


def member(first_name, last_name, *, city="Amsterdam", plan=None, **traits):
    membership = MembershipFactory(
        user=UserFactory(first_name=first_name, last_name=last_name, email=f"{first_name.lower()}@example.org"),
        profile=False,
        **({"plan": plan} if plan else {}),
        **traits,
    )
    MemberProfileFactory(user=membership.user, city=city)
    return membership


def listed_emails(response):
    return {m.user.email for m in response.context["object_list"]}


def assert_denied(response):
    """Wagtail sends a forbidden admin view to the dashboard with an error message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


# --- The member list ------------------------------------------------------------------


def test_secretariat_sees_each_member_with_email_status_plan_paid_until_and_city(client, secretariat):
    plan = MembershipPlanFactory(name_en="Starter")
    anna = member("Anna", "de Vries", city="Utrecht", plan=plan, active=True)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index("Anna de Vries") :]
    row = row[: row.index("</tr>")]
    for value in ["anna@example.org", "Active", "Starter", "Utrecht", str(anna.paid_until.year)]:
        assert value in row


def test_member_list_shows_a_pending_resignation_and_a_clearing_payment(client, secretariat):
    from django.utils import timezone

    leaving = member("Anna", "de Vries", active=True)
    leaving.resignation_requested_at = timezone.now()
    leaving.save(update_fields=["resignation_requested_at"])
    clearing = member("Bert", "Jansen", active=True)
    clearing.payment_pending = True
    clearing.save(update_fields=["payment_pending"])

    html = client.get(LIST_URL).content.decode()

    def row(name):
        part = html[html.index(name):]
        return part[: part.index("</tr>")]

    # The admin speaks the secretariat user's language (English in these tests).
    assert "Active, resignation received" in row("Anna de Vries")
    assert "Active, payment processing" in row("Bert Jansen")


def test_status_filter_lists_only_members_with_that_status(client, secretariat):
    member("Anna", "Actief", active=True)
    member("Bert", "Achterstand", in_arrears=True)
    member("Cees", "Aanvrager")

    response = client.get(LIST_URL, {"status": ["in_arrears", "applicant"]})

    assert listed_emails(response) == {"bert@example.org", "cees@example.org"}


def test_plan_filter_lists_only_members_on_that_plan(client, secretariat):
    starter = MembershipPlanFactory(code="starter")
    member("Anna", "Regulier", active=True)
    member("Bert", "Starter", plan=starter, active=True)

    response = client.get(LIST_URL, {"plan": starter.pk})

    assert listed_emails(response) == {"bert@example.org"}


def test_city_filter_lists_only_members_in_that_city(client, secretariat):
    member("Anna", "Jansen", city="Utrecht")
    member("Bert", "Jansen", city="Rotterdam")

    response = client.get(LIST_URL, {"city": "utrecht"})

    assert listed_emails(response) == {"anna@example.org"}


def test_paid_until_filter_lists_only_members_paid_until_a_date_in_the_range(client, secretariat):
    today = timezone.localdate()
    member("Anna", "Binnenkort", active=True, paid_until=today + timedelta(days=10))
    member("Bert", "Later", active=True, paid_until=today + timedelta(days=200))

    response = client.get(
        LIST_URL,
        {"paid_until_from": today.isoformat(), "paid_until_to": (today + timedelta(days=30)).isoformat()},
    )

    assert listed_emails(response) == {"anna@example.org"}


@pytest.mark.parametrize("query", ["vries", "anna@example", "Anna de Vries", "utrecht"])
def test_search_finds_a_member_by_name_email_or_city(client, secretariat, query):
    member("Anna", "de Vries", city="Utrecht")
    member("Bert", "Jansen", city="Groningen")

    response = client.get(LIST_URL, {"q": query})

    assert listed_emails(response) == {"anna@example.org"}


def test_csv_export_has_a_row_per_member_with_the_member_columns(client, secretariat):
    plan = MembershipPlanFactory(name_en="Regular")
    anna = member("Anna", "de Vries", city="Utrecht", plan=plan, active=True)
    member("Bert", "Jansen", plan=plan)

    response = client.get(LIST_URL, {"export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "First name", "Last name", "E-mail address", "Status", "Plan",
        "Paid until", "Member since", "City", "Phone", "KvK number",
    ]
    assert len(rows) == 3
    anna_row = next(row for row in rows if row[2] == "anna@example.org")
    assert anna_row[:6] == ["Anna", "de Vries", "anna@example.org", "Active", "Regular", anna.paid_until.isoformat()]
    assert anna_row[7] == "Utrecht"


def test_csv_export_contains_only_the_filtered_members(client, secretariat):
    member("Anna", "Actief", active=True)
    member("Bert", "Aanvrager")

    response = client.get(LIST_URL, {"status": "active", "export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[2] for row in rows[1:]] == ["anna@example.org"]


def test_csv_export_keeps_a_name_from_being_read_as_a_formula(client, secretariat):
    member("=HYPERLINK(1)", "Evil")

    response = client.get(LIST_URL, {"export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_csv_export_leaves_an_international_phone_number_as_it_is(client, secretariat):
    anna = member("Anna", "de Vries")
    anna.user.member_profile.phone = "+31 6 12345678"
    anna.user.member_profile.save()

    response = client.get(LIST_URL, {"export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][8] == "+31 6 12345678"


# --- The member detail ------------------------------------------------------------------


def test_detail_shows_profile_status_history_and_payments(client, secretariat):
    membership = member("Anna", "de Vries", city="Utrecht", active=True)
    history_entry(membership, "members.membership.activated", from_status="applicant", reason="Paid by transfer")
    PaymentFactory(membership=membership, receipt_number="R2026-00042", reference="Contributie Anna")

    response = client.get(inspect_url(membership))

    html = response.content.decode()
    assert response.status_code == 200
    assert "anna@example.org" in html and "Utrecht" in html and membership.user.member_profile.kvk_number in html
    history = html[html.index('id="membership-history"') :]
    assert "Membership activated" in history and "Paid by transfer" in history
    payments = html[html.index('id="membership-payments"') :]
    assert "R2026-00042" in payments and "Contributie Anna" in payments


def test_membership_status_cannot_be_edited_in_the_admin(client, secretariat):
    membership = member("Anna", "de Vries", active=True)

    response = client.post(
        f"/admin/members/edit/{membership.pk}/", {"status": "ended", "paid_until": "2099-01-01"}
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


# --- Record payment ------------------------------------------------------------------


def test_record_payment_activates_an_applicant_with_a_receipt_numbered_payment(client, secretariat):
    applicant = member("Anna", "de Vries")
    today = timezone.localdate()

    response = client.post(
        record_payment_url(applicant),
        {"method": "bank_transfer", "paid_on": today.isoformat(), "amount": "302.50", "reference": "NL12 ref 7"},
    )

    assert response.status_code == 302 and response["Location"] == inspect_url(applicant)
    applicant.refresh_from_db()
    assert applicant.status == Membership.Status.ACTIVE
    payment = Payment.objects.get(membership=applicant)
    assert payment.receipt_number.startswith(f"R{today.year}-")
    assert payment.amount == Decimal("302.50")
    assert payment.method == Payment.Method.BANK_TRANSFER
    assert payment.recorded_by == secretariat
    assert history(applicant).filter(action="members.membership.activated", user=secretariat).exists()


def test_record_payment_form_proposes_the_plans_price_incl_vat(client, secretariat):
    applicant = member("Anna", "de Vries", plan=MembershipPlanFactory(yearly_price=Decimal("100.00")))

    response = client.get(record_payment_url(applicant))

    assert response.context["form"]["amount"].value() == Decimal("121.00")


def test_record_payment_dated_in_the_future_shows_the_error_and_changes_nothing(client, secretariat):
    applicant = member("Anna", "de Vries")
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client.post(
        record_payment_url(applicant), {"method": "bank_transfer", "paid_on": tomorrow.isoformat(), "amount": "302.50"}
    )

    assert response.status_code == 200
    assert "and today" in " ".join(response.context["form"].errors["paid_on"])
    applicant.refresh_from_db()
    assert applicant.status == Membership.Status.APPLICANT
    assert not Payment.objects.exists()


def test_record_payment_with_a_negative_amount_changes_nothing(client, secretariat):
    applicant = member("Anna", "de Vries")

    response = client.post(
        record_payment_url(applicant),
        {"method": "bank_transfer", "paid_on": timezone.localdate().isoformat(), "amount": "-5"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Payment.objects.exists()


def test_record_payment_cannot_be_an_online_payment(client, secretariat):
    applicant = member("Anna", "de Vries")

    response = client.post(
        record_payment_url(applicant),
        {"method": "stripe", "paid_on": timezone.localdate().isoformat(), "amount": "302.50"},
    )

    assert response.context["form"].errors["method"]
    assert not Payment.objects.exists()


def test_record_payment_on_an_ended_membership_is_refused(client, secretariat):
    ended = member("Anna", "de Vries", ended=True)

    response = client.post(
        record_payment_url(ended), {"method": "bank_transfer", "paid_on": timezone.localdate().isoformat(), "amount": "1"}
    )

    assert response.status_code == 302 and response["Location"] == inspect_url(ended)
    assert not Payment.objects.exists()


# --- End membership ------------------------------------------------------------------------


def test_end_membership_requires_a_reason(client, secretariat):
    membership = member("Anna", "de Vries", active=True)

    response = client.post(end_url(membership), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


def test_end_membership_ends_it_and_records_who_and_why(client, secretariat):
    membership = member("Anna", "de Vries", active=True)

    response = client.post(end_url(membership), {"reason": "Asked by the member by phone"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ENDED
    change = history(membership).get(action="members.membership.ended")
    assert (change.user, change.data.get("reason", "")) == (secretariat, "Asked by the member by phone")


# --- Send reminder ------------------------------------------------------------------------


def test_two_clicks_on_send_reminder_queue_one_email(client, secretariat, django_capture_on_commit_callbacks):
    membership = member("Anna", "de Vries", in_arrears=True)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_reminder_url(membership))
        second = client.post(send_reminder_url(membership))

    assert OutboundEmail.objects.filter(to="anna@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert history(membership).filter(action="members.reminder.sent").count() == 1
    assert any("already" in str(message) for message in get_messages(second.wsgi_request))


def test_reminder_tells_a_member_in_arrears_the_amount_and_the_end_of_the_grace_period(
    client, secretariat, django_capture_on_commit_callbacks
):
    membership = member("Anna", "de Vries", in_arrears=True, plan=MembershipPlanFactory(yearly_price=Decimal("100")))
    membership.user.language = "en"
    membership.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_reminder_url(membership))

    body = mail.outbox[0].body
    assert "121.00" in body
    assert str(membership.grace_until.year) in body and "continues until" in body
    assert mail.outbox[0].to == ["anna@example.org"]


def test_no_reminder_for_an_ended_membership(client, secretariat):
    ended = member("Anna", "de Vries", ended=True)

    client.post(send_reminder_url(ended))

    assert not OutboundEmail.objects.exists()


# --- Plans ----------------------------------------------------------------------------------


def plan_form(**overrides):
    data = {
        "code": "retired",
        "name_nl": "Gepensioneerd",
        "name_en": "Retired",
        "description_nl": "",
        "description_en": "",
        "eligibility_nl": "Na uw pensioen",
        "eligibility_en": "After retirement",
        "yearly_price": "95.00",
        "vat_rate": "21.00",
        "period_months": "12",
        "is_active": "on",
        "stripe_price_id": "",
        "sort_order": "3",
    }
    data.update(overrides)
    return data


def test_secretariat_adds_a_plan(client, secretariat):
    response = client.post(f"{PLANS_URL}new/", plan_form(stripe_price_id="price_123"))

    assert response.status_code == 302
    plan = MembershipPlan.objects.get(code="retired")
    assert (plan.name_en, plan.yearly_price, plan.stripe_price_id) == ("Retired", Decimal("95.00"), "price_123")


def test_plan_with_a_malformed_stripe_price_is_not_saved(client, secretariat):
    response = client.post(f"{PLANS_URL}new/", plan_form(stripe_price_id="prod_123"))

    assert response.status_code == 200
    assert not MembershipPlan.objects.filter(code="retired").exists()


def test_secretariat_closes_a_plan_for_new_members(client, secretariat):
    plan = MembershipPlanFactory(code="retired")

    client.post(f"{PLANS_URL}edit/{plan.pk}/", plan_form(is_active=""))

    plan.refresh_from_db()
    assert plan.is_active is False


def test_plan_in_use_is_not_deleted(admin_client):
    membership = MembershipFactory()

    admin_client.post(f"{PLANS_URL}delete/{membership.plan.pk}/")

    assert MembershipPlan.objects.filter(pk=membership.plan.pk).exists()


def test_unused_plan_can_be_deleted_by_a_superuser(admin_client):
    plan = MembershipPlanFactory()

    admin_client.post(f"{PLANS_URL}delete/{plan.pk}/")

    assert not MembershipPlan.objects.filter(pk=plan.pk).exists()


# --- Who may not ------------------------------------------------------------------------------


def test_secretariat_has_the_members_menu(client, secretariat):
    response = client.get("/admin/")

    assert LIST_URL in response.content.decode()


def test_editor_has_no_members_menu(client, editor):
    response = client.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert LIST_URL not in html and PLANS_URL not in html


@pytest.mark.parametrize("url", [LIST_URL, f"{LIST_URL}?export=csv", PLANS_URL])
def test_editor_is_denied_the_member_list_export_and_plans(client, editor, url):
    member("Anna", "de Vries")

    response = client.get(url)

    assert_denied(response)
    assert b"anna@example.org" not in response.content


def test_editor_is_denied_the_member_detail(client, editor):
    membership = member("Anna", "de Vries")

    response = client.get(inspect_url(membership))

    assert_denied(response)
    assert "anna@example.org" not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("url_for", "data"),
    [
        (record_payment_url, {"method": "bank_transfer", "paid_on": "2026-01-05", "amount": "1"}),
        (end_url, {"reason": "Editor tries"}),
        (send_reminder_url, {}),
    ],
)
def test_editor_cannot_run_member_actions(client, editor, url_for, data):
    membership = member("Anna", "de Vries")

    response = client.post(url_for(membership), data)

    assert_denied(response)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLICANT
    assert not Payment.objects.exists() and not OutboundEmail.objects.exists()
    assert not history(membership).exists()


@pytest.mark.parametrize("url_for", [lambda m: LIST_URL, inspect_url, record_payment_url, end_url, send_reminder_url])
def test_member_cannot_reach_the_secretariat_views(client, url_for):
    own = member("Anna", "de Vries", active=True)
    client.force_login(own.user)

    response = client.post(url_for(own), {"reason": "I try", "method": "bank_transfer", "amount": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    own.refresh_from_db()
    assert own.status == Membership.Status.ACTIVE
    assert not Payment.objects.exists() and not OutboundEmail.objects.exists()
