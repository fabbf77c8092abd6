"""Joining: a signed-in person applies, resumes an unpaid application and reaches the payment step."""

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Membership, MemberProfile
from portal.models import AssociationSettings
from tests.members.factories import MembershipFactory, MembershipPlanFactory, MemberProfileFactory

pytestmark = pytest.mark.django_db



@pytest.fixture
def plan():
    return MembershipPlanFactory(code="regular", name_nl="Gewoon lid", name_en="Regular member")


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


def form_data(plan, **overrides):
    data = {
        "plan": plan.pk,
        "first_name": "Mila",
        "last_name": "de Jong",
        "phone": "+31 6 12345678",
        "street": "Keizersgracht 1",
        "postal_code": "1015aa",
        "city": "Amsterdam",
        "country": "NL",
        "kvk_number": "1234 5678",
        "sectors": "healthcare",
        "expertise": "Turnarounds.",
        "years_interim": "7",
        "accept_statutes": "on",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


def test_join_shows_anonymous_visitors_the_steps_instead_of_the_form(client, db):
    response = client.get(reverse("members:join"))
    assert response.status_code == 200
    assert "form" not in response.context
    assert f'{reverse("account_login")}?next=' in response.content.decode()


def test_join_shows_active_plans_with_their_price_incl_vat(member_client, plan):
    MembershipPlanFactory(code="old", name_nl="Oud plan", name_en="Old plan", is_active=False)
    response = member_client.get(reverse("members:join"))
    content = response.content.decode()
    assert "Gewoon lid" in content
    assert "€ 302,50" in content
    assert "Oud plan" not in content


def test_each_plan_choice_is_labelled_with_its_price(member_client, plan):
    import re

    content = member_client.get(reverse("members:join")).content.decode()
    radio = re.search(r'<input type="radio" name="plan" value="%d"[^>]*id="([^"]+)"' % plan.pk, content)
    assert radio, "the plan is offered as a radio button"
    label = re.search(r'<label for="%s">(.*?)</label>' % radio.group(1), content, re.S)
    assert label and "Gewoon lid" in label.group(1) and "€ 302,50" in label.group(1)


def test_joining_saves_an_application_and_leads_to_payment(member_client, user, plan):
    response = member_client.post(reverse("members:join"), form_data(plan))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:pay")
    membership = Membership.objects.get(user=user)
    assert membership.status == Membership.Status.APPLICANT
    profile = MemberProfile.objects.get(user=user)
    assert (profile.kvk_number, profile.postal_code) == ("12345678", "1015 AA")
    user.refresh_from_db()
    assert user.get_full_name() == "Mila de Jong"


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234abcd"])
def test_a_kvk_number_without_exactly_8_digits_is_refused_and_nothing_saved(member_client, user, plan, kvk):
    response = member_client.post(reverse("members:join"), form_data(plan, kvk_number=kvk))
    assert response.status_code == 200
    assert "precies 8 cijfers" in response.context["form"].errors["kvk_number"][0]
    assert not Membership.objects.filter(user=user).exists()
    assert not MemberProfile.objects.filter(user=user).exists()


def test_joining_without_accepting_the_privacy_statement_is_refused(member_client, user, plan):
    data = form_data(plan)
    del data["accept_privacy"]
    response = member_client.post(reverse("members:join"), data)
    assert "accept_privacy" in response.context["form"].errors
    assert not Membership.objects.filter(user=user).exists()


def test_a_closed_plan_cannot_be_chosen(member_client, user, plan):
    closed = MembershipPlanFactory(code="closed", is_active=False)
    response = member_client.post(reverse("members:join"), form_data(closed))
    assert "plan" in response.context["form"].errors
    assert not Membership.objects.filter(user=user).exists()


def test_a_dutch_postal_code_is_checked(member_client, user, plan):
    response = member_client.post(reverse("members:join"), form_data(plan, postal_code="12345"))
    assert "postal_code" in response.context["form"].errors


def test_coming_back_prefills_the_unpaid_application(member_client, user, plan):
    MembershipFactory(user=user, plan=plan, profile__city="Zwolle", profile__kvk_number="87654321")
    response = member_client.get(reverse("members:join"))
    form = response.context["form"]
    assert form.initial["city"] == "Zwolle"
    assert form.initial["kvk_number"] == "87654321"
    assert form.initial["plan"] == plan.pk
    assert reverse("members:pay") in response.content.decode()


def test_a_member_going_to_join_is_sent_to_the_dashboard(member_client, user, plan):
    MembershipFactory(user=user, plan=plan, active=True)
    response = member_client.get(reverse("members:join"))
    assert response["Location"] == reverse("members:dashboard")


def test_without_stripe_the_payment_step_gives_bank_transfer_details(member_client, user, plan, settings):
    settings.STRIPE_ENABLED = False
    association = AssociationSettings.for_site(_default_site())
    association.iban = "NL91ABNA0417164300"
    association.save()
    membership = MembershipFactory(user=user, plan=plan)
    content = member_client.get(reverse("members:pay")).content.decode()
    assert translation.gettext(
        "Online payment is not configured on this portal. Please pay by bank transfer; the secretariat records "
        "your payment and your membership becomes active."
    ) in content
    assert "NL91ABNA0417164300" in content
    assert "€ 302,50" in content
    assert f"Contributie {membership.pk} {user.get_full_name()}" in content


def test_with_stripe_the_payment_step_offers_checkout_when_it_exists(member_client, user, plan, settings):
    from django.urls import NoReverseMatch

    settings.STRIPE_ENABLED = True
    MembershipFactory(user=user, plan=plan)
    response = member_client.get(reverse("members:pay"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "not configured" not in content
    try:
        checkout_url = reverse("members:checkout_start")
    except NoReverseMatch:
        assert "Online payment is not available" in content
    else:
        assert f'action="{checkout_url}"' in content


def test_a_lapsed_member_is_sent_to_rejoin_instead_of_paying(member_client, user, plan):
    MembershipFactory(user=user, plan=plan, lapsed=True)
    assert member_client.get(reverse("members:pay"))["Location"] == reverse("members:join")


def test_a_lapsed_member_can_rejoin(member_client, user, plan):
    MembershipFactory(user=user, plan=plan, lapsed=True)
    MemberProfileFactory(user=user)
    member_client.post(reverse("members:join"), form_data(plan))
    assert Membership.objects.get(user=user).status == Membership.Status.APPLICANT


def _default_site():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)
