"""Open data on the norms: ``GET /api/v1/norms/`` and ``GET /api/v1/norms/<version>``.

Added as a router to the portal's one NinjaAPI (members/api.py), so the norms are in the
same OpenAPI document as the other endpoints. The data is the certification's own
(`members.NormVersion`), the same the norm pages show.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from members.certification_selectors import norm_version_in_force
from members.models import CompetenceArea, Criterion, NormVersion

router = Router(tags=["norms"])


class CriterionOut(Schema):
    code: str
    text_nl: str
    text_en: str
    eqf_level: int


class AreaOut(Schema):
    code: str
    name_nl: str
    name_en: str
    criteria: list[CriterionOut]


class NormVersionOut(Schema):
    scheme: str
    version: str
    title_nl: str
    title_en: str
    effective_from: date
    replaces: str | None = None
    in_force: bool
    areas: list[AreaOut]


class Problem(Schema):
    detail: str


def _versions():
    criteria = Criterion.objects.order_by("sort_order", "code")
    areas = CompetenceArea.objects.order_by("sort_order", "code").prefetch_related(Prefetch("criteria", queryset=criteria))
    return (
        NormVersion.objects.select_related("scheme", "replaces")
        .prefetch_related(Prefetch("areas", queryset=areas))
        .order_by("scheme__code", "-effective_from")
    )


def _out(version: NormVersion, in_force_ids: set[int]) -> dict:
    return {
        "scheme": version.scheme.code,
        "version": version.version,
        "title_nl": version.title_nl,
        "title_en": version.title_en,
        "effective_from": version.effective_from,
        "replaces": version.replaces.version if version.replaces else None,
        "in_force": version.pk in in_force_ids,
        "areas": [
            {
                "code": area.code,
                "name_nl": area.name_nl,
                "name_en": area.name_en,
                "criteria": [
                    {"code": c.code, "text_nl": c.text_nl, "text_en": c.text_en, "eqf_level": c.eqf_level}
                    for c in area.criteria.all()
                ],
            }
            for area in version.areas.all()
        ],
    }


def _in_force_ids(versions) -> set[int]:
    today = timezone.localdate()
    ids = set()
    for scheme in {version.scheme for version in versions}:
        in_force = norm_version_in_force(scheme=scheme, on=today)
        if in_force is not None:
            ids.add(in_force.pk)
    return ids


@router.get(
    "/",
    response=list[NormVersionOut],
    summary="List the norm versions",
    description="Every version of the norms, newest first, with its effective date, the version it replaces, "
    "whether it is in force today, and its competence areas and criteria with their EQF levels.",
)
def norm_list(request: HttpRequest):
    versions = list(_versions())
    in_force_ids = _in_force_ids(versions)
    return [_out(version, in_force_ids) for version in versions]


@router.get(
    "/{version}",
    response={200: NormVersionOut, 404: Problem},
    summary="One norm version with its criteria",
)
def norm_detail(request: HttpRequest, version: str):
    found = _versions().filter(version=version).first()
    if found is None:
        return Status(404, {"detail": "No norm version has this number."})
    return Status(200, _out(found, _in_force_ids([found])))
