"""The signing key: from the environment, a stable development key, and no start without one in production."""

import json
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OKPKey

from members.credentials.checks import issuer_did_check, raise_on_key_errors, signing_key_check
from members.credentials.keys import did_web_from_url, key_ring
from tests.members.credentials.conftest import new_private_jwk
from tests.portal.test_deploy_settings import PRODUCTION_ENV, manage


def manage_python(code: str, **env: str):
    """`code` in a fresh Python process with only `env`, as a server starts."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.TESTING = False
    settings.CREDENTIAL_SIGNING_KEY = None
    return settings


def test_production_without_a_key_fails_the_system_check(production):
    assert [error.id for error in signing_key_check()] == ["members.E001"]


def test_production_without_a_key_refuses_to_serve(production):
    with pytest.raises(ImproperlyConfigured, match="members.E001"):
        raise_on_key_errors()


def test_deploy_check_without_a_key_stops_on_members_e001():
    # A fresh process with production settings, as the server starts.
    result = manage("check", "--deploy", **PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode != 0
    assert "members.E001" in result.stderr + result.stdout


def test_wsgi_start_without_a_key_fails():
    result = manage_python("import portal.wsgi", **PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode != 0
    assert "members.E001" in result.stderr


def test_issuer_did_over_plain_http_is_a_deploy_warning(settings):
    settings.BASE_URL = "http://portal.example.nl"
    settings.CREDENTIAL_ISSUER_DID = None

    assert [warning.id for warning in issuer_did_check()] == ["members.W001"]
    settings.BASE_URL = "https://portal.example.nl"
    assert issuer_did_check() == []


def test_unreadable_key_fails_the_system_check(production):
    production.CREDENTIAL_SIGNING_KEY = '{"kty": "OKP", "crv": "Ed25519", "x": "nonsense"}'

    assert [error.id for error in signing_key_check()] == ["members.E002"]


def test_public_key_alone_is_refused(production):
    public = OKPKey.generate_key("Ed25519", private=True).as_dict(private=False)
    production.CREDENTIAL_SIGNING_KEY = json.dumps(public)

    assert [error.id for error in signing_key_check()] == ["members.E002"]


def test_production_with_a_key_passes(production):
    production.CREDENTIAL_SIGNING_KEY = new_private_jwk()

    assert signing_key_check() == []


def test_key_may_be_given_as_pem(settings):
    key = OKPKey.generate_key("Ed25519", private=True)
    settings.CREDENTIAL_SIGNING_KEY = key.as_pem(private=True).decode()

    assert key_ring().signing_key.thumbprint() == key.thumbprint()


def test_development_key_is_generated_once_and_kept(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = None
    settings.CREDENTIAL_DEV_KEY_FILE = tmp_path / "var" / "dev-key.json"
    first = key_ring().signing_kid
    from members.credentials import keys

    keys._load.cache_clear()  # as a restart does

    assert key_ring().signing_kid == first
    assert "d" in json.loads(settings.CREDENTIAL_DEV_KEY_FILE.read_text())


@pytest.mark.parametrize(
    "base_url, did",
    [
        ("https://portal.example.nl", "did:web:portal.example.nl"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://example.nl/rqim/", "did:web:example.nl:rqim"),
    ],
)
def test_issuer_did_is_derived_from_base_url(base_url, did):
    assert did_web_from_url(base_url) == did


def test_issuer_did_may_be_set(settings):
    settings.CREDENTIAL_SIGNING_KEY = new_private_jwk()
    settings.CREDENTIAL_ISSUER_DID = "did:web:rqim.nl"

    assert key_ring().signing_kid.startswith("did:web:rqim.nl#")


@pytest.mark.django_db
def test_jwks_publishes_public_keys_only(client, signing_key):
    response = client.get("/.well-known/jwks.json")

    [key] = response.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"]) == ("OKP", "Ed25519", "EdDSA")
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_retired_keys_stay_published_in_jwks_and_did_document(client, settings, signing_key):
    retired = OKPKey.generate_key("Ed25519", private=True).as_dict(private=False)
    settings.CREDENTIAL_RETIRED_KEYS = json.dumps({"keys": [retired]})

    keys = client.get("/.well-known/jwks.json").json()["keys"]
    document = client.get("/.well-known/did.json").json()

    assert [key["x"] for key in keys][1] == retired["x"]
    assert document["id"] == "did:web:portal.example.nl"
    assert [method["id"] for method in document["verificationMethod"]] == [key["kid"] for key in keys]
    assert document["assertionMethod"] == [key["kid"] for key in keys]
    assert all(method["type"] == "JsonWebKey" and "d" not in method["publicKeyJwk"] for method in document["verificationMethod"])


@pytest.mark.django_db
def test_key_addresses_are_outside_the_language_prefix(client, signing_key):
    assert client.get("/.well-known/did.json").status_code == 200
    assert client.get("/en/.well-known/did.json").status_code == 404


def test_rotation_with_the_command_keeps_old_credentials_verifying(settings, credential_data):
    from io import StringIO

    from django.core.management import call_command

    from members.credentials.vc import credential_issue, verify

    old_token = credential_issue(credential_data)
    retired, new_key = StringIO(), StringIO()
    call_command("credential_key", "retire", stdout=retired)
    call_command("credential_key", "generate", stdout=new_key, stderr=StringIO())

    settings.CREDENTIAL_RETIRED_KEYS = retired.getvalue()
    settings.CREDENTIAL_SIGNING_KEY = new_key.getvalue()

    assert verify(old_token)["credentialSubject"]["licenseNumber"] == credential_data.number
    assert key_ring().signing_kid != json.loads(retired.getvalue())[0]["kid"]
    assert all("d" not in key for key in json.loads(retired.getvalue()))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/.well-known/jwks.json", "/.well-known/did.json"])
def test_key_documents_need_no_database_and_any_origin_may_read_them(client, signing_key, django_assert_num_queries, path):
    with django_assert_num_queries(0):
        response = client.get(path)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
