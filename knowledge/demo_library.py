"""Demo content for `manage.py seed_demo`: the knowledge library (/kennisbank/, /en/library/)
with topics, authors and articles in both languages (some for members only), linked from the
main menu; news categories on the demo news; and a closed public consultation on norm
version 2026.1 whose report the norm page links.

Idempotent: a second run creates nothing and leaves alone what editors have changed since.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from knowledge.demo import _link_from_main_menu
from knowledge.models import (
    ArticlePage, Author, Consultation, ConsultationComment, ConsultationRespondent, LibraryIndexPage, Topic,
)
from members.models import Criterion, NormVersion
from portal.models import HomePage, NewsCategory, NewsPage

INDEX = {
    "nl": {"title": "Kennisbank", "slug": "kennisbank", "intro": "Artikelen van en voor interim managers, en de materialen van onze kennissessies."},
    "en": {"title": "Library", "slug": "library", "intro": "Articles by and for interim managers, and the materials of our knowledge sessions."},
}

TOPICS = [
    ("leiderschap", "Leiderschap", "Leadership"),
    ("governance", "Governance", "Governance"),
    ("zorg", "Zorg", "Healthcare"),
    ("verandering", "Verandermanagement", "Change management"),
]

AUTHORS = [
    ("Anna de Vries", "Interim manager in de zorg", "Interim manager in healthcare"),
    ("Pieter Jansen", "Interim directeur publieke sector", "Interim director in the public sector"),
]


def _body(paragraphs: list[str]) -> list[dict]:
    return [{"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}]


ARTICLES = [
    {
        "slug": ("eerste-honderd-dagen", "first-hundred-days"),
        "title": ("De eerste honderd dagen van een opdracht", "The first hundred days of an assignment"),
        "intro": (
            "Hoe krijg je snel grip op een organisatie die je nog niet kent? Vijf lessen uit de praktijk.",
            "How do you quickly get a grip on an organisation you do not know yet? Five lessons from practice.",
        ),
        "body": (
            ["Luister eerst, en lang genoeg. " * 40, "Maak een plan dat je samen met de opdrachtgever toetst. " * 40],
            ["Listen first, and long enough. " * 40, "Make a plan that you test together with the client. " * 40],
        ),
        "topics": ["leiderschap", "verandering"], "authors": ["Anna de Vries"], "members_only": False, "days": 20,
    },
    {
        "slug": ("governance-bij-crisis", "governance-in-a-crisis"),
        "title": ("Governance als het stormt", "Governance in a storm"),
        "intro": (
            "Wat vraagt een toezichthouder van een interim bestuurder in een crisis? Een verkenning voor leden.",
            "What does a supervisory board ask of an interim director in a crisis? An exploration for members.",
        ),
        "body": (
            ["In een crisis schuift de rol van de raad van toezicht. " * 60],
            ["In a crisis the role of the supervisory board shifts. " * 60],
        ),
        "topics": ["governance", "leiderschap"], "authors": ["Pieter Jansen"], "members_only": True, "days": 45,
    },
    {
        "slug": ("verandering-in-de-zorg", "change-in-healthcare"),
        "title": ("Verandering in de zorg: tempo en zorgvuldigheid", "Change in healthcare: pace and care"),
        "intro": (
            "Zorgorganisaties vragen snelheid én zorgvuldigheid. Zo combineer je die.",
            "Healthcare organisations ask for speed and care. This is how you combine them.",
        ),
        "body": (
            ["Zorgvuldigheid en tempo bijten elkaar niet. " * 50],
            ["Care and pace do not have to clash. " * 50],
        ),
        "topics": ["zorg", "verandering"], "authors": ["Anna de Vries"], "members_only": False, "days": 70,
    },
    {
        "slug": ("overdracht-aan-het-einde", "handover-at-the-end"),
        "title": ("Een zorgvuldige overdracht", "A careful handover"),
        "intro": (
            "Het nieuwe criterium A.2 vraagt een zorgvuldige overdracht. Een checklist voor leden.",
            "The new criterion A.2 asks for a careful handover. A checklist for members.",
        ),
        "body": (
            ["Begin de overdracht op de eerste dag van de opdracht. " * 45],
            ["Start the handover on the first day of the assignment. " * 45],
        ),
        "topics": ["governance"], "authors": ["Pieter Jansen", "Anna de Vries"], "members_only": True, "days": 95,
    },
]

NEWS_CATEGORIES = [
    ("vereniging", "Vereniging", "Association", ["news-board", "news-pe"]),
    ("normen", "Normen en keurmerk", "Norms and quality mark", ["news-norms", "news-register"]),
    ("kennissessies", "Kennissessies", "Knowledge sessions", ["news-session"]),
]


@transaction.atomic
def seed_library(stdout) -> None:
    dutch_home = HomePage.objects.filter(locale__language_code="nl", depth=2).first()
    if dutch_home is None:
        stdout.write("  No home page: no library added.")
        return
    english_home = dutch_home.get_translation_or_none(Locale.objects.get(language_code="en"))
    topics = {slug: Topic.objects.get_or_create(slug=slug, defaults={"name_nl": nl, "name_en": en})[0] for slug, nl, en in TOPICS}
    authors = {
        name: Author.objects.get_or_create(name=name, defaults={"role_nl": nl, "role_en": en})[0] for name, nl, en in AUTHORS
    }
    created = 0
    indexes = {}
    dutch_index, new = _index(dutch_home, "nl")
    indexes["nl"], created = dutch_index, created + new
    if english_home is not None:
        english_index, new = _index(english_home, "en", source=dutch_index)
        indexes["en"], created = english_index, created + new
    for spec in ARTICLES:
        source = None
        for position, (language, index) in enumerate(indexes.items()):
            page, new = _article(index, spec, 0 if language == "nl" else 1, topics, authors, source)
            source = source or page
            created += new
    stdout.write(f"  Library: {created} pages created (/kennisbank/ and /en/library/), {len(topics)} topics.")
    _seed_news_categories(stdout)
    _seed_consultation(stdout)


def _index(home, language: str, source=None):
    existing = LibraryIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing, False
    index = LibraryIndexPage(locale=home.locale, **INDEX[language])
    if source is not None:
        index.translation_key = source.translation_key
    home.add_child(instance=index)
    index.save_revision().publish()
    _link_from_main_menu(index)
    return index, True


def _article(index, spec: dict, i: int, topics: dict, authors: dict, source):
    slug = spec["slug"][i]
    existing = ArticlePage.objects.child_of(index).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = ArticlePage(
        title=spec["title"][i], slug=slug, intro=spec["intro"][i], body=_body(spec["body"][i]),
        members_only=spec["members_only"], date=timezone.localdate() - timedelta(days=spec["days"]), locale=index.locale,
    )
    page.topics = [topics[slug] for slug in spec["topics"]]
    page.authors = [authors[name] for name in spec["authors"]]
    if source is not None:
        page.translation_key = source.translation_key
    index.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _seed_news_categories(stdout) -> None:
    """Categories on the demo news (in both languages: the English items are translations)."""
    added = 0
    for slug, nl, en, keys in NEWS_CATEGORIES:
        category, _created = NewsCategory.objects.get_or_create(slug=slug, defaults={"name_nl": nl, "name_en": en})
        for item in NewsPage.objects.filter(locale__language_code="nl").order_by("-date"):
            if _news_key(item) in keys and not item.categories.filter(pk=category.pk).exists():
                for translation in item.get_translations(inclusive=True).specific():
                    translation.categories.add(category)
                    translation.save_revision().publish()
                added += 1
    first = NewsPage.objects.filter(locale__language_code="nl").order_by("-date").first()
    if first is not None and not NewsPage.objects.filter(featured=True).exists():
        for translation in first.get_translations(inclusive=True).specific():
            translation.featured = True
            translation.save_revision().publish()
    stdout.write(f"  News categories: {NewsCategory.objects.count()}, {added} news items filed.")


def _news_key(item) -> str | None:
    from portal.demo import news_items

    for spec in news_items():
        if spec.nl.slug == item.slug:
            return spec.key
    return None


def _seed_consultation(stdout) -> None:
    """A closed consultation on version 2026.1 with a few comments, handled, and its report."""
    version = NormVersion.objects.filter(scheme__code="rqim", version="2026.1").first()
    if version is None or Consultation.objects.filter(norm_version=version).exists():
        return
    opens = timezone.make_aware(timezone.datetime(2025, 9, 1))
    consultation = Consultation.objects.create(
        norm_version=version, opens_at=opens, closes_at=opens + timedelta(days=42),
        intro_nl="Reageer per criterium op de conceptversie 2026.1.", intro_en="Comment per criterion on draft version 2026.1.",
        changes_made_nl="Criterium A.2 over de overdracht is toegevoegd na reacties van opdrachtgevers.",
        changes_made_en="Criterion A.2 on the handover was added after comments from clients.",
    )
    respondents = [
        ("klant@demo.rqim.example", "Karin de Klant", "Gemeente Utrecht", ConsultationRespondent.Kind.CLIENT, True),
        ("opleider@demo.rqim.example", "Olaf Opleider", "Academie", ConsultationRespondent.Kind.TRAINER, False),
        ("lid@demo.rqim.example", "Lotte Lid", "", ConsultationRespondent.Kind.MEMBER, False),
    ]
    criteria = list(Criterion.objects.filter(area__norm_version=version).order_by("area__sort_order", "sort_order"))
    handlings = [ConsultationComment.Handling.ADOPTED, ConsultationComment.Handling.NOTED, ConsultationComment.Handling.PARTLY]
    texts = [
        ("Vraag ook om een zorgvuldige overdracht aan het einde van de opdracht.", "Overgenomen: nieuw criterium A.2."),
        ("Het niveau EQF 7 voor complexe verandering is passend.", "Dank, geen wijziging nodig."),
        ("Maak duidelijker wat 'resultaat' betekent.", "Deels overgenomen in de toelichting."),
    ]
    for (email, name, organisation, kind, show), criterion, handling, (text, response) in zip(respondents, criteria, handlings, texts):
        respondent = ConsultationRespondent.objects.create(
            consultation=consultation, email=email, name=name, organisation=organisation, kind=kind, show_name=show,
            verified_at=opens + timedelta(days=3),
        )
        ConsultationComment.objects.create(
            consultation=consultation, respondent=respondent, criterion=criterion, text=text,
            handling=handling, response=response, handled_at=opens + timedelta(days=50),
        )
    stdout.write("  Consultation on norm version 2026.1 (closed, with its report).")
