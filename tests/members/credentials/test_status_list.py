"""Bitstring status lists: encoding, bits that flip, random indexes, and the signed list."""

import base64
import gzip

import jwt as pyjwt
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from members.credentials.status_list import (
    LIST_LENGTH,
    StatusListFull,
    bit_is_set,
    decode_bitstring,
    encode_bitstring,
    random_free_index,
    set_indexes_of,
    status_list_build,
    status_list_credential,
)
from members.credentials.vc import verify


def test_list_decodes_to_the_bits_that_were_set():
    encoded = encode_bitstring({0, 7, 8, 4242, LIST_LENGTH - 1})

    assert set_indexes_of(encoded) == {0, 7, 8, 4242, LIST_LENGTH - 1}


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=LIST_LENGTH - 1), max_size=64))
def test_any_set_of_indexes_survives_encoding(indexes):
    assert set_indexes_of(encode_bitstring(indexes)) == indexes


def test_list_has_at_least_131072_entries():
    assert len(decode_bitstring(encode_bitstring(set()))) * 8 >= 131_072


def test_index_zero_is_the_left_most_bit():
    bitstring = decode_bitstring(encode_bitstring({0, 9}))

    assert bitstring[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_encoding_is_multibase_base64url_of_gzip():
    encoded = encode_bitstring({5})

    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert bit_is_set(raw, 5)


def test_bit_flips_when_an_index_is_set_and_cleared(signing_key):
    def suspended(indexes):
        token = status_list_credential(list_id="1", purpose="suspension", set_indexes=indexes)
        return bit_is_set(decode_bitstring(verify(token)["credentialSubject"]["encodedList"]), 4242)

    assert suspended(set()) is False
    assert suspended({4242}) is True
    assert suspended(set()) is False


def test_index_outside_the_list_is_refused():
    with pytest.raises(ValueError):
        encode_bitstring({LIST_LENGTH})


def test_random_index_avoids_the_used_ones():
    used = set(range(0, LIST_LENGTH, 2))  # half the list taken

    indexes = {random_free_index(used=used) for _ in range(50)}

    assert indexes.isdisjoint(used)
    assert len(indexes) > 40  # spread at random, not handed out in order


def test_random_index_in_a_nearly_full_list():
    used = set(range(LIST_LENGTH)) - {77}

    assert random_free_index(used=used) == 77


def test_full_list_says_so():
    with pytest.raises(StatusListFull):
        random_free_index(used=range(16), length=16)


def test_status_list_credential_has_the_spec_shape(signing_key):
    credential = status_list_build(list_id="2", purpose="revocation", set_indexes={3})

    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["id"] == "https://portal.example.nl/api/v1/status-lists/2"
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert credential["credentialSubject"]["id"] == "https://portal.example.nl/api/v1/status-lists/2#list"


@pytest.mark.django_db
def test_status_list_verifies_against_published_jwks_with_pyjwt(client, signing_key):
    token = status_list_credential(list_id="1", purpose="suspension", set_indexes={4242})
    keys = pyjwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())

    payload = pyjwt.decode(token, keys[pyjwt.get_unverified_header(token)["kid"]].key, algorithms=["EdDSA"])

    assert payload["iss"] == payload["issuer"] == "did:web:portal.example.nl"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert set_indexes_of(payload["credentialSubject"]["encodedList"]) == {4242}


def test_unknown_purpose_is_refused(signing_key):
    with pytest.raises(ValueError):
        status_list_build(list_id="1", purpose="message", set_indexes=set())


def test_status_entries_of_a_credential_name_list_and_bit(credential_data):
    from members.credentials.status_list import StatusEntry, status_entries_of
    from members.credentials.vc import credential_build

    entries = status_entries_of(credential_build(credential_data))

    assert entries == [StatusEntry("suspension", "1", 4242), StatusEntry("revocation", "2", 117_001)]


@pytest.mark.parametrize(
    "status",
    [
        {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "5",
         "statusListCredential": "https://elsewhere.example/api/v1/status-lists/1"},
        {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "-5",
         "statusListCredential": "https://portal.example.nl/api/v1/status-lists/1"},
        {"type": "BitstringStatusListEntry", "statusPurpose": "message", "statusListIndex": "5",
         "statusListCredential": "https://portal.example.nl/api/v1/status-lists/1"},
        {"type": "StatusList2021Entry"},
        "nonsense",
    ],
)
def test_foreign_or_malformed_status_entries_are_left_out(signing_key, status):
    from members.credentials.status_list import status_entries_of

    assert status_entries_of({"credentialStatus": [status]}) == []


def test_vc_jwt_response_for_a_status_list_is_cacheable_a_few_minutes(signing_key):
    from members.credentials.status_list import TTL_SECONDS
    from members.credentials.views import vc_jwt_response

    response = vc_jwt_response(status_list_credential(list_id="1", purpose="suspension", set_indexes=()), max_age=TTL_SECONDS)

    assert response["Content-Type"] == "application/vc+jwt"
    assert "max-age=300" in response["Cache-Control"]


def test_vc_jwt_response_for_a_credential_is_a_download_not_cached(credential_data):
    from members.credentials.vc import credential_issue
    from members.credentials.views import vc_jwt_response

    response = vc_jwt_response(credential_issue(credential_data), filename="RQIM-2026-00123-7.jwt")

    assert response["Content-Disposition"] == 'attachment; filename="RQIM-2026-00123-7.jwt"'
    assert "no-store" in response["Cache-Control"]
