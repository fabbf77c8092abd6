"""What a listed profile tells machines: Open Graph tags and schema.org `Person` (JSON-LD).

Built from the published fields only, the same as the page: a field the manager keeps
private is in neither. The certificate becomes `hasCredential`, pointing at its
verification page, so a search engine or a client's system can check it.
"""

from __future__ import annotations

import json

from django.utils.safestring import mark_safe

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def register_person_data(*, profile, request, association: str = "RQIM") -> dict:
    """schema.org Person of a listed profile (published fields only)."""
    from django.urls import reverse

    user = profile.user
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": user.get_full_name(),
        "givenName": user.first_name,
        "familyName": user.last_name,
        "url": _absolute(request, reverse("members:register_profile", args=[profile.pk])),
    }
    if profile.show_headline and profile.headline:
        data["jobTitle"] = profile.headline
    if profile.show_bio and profile.bio:
        data["description"] = profile.bio
    if profile.show_photo and profile.photo:
        data["image"] = _absolute(request, profile.photo.url)
    if profile.show_linkedin and profile.linkedin_url:
        data["sameAs"] = [profile.linkedin_url]
    if profile.show_languages and profile.languages:
        data["knowsLanguage"] = [part.strip() for part in profile.languages.split(",") if part.strip()]
    knows = []
    if profile.show_sectors:
        knows += [sector.name for sector in profile.register_sectors.all()]
    if profile.show_expertise and profile.expertise:
        knows.append(profile.expertise)
    if knows:
        data["knowsAbout"] = knows
    if profile.show_regions:
        regions = [{"@type": "AdministrativeArea", "name": region.name} for region in profile.regions.all()]
        if regions:
            data["areaServed"] = regions
    credentials = []
    for certificate in getattr(user, "active_certificates", []):
        credentials.append({
            "@type": "EducationalOccupationalCredential",
            "name": f"RQIM · {certificate.level.name}",
            "credentialCategory": "certification",
            "identifier": certificate.number,
            "url": _absolute(request, reverse("verify_certificate", args=[certificate.number])),
            "dateCreated": certificate.valid_from.isoformat(),
            "expires": certificate.valid_until.isoformat(),
            "educationalLevel": f"EQF {certificate.level.eqf_level}",
            "recognizedBy": {"@type": "Organization", "name": association},
        })
    if credentials:
        data["hasCredential"] = credentials
    return data


def json_ld(data: dict) -> str:
    """`data` as JSON safe inside <script type="application/ld+json"> (no "</script>" can close it)."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))


def register_open_graph(*, profile, request) -> dict:
    """Open Graph values of a listed profile (published fields only)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    user = profile.user
    description = profile.headline if profile.show_headline and profile.headline else _(
        "RQIM certified interim manager"
    )
    values = {
        "title": user.get_full_name(),
        "description": description,
        "url": _absolute(request, reverse("members:register_profile", args=[profile.pk])),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "image": _absolute(request, profile.photo.url) if profile.show_photo and profile.photo else "",
    }
    return values
