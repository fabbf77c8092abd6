"""RSS and Atom feeds of the news, one per language (/news/feed/rss/, /en/news/feed/atom/), and an
Atom feed per category (/news/feed/atom/<slug>/, /en/news/feed/atom/<slug>/)."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from portal.models import NewsCategory, NewsIndexPage, NewsPage

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    title = _("News from the association")
    description = _("The latest news of the association of Registered and Qualified Interim Managers.")

    def get_object(self, request, *args, **kwargs):
        # Not an object of the feed itself: the request, so that links follow the site asked for.
        return request

    def link(self, request):
        index = NewsIndexPage.objects.live().public().filter(locale=Locale.get_active()).order_by("path").first()
        if index is not None:
            return index.get_url(request=request)
        return "/"

    def news(self, request):
        return NewsPage.objects.live().public().filter(locale=Locale.get_active())

    def items(self, request):
        items = list(self.news(request).prefetch_related("tags").order_by("-date", "-pk")[:FEED_ITEMS])
        for item in items:
            item.feed_url = item.get_url(request=request)
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        # A site-relative address is made absolute with the request's host by the Feed view.
        return item.feed_url

    def item_guid(self, item):
        # Stable across moves, renames and host changes.
        return f"urn:uuid:{item.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        """The news date at midnight in Amsterdam (a date has no time of its own)."""
        midnight = datetime.datetime.combine(item.date, datetime.time.min)
        return timezone.make_aware(midnight, timezone.get_default_timezone())

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description


class NewsCategoryAtomFeed(NewsAtomFeed):
    """The news of one category, in the reader's language."""

    def get_object(self, request, slug):
        category = NewsCategory.objects.filter(slug=slug).first()
        if category is None:
            raise Http404("No such news category.")
        request.news_category = category
        return request

    def title(self, request):
        return f"{NewsRssFeed.title}: {request.news_category.name}"

    def link(self, request):
        return f"{super().link(request)}?category={request.news_category.slug}"

    def news(self, request):
        return super().news(request).filter(categories=request.news_category)
