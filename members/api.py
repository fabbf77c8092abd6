"""The portal's open API under /api/v1/ (django-ninja), outside the language prefix.

The OpenAPI document at /api/v1/openapi.json is generated from these
declarations; other parts of the portal add their endpoints as routers on `api`
(`api.add_router(...)`), so that there is one document for all of /api/v1/.

Certificates: ``GET /api/v1/certificates/<number>`` answers what the verification
page shows, in one query, rate-limited together with the pages.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema, Status

from members import certification_selectors as selectors
from members.models import Certificate
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


api.add_router("/certificates/", certificates)
api.add_router("/norms/", "knowledge.api.router")  # by name: members never imports knowledge
