"""The application fee through the one-off payment path: online by Stripe Checkout, or a
transfer the secretariat records; either way the application is marked paid once."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Charge
from members.services import certification as services
from portal.audit import entries_for
from portal.exceptions import DomainError
from tests.members import stripe_payloads as p
from tests.members.certification import factories as f
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def fee_entries(application):
    return [e for e in entries_for(application) if e.action == "members.certification_application.fee_paid"]


def test_recorded_transfer_pays_the_fee_through_its_payment():
    application = f.submitted_application(paid=False)
    secretary = f.secretary()

    services.application_fee_mark_paid(application=application, actor=secretary, paid_on=timezone.localdate(),
                                       reference="NL91 transfer 3")

    application.refresh_from_db()
    charge = Charge.objects.get(purpose=services.FEE_PURPOSE, object_id=str(application.pk))
    assert application.fee_paid_at is not None
    assert (charge.status, charge.method, charge.amount) == (Charge.Status.PAID, "bank_transfer", application.fee_amount)
    [entry] = fee_entries(application)
    assert entry.user == secretary and entry.data["source"] == "secretariat"


def test_fee_in_the_future_or_twice_is_refused():
    application = f.submitted_application(paid=False)
    secretary = f.secretary()
    with pytest.raises(DomainError):
        services.application_fee_mark_paid(application=application, actor=secretary,
                                           paid_on=timezone.localdate() + timezone.timedelta(days=1))
    services.application_fee_mark_paid(application=application, actor=secretary, paid_on=timezone.localdate())
    with pytest.raises(DomainError, match="al"):
        services.application_fee_mark_paid(application=application, actor=secretary, paid_on=timezone.localdate())
    assert len(fee_entries(application)) == 1


def test_applicant_pays_online_and_the_webhook_marks_the_fee_paid(stripe_api, client, settings):
    settings.STRIPE_WEBHOOK_SECRET = p.WEBHOOK_SECRET
    application = f.submitted_application(paid=False)
    client.force_login(application.applicant)

    page = client.get(reverse("members:certification_application", args=[application.pk]))
    response = client.post(reverse("members:certification_fee_pay", args=[application.pk]))

    assert reverse("members:certification_fee_pay", args=[application.pk]) in page.content.decode()
    assert response["Location"].startswith("https://checkout.stripe.test/")
    call = stripe_api.last("POST", "/v1/checkout/sessions")
    assert call.params["mode"] == "payment"
    assert call.params["line_items[0][price_data][unit_amount]"] == str(int(application.fee_amount * 100))
    charge = Charge.objects.get(purpose=services.FEE_PURPOSE)
    session = p.payment_session(charge.stripe_session_id, charge_pk=charge.pk, amount=int(charge.amount * 100),
                                purpose=services.FEE_PURPOSE)
    event = p.event("checkout.session.completed", session, created=int(time.time()))
    assert p.post(client, event).content == b"applied"
    assert p.post(client, event).content == b"duplicate"

    application.refresh_from_db()
    assert application.fee_paid_at is not None
    [entry] = fee_entries(application)
    assert entry.data["source"] == "stripe"
    with pytest.raises(DomainError):
        services.application_fee_mark_paid(application=application, actor=f.secretary(), paid_on=timezone.localdate())


def test_someone_else_cannot_pay_or_see_an_applicants_fee(stripe_api, client):
    application = f.submitted_application(paid=False)
    client.force_login(f.member())
    response = client.post(reverse("members:certification_fee_pay", args=[application.pk]))
    assert response.status_code == 404
    assert not stripe_api.requests_to("POST", "/v1/checkout/sessions")


def test_a_draft_has_no_fee_to_pay_yet(stripe_api):
    draft = f.complete_draft()
    with pytest.raises(DomainError):
        services.application_fee_checkout_start(application=draft, actor=draft.applicant,
                                                success_url="https://x/ok", cancel_url="https://x/no")
