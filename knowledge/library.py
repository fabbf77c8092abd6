"""Reads for the knowledge library (knowledge/library_models.py).

Lists cost a constant number of queries however many articles there are: topics and
authors are prefetched, card images come with their one rendition, and the session
materials of past events arrive from the events app in one call through the
"library_session_materials" hook (this app never imports the events app).
"""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from wagtail import hooks
from wagtail.images import get_image_model

from members.selectors import user_is_active_member
from portal.cache import public_pages

ARTICLES_PER_PAGE = 12
RELATED_ARTICLES = 3
MATERIALS_SHOWN = 12
# The rendition article cards show; lists prefetch exactly this one.
ARTICLE_CARD_IMAGE = "fill-480x270"


def _models():
    # By label: knowledge.library_models builds on this module.
    return apps.get_model("knowledge", "ArticlePage"), apps.get_model("knowledge", "Topic")


def articles_listed(*, request=None):
    """Published, public articles, newest first, with what cards show (constant queries)."""
    ArticlePage, _Topic = _models()
    Rendition = get_image_model().get_rendition_model()
    return (
        public_pages(ArticlePage.objects.live(), request)
        .defer_streamfields()
        .select_related("image")
        .prefetch_related(
            Prefetch("image__renditions", queryset=Rendition.objects.filter(filter_spec=ARTICLE_CARD_IMAGE)),
            "topics",
            "authors",
        )
        .order_by("-date", "-pk")
    )


def session_materials(*, locale_id: int, limit: int = MATERIALS_SHOWN) -> list[dict]:
    """Materials of past events in one language, newest event first, from whichever app
    provides them through the "library_session_materials" hook.

    Each item: title, url (the event page), date, documents (list of {title, url}).
    """
    items: list[dict] = []
    for provider in hooks.get_hooks("library_session_materials"):
        items.extend(provider(locale_id=locale_id, limit=limit))
    items.sort(key=lambda item: item["date"], reverse=True)
    return items[:limit]


def library_index_context(*, index, request) -> dict:
    """The library index: articles (filtered by ?topic= and ?type=), topics and session materials."""
    _ArticlePage, Topic = _models()
    kind = request.GET.get("type") or ""
    topic_slug = (request.GET.get("topic") or "").strip()
    current_topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug else None
    articles = articles_listed(request=request).child_of(index)
    if topic_slug:
        articles = articles.filter(topics__slug=topic_slug).distinct()
    if kind == "members":
        articles = articles.filter(members_only=True)
    paginator = Paginator(articles, ARTICLES_PER_PAGE)
    articles_page = paginator.get_page(request.GET.get("page"))
    show_materials = kind in ("", "materials") and not topic_slug and articles_page.number == 1
    return {
        "articles_page": articles_page,
        "topics": list(Topic.objects.filter(articles__live=True, articles__locale_id=index.locale_id).distinct()),
        "current_topic": current_topic,
        "current_type": kind,
        "materials": session_materials(locale_id=index.locale_id) if show_materials else [],
        "is_member": user_is_active_member(user=request.user),
        "library_index": index,
    }


def article_related(*, article, request=None, limit: int = RELATED_ARTICLES) -> list:
    """Other published articles in the same language that share the most topics with `article`."""
    topic_ids = list(article.topics.values_list("pk", flat=True))
    if not topic_ids:
        return []
    return list(
        articles_listed(request=request)
        .filter(locale_id=article.locale_id, topics__in=topic_ids)
        .exclude(pk=article.pk)
        .annotate(shared_topics=Count("topics"))
        .order_by("-shared_topics", "-date", "-pk")[:limit]
    )
