"""Builders for the knowledge library in tests.

    index = library_index()                              # "Kennisbank" under the Dutch home page
    topic = topic("leiderschap")                         # a topic (made once per slug)
    article = article(index, topics=[topic], members_only=True, body_words=450)
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from knowledge.models import ArticlePage, Author, LibraryIndexPage, Topic
from tests.portal import pages

_counter = itertools.count(1)


def library_index(parent=None, **fields) -> LibraryIndexPage:
    parent = parent or pages.home()
    existing = LibraryIndexPage.objects.child_of(parent).first()
    if existing:
        return existing
    fields.setdefault("title", "Kennisbank")
    fields.setdefault("slug", "kennisbank")
    return pages.add(parent, LibraryIndexPage(**fields))


def topic(slug: str, name_nl: str | None = None, name_en: str | None = None) -> Topic:
    found, _ = Topic.objects.get_or_create(
        slug=slug, defaults={"name_nl": name_nl or slug.capitalize(), "name_en": name_en or f"{slug.capitalize()} (en)"}
    )
    return found


def author(name: str = "Anna de Vries", role_nl: str = "Interim manager") -> Author:
    found, _ = Author.objects.get_or_create(name=name, defaults={"role_nl": role_nl, "role_en": "Interim manager"})
    return found


def article(
    index=None, *, title=None, topics=(), authors=(), body_words: int = 0, body=None, date=None,
    publish_it: bool = True, revision: bool = True, image=None, **fields,
) -> ArticlePage:
    index = index or library_index()
    number = next(_counter)
    if body is None:
        body = [("paragraph", "<p>" + " ".join(["woord"] * body_words) + "</p>")] if body_words else []
    page = ArticlePage(
        title=title or f"Artikel {number}",
        intro=fields.pop("intro", "Een korte inleiding voor iedereen."),
        date=date or timezone.localdate() - datetime.timedelta(days=number),
        body=body,
        image=image,
        **fields,
    )
    page.topics = list(topics)
    page.authors = list(authors)
    return pages.add(index, page, publish_it=publish_it, revision=revision)
