"""The association's signing keys for credentials and status lists.

One Ed25519 key signs; keys that signed before stay published (JWKS and DID
document) so that credentials already handed out keep verifying offline.

Settings (see `.env.example`):

- ``CREDENTIAL_SIGNING_KEY``: the private key, as a JWK (JSON, ``kty`` OKP,
  ``crv`` Ed25519, with ``d``) or as a PKCS#8 PEM. ``manage.py credential_key
  generate`` makes one; ``manage.py credential_key retire`` prints the retired
  keys before a rotation.
- ``CREDENTIAL_RETIRED_KEYS``: public JWKs of earlier keys: one JWK, a JSON
  list of them, or a JWKS (``{"keys": [...]}``). A ``kid`` given there is kept,
  so a key keeps the id its credentials carry even after the domain changes.
- ``CREDENTIAL_ISSUER_DID``: the issuer's DID; default ``did:web:<host>`` from
  ``BASE_URL`` (a port is written ``%3A``, a path becomes ``:``-separated).

Without a signing key, DEBUG (and the test run) generate a development key
once and keep it in ``CREDENTIAL_DEV_KEY_FILE`` (under ``var/``, ignored by
git), so it is stable across restarts. With DEBUG off the system check
``members.E001`` stops every management command (migrate, check --deploy,
runserver) and the WSGI start.

Key ids: every key's id is the issuer DID with the key's JWK thumbprint
(RFC 7638) as fragment, e.g. ``did:web:rqim.nl#1Xb6...``. Open Badges 3.0 asks
for a ``kid`` that is a URI dereferencing to the public JWK: this DID URL
names the verification method in ``/.well-known/did.json`` that carries it,
and the same id is the ``kid`` in ``/.well-known/jwks.json``, so ordinary JOSE
libraries find the key by it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OKPKey


class KeyConfigurationError(ImproperlyConfigured):
    """The signing key settings are missing or unusable."""


@dataclass(frozen=True)
class PublishedKey:
    kid: str
    key: OKPKey  # public only

    def as_jwk(self) -> dict:
        return {**self.key.as_dict(private=False), "kid": self.kid, "alg": "EdDSA", "use": "sig"}


@dataclass(frozen=True)
class KeyRing:
    issuer_did: str
    signing_key: OKPKey  # private
    signing_kid: str
    published: tuple[PublishedKey, ...]  # the current key first, then retired ones

    def public_key(self, kid: str) -> OKPKey | None:
        for item in self.published:
            if item.kid == kid:
                return item.key
        return None

    def jwks(self) -> dict:
        return {"keys": [item.as_jwk() for item in self.published]}


def did_web_from_url(base_url: str) -> str:
    """``https://portal.example.nl`` -> ``did:web:portal.example.nl`` (did:web spec §3.2)."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise KeyConfigurationError(f"BASE_URL {base_url!r} has no host to derive the issuer's did:web from.")
    host = parts.hostname
    if parts.port:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")] + [quote(part, safe="") for part in parts.path.split("/") if part]
    return "did:web:" + ":".join(segments)


def _kid(issuer_did: str, key: OKPKey) -> str:
    return f"{issuer_did}#{key.thumbprint()}"


def _ed25519(key: OKPKey, source: str) -> OKPKey:
    if key.as_dict(private=False).get("crv") != "Ed25519":
        raise KeyConfigurationError(f"{source} must be an Ed25519 key.")
    return key


def parse_private_key(value: str, source: str = "CREDENTIAL_SIGNING_KEY") -> OKPKey:
    """A private Ed25519 key from a JWK (JSON) or a PEM."""
    value = value.strip()
    try:
        if value.startswith("{"):
            key = OKPKey.import_key(json.loads(value))
        else:
            key = OKPKey.import_key(value.replace("\\n", "\n").encode())
    except Exception as error:  # joserfc and cryptography raise several kinds
        raise KeyConfigurationError(f"{source} is not a readable Ed25519 key: {error}") from error
    if not key.is_private:
        raise KeyConfigurationError(f"{source} must be the private key (a JWK with 'd', or a private PEM).")
    return _ed25519(key, source)


def parse_public_keys(value: str | None, source: str = "CREDENTIAL_RETIRED_KEYS") -> list[tuple[str | None, OKPKey]]:
    """Public keys with their own ``kid`` (if any) from a JWK, a list of JWKs or a JWKS."""
    if not value or not value.strip():
        return []
    try:
        data = json.loads(value)
    except ValueError as error:
        raise KeyConfigurationError(f"{source} is not valid JSON: {error}") from error
    if isinstance(data, dict):
        data = data["keys"] if "keys" in data else [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise KeyConfigurationError(f"{source} must be a JWK, a list of JWKs or a JWKS.")
    keys = []
    for item in data:
        public = {name: item[name] for name in ("kty", "crv", "x") if name in item}
        try:
            key = OKPKey.import_key(public)
        except Exception as error:
            raise KeyConfigurationError(f"{source} holds a key that is not readable: {error}") from error
        keys.append((item.get("kid"), _ed25519(key, source)))
    return keys


def _development_key(path: Path) -> OKPKey:
    """The development key in `path`, created once (safely when several processes race)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = OKPKey.generate_key("Ed25519", private=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process was first: use its key
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump(key.as_dict(private=True), handle)
            return key
    return parse_private_key(path.read_text(), source=str(path))


def development_keys_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


@lru_cache(maxsize=8)
def _load(
    signing: str | None, retired: str | None, did: str | None, base_url: str, dev_file: str, dev_ok: bool
) -> KeyRing:
    issuer_did = did or did_web_from_url(base_url)
    if signing:
        signing_key = parse_private_key(signing)
    elif dev_ok:
        signing_key = _development_key(Path(dev_file))
    else:
        raise KeyConfigurationError(
            "Set CREDENTIAL_SIGNING_KEY (an Ed25519 private JWK or PEM): credentials cannot be signed without it."
        )
    current = PublishedKey(_kid(issuer_did, signing_key), OKPKey.import_key(signing_key.as_dict(private=False)))
    published = [current]
    for kid, key in parse_public_keys(retired):
        kid = kid or _kid(issuer_did, key)
        if all(item.kid != kid for item in published):
            published.append(PublishedKey(kid, key))
    return KeyRing(issuer_did=issuer_did, signing_key=signing_key, signing_kid=current.kid, published=tuple(published))


def key_ring() -> KeyRing:
    """The keys from the current settings (read once per set of settings values)."""
    return _load(
        getattr(settings, "CREDENTIAL_SIGNING_KEY", None),
        getattr(settings, "CREDENTIAL_RETIRED_KEYS", None),
        getattr(settings, "CREDENTIAL_ISSUER_DID", None),
        settings.BASE_URL,
        str(getattr(settings, "CREDENTIAL_DEV_KEY_FILE", Path(settings.BASE_DIR) / "var" / "credential-dev-key.json")),
        development_keys_allowed(),
    )


def issuer_did() -> str:
    return key_ring().issuer_did
