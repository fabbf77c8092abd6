"""The news as RSS and Atom feeds, one per language."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from portal.feeds import FEED_ITEMS
from tests.portal import pages

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def index():
    return pages.news_index(pages.home())


def _rss_items(client, url="/news/feed/rss/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("./channel/item")


def test_rss_feed_lists_published_news_newest_first_with_lead_and_address(client, index):
    older = pages.news_item(index, title="Ouder", date=datetime.date(2026, 1, 1), lead="Eerst dit.")
    pages.news_item(index, title="Nieuwer", date=datetime.date(2026, 2, 1))
    pages.news_item(index, title="Concept", publish_it=False)

    items = _rss_items(client)

    assert [item.findtext("title") for item in items] == ["Nieuwer", "Ouder"]
    assert items[1].findtext("description") == "Eerst dit."
    assert items[1].findtext("link") == f"http://testserver{older.url}"


def test_rss_feed_channel_links_to_the_news_index(client, index):
    channel = ET.fromstring(client.get("/news/feed/rss/").content).find("channel")

    assert channel.findtext("link") == f"http://testserver{index.url}"


def test_feed_item_date_is_midnight_in_amsterdam(client, index):
    pages.news_item(index, date=datetime.date(2026, 7, 1))  # summer time: UTC+2

    (item,) = _rss_items(client)

    assert item.findtext("pubDate") == "Wed, 01 Jul 2026 00:00:00 +0200"


def test_feed_items_carry_their_tags_as_categories(client, index):
    pages.news_item(index, tags=["normen", "leden"])

    (item,) = _rss_items(client)

    assert sorted(category.text for category in item.findall("category")) == ["leden", "normen"]


def test_feed_holds_at_most_the_latest_twenty_items(client, index):
    pages.news_items(index, FEED_ITEMS + 1, with_image=False)

    items = _rss_items(client)

    assert len(items) == FEED_ITEMS
    assert "Bericht 20" not in [item.findtext("title") for item in items]


def test_english_atom_feed_has_only_english_news(client, index):
    dutch = pages.news_item(index, title="Alleen Nederlands")
    translated = pages.news_item(index, title="Vertaald")
    pages.translate(index, "en", title="News")
    english = pages.translate(translated, "en", title="Translated")

    response = client.get("/en/news/feed/atom/")
    feed = ET.fromstring(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == ["Translated"]
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href") == f"http://testserver{english.url}"
    assert dutch.title not in response.content.decode()


def test_every_page_advertises_the_feed_of_its_language(client):
    english_home = pages.home("en")

    assert 'type="application/atom+xml"' in client.get("/").content.decode()
    assert 'href="/en/news/feed/atom/"' in client.get(english_home.url).content.decode()
