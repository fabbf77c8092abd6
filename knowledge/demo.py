"""Demo norms for `manage.py seed_demo`: /normen/ and /en/norms/ with a page per norm version.

Runs after `members.demo_certification.seed_certification`, which creates the RQIM scheme
and its norm version 2026.1 (in force). This adds the version it replaced, 2025.1, so the
older page shows its banner. Idempotent: a second run creates nothing and leaves alone
what editors have changed since.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from wagtail.models import Locale, Page

from knowledge.models import NormIndexPage, NormPage
from knowledge.norms import norm_index_secure
from members.models import CertificationScheme, CompetenceArea, Criterion, NormVersion
from portal.models import HomePage, NavigationMenu

INDEX = {
    "nl": {"title": "Normen", "slug": "normen", "intro": "De RQIM-normen waaraan gecertificeerde interim-managers voldoen, met alle versies."},
    "en": {"title": "Norms", "slug": "norms", "intro": "The RQIM norms that certified interim managers meet, with every version."},
}

OLDER_AREAS = [
    ("A", "Resultaatgericht werken", "Delivering results", [
        ("A.1", "Vertaalt de opdracht naar doelen en stuurt daarop.", "Translates the assignment into goals and steers towards them.", 6),
    ]),
    ("B", "Leiderschap", "Leadership", [
        ("B.1", "Geeft richting aan verandering.", "Leads change.", 6),
    ]),
]

CHANGES = {
    "2026.1": {
        "nl": "<ul><li>Nieuw criterium B.1 voor complexe verandering op EQF-niveau 7 (RQIM Senior).</li>"
              "<li>Criterium A.2 over een zorgvuldige overdracht toegevoegd.</li></ul>",
        "en": "<ul><li>New criterion B.1 on complex change at EQF level 7 (RQIM Senior).</li>"
              "<li>Criterion A.2 on a careful handover added.</li></ul>",
    },
    "2025.1": {"nl": "<p>Eerste versie van de norm.</p>", "en": "<p>First version of the norm.</p>"},
}


@transaction.atomic
def seed_norms(stdout) -> None:
    scheme = CertificationScheme.objects.filter(code="rqim").first()
    current = NormVersion.objects.filter(scheme=scheme, version="2026.1").first() if scheme else None
    dutch_home = HomePage.objects.filter(locale__language_code="nl", depth=2).first()
    if current is None or dutch_home is None:
        stdout.write("  No RQIM norms or home page: no norm pages added.")
        return
    english = Locale.objects.get(language_code="en")
    english_home = dutch_home.get_translation_or_none(english)

    older = _older_version(scheme, current)
    created = 0
    dutch_index, new_index = _index(dutch_home, "nl")
    created += new_index
    indexes = {"nl": dutch_index}
    if english_home is not None:
        english_index, new_index = _index(english_home, "en", source=dutch_index)
        created += new_index
        indexes["en"] = english_index
    for index in indexes.values():
        norm_index_secure(index=index)
    for version in (current, older):
        source = None
        for language, index in indexes.items():
            page, new_page = _norm_page(index, version, language, source=source)
            source = source or page
            created += new_page
    stdout.write(f"  Norm pages: {created} created (/normen/ and /en/norms/).")


def _older_version(scheme, current: NormVersion) -> NormVersion:
    older, created = NormVersion.objects.get_or_create(
        scheme=scheme, version="2025.1",
        defaults={"title_nl": "RQIM-norm 2025", "title_en": "RQIM norm 2025", "effective_from": date(2025, 1, 1),
                  "summary_nl": "Eerste versie.", "summary_en": "First version."},
    )
    if created:
        for order, (code, name_nl, name_en, criteria) in enumerate(OLDER_AREAS, start=1):
            area = CompetenceArea.objects.create(norm_version=older, code=code, name_nl=name_nl, name_en=name_en, sort_order=order)
            for position, (ccode, text_nl, text_en, eqf) in enumerate(criteria, start=1):
                Criterion.objects.create(area=area, code=ccode, text_nl=text_nl, text_en=text_en, eqf_level=eqf, sort_order=position)
    if current.replaces_id is None:
        current.replaces = older
        current.save(update_fields=["replaces"])
    return older


def _index(home: Page, language: str, source: NormIndexPage | None = None) -> tuple[NormIndexPage, bool]:
    content = INDEX[language]
    existing = NormIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing, False
    index = NormIndexPage(locale=home.locale, **content)
    if source is not None:
        index.translation_key = source.translation_key
    home.add_child(instance=index)
    index.save_revision().publish()
    _link_from_main_menu(index)
    return index, True


def _norm_page(index: NormIndexPage, version: NormVersion, language: str, source: NormPage | None) -> tuple[NormPage, bool]:
    existing = NormPage.objects.child_of(index).filter(norm_version=version).first()
    if existing is not None:
        return existing, False
    title = version.title_en if language == "en" else version.title_nl
    page = NormPage(
        title=title,
        slug=f"rqim-norm-{version.version.replace('.', '-')}",
        norm_version=version,
        changes=CHANGES.get(version.version, {}).get(language, ""),
        locale=index.locale,
    )
    if source is not None:
        page.translation_key = source.translation_key
    index.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _link_from_main_menu(index: NormIndexPage) -> None:
    """Add the new norm index to the main menu of its language, before the last item (contact)."""
    menu = NavigationMenu.objects.filter(placement=NavigationMenu.Placement.MAIN, locale=index.locale).first()
    if menu is None:
        return
    items = [{"type": block.block_type, "value": block.block.get_prep_value(block.value)} for block in menu.items]
    if any(item["value"].get("page") == index.pk for item in items):
        return
    link = {"type": "link", "value": {"page": index.pk, "url": "", "label": ""}}
    items.insert(max(len(items) - 1, 0), link)
    menu.items = items
    menu.save()
