"""Signing and verifying JWTs with the association's key (joserfc, Ed25519).

Open Badges 3.0's JWT proof format (§8.2 "JSON Web Token Proof Format"): the
credential JSON is the JWT payload, with the registered claims mapped from it:

=======  ==========================================
``iss``  ``issuer.id``
``nbf``  ``validFrom`` (NumericDate)
``exp``  ``validUntil`` (NumericDate), when present
``jti``  ``id``
``sub``  ``credentialSubject.id``
=======  ==========================================

The JOSE header holds only ``alg`` (``EdDSA``), ``kid`` (a URI dereferencing
to the public JWK, see keys.py) and ``typ`` (``JWT``): OB 3.0 allows no other
header parameters.
"""

from __future__ import annotations

from datetime import datetime

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry
from joserfc.jwa import EdDSAAlgorithm

from members.credentials.keys import key_ring

ALGORITHM = "EdDSA"


class _EdDSA(EdDSAAlgorithm):
    # RFC 9864 names the algorithm "Ed25519", but Open Badges 3.0 verifiers and
    # the JOSE libraries they use know it as "EdDSA": keep that name, quietly.
    security_warning = None


class _Registry(JWSRegistry):
    algorithms = {**JWSRegistry.algorithms, ALGORITHM: _EdDSA()}


_REGISTRY = _Registry(algorithms=[ALGORITHM])


class InvalidCredential(Exception):
    """The token is malformed, signed by an unknown key, or its signature does not hold."""


def numeric_date(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def registered_claims(credential: dict) -> dict:
    """The JWT claims OB 3.0 maps from a credential."""
    claims = {
        "iss": credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"],
        "nbf": numeric_date(credential["validFrom"]),
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
    }
    if credential.get("validUntil"):
        claims["exp"] = numeric_date(credential["validUntil"])
    return claims


def sign(credential: dict) -> str:
    """The credential as a compact JWS (VC-JWT), signed with the current key."""
    ring = key_ring()
    payload = {**credential, **registered_claims(credential)}
    header = {"alg": ALGORITHM, "kid": ring.signing_kid, "typ": "JWT"}
    return jwt.encode(header, payload, ring.signing_key, registry=_REGISTRY, default_type=None)


def verify(token: str | bytes) -> dict:
    """The payload of a token whose signature holds against a published key (current or retired).

    Raises `InvalidCredential` otherwise, or when the registered claims do not
    match the credential they travel with. Validity dates and status are the
    caller's business: this answers only "did the association sign exactly this?".
    """
    ring = key_ring()
    try:
        header = jws.extract_compact(token.encode() if isinstance(token, str) else token).headers()
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidCredential("not a compact JWS") from error
    if header.get("alg") != ALGORITHM:
        raise InvalidCredential(f"unexpected algorithm {header.get('alg')!r}")
    key = ring.public_key(str(header.get("kid", "")))
    if key is None:
        raise InvalidCredential("signed with a key the association does not publish")
    try:
        payload = jwt.decode(token, key, registry=_REGISTRY).claims
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidCredential("the signature does not hold") from error
    try:
        expected = registered_claims(payload)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidCredential("the payload is not a credential") from error
    for name, value in expected.items():
        if payload.get(name) != value:
            raise InvalidCredential(f"claim {name!r} does not match the credential")
    return payload
