"""Small builders for a CMS page tree in tests.

The data migration leaves a Dutch HomePage as the site root and the locales
nl and en. These helpers add to that tree; every page they return is published
(live, with a revision, and in the search index) unless `publish=False`.

    home = pages.home()                        # the Dutch home page
    home_en = pages.home("en")                 # its English translation (made once)
    index = pages.news_index(home)             # "Nieuws" under the home page
    item = pages.news_item(index, title="...", tags=["leden"], image=pages.image())
    item_en = pages.translate(item, "en", title="...")
    about = pages.standard_page(home, title="Over ons", body=[("quote", {...})])
"""

from __future__ import annotations

import datetime
import itertools
from io import BytesIO

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from portal.models import HomePage, NavigationMenu, NewsIndexPage, NewsPage, StandardPage

_counter = itertools.count(1)


def locale(language: str = "nl") -> Locale:
    return Locale.objects.get(language_code=language)


def publish(page: Page) -> Page:
    """Publish the page's current state as a new revision; returns the fresh page."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def home(language: str = "nl") -> HomePage:
    """The site's home page in `language`; the English one is translated on first use."""
    dutch = HomePage.objects.get(locale__language_code="nl", depth=2)
    if language == "nl":
        return dutch
    existing = HomePage.objects.filter(locale__language_code=language, translation_key=dutch.translation_key).first()
    if existing is not None:
        return existing
    return translate(dutch, language, title=f"Association RQIM ({language})", intro="The association.")


def translate(page: Page, language: str, *, publish_it: bool = True, **changes) -> Page:
    """Copy `page` into `language` the way simple_translation does, apply `changes`, publish.

    The parent must be translated already (translate the parents first)."""
    page = page.specific
    parent = page.get_parent()
    if parent.depth == 2 and not parent.get_translations().filter(locale__language_code=language).exists():
        home(language)  # the home page of that language, made as editors do: first
    copy = page.copy_for_translation(locale(language))
    copy = copy.specific
    for field, value in changes.items():
        setattr(copy, field, value)
    if "title" in changes and "slug" not in changes and copy.depth > 2:
        copy.slug = slugify(changes["title"])
    copy.save()
    if publish_it:
        copy = publish(copy)
    return copy.specific


def add(parent: Page, page: Page, *, publish_it: bool = True, revision: bool = True) -> Page:
    """Add `page` under `parent`; published (with a revision) unless `publish_it` is False.

    `revision=False` saves a live page without a revision: what a visitor sees is the
    same, and it is twice as fast for tests that need many pages."""
    if not page.slug:
        page.slug = f"{slugify(page.title)}-{next(_counter)}"
    page.live = publish_it and not revision
    if page.live:
        page.first_published_at = page.last_published_at = timezone.now()
    parent.add_child(instance=page)
    if publish_it and revision:
        page = publish(page)
    return page


def standard_page(parent: Page, *, title: str = "Over de vereniging", publish_it: bool = True, **fields) -> StandardPage:
    return add(parent, StandardPage(title=title, **fields), publish_it=publish_it)


def news_index(parent: Page | None = None, *, title: str = "Nieuws", slug: str = "nieuws", **fields) -> NewsIndexPage:
    parent = parent or home()
    return add(parent, NewsIndexPage(title=title, slug=slug, **fields))


def news_item(
    index: NewsIndexPage,
    *,
    title: str | None = None,
    date: datetime.date | None = None,
    lead: str = "Een korte samenvatting.",
    tags: list[str] | tuple[str, ...] = (),
    image=None,
    publish_it: bool = True,
    revision: bool = True,
    **fields,
) -> NewsPage:
    number = next(_counter)
    item = NewsPage(
        title=title or f"Nieuwsbericht {number}",
        date=date or timezone.localdate(),
        lead=lead,
        image=image,
        **fields,
    )
    if tags:
        item.tags.add(*tags)
    return add(index, item, publish_it=publish_it, revision=revision)


def news_items(
    index: NewsIndexPage, count: int, *, with_image: bool = True, tags=("leden", "normen"), revision: bool = False
) -> list[NewsPage]:
    """`count` live news items, newest first by date, each with its own image and the given tags
    (without revisions unless asked: many pages are slow to publish one by one)."""
    today = timezone.localdate()
    return [
        news_item(
            index,
            title=f"Bericht {n}",
            date=today - datetime.timedelta(days=n),
            tags=list(tags),
            image=image(title=f"Beeld {n}") if with_image else None,
            revision=revision,
        )
        for n in range(count)
    ]


def image(*, title: str = "Beeld", size: tuple[int, int] = (64, 48), colour: str = "steelblue"):
    """A small PNG image in the Wagtail image library (MEDIA_ROOT should be a temp dir)."""
    buffer = BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    file = ImageFile(buffer, name=f"{slugify(title) or 'beeld'}-{next(_counter)}.png")
    return get_image_model().objects.create(title=title, file=file)


def menu(placement: str, links: list[dict], *, language: str = "nl") -> NavigationMenu:
    """A navigation menu; each link is {"page": page} or {"url": ..., "label": ...} (label optional for pages)."""
    items = [("link", {"page": link.get("page"), "url": link.get("url", ""), "label": link.get("label", "")}) for link in links]
    return NavigationMenu.objects.create(placement=placement, locale=locale(language), items=items)
