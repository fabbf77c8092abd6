"""Receipt PDFs for hand-recorded payments: content, and who may download them."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Site

from members.services.dues import payment_record
from members.receipts import receipt_context, receipt_pdf
from portal.models import AssociationSettings
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory, MembershipPlanFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def association():
    settings = AssociationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.name = "Vereniging RQIM"
    settings.address = "Herengracht 100\n1015 BS Amsterdam"
    settings.kvk_number = "40123456"
    settings.vat_number = "NL001234567B01"
    settings.save()
    return settings


@pytest.fixture
def payment(association):
    plan = MembershipPlanFactory(code="regular", yearly_price=Decimal("250.00"), vat_rate=Decimal("21.00"))
    membership = MembershipFactory(plan=plan, user=UserFactory(first_name="Mila", last_name="de Jong"))
    staff = UserFactory(is_staff=True)
    return payment_record(
        membership=membership, method="bank_transfer", paid_on=timezone.localdate(), actor=staff, reference="NL12 3456"
    )


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, as a reader's copy and paste would give it."""
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_receipt_names_the_association_the_member_and_the_amounts(payment):
    text = pdf_text(receipt_pdf(payment=payment, language="nl"))
    for expected in (
        "Vereniging RQIM", "40123456", "NL001234567B01", "Mila de Jong", payment.receipt_number,
        "€ 302,50", "€ 52,50", "€ 250,00", "21%",
    ):
        assert expected in text, expected


def test_receipt_shows_period_payment_date_and_method(payment):
    text = pdf_text(receipt_pdf(payment=payment, language="en"))
    assert payment.period_end.strftime("%B %Y").split()[0] in text
    assert str(payment.period_end.year) in text
    assert "Bank transfer" in text
    assert receipt_context(payment=payment)["amount_excl_vat"] == Decimal("250.00")


def test_the_member_downloads_their_receipt(client, payment):
    client.force_login(payment.membership.user)
    response = client.get(reverse("members:receipt", args=[payment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert payment.receipt_number in response["Content-Disposition"]


def test_another_member_gets_404(client, payment):
    other = MembershipFactory(active=True).user
    client.force_login(other)
    assert client.get(reverse("members:receipt", args=[payment.pk])).status_code == 404


def test_staff_without_permission_to_view_payments_gets_404(client, payment):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("members:receipt", args=[payment.pk])).status_code == 404


def test_staff_who_may_view_payments_can_download(client, payment):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_payment", content_type__app_label="members"))
    client.force_login(staff)
    assert client.get(reverse("members:receipt", args=[payment.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, payment):
    response = client.get(reverse("members:receipt", args=[payment.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_stripe_payments_have_no_receipt_here(client, association):
    payment = PaymentFactory(stripe=True)
    client.force_login(payment.membership.user)
    assert client.get(reverse("members:receipt", args=[payment.pk])).status_code == 404
