"""Builders for norm pages in tests.

    scheme = scheme_with_norms()                      # RQIM with norm version 2026.1 (tests/members/certification)
    old, new = two_versions()                         # 2025.1 (superseded) and 2026.1 (in force)
    index = norm_index()                              # "Normen" under the Dutch home page, under the committee's workflow
    page = norm_page(index, version)                  # a published norm page for that version
"""

from __future__ import annotations

from datetime import date

from members.models import CompetenceArea, Criterion, NormVersion
from knowledge.models import NormIndexPage, NormPage
from knowledge.norms import norm_index_secure
from tests.members.certification.factories import scheme_with_norms
from tests.portal import pages


def two_versions() -> tuple[NormVersion, NormVersion]:
    """An older version 2025.1 and the version in force 2026.1, which replaces it."""
    scheme = scheme_with_norms()
    current = NormVersion.objects.get(scheme=scheme, version="2026.1")
    old, _ = NormVersion.objects.get_or_create(
        scheme=scheme, version="2025.1",
        defaults={"title_nl": "RQIM-norm 2025", "title_en": "RQIM norm 2025", "effective_from": date(2025, 1, 1)},
    )
    if current.replaces_id != old.pk:
        current.replaces = old
        current.save(update_fields=["replaces"])
    return old, current


def add_criteria(version: NormVersion, count: int) -> None:
    """`count` more criteria spread over new areas of four each."""
    for start in range(0, count, 4):
        area = CompetenceArea.objects.create(
            norm_version=version, code=f"X{start}", name_nl=f"Gebied {start}", name_en=f"Area {start}", sort_order=10 + start
        )
        for n in range(start, min(start + 4, count)):
            Criterion.objects.create(area=area, code=f"X.{n}", text_nl=f"Criterium {n}", text_en=f"Criterion {n}", eqf_level=6)


def norm_index(parent=None, **fields) -> NormIndexPage:
    index = pages.add(parent or pages.home(), NormIndexPage(title="Normen", slug="normen", **fields))
    norm_index_secure(index=index)
    return index


def norm_page(index, version: NormVersion, *, publish_it: bool = True, **fields) -> NormPage:
    fields.setdefault("title", version.title_nl)
    fields.setdefault("slug", f"norm-{version.version.replace('.', '-')}")
    return pages.add(index, NormPage(norm_version=version, **fields), publish_it=publish_it)
