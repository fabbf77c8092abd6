"""The certificate's credential: Open Badges 3.0 VC-JWT, checked with an independent JOSE library."""

import json
from dataclasses import replace
from datetime import datetime, timedelta

import jwt as pyjwt
import pytest
from joserfc.jwk import OKPKey

from members.credentials.vc import InvalidCredential, credential_build, credential_issue, verify
from tests.members.credentials.conftest import new_private_jwk

pytestmark = pytest.mark.django_db


def published_key(client, token):
    """The key a verifier finds for `token` in the portal's JWKS, as PyJWT loads it."""
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = pyjwt.PyJWKSet.from_dict(response.json())
    return keys[pyjwt.get_unverified_header(token)["kid"]].key


def pyjwt_decode(client, token):
    return pyjwt.decode(token, published_key(client, token), algorithms=["EdDSA"], options={"require": ["iss", "nbf", "jti", "sub"]})


def tamper(token: str, position: int) -> str:
    """`token` with one character of its payload segment changed (one changed byte once decoded)."""
    header, payload, signature = token.split(".")
    index = len(payload) // 2 + position
    replacement = "A" if payload[index] != "A" else "B"
    return ".".join([header, payload[:index] + replacement + payload[index + 1 :], signature])


def test_credential_verifies_against_published_jwks_with_pyjwt(client, credential_data):
    token = credential_issue(credential_data)

    payload = pyjwt_decode(client, token)

    assert payload["credentialSubject"]["licenseNumber"] == "RQIM-2026-00123-7"


@pytest.mark.parametrize("position", [-7, 0, 5])
def test_one_changed_byte_breaks_the_signature(client, credential_data, position):
    token = tamper(credential_issue(credential_data), position)

    with pytest.raises(pyjwt.exceptions.InvalidSignatureError):
        pyjwt_decode(client, token)
    with pytest.raises(InvalidCredential):
        verify(token)


def test_changed_signature_is_refused(credential_data):
    header, payload, signature = credential_issue(credential_data).split(".")
    signature = ("B" if signature[10] != "B" else "C").join([signature[:10], signature[11:]])

    with pytest.raises(InvalidCredential):
        verify(".".join([header, payload, signature]))


def test_registered_claims_are_mapped_from_the_credential(credential_data):
    payload = verify(credential_issue(credential_data))

    assert payload["iss"] == payload["issuer"]["id"] == "did:web:portal.example.nl"
    assert payload["sub"] == payload["credentialSubject"]["id"] == credential_data.holder_id
    assert payload["jti"] == payload["id"]
    assert payload["nbf"] == int(datetime.fromisoformat(payload["validFrom"]).timestamp())
    assert payload["exp"] == int(datetime.fromisoformat(payload["validUntil"]).timestamp())


def test_header_is_the_open_badges_jose_header(credential_data):
    token = credential_issue(credential_data)

    header = pyjwt.get_unverified_header(token)

    assert header == {"alg": "EdDSA", "kid": header["kid"], "typ": "JWT"}
    assert header["kid"].startswith("did:web:portal.example.nl#")


def test_kid_is_the_key_thumbprint(settings, credential_data):
    token = credential_issue(credential_data)
    thumbprint = OKPKey.import_key(json.loads(settings.CREDENTIAL_SIGNING_KEY)).thumbprint()

    assert pyjwt.get_unverified_header(token)["kid"] == f"did:web:portal.example.nl#{thumbprint}"


def test_validity_days_are_whole_days_in_amsterdam(credential_data):
    credential = credential_build(credential_data)

    assert credential["validFrom"] == f"{credential_data.valid_from.isoformat()}T00:00:00" + credential["validFrom"][-6:]
    assert credential["validUntil"].startswith(f"{credential_data.valid_until.isoformat()}T23:59:59")


def test_achievement_is_aligned_to_its_eqf_level(credential_data):
    achievement = credential_build(credential_data)["credentialSubject"]["achievement"]

    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "EQF level 7",
            "targetFramework": "European Qualifications Framework",
            "targetCode": "EQF 7",
            "targetUrl": "https://europass.europa.eu/en/description-eight-eqf-levels",
        }
    ]


def test_achievement_names_its_dutch_and_english_editions(credential_data):
    data = replace(credential_data, level_name_nl="RQIM Senior (NL)", level_name_en="RQIM Senior (EN)")
    achievement = credential_build(data)["credentialSubject"]["achievement"]

    assert (achievement["inLanguage"], achievement["name"]) == ("nl", "RQIM Senior (NL)")
    [english] = achievement["related"]
    assert (english["inLanguage"], english["name"]) == ("en", "RQIM Senior (EN)")
    assert "beoordeeld" in achievement["description"]  # Dutch text in the Dutch edition
    assert "assessed" in english["description"]


def test_credential_has_the_open_badges_shape(credential_data):
    credential = credential_build(credential_data)

    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"] and credential["issuer"]["name"] == "Vereniging RQIM"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == "Mila de Jong"
    assert subject["achievement"]["version"] == "2026.1"


def test_status_entries_point_at_a_suspension_and_a_revocation_list(credential_data):
    statuses = credential_build(credential_data)["credentialStatus"]

    assert statuses == [
        {
            "id": "https://portal.example.nl/api/v1/status-lists/1#4242",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "suspension",
            "statusListIndex": "4242",
            "statusListCredential": "https://portal.example.nl/api/v1/status-lists/1",
        },
        {
            "id": "https://portal.example.nl/api/v1/status-lists/2#117001",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "117001",
            "statusListCredential": "https://portal.example.nl/api/v1/status-lists/2",
        },
    ]


def test_same_validity_gives_the_same_credential_id_and_a_new_one_another(credential_data):
    first = credential_build(credential_data)["id"]
    renewed = replace(credential_data, valid_from=credential_data.valid_until + timedelta(days=1))

    assert credential_build(credential_data)["id"] == first
    assert credential_build(renewed)["id"] != first
    assert first.startswith("urn:uuid:")


def test_retired_key_still_verifies_an_old_credential(client, settings, credential_data):
    old_token = credential_issue(credential_data)
    old_public = client.get("/.well-known/jwks.json").json()["keys"][0]

    settings.CREDENTIAL_SIGNING_KEY = new_private_jwk()
    settings.CREDENTIAL_RETIRED_KEYS = json.dumps([old_public])

    assert verify(old_token)["id"] == credential_build(credential_data)["id"]
    assert pyjwt_decode(client, old_token)["jti"] == verify(old_token)["jti"]
    kids = [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    assert len(kids) == 2 and kids[1] == old_public["kid"]


def test_credential_of_an_unpublished_key_is_refused(settings, credential_data):
    token = credential_issue(credential_data)

    settings.CREDENTIAL_SIGNING_KEY = new_private_jwk()  # the old key is dropped, not retired

    with pytest.raises(InvalidCredential, match="does not publish"):
        verify(token)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_garbage_is_refused_cleanly(signing_key, garbage):
    with pytest.raises(InvalidCredential):
        verify(garbage)
