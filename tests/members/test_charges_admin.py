"""One-off payments in the Wagtail admin: the secretariat lists them (in a constant number
of queries), records a transfer and a refund; editors do not see them."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Charge
from members.services import charges
from tests.factories import UserFactory, staff_signed_in

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/members/payments-one-off/"


def staff_client(client, group):
    return client, staff_signed_in(client, group)


def add_charges(count, start=0):
    users = [UserFactory() for _ in range(2)]
    Charge.objects.bulk_create(
        Charge(purpose="events.registration", object_id=str(n), user=users[n % 2], description=f"Congres · {n}",
               amount=Decimal("95.00"), vat_amount=Decimal("16.49"), reference=f"PAY-T{n:07d}")
        for n in range(start, start + count)
    )


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_list_costs_the_same_with_5_and_60_payments(client):
    client, _user = staff_client(client, "Secretariat")
    add_charges(5)
    count_queries(client)  # the first request warms the session and site caches
    few = count_queries(client)
    add_charges(55, start=5)
    assert count_queries(client) == few


def test_secretariat_records_a_transfer_and_its_refund(client):
    client, secretary = staff_client(client, "Secretariat")
    charge = charges.charge_open(purpose="test.purpose", object_id=1, user=UserFactory(), amount=Decimal("80.00"),
                                 description="Congres")
    today = timezone.localdate().isoformat()

    assert client.get(f"{LIST_URL}inspect/{charge.pk}/").status_code == 200
    response = client.post(f"{LIST_URL}record-transfer/{charge.pk}/",
                           {"paid_on": today, "method": "bank_transfer", "note": "NL12 INGB"})
    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.status == Charge.Status.PAID and charge.recorded_by == secretary

    client.post(f"{LIST_URL}record-refund/{charge.pk}/", {"amount": "80.00", "refunded_on": today})
    charge.refresh_from_db()
    assert charge.status == Charge.Status.REFUNDED
    page = client.get(f"{LIST_URL}inspect/{charge.pk}/").content.decode()
    assert "Betaling van € 80,00 ontvangen" in page and "€ 80,00 terugbetaald" in page


def test_a_future_transfer_date_changes_nothing(client):
    client, _user = staff_client(client, "Secretariat")
    charge = charges.charge_open(purpose="test.purpose", object_id=1, user=UserFactory(), amount=Decimal("80.00"),
                                 description="Congres")
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    response = client.post(f"{LIST_URL}record-transfer/{charge.pk}/", {"paid_on": future, "method": "bank_transfer"})
    assert response.status_code == 200
    charge.refresh_from_db()
    assert charge.status == Charge.Status.OPEN


def test_editors_do_not_see_payments(client):
    client, _user = staff_client(client, "Editors")
    assert client.get(LIST_URL).status_code in (302, 403)


def test_the_payment_page_shows_empty_and_yes_no_fields_in_words(client):
    staff_signed_in(client, "Secretariat")
    charge = charges.charge_open(purpose="test.purpose", object_id=1, user=UserFactory(), amount=Decimal("80.00"),
                                 description="Congres")

    page = client.get(f"{LIST_URL}inspect/{charge.pk}/").content.decode()
    values = [" ".join(value.split()) for value in re.findall(r"<dd>(.*?)</dd>", page, re.S)]

    assert not {"None", "True", "False", ""} & set(values)
    assert "—" in values and "Ja" in values  # not paid yet; refunded if cancelled
