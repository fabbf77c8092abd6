"""RSS and Atom feeds of the news, one per language."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from portal.models import NewsPage

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    title = _("News from the association")
    description = _("The latest news of the association of Registered and Qualified Interim Managers.")

    def link(self):
        return "/"

    def items(self):
        return (
            NewsPage.objects.live()
            .public()
            .filter(locale=Locale.get_active())
            .order_by("-date", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_full_url() or f"{settings.BASE_URL}{item.url}"

    def item_pubdate(self, item):
        return timezone.make_aware(timezone.datetime.combine(item.date, timezone.datetime.min.time()))

    def item_updateddate(self, item):
        return item.last_published_at


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description
