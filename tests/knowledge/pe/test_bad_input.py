"""Bad input to the entry form and service: a clear message, nothing stored (property-based)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import pe_services
from knowledge.pe_models import PEEntry
from portal.exceptions import DomainError
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member

pytestmark = pytest.mark.django_db

SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TODAY = date(2026, 6, 1)


@pytest.fixture
def person():
    f.rqim_requirement()
    return member()


@SLOW
@given(hours=st.decimals(max_value=Decimal("0"), allow_nan=False, allow_infinity=False, places=2))
def test_zero_or_negative_hours_are_refused_by_the_service(person, hours):
    with pytest.raises(DomainError):
        pe_services.pe_entry_submit(member=person, category=f.category(), title="X", date=TODAY, hours=hours,
                                    today=TODAY)
    assert not PEEntry.objects.exists()


@SLOW
@given(days=st.integers(min_value=1, max_value=3650))
def test_any_future_date_is_refused_by_the_service(person, days):
    with pytest.raises(DomainError):
        pe_services.pe_entry_submit(member=person, category=f.category(), title="X", date=TODAY + timedelta(days=days),
                                    hours=Decimal("1"), today=TODAY)
    assert not PEEntry.objects.exists()


@SLOW
@given(content=st.binary(min_size=1, max_size=2048).filter(
    lambda b: not b.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff"))))
def test_a_file_that_is_not_pdf_jpg_or_png_is_refused_whatever_its_name(person, content):
    upload = SimpleUploadedFile("certificaat.pdf", content, content_type="application/pdf")
    with pytest.raises(DomainError):
        pe_services.pe_entry_submit(member=person, category=f.category(), title="X", date=TODAY, hours=Decimal("1"),
                                    evidence=upload, today=TODAY)
    assert not PEEntry.objects.exists()


@SLOW
@given(hours=st.one_of(st.text(max_size=8), st.sampled_from(["0", "-1", "0.00", "1e9", "NaN", "abc", ""])),
       day=st.one_of(st.text(max_size=12), st.sampled_from(["2999-01-01", "31-02-2026", ""])),
       category=st.one_of(st.integers(), st.text(max_size=6)))
def test_the_entry_form_refuses_bad_input_with_a_message_and_stores_nothing(client, person, hours, day, category):
    client.force_login(person)
    response = client.post(reverse("pe:entry_add"), {"title": "Training", "date": day, "hours": hours,
                                                     "category": category})
    if response.status_code == 302:  # only possible when every field happened to be valid
        assert PEEntry.objects.filter(member=person).count() == 1
        PEEntry.objects.all().delete()
        return
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not PEEntry.objects.exists()


def test_an_unknown_category_is_refused_in_the_form(client, person):
    client.force_login(person)
    response = client.post(reverse("pe:entry_add"), {"title": "X", "date": timezone.localdate().isoformat(),
                                                     "hours": "2", "category": "999999"})
    assert response.status_code == 400 and "category" in response.context["form"].errors
    assert not PEEntry.objects.exists()


def test_an_unknown_category_is_refused_by_the_service(person):
    ghost = f.category("courses")
    ghost.pk = 999999
    with pytest.raises(DomainError):
        pe_services.pe_entry_submit(member=person, category=ghost, title="X", date=TODAY, hours=Decimal("1"), today=TODAY)
    assert not PEEntry.objects.exists()


def test_a_file_too_large_is_refused_in_the_form_with_its_message(client, person, settings):
    client.force_login(person)
    big = SimpleUploadedFile("groot.pdf", f.PDF_BYTES + b"0" * (PEEntry.MAX_SIZE + 1), content_type="application/pdf")
    response = client.post("/en/pe/log/", {"title": "X", "date": timezone.localdate().isoformat(), "hours": "2",
                                           "category": f.category().pk, "evidence_file": big})
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not PEEntry.objects.exists()
