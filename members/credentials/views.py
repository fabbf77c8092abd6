"""The association's public keys at stable addresses outside the language prefix.

``/.well-known/jwks.json``: every published key (current and retired) as a JWK
Set; ``/.well-known/did.json``: the ``did:web`` DID document with the same keys
as ``JsonWebKey`` verification methods for ``assertionMethod``. Both are
public, cacheable for a few minutes (a rotated key shows within that time) and
readable from other origins, so browser-based verifiers can fetch them.
"""

from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from members.credentials.keys import key_ring

CACHE_SECONDS = 300
VC_JWT = "application/vc+jwt"


def vc_jwt_response(token: str, *, max_age: int | None = None, filename: str | None = None) -> HttpResponse:
    """A signed credential or status list as served to verifiers (``application/vc+jwt``).

    `max_age`: public caching (status lists: ``status_list.TTL_SECONDS``, never longer);
    without it the answer is not cached. `filename` makes it a download.
    """
    response = HttpResponse(token, content_type=VC_JWT)
    if max_age is None:
        patch_cache_control(response, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _public(response)


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def jwks(request):
    return _public(JsonResponse(key_ring().jwks()))


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def did_document(request):
    ring = key_ring()
    methods = [
        {
            "id": item.kid,
            "type": "JsonWebKey",
            "controller": ring.issuer_did,
            "publicKeyJwk": item.key.as_dict(private=False),
        }
        for item in ring.published
    ]
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://www.w3.org/ns/cid/v1"],
        "id": ring.issuer_did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
    return _public(JsonResponse(document))
