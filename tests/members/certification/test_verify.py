"""/verify/, /verify/<number>/ and GET /api/v1/certificates/<number>."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from members.models import Certificate
from members.models.certification import certificate_number_parse, iso7064_mod11_10
from members.services import certification as services

from . import factories as f

pytestmark = pytest.mark.django_db


def mistyped(number: str) -> str:
    """The number with its check digit changed."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


# --- The number --------------------------------------------------------------------------


def test_example_number_from_the_norms_has_its_check_digit():
    assert Certificate.format_number(year=2026, serial=123) == f"RQIM-2026-00123-{iso7064_mod11_10('202600123')}"


def test_every_single_digit_error_and_neighbour_swap_is_caught():
    number = Certificate.format_number(year=2026, serial=4817)
    digits = number.replace("RQIM", "").replace("-", "")
    for position in range(len(digits)):
        for replacement in "0123456789":
            if replacement != digits[position]:
                changed = digits[:position] + replacement + digits[position + 1 :]
                assert certificate_number_parse(f"RQIM{changed}")[1] is False
    for position in range(len(digits) - 1):
        if digits[position] != digits[position + 1]:
            swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :]
            assert certificate_number_parse(f"RQIM{swapped}")[1] is False


def test_number_typed_loosely_is_understood():
    number = Certificate.format_number(year=2026, serial=5)
    assert certificate_number_parse(number.lower().replace("-", " ")) == (number, True)


# --- The page ---------------------------------------------------------------------------------


def test_active_certificate_page_shows_what_a_client_needs(client):
    certificate = f.issued_certificate()
    response = client.get(f"/verify/{certificate.number}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert certificate.holder.get_full_name() in body
    assert "RQIM" in body and "EQF" in body
    assert "2026.1" in body
    assert certificate.valid_until.strftime("%Y") in body
    assert response["Content-Language"] == "nl"
    assert certificate.holder.email not in body


def test_suspended_certificate_says_so_with_dates_and_no_reason(client):
    certificate = f.issued_certificate()
    until = timezone.localdate() + timedelta(days=30)
    services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="Vertrouwelijke klacht", until=until)
    body = client.get(f"/verify/{certificate.number}/?lang=en").content.decode()
    assert "Temporarily suspended" in body
    assert "not a final judgement" in body
    assert until.strftime("%Y") in body
    assert "Vertrouwelijke klacht" not in body


def test_withdrawn_certificate_says_so(client):
    certificate = f.issued_certificate()
    services.certificate_withdraw(certificate=certificate, actor=f.decider(), reason="Gedragscode")
    body = client.get(f"/verify/{certificate.number}/?lang=en").content.decode()
    assert "Withdrawn" in body and "no longer RQIM certified" in body


def test_expired_certificate_says_so(client):
    certificate = f.issued_certificate()
    services.certificates_daily_run(today=certificate.valid_until + timedelta(days=1))
    body = client.get(f"/verify/{certificate.number}/?lang=en").content.decode()
    assert "expired on" in body


def test_unknown_number_is_a_clean_404(client):
    number = Certificate.format_number(year=2026, serial=99999)
    response = client.get(f"/verify/{number}/?lang=en")
    assert response.status_code == 404
    assert "No certificate has the number" in response.content.decode()


def test_wrong_check_digit_says_so(client):
    certificate = f.issued_certificate()
    response = client.get(f"/verify/{mistyped(certificate.number)}/?lang=en")
    assert response.status_code == 404
    assert "The check digit does not match: check the number." in response.content.decode()


def test_form_goes_to_the_certificate(client):
    certificate = f.issued_certificate()
    response = client.get("/verify/", {"number": certificate.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.number}/"


def test_form_reports_a_wrong_check_digit(client):
    certificate = f.issued_certificate()
    response = client.get("/verify/", {"number": mistyped(certificate.number), "lang": "en"})
    assert response.status_code == 400
    assert "The check digit does not match" in response.content.decode()


def test_page_follows_accept_language_and_lang_switch(client):
    certificate = f.issued_certificate()
    english = client.get(f"/verify/{certificate.number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en" and "Valid until" in english.content.decode()
    dutch = client.get(f"/verify/{certificate.number}/?lang=nl", HTTP_ACCEPT_LANGUAGE="en")
    assert dutch["Content-Language"] == "nl" and "Valid until" not in dutch.content.decode()
    assert "Accept-Language" in english["Vary"]


def test_verify_is_outside_the_language_prefix(client):
    assert client.get("/en/verify/").status_code == 404
    assert client.get("/verify/").status_code == 200


def test_rate_limit_answers_429(client, settings):
    settings.VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/verify/").status_code == 200
    response = client.get("/verify/?lang=en")
    assert response.status_code == 429
    assert "wait a minute" in response.content.decode()
    assert client.get("/api/v1/certificates/RQIM-2026-00001-1").status_code == 429


@pytest.mark.parametrize("count", [1, 6])
def test_page_queries_stay_constant(client, django_assert_max_num_queries, count):
    certificates = [f.issued_certificate() for _ in range(count)]
    with django_assert_max_num_queries(10):
        assert client.get(f"/verify/{certificates[-1].number}/").status_code == 200


# --- JSON ---------------------------------------------------------------------------------------


def test_json_answer(client):
    certificate = f.issued_certificate(level_code="senior")
    data = client.get(f"/api/v1/certificates/{certificate.number}").json()
    assert data == {
        "number": certificate.number,
        "holder": certificate.holder.get_full_name(),
        "scheme": "RQIM",
        "level": "RQIM Senior",
        "eqf_level": 7,
        "status": "active",
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "norm_version": "2026.1",
        "status_since": certificate.status_changed_on.isoformat(),
        "suspended_until": None,
    }


def test_json_shows_a_suspension_at_once(client):
    certificate = f.issued_certificate()
    services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="x", until=date(2099, 1, 1))
    data = client.get(f"/api/v1/certificates/{certificate.number}").json()
    assert data["status"] == "suspended" and data["suspended_until"] == "2099-01-01"


def test_json_unknown_is_404_and_wrong_check_digit_400(client):
    certificate = f.issued_certificate()
    assert client.get(f"/api/v1/certificates/{Certificate.format_number(year=2026, serial=99999)}").status_code == 404
    response = client.get(f"/api/v1/certificates/{mistyped(certificate.number)}")
    assert response.status_code == 400
    assert "check digit" in response.json()["detail"]


@pytest.mark.parametrize("count", [1, 6])
def test_json_queries_stay_constant(client, django_assert_max_num_queries, count):
    certificates = [f.issued_certificate() for _ in range(count)]
    with django_assert_max_num_queries(1):
        assert client.get(f"/api/v1/certificates/{certificates[-1].number}").status_code == 200


def test_openapi_document_is_generated(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/certificates/{number}"]["get"]
    assert set(operation["responses"]) >= {"200", "400", "404", "429"}
    schema = document["components"]["schemas"]["CertificateOut"]
    assert {"number", "holder", "scheme", "level", "eqf_level", "status", "valid_from", "valid_until", "norm_version"} <= set(schema["properties"])


def test_behind_a_proxy_each_client_has_its_own_budget(client, settings):
    settings.VERIFY_RATE_LIMIT = 2
    settings.VERIFY_TRUSTED_PROXIES = 1
    for _ in range(2):
        assert client.get("/verify/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert client.get("/verify/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # A client cannot pick another address by prepending one: the proxy's own entry counts.
    assert client.get("/verify/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7").status_code == 429
    assert client.get("/verify/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
