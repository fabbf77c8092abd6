"""The knowledge library: articles on topics, by authors, some for members only.

Articles live under a library index (`/kennisbank/`, `/en/library/`). Members-only
articles use the portal's `MembersOnlyMixin`; who counts as a member is decided by the
membership app's hook (members/page_access.py), which shows others a teaser and a join
link. Session materials of past events appear on the library index through the
"library_session_materials" hook (events/wagtail_hooks.py): this app does not import
the events app.
"""

from __future__ import annotations

import math
import re

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from portal.models import MembersOnlyMixin

WORDS_PER_MINUTE = 200

__all__ = ["ArticlePage", "Author", "LibraryIndexPage", "Topic", "reading_minutes"]


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


class Topic(models.Model):
    """A subject of the library (a snippet): leadership, governance, healthcare, …"""

    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in addresses: ?topic=…"))

    panels = [FieldPanel("name_nl"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_nl"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_nl


class Author(models.Model):
    """Someone who writes for the library (a snippet)."""

    name = models.CharField(_("name"), max_length=120)
    role_nl = models.CharField(_("role (Dutch)"), max_length=120, blank=True, help_text=_("For example: interim manager in healthcare"))
    role_en = models.CharField(_("role (English)"), max_length=120, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role_nl"), FieldPanel("role_en")]

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def role(self) -> str:
        return self.role_en if _english() and self.role_en else self.role_nl


def reading_minutes(texts: list[str]) -> int:
    """Minutes to read the given texts (HTML or plain) at 200 words a minute; at least one."""
    words = sum(len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text or ""))) for text in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


class LibraryIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["knowledge.ArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("library index")

    def get_context(self, request, *args, **kwargs):
        from knowledge.library import library_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(library_index_context(index=self, request=request))
        return context


class ArticlePage(MembersOnlyMixin, Page):
    """An article of the library: a teaser anyone reads, a body, topics and authors."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(
        _("introduction"),
        help_text=_("Two or three sentences shown in lists and, for members-only articles, to everyone as a teaser."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set the focal point on the image so that crops keep what matters."),
    )
    topics = ParentalManyToManyField(Topic, blank=True, verbose_name=_("topics"), related_name="articles")
    authors = ParentalManyToManyField(Author, blank=True, verbose_name=_("authors"), related_name="articles")
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False, help_text=_("Worked out from the body on saving.")
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("date"), FieldPanel("authors"), FieldPanel("topics")], heading=_("Details")),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.AutocompleteField("intro"),
        index.AutocompleteField("public_body"),
        index.FilterField("date"),
        index.FilterField("members_only"),
        index.RelatedFields("topics", [index.FilterField("slug")]),
    ]

    parent_page_types = ["knowledge.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("library article")
        verbose_name_plural = _("library articles")

    def save(self, *args, **kwargs):
        # Derived from the body, so that lists need not load it.
        self.reading_time = reading_minutes(self._meta.get_field("body").get_searchable_content(self.body))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = list({*update_fields, "reading_time"})
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from knowledge.library import article_related

        context = super().get_context(request, *args, **kwargs)
        context["library_index"] = self.get_parent()
        context["related_articles"] = article_related(article=self, request=request)
        return context
