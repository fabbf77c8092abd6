"""W3C Bitstring Status List: suspension and withdrawal, without learning who checks.

Each credential carries two ``BitstringStatusListEntry`` (see vc.py): one in a
``suspension`` list, one in a ``revocation`` list, each at an index drawn at
random (``secrets``) among the list's free places, so neighbouring indexes say
nothing about when or to whom a certificate was issued. A verifier fetches the
whole list and reads one bit: the portal never learns which certificate was
checked.

The certification service keeps, per list, which indexes are taken and which
are set (bit 1: suspended, or withdrawn), and serves each list at
``/api/v1/status-lists/<id>`` (cache a few minutes, never longer)::

    from members.credentials.status_list import status_list_credential, random_free_index

    index = random_free_index(used=taken_indexes)           # on issue, unique per list in the DB
    token = status_list_credential(list_id=list.pk, purpose="suspension",
                                   set_indexes=suspended_indexes)  # -> str (a JWT)

Encoding (Bitstring Status List §3.2): the bitstring has at least 131,072
entries (16 KB); index 0 is the left-most bit, i.e. the most significant bit
of the first byte; it is GZIP-compressed, then base64url-encoded without
padding and prefixed ``u`` (Multibase base64url).
"""

from __future__ import annotations

import base64
import gzip
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from django.conf import settings

from members.credentials import jose
from members.credentials.keys import key_ring

LIST_LENGTH = 131_072  # the spec's minimum: 16 KB of bits
PURPOSE_SUSPENSION = "suspension"
PURPOSE_REVOCATION = "revocation"
PURPOSES = (PURPOSE_SUSPENSION, PURPOSE_REVOCATION)
TTL_SECONDS = 300  # how long a verifier may cache a list; the view's Cache-Control matches


class StatusListFull(Exception):
    """Every index of the list is taken: start a new list."""


def status_list_url(list_id: str | int) -> str:
    return f"{settings.BASE_URL}/api/v1/status-lists/{list_id}"


def status_entry(*, list_id: str | int, index: int, purpose: str) -> dict:
    """The ``credentialStatus`` entry pointing at one bit of one list."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown status purpose {purpose!r}")
    if not 0 <= index < LIST_LENGTH:
        raise ValueError(f"index {index} is outside the list")
    url = status_list_url(list_id)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


@dataclass(frozen=True)
class StatusEntry:
    purpose: str
    list_id: str
    index: int


def status_entries_of(credential: dict) -> list[StatusEntry]:
    """The portal's status entries in a (verified) credential, for ``POST /api/v1/verify``:
    which bit of which list to look up. Entries pointing elsewhere are left out."""
    prefix = status_list_url("")
    statuses = credential.get("credentialStatus") or []
    entries = []
    for status in statuses if isinstance(statuses, list) else [statuses]:
        if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
            continue
        url, purpose = str(status.get("statusListCredential", "")), status.get("statusPurpose")
        index = str(status.get("statusListIndex", ""))
        if url.startswith(prefix) and purpose in PURPOSES and index.isdigit() and int(index) < LIST_LENGTH:
            entries.append(StatusEntry(purpose=purpose, list_id=url[len(prefix) :], index=int(index)))
    return entries


def random_free_index(*, used: Collection[int], length: int = LIST_LENGTH) -> int:
    """An index not in `used`, drawn uniformly at random. Raises `StatusListFull`."""
    free = length - len(used)
    if free <= 0:
        raise StatusListFull()
    if free > length // 8:  # mostly empty: a few draws find a free place
        while True:
            index = secrets.randbelow(length)
            if index not in used:
                return index
    taken = set(used)
    return secrets.choice([index for index in range(length) if index not in taken])


def encode_bitstring(set_indexes: Iterable[int], length: int = LIST_LENGTH) -> str:
    """The ``encodedList`` value for a list whose `set_indexes` are 1."""
    if length < LIST_LENGTH or length % 8:
        raise ValueError(f"a status list holds at least {LIST_LENGTH} entries, in whole bytes")
    bits = bytearray(length // 8)
    for index in set_indexes:
        if not 0 <= index < length:
            raise ValueError(f"index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_bitstring(encoded: str) -> bytes:
    """The raw bitstring of an ``encodedList`` value."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be Multibase base64url (prefix 'u')")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def set_indexes_of(encoded: str) -> set[int]:
    """The indexes whose bit is 1 (for tests and the verification endpoint)."""
    bitstring = decode_bitstring(encoded)
    return {
        byte * 8 + bit for byte, value in enumerate(bitstring) if value for bit in range(8) if value & (0x80 >> bit)
    }


def status_list_build(*, list_id: str | int, purpose: str, set_indexes: Iterable[int], length: int = LIST_LENGTH,
                      now: datetime | None = None) -> dict:
    """The unsigned ``BitstringStatusListCredential``."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown status purpose {purpose!r}")
    url = status_list_url(list_id)
    ring = key_ring()
    issued = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ring.issuer_did,
        "validFrom": issued.isoformat(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bitstring(set_indexes, length),
            "ttl": TTL_SECONDS * 1000,
        },
    }


def status_list_credential(*, list_id: str | int, purpose: str, set_indexes: Iterable[int],
                           length: int = LIST_LENGTH, now: datetime | None = None) -> str:
    """The status list credential signed as a JWT (same key and format as the credentials)."""
    credential = status_list_build(list_id=list_id, purpose=purpose, set_indexes=set_indexes, length=length, now=now)
    return jose.sign(credential)
