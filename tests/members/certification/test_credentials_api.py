"""The certificate as a signed credential, its status lists, and POST /api/v1/verify.

The credential is checked with PyJWT against the published JWKS: a library other
than the one that signs, as an independent verifier would.
"""

from datetime import timedelta

import jwt
import pytest
from django.db import IntegrityError
from django.utils import timezone

from members.credentials.status_list import LIST_LENGTH, bit_is_set, decode_bitstring
from members.models import Certificate, CertificateStatusList
from members.services import certification as services

from . import factories as f

pytestmark = pytest.mark.django_db


def credential_of(client, certificate) -> str:
    response = client.get(f"/api/v1/certificates/{certificate.number}/credential")
    assert response.status_code == 200
    return response.content.decode()


def pyjwt_verify(client, token: str) -> dict:
    """Verify as an outside verifier does: the key by its kid from /.well-known/jwks.json."""
    keys = jwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(key for key in keys.keys if key.key_id == kid)
    return jwt.decode(token, key=key, algorithms=["EdDSA"], options={"verify_aud": False})


def served_bit(client, certificate, purpose: str) -> bool:
    """The certificate's bit in the status list its credential points at, as served now."""
    token = credential_of(client, certificate)
    entry = next(e for e in pyjwt_verify(client, token)["credentialStatus"] if e["statusPurpose"] == purpose)
    path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    status_list = pyjwt_verify(client, client.get(f"/{path}").content.decode())
    assert status_list["credentialSubject"]["statusPurpose"] == purpose
    return bit_is_set(decode_bitstring(status_list["credentialSubject"]["encodedList"]), int(entry["statusListIndex"]))


# --- Places in the status lists ----------------------------------------------------------------


def test_issue_gives_places_in_a_suspension_and_a_revocation_list():
    certificate = f.issued_certificate()
    assert certificate.suspension_list.purpose == CertificateStatusList.Purpose.SUSPENSION
    assert certificate.revocation_list.purpose == CertificateStatusList.Purpose.REVOCATION
    assert 0 <= certificate.suspension_index < LIST_LENGTH and 0 <= certificate.revocation_index < LIST_LENGTH


def test_places_are_drawn_at_random_not_in_order():
    certificates = [f.issued_certificate() for _ in range(4)]
    indexes = [c.suspension_index for c in certificates]
    assert len(set(indexes)) == 4
    assert indexes != sorted(indexes) or max(indexes) - min(indexes) > 100


def test_database_refuses_two_certificates_in_one_place():
    first, second = f.issued_certificate(), f.issued_certificate()
    with pytest.raises(IntegrityError):
        Certificate.objects.filter(pk=second.pk).update(suspension_index=first.suspension_index)


# --- The credential -------------------------------------------------------------------------------


def test_credential_is_served_as_vc_jwt_download(client):
    certificate = f.issued_certificate()
    response = client.get(f"/api/v1/certificates/{certificate.number}/credential")
    assert response["Content-Type"] == "application/vc+jwt"
    assert f'filename="{certificate.number}.jwt"' in response["Content-Disposition"]


def test_credential_verifies_against_published_jwks_with_pyjwt(client):
    certificate = f.issued_certificate(level_code="senior")
    token = credential_of(client, certificate)
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    payload = pyjwt_verify(client, token)
    subject = payload["credentialSubject"]
    assert subject["licenseNumber"] == certificate.number
    assert subject["identifier"][0]["identityHash"] == certificate.holder.get_full_name()
    achievement = subject["achievement"]
    assert achievement["name"] == "RQIM Senior" and achievement["version"] == certificate.norm_version.version
    assert achievement["alignment"][0]["targetCode"] == "EQF 7"
    assert payload["jti"] == payload["id"] and payload["sub"] == subject["id"]
    assert payload["validUntil"].startswith(certificate.valid_until.isoformat())
    assert {e["statusPurpose"] for e in payload["credentialStatus"]} == {"suspension", "revocation"}


def test_credential_fails_after_one_changed_byte(client):
    token = credential_of(client, f.issued_certificate())
    header, payload, signature = token.split(".")
    position = len(payload) // 2
    changed = payload[:position] + ("A" if payload[position] != "A" else "B") + payload[position + 1 :]
    with pytest.raises(jwt.InvalidTokenError):
        pyjwt_verify(client, f"{header}.{changed}.{signature}")


def test_credential_of_unknown_or_mistyped_number_is_a_clean_error(client):
    certificate = f.issued_certificate()
    mistyped = certificate.number[:-1] + str((int(certificate.number[-1]) + 1) % 10)
    assert client.get(f"/api/v1/certificates/{mistyped}/credential").status_code == 400
    assert client.get("/api/v1/certificates/RQIM-2020-99999-0/credential").status_code in (400, 404)


# --- Status lists ---------------------------------------------------------------------------------


def test_status_list_is_cached_a_few_minutes_at_most(client):
    certificate = f.issued_certificate()
    response = client.get(f"/api/v1/status-lists/{certificate.suspension_list_id}")
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    cache = dict(part.strip().partition("=")[::2] for part in response["Cache-Control"].split(","))
    assert "public" in cache and 0 < int(cache["max-age"]) <= 300


def test_unknown_status_list_is_404(client):
    assert client.get("/api/v1/status-lists/9999").status_code == 404


def test_suspension_bit_flips_when_suspended_and_back_when_reinstated(client):
    certificate = f.issued_certificate()
    body = f.decider()
    assert served_bit(client, certificate, "suspension") is False
    services.certificate_suspend(certificate=certificate, actor=body, reason="Onderzoek naar een klacht.",
                                 until=timezone.localdate() + timedelta(days=30))
    assert served_bit(client, certificate, "suspension") is True
    assert served_bit(client, certificate, "revocation") is False
    services.certificate_reinstate(certificate=certificate, actor=body)
    assert served_bit(client, certificate, "suspension") is False


def test_withdrawal_sets_the_revocation_bit(client):
    certificate = f.issued_certificate()
    services.certificate_withdraw(certificate=certificate, actor=f.decider(), reason="Gedragscode ernstig geschonden.")
    assert served_bit(client, certificate, "revocation") is True
    assert served_bit(client, certificate, "suspension") is False


def test_other_certificates_bits_stay_clear(client):
    suspended, other = f.issued_certificate(), f.issued_certificate()
    services.certificate_suspend(certificate=suspended, actor=f.decider(), reason="Onderzoek.",
                                 until=timezone.localdate() + timedelta(days=30))
    assert served_bit(client, other, "suspension") is False


# --- POST /api/v1/verify ---------------------------------------------------------------------------


def test_verify_accepts_json_and_answers_current_status(client):
    certificate = f.issued_certificate()
    token = credential_of(client, certificate)
    services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="Onderzoek.",
                                 until=timezone.localdate() + timedelta(days=30))
    data = client.post("/api/v1/verify", {"credential": token}, content_type="application/json").json()
    assert data["signature_valid"] is True
    assert data["number"] == certificate.number
    assert data["status"] == "suspended" and data["suspended"] is True and data["revoked"] is False


def test_verify_accepts_the_raw_vc_jwt(client):
    certificate = f.issued_certificate()
    token = credential_of(client, certificate)
    services.certificate_withdraw(certificate=certificate, actor=f.decider(), reason="Ingetrokken.")
    data = client.post("/api/v1/verify", token, content_type="application/vc+jwt").json()
    assert data["signature_valid"] is True and data["status"] == "withdrawn" and data["revoked"] is True


def test_verify_says_a_tampered_credential_does_not_hold(client):
    header, payload, signature = credential_of(client, f.issued_certificate()).split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    response = client.post("/api/v1/verify", {"credential": tampered}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["signature_valid"] is False and response.json()["status"] is None


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("", "application/json"),
        ("{", "application/json"),
        ('{"credential": 3}', "application/json"),
        ("[1, 2]", "application/json"),
        ("not a credential", "application/vc+jwt"),
        (b"\xff\xfe\x00", "application/octet-stream"),
        ("x" * 70_000, "application/vc+jwt"),
    ],
)
def test_verify_answers_garbage_with_400_and_a_reason(client, body, content_type):
    response = client.post("/api/v1/verify", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["detail"]


# --- The API document and query counts ------------------------------------------------------------


def test_openapi_document_lists_the_credential_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert "application/vc+jwt" in paths["/api/v1/certificates/{number}/credential"]["get"]["responses"]["200"]["content"]
    assert "get" in paths["/api/v1/status-lists/{list_id}"]
    assert set(paths["/api/v1/verify"]["post"]["requestBody"]["content"]) == {"application/json", "application/vc+jwt"}


@pytest.mark.parametrize("count", [1, 6])
def test_credential_queries_stay_constant(client, django_assert_max_num_queries, count):
    certificates = [f.issued_certificate() for _ in range(count)]
    credential_of(client, certificates[0])  # the site's association settings are made on first use
    with django_assert_max_num_queries(3):
        assert client.get(f"/api/v1/certificates/{certificates[-1].number}/credential").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_status_list_queries_stay_constant(client, django_assert_num_queries, count):
    certificates = [f.issued_certificate() for _ in range(count)]
    for certificate in certificates[: count // 2 + 1]:
        services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="Onderzoek.",
                                     until=timezone.localdate() + timedelta(days=30))
    with django_assert_num_queries(2):
        assert client.get(f"/api/v1/status-lists/{certificates[0].suspension_list_id}").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_verify_queries_stay_constant(client, django_assert_max_num_queries, count):
    certificates = [f.issued_certificate() for _ in range(count)]
    token = credential_of(client, certificates[-1])
    with django_assert_max_num_queries(1):
        assert client.post("/api/v1/verify", {"credential": token}, content_type="application/json").status_code == 200


def test_holder_page_offers_the_credential_download(client):
    from django.urls import reverse

    certificate = f.issued_certificate()
    client.force_login(certificate.holder)
    body = client.get(reverse("members:certification")).content.decode()
    assert f'href="/api/v1/certificates/{certificate.number}/credential"' in body
