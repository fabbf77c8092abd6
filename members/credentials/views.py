"""The association's public keys at stable addresses outside the language prefix.

``/.well-known/jwks.json``: every published key (current and retired) as a JWK
Set; ``/.well-known/did.json``: the ``did:web`` DID document with the same keys
as ``JsonWebKey`` verification methods for ``assertionMethod``. Both are
public, cacheable for a few minutes (a rotated key shows within that time) and
readable from other origins, so browser-based verifiers can fetch them.
"""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from members.credentials.keys import key_ring

CACHE_SECONDS = 300


def _public(response: JsonResponse) -> JsonResponse:
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
