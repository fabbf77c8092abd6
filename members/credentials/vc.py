"""The certificate as a signed credential a client's system checks offline.

A W3C Verifiable Credential 2.0 in the Open Badges 3.0 shape
(``OpenBadgeCredential`` with an ``AchievementSubject``), secured as a JWT
(see jose.py for the claim mapping and header). It is built from plain data,
so the certification service decides what goes in and this module only how::

    from members.credentials.vc import CredentialData, credential_issue

    token = credential_issue(CredentialData(
        number=certificate.number, holder_name=..., holder_id=...,
        scheme_name="RQIM", level_code=level.code,
        level_name_nl=..., level_name_en=..., eqf_level=level.eqf_level,
        valid_from=certificate.valid_from, valid_until=certificate.valid_until,
        norm_version=str(certificate.norm_version),
        suspension_list_id=..., suspension_index=...,
        revocation_list_id=..., revocation_index=...,
    ))  # -> str, served as application/vc+jwt

``verify(token) -> dict`` answers whether the association signed exactly this
token (current or retired key) and returns the credential; the status lists
(status_list.py) say whether it is suspended or withdrawn.

Choices, so that independent OB 3.0 verifiers accept it:

- ``credentialSubject.id`` (and the JWT ``sub``) is ``holder_id``: a URI for
  the holder, e.g. ``urn:uuid:`` of the member; the holder's name travels as an
  ``IdentityObject`` of type ``name`` and the certificate number as
  ``licenseNumber``.
- Names in two languages the OB 3.0 way: the achievement is the Dutch edition
  (``inLanguage: "nl"``) and lists its English edition under ``related``
  (``inLanguage: "en"``, with the English name and description), since OB 3.0's
  schema keeps ``name`` a plain string.
- The EQF level is an ``alignment`` (targetFramework "European Qualifications
  Framework", targetCode "EQF 6"); the norm version is the achievement's
  ``version``.
- Dates are days in Europe/Amsterdam: ``validFrom`` is the start of the first
  day, ``validUntil`` the last second of the last day. ``id`` (the JWT ``jti``)
  is a ``urn:uuid`` derived from number and validity, so a download repeated
  gives the same credential and a new validity a new one.
- ``credentialStatus`` holds two ``BitstringStatusListEntry``: suspension and
  revocation, each at its own random index (status_list.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from members.credentials import jose
from members.credentials.keys import key_ring
from members.credentials.status_list import PURPOSE_REVOCATION, PURPOSE_SUSPENSION, status_entry

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
EQF_FRAMEWORK = "European Qualifications Framework"
EQF_URL = "https://europass.europa.eu/en/description-eight-eqf-levels"
ZONE = ZoneInfo("Europe/Amsterdam")

verify = jose.verify
InvalidCredential = jose.InvalidCredential


@dataclass(frozen=True)
class CredentialData:
    number: str  # RQIM-2026-00123-7
    holder_name: str
    holder_id: str  # a URI for the holder: credentialSubject.id and the JWT "sub"
    scheme_name: str  # RQIM
    level_code: str  # names the achievement: "rqim", "rqim-senior"
    level_name_nl: str
    level_name_en: str
    eqf_level: int
    valid_from: date | datetime
    valid_until: date | datetime  # the last day of validity
    norm_version: str
    suspension_list_id: str | int
    suspension_index: int
    revocation_list_id: str | int
    revocation_index: int
    verification_url: str = ""  # default <BASE_URL>/verify/<number>/
    issuer_name: str = ""  # default: the association's name from the site settings
    criteria_url: str = ""  # the published norms, if they have an address
    achievement_url: str = ""  # the level's public page; default <BASE_URL>/achievements/<level_code>
    description_nl: str = ""  # default: a standard text about the achievement
    description_en: str = ""


def verification_url(number: str) -> str:
    return f"{settings.BASE_URL}/verify/{number}/"


def association_name() -> str:
    """The association's name from the site settings, or the site name when there are none."""
    from django.db import DatabaseError
    from wagtail.models import Site

    from portal.models import AssociationSettings

    try:
        site = Site.objects.filter(is_default_site=True).first()
        if site:
            return AssociationSettings.for_site(site).name
    except DatabaseError:  # not migrated yet: fall back on the site name
        pass
    return settings.WAGTAIL_SITE_NAME


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(ZONE).replace(microsecond=0)
    return datetime.combine(value, time.min, tzinfo=ZONE)


def _end(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(ZONE).replace(microsecond=0)
    # the last second of the day, correct across a daylight-saving change
    return (datetime.combine(value + timedelta(days=1), time.min, tzinfo=ZONE) - timedelta(seconds=1)).astimezone(ZONE)


def _texts(data: CredentialData, language: str, issuer: str) -> dict:
    level = data.level_name_nl if language == "nl" else data.level_name_en
    own = data.description_nl if language == "nl" else data.description_en
    with translation.override(language):
        return {
            "name": level,
            "description": own
            or gettext(
                "%(level)s: an interim manager assessed by the independent certification body of %(issuer)s "
                "against the published %(scheme)s norms and found to meet them at EQF level %(eqf)s."
            )
            % {"level": level, "issuer": issuer, "scheme": data.scheme_name, "eqf": data.eqf_level},
            "criteria": gettext(
                "Portfolio, client references and an interview assessed against the competence criteria of the "
                "%(scheme)s norms, version %(version)s, by an independent assessor; the decision taken by a member "
                "of the certification body who took no part in the assessment (ISO/IEC 17024)."
            )
            % {"scheme": data.scheme_name, "version": data.norm_version},
            "eqf_name": gettext("EQF level %(eqf)s") % {"eqf": data.eqf_level},
            "evidence": gettext("The certificate's current status in the register"),
        }


def credential_build(data: CredentialData) -> dict:
    """The unsigned credential (the JWT payload without the registered claims)."""
    base = settings.BASE_URL
    issuer_name = data.issuer_name or association_name()
    issuer = {"id": key_ring().issuer_did, "type": ["Profile"], "name": issuer_name, "url": f"{base}/"}
    valid_from, valid_until = _start(data.valid_from), _end(data.valid_until)
    nl, en = _texts(data, "nl", issuer_name), _texts(data, "en", issuer_name)
    achievement_id = data.achievement_url or f"{base}/achievements/{data.level_code}"
    criteria = {"narrative": nl["criteria"]}
    if data.criteria_url:
        criteria = {"id": data.criteria_url, **criteria}
    credential_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{verification_url(data.number)}#{valid_from.isoformat()}")
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id.urn,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": nl["name"],
        "issuer": issuer,
        "validFrom": valid_from.isoformat(),
        "validUntil": valid_until.isoformat(),
        "credentialSubject": {
            "id": data.holder_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": data.holder_name, "identityType": "name", "hashed": False}
            ],
            "licenseNumber": data.number,
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": nl["name"],
                "description": nl["description"],
                "criteria": criteria,
                "humanCode": data.scheme_name,
                "inLanguage": "nl",
                "version": data.norm_version,
                "creator": issuer,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": en["eqf_name"],
                        "targetFramework": EQF_FRAMEWORK,
                        "targetCode": f"EQF {data.eqf_level}",
                        "targetUrl": EQF_URL,
                    }
                ],
                "related": [
                    {
                        "id": f"{achievement_id}?lang=en",
                        "type": ["Related"],
                        "inLanguage": "en",
                        "version": data.norm_version,
                        "name": en["name"],
                        "description": en["description"],
                    }
                ],
            },
        },
        "evidence": [
            {
                "id": data.verification_url or verification_url(data.number),
                "type": ["Evidence"],
                "name": nl["evidence"],
            }
        ],
        "credentialStatus": [
            status_entry(list_id=data.suspension_list_id, index=data.suspension_index, purpose=PURPOSE_SUSPENSION),
            status_entry(list_id=data.revocation_list_id, index=data.revocation_index, purpose=PURPOSE_REVOCATION),
        ],
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def credential_issue(data: CredentialData) -> str:
    """The credential signed as VC-JWT (compact JWS), ready to serve as ``application/vc+jwt``."""
    return jose.sign(credential_build(data))
