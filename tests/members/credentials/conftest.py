import json
from datetime import timedelta

import pytest
from django.utils import timezone
from joserfc.jwk import OKPKey

from members.credentials.vc import CredentialData


def new_private_jwk() -> str:
    return json.dumps(OKPKey.generate_key("Ed25519", private=True).as_dict(private=True))


@pytest.fixture
def signing_key(settings):
    """A fresh association key for the test (as production sets it from the environment)."""
    settings.BASE_URL = "https://portal.example.nl"
    settings.CREDENTIAL_SIGNING_KEY = new_private_jwk()
    settings.CREDENTIAL_RETIRED_KEYS = None
    settings.CREDENTIAL_ISSUER_DID = None
    return settings.CREDENTIAL_SIGNING_KEY


@pytest.fixture
def credential_data(signing_key):
    today = timezone.localdate()
    return CredentialData(
        number="RQIM-2026-00123-7",
        holder_name="Mila de Jong",
        holder_id="urn:uuid:6f1c2a9e-4d1b-4c1e-9a7e-2b5d8c3f0a11",
        scheme_name="RQIM",
        level_code="rqim-senior",
        level_name_nl="RQIM Senior",
        level_name_en="RQIM Senior",
        eqf_level=7,
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=3 * 365),
        norm_version="2026.1",
        suspension_list_id="1",
        suspension_index=4242,
        revocation_list_id="2",
        revocation_index=117_001,
        issuer_name="Vereniging RQIM",
    )
