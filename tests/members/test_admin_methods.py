"""The admin's action views show a form on GET and act on POST only; anything else is 405."""

import pytest
from django.urls import reverse

from members.models import Membership, MembershipPlan, Payment
from portal.models import OutboundEmail
from tests.members.factories import MembershipFactory, MembershipPlanFactory, history

pytestmark = pytest.mark.django_db

METHODS = ["put", "patch", "delete"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["record_payment", "end", "send_reminder"])
def test_membership_actions_refuse_other_methods_and_change_nothing(admin_client, method, name):
    membership = MembershipFactory(in_arrears=True)
    url = reverse(f"memberships:{name}", args=[membership.pk])
    payload = "method=bank_transfer&paid_on=2026-01-05&amount=1&reason=Because"
    response = getattr(admin_client, method)(url, payload, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.IN_ARREARS
    assert not Payment.objects.exists() and not OutboundEmail.objects.exists() and not history(membership).exists()


@pytest.mark.parametrize("name", ["record_payment", "end", "send_reminder"])
def test_membership_actions_still_show_their_form(admin_client, name):
    membership = MembershipFactory(in_arrears=True)
    assert admin_client.get(reverse(f"memberships:{name}", args=[membership.pk])).status_code == 200


@pytest.mark.parametrize("method", METHODS)
def test_plan_views_refuse_other_methods(admin_client, method):
    plan = MembershipPlanFactory(code="regular")
    for name, args in [("add", []), ("edit", [plan.pk]), ("delete", [plan.pk])]:
        url = reverse(f"membership_plans:{name}", args=args)
        response = getattr(admin_client, method)(url, "code=x", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 405, name
    assert list(MembershipPlan.objects.values_list("code", flat=True)) == ["regular"]
