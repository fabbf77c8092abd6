"""After applying, the applicant gets an e-mail with what happens next, in their own language."""

import pytest
from wagtail.models import Site

from members.services.membership import membership_apply
from portal.models import AssociationSettings, OutboundEmail
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory, MembershipPlanFactory, profile_data

pytestmark = pytest.mark.django_db

IBAN = "NL91ABNA0417164300"


@pytest.fixture
def plan():
    return MembershipPlanFactory(code="regular")


@pytest.fixture
def iban():
    association = AssociationSettings.for_site(Site.objects.get(is_default_site=True))
    association.iban = IBAN
    association.save()


def apply(user, plan):
    return membership_apply(
        user=user, plan=plan, profile=profile_data(), accepted_statutes=True, accepted_privacy=True,
        first_name="Anna", last_name="de Vries",
    )


def test_without_stripe_the_mail_gives_the_iban_and_the_reference(plan, iban, settings, django_capture_on_commit_callbacks):
    settings.STRIPE_ENABLED = False
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        membership = apply(user, plan)
    assert callbacks, "the mail is sent after commit"
    email = OutboundEmail.objects.get(kind="members.application_received")
    assert email.recipients == [user.email]
    assert email.subject == "Your application for membership is received"
    assert IBAN in email.body_text
    assert f"Contributie {membership.pk} Anna de Vries" in email.body_text
    assert "What happens next" in email.body_text


def test_with_stripe_the_mail_links_to_the_payment_page_and_gives_no_iban(plan, iban, settings):
    settings.STRIPE_ENABLED = True
    apply(UserFactory(language="en"), plan)
    email = OutboundEmail.objects.get(kind="members.application_received")
    assert "Pay online" in email.body_text
    assert IBAN not in email.body_text


def test_the_mail_is_in_the_applicants_language(plan, iban, settings):
    settings.STRIPE_ENABLED = False
    apply(UserFactory(language="nl"), plan)
    email = OutboundEmail.objects.get(kind="members.application_received")
    assert "Wat er nu gebeurt" in email.body_text
    assert "What happens next" not in email.body_text


def test_changing_an_application_sends_no_second_mail(plan, iban):
    user = UserFactory()
    apply(user, plan)
    apply(user, MembershipPlanFactory(code="starter"))
    assert OutboundEmail.objects.filter(kind="members.application_received").count() == 1


def test_applying_again_after_lapsing_sends_a_new_mail(plan, iban):
    membership = MembershipFactory(lapsed=True, plan=plan)
    apply(membership.user, plan)
    assert OutboundEmail.objects.filter(kind="members.application_received").count() == 1


def test_a_refused_application_sends_nothing(plan):
    with pytest.raises(Exception):
        membership_apply(user=UserFactory(), plan=plan, profile=profile_data(), accepted_statutes=False, accepted_privacy=True)
    assert not OutboundEmail.objects.exists()
