"""The portal's open API under /api/v1/ (django-ninja), outside the language prefix.

The OpenAPI document at /api/v1/openapi.json is generated from these
declarations; other parts of the portal add their endpoints as routers on `api`
(`api.add_router(...)`), so that there is one document for all of /api/v1/.

Certificates: ``GET /api/v1/certificates/<number>`` answers what the verification
page shows, in one query, rate-limited together with the pages.

Credentials (members/credentials/): ``GET /api/v1/certificates/<number>/credential``
is the certificate as a signed Open Badges 3.0 credential (VC-JWT);
``GET /api/v1/status-lists/<id>`` the Bitstring Status List credential its status
entries point at, built from the certificates' status when asked (so a suspension
shows within the cache time); ``POST /api/v1/verify`` checks an uploaded credential's
signature and answers its current status.
"""

from __future__ import annotations

import json
from datetime import date

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Schema, Status

from members import certification_selectors as selectors
from members.credentials import status_list as status_lists
from members.credentials.views import VC_JWT, vc_jwt_response
from members.credentials.vc import InvalidCredential, credential_issue, verify
from members.models import Certificate, CertificateStatusList
from members.models.certification import certificate_number_parse
from members.views_verify import VERIFY_RATE_WINDOW, verification_rate_exceeded

api = NinjaAPI(
    title="RQIM portal API",
    version="1",
    description=(
        "Public, read-only data of the RQIM association: certificate verification and the norms. "
        "Requests are rate-limited per client address (HTTP 429 with Retry-After)."
    ),
    urls_namespace="api-v1",
    docs_url=None,
)

certificates = Router(tags=["certificates"])


class CertificateOut(Schema):
    number: str
    holder: str
    scheme: str
    level: str
    eqf_level: int
    status: Certificate.Status
    valid_from: date
    valid_until: date
    norm_version: str
    status_since: date
    suspended_until: date | None = None


class Problem(Schema):
    detail: str


@certificates.get(
    "/{number}",
    response={200: CertificateOut, 400: Problem, 404: Problem, 429: Problem},
    summary="Verify a certificate by its number",
    description=(
        "The current status of a certificate: `active`, `suspended`, `withdrawn` or `expired`, with its "
        "holder, scheme, level (with its EQF level), validity and the norm version it was assessed against. "
        "A number whose check digit does not match answers 400; an unknown number 404."
    ),
)
def certificate_detail(request: HttpRequest, number: str):
    certificate = _certificate_or_problem(request, number)
    if isinstance(certificate, Status):
        return certificate
    return Status(200, {
        "number": certificate.number,
        "holder": certificate.holder.get_full_name(),
        "scheme": certificate.scheme.name_en or certificate.scheme.name_nl,
        "level": certificate.level.name_en or certificate.level.name_nl,
        "eqf_level": certificate.level.eqf_level,
        "status": certificate.status,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "norm_version": certificate.norm_version.version,
        "status_since": certificate.status_changed_on,
        "suspended_until": certificate.suspended_until if certificate.status == Certificate.Status.SUSPENDED else None,
    })


def _certificate_or_problem(request: HttpRequest, number: str) -> Certificate | Status:
    """The certificate with this number, or the problem to answer (429, 400 or 404)."""
    if verification_rate_exceeded(request):
        return Status(429, {"detail": f"Too many requests; try again in {VERIFY_RATE_WINDOW} seconds."})
    parsed = certificate_number_parse(number)
    if parsed is None:
        return Status(400, {"detail": "Not a certificate number; a number looks like RQIM-2026-00123-7."})
    normalised, check_ok = parsed
    if not check_ok:
        return Status(400, {"detail": "The check digit does not match: check the number."})
    certificate = selectors.certificate_for_verification(number=normalised)
    if certificate is None:
        return Status(404, {"detail": "No certificate has this number."})
    return certificate


JWT_RESPONSE = {
    "description": "A compact JWS (VC-JWT) signed with EdDSA (Ed25519); the keys are at /.well-known/jwks.json.",
    "content": {VC_JWT: {"schema": {"type": "string"}}},
}


@certificates.get(
    "/{number}/credential",
    url_name="certificate_credential",
    response={200: None, 400: Problem, 404: Problem, 429: Problem},
    summary="The certificate as a signed credential",
    description=(
        "A W3C Verifiable Credential 2.0 in the Open Badges 3.0 shape (`OpenBadgeCredential`), secured as a JWT "
        "(`application/vc+jwt`, EdDSA). Its `credentialStatus` points at the suspension and revocation status "
        "lists, so a verifier learns the current status without telling the portal which certificate it checks."
    ),
    openapi_extra={"responses": {"200": JWT_RESPONSE}},
)
def certificate_credential(request: HttpRequest, number: str):
    certificate = _certificate_or_problem(request, number)
    if isinstance(certificate, Status):
        return certificate
    token = credential_issue(selectors.certificate_credential_data(certificate=certificate))
    return vc_jwt_response(token, filename=f"{certificate.number}.jwt")


api.add_router("/certificates/", certificates)


status_list_router = Router(tags=["credentials"])


@status_list_router.get(
    "/{int:list_id}",
    response={200: None, 404: Problem},
    summary="A status list credential",
    description=(
        "A W3C Bitstring Status List credential (`application/vc+jwt`, EdDSA) of purpose `suspension` or "
        "`revocation`, built from the certificates' current status. Cacheable for "
        f"{status_lists.TTL_SECONDS} seconds, never longer."
    ),
    openapi_extra={"responses": {"200": JWT_RESPONSE}},
)
def status_list(request: HttpRequest, list_id: int):
    status_list = CertificateStatusList.objects.filter(pk=list_id).first()
    if status_list is None:
        return Status(404, {"detail": "No status list has this id."})
    token = status_lists.status_list_credential(
        list_id=status_list.pk,
        purpose=status_list.purpose,
        set_indexes=selectors.status_list_set_indexes(status_list=status_list),
    )
    return vc_jwt_response(token, max_age=status_lists.TTL_SECONDS)


api.add_router("/status-lists/", status_list_router)


verify_router = Router(tags=["credentials"])


class VerificationOut(Schema):
    signature_valid: bool
    reason: str = ""
    number: str | None = None
    holder: str | None = None
    level: str | None = None
    status: Certificate.Status | None = None
    suspended: bool | None = None
    revoked: bool | None = None
    valid_from: str | None = None
    valid_until: str | None = None


MAX_CREDENTIAL_BYTES = 64 * 1024


def _token_from(request: HttpRequest) -> str:
    """The credential in the request body (raw VC-JWT, or JSON ``{"credential": "<jwt>"}``); ValueError if none."""
    body = request.body
    if not body.strip():
        raise ValueError("Send the credential: a JSON body {\"credential\": \"<jwt>\"} or the raw application/vc+jwt.")
    if len(body) > MAX_CREDENTIAL_BYTES:
        raise ValueError("The credential is too large.")
    try:
        text = body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise ValueError("A credential is ASCII text (a compact JWS).") from None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise ValueError("The body is not valid JSON.") from None
        text = data.get("credential") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise ValueError('The JSON body has no "credential" string.')
        text = text.strip()
    if text.count(".") != 2:
        raise ValueError("Not a credential: a VC-JWT is a compact JWS of three dot-separated parts.")
    return text


@verify_router.post(
    "",
    response={200: VerificationOut, 400: Problem, 429: Problem},
    summary="Check a credential's signature and current status",
    description=(
        "Upload a credential issued by the portal (JSON `{\"credential\": \"<jwt>\"}` or the raw "
        "`application/vc+jwt` body). Answers whether the association's signature holds (`signature_valid`) and, "
        "when it does, the certificate's current status: `suspended` and `revoked` are the bits the status lists "
        "hold now. A body that is not a credential answers 400 with the reason."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"credential": {"type": "string"}}, "required": ["credential"]}
                },
                VC_JWT: {"schema": {"type": "string"}},
            },
        }
    },
)
def credential_verify(request: HttpRequest):
    if verification_rate_exceeded(request):
        return Status(429, {"detail": f"Too many requests; try again in {VERIFY_RATE_WINDOW} seconds."})
    try:
        token = _token_from(request)
    except ValueError as error:
        return Status(400, {"detail": str(error)})
    try:
        credential = verify(token)
    except InvalidCredential as error:
        return Status(200, {"signature_valid": False, "reason": str(error)})
    places = [
        (entry.purpose, int(entry.list_id), entry.index)
        for entry in status_lists.status_entries_of(credential)
        if entry.list_id.isdigit()
    ]
    held = selectors.certificates_at_status_places(places=places)
    answer = {
        "signature_valid": True,
        "valid_from": credential.get("validFrom"),
        "valid_until": credential.get("validUntil"),
    }
    if not held:
        return Status(200, {**answer, "reason": "The credential points at no status the portal keeps."})
    certificate = held[0][1]
    setting = selectors.STATUS_SETTING_BIT
    return Status(200, {
        **answer,
        "number": certificate.number,
        "holder": certificate.holder.get_full_name(),
        "level": certificate.level.name_en or certificate.level.name_nl,
        "status": certificate.status,
        "suspended": any(c.status == setting["suspension"] for purpose, c in held if purpose == "suspension"),
        "revoked": any(c.status == setting["revocation"] for purpose, c in held if purpose == "revocation"),
    })


api.add_router("/verify", verify_router)
api.add_router("/norms/", "knowledge.api.router")  # by name: members never imports knowledge


# --- The public register -------------------------------------------------------------------

register_router = Router(tags=["register"])
REGISTER_PAGE_SIZE = 20
REGISTER_RATE_WINDOW = 60


class ChoiceOut(Schema):
    code: str
    name_nl: str
    name_en: str


class RegisterCertificateOut(Schema):
    number: str
    status: Certificate.Status
    level: str
    eqf_level: int
    valid_until: date
    verify_url: str


class RegisterEntryOut(Schema):
    id: int
    name: str
    url: str
    certified_since: date | None = None
    certificate: RegisterCertificateOut
    headline: str | None = None
    bio_nl: str | None = None
    bio_en: str | None = None
    expertise: str | None = None
    sectors: list[ChoiceOut] | None = None
    regions: list[ChoiceOut] | None = None
    languages: str | None = None
    available_from: date | None = None
    available: bool | None = None
    day_rate: str | None = None
    linkedin_url: str | None = None
    photo_url: str | None = None


class RegisterPageOut(Schema):
    count: int
    page: int
    pages: int
    next: str | None = None
    previous: str | None = None
    results: list[RegisterEntryOut]


def register_rate_exceeded(request: HttpRequest) -> bool:
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from members.views_verify import client_address

    window = int(timezone.now().timestamp()) // REGISTER_RATE_WINDOW
    key = f"register-api:{client_address(request)}:{window}"
    cache.add(key, 0, REGISTER_RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, REGISTER_RATE_WINDOW + 5)
        count = 1
    return count > settings.REGISTER_API_RATE_LIMIT


def _choice(item) -> dict:
    return {"code": item.code, "name_nl": item.name_nl, "name_en": item.name_en}


def register_entry(profile, request: HttpRequest) -> dict:
    """One listed profile as the API shows it: its published fields, others null."""
    from django.urls import reverse
    from django.utils import timezone, translation

    certificate = profile.user.active_certificates[0]
    with translation.override("nl"):
        url = reverse("members:register_profile", args=[profile.pk])
    entry = {
        "id": profile.pk,
        "name": profile.user.get_full_name(),
        "url": request.build_absolute_uri(url),
        "certified_since": getattr(profile, "certified_since", None),
        "certificate": {
            "number": certificate.number,
            "status": certificate.status,
            "level": certificate.level.name_en or certificate.level.name_nl,
            "eqf_level": certificate.level.eqf_level,
            "valid_until": certificate.valid_until,
            "verify_url": request.build_absolute_uri(reverse("verify_certificate", args=[certificate.number])),
        },
    }
    if profile.show_headline:
        entry["headline"] = profile.headline
    if profile.show_bio:
        entry["bio_nl"], entry["bio_en"] = profile.bio_nl, profile.bio_en
    if profile.show_expertise:
        entry["expertise"] = profile.expertise
    if profile.show_sectors:
        entry["sectors"] = [_choice(sector) for sector in profile.register_sectors.all()]
    if profile.show_regions:
        entry["regions"] = [_choice(region) for region in profile.regions.all()]
    if profile.show_languages:
        entry["languages"] = profile.languages
    if profile.show_availability:
        entry["available_from"] = profile.available_from
        entry["available"] = profile.available_from is None or profile.available_from <= timezone.localdate()
    if profile.show_day_rate and profile.day_rate_band:
        entry["day_rate"] = profile.day_rate_band
    if profile.show_linkedin and profile.linkedin_url:
        entry["linkedin_url"] = profile.linkedin_url
    if profile.show_photo and profile.photo:
        entry["photo_url"] = request.build_absolute_uri(profile.photo.url)
    return entry


@register_router.get(
    "/",
    response={200: RegisterPageOut, 400: Problem, 429: Problem},
    summary="Search the public register",
    description=(
        "The certified interim managers listed in the public register, as the register page finds them: the "
        "same search, filters and order. Each entry holds only the fields its manager made public (others are "
        "null) and its active certificate. `q` is free text over name, headline, sectors, expertise and bio; "
        "`sector`, `region` and `level` take the codes of the filters on /register/; `language` is one of "
        "`nl`, `en`, `de`, `fr`, `es`; `available_before` a date (YYYY-MM-DD); `sort` one of `relevance` (with `q`), "
        "`name`, `certified`. Twenty entries per page. Readable from any origin (CORS)."
    ),
)
def register_list(
    request: HttpRequest,
    response: HttpResponse,
    q: str = "",
    sector: str = "",
    expertise: str = "",
    region: str = "",
    language: str = "",
    level: str = "",
    available_before: str = "",
    sort: str = "",
    page: int = 1,
):
    from django.core.paginator import EmptyPage, Paginator
    from django.http import QueryDict

    from members.filters import register_filterset

    response["Access-Control-Allow-Origin"] = "*"
    if register_rate_exceeded(request):
        response["Retry-After"] = str(REGISTER_RATE_WINDOW)
        return Status(429, {"detail": f"Too many requests; try again in {REGISTER_RATE_WINDOW} seconds."})
    data = QueryDict(mutable=True)
    for name, value in (("q", q), ("sector", sector), ("expertise", expertise), ("region", region),
                        ("language", language), ("level", level), ("available_before", available_before),
                        ("sort", sort)):
        if value:
            data[name] = value
    filterset = register_filterset(data)
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items())
        return Status(400, {"detail": problems})
    paginator = Paginator(filterset.qs, REGISTER_PAGE_SIZE)
    if page < 1:
        return Status(400, {"detail": "page: a page number starts at 1."})
    try:
        current = paginator.page(page)
    except EmptyPage:
        current = None
    results = [register_entry(profile, request) for profile in (current.object_list if current else [])]

    def link(number):
        query = data.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    pages = paginator.num_pages if paginator.count else 0
    return Status(200, {
        "count": paginator.count,
        "page": page,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if 1 < page <= pages + 1 else None,
        "results": results,
    })


api.add_router("/register/", register_router)
