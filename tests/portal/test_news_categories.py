"""News categories: filtering the news index, an Atom feed per category, and the featured item."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from portal.models import NewsCategory, featured_news
from tests.portal import pages

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def index():
    return pages.news_index(pages.home())


@pytest.fixture
def norms():
    return NewsCategory.objects.create(name_nl="Normen", name_en="Norms", slug="normen")


def test_news_index_filters_by_category_and_offers_its_feed(client, index, norms):
    in_category = pages.news_item(index, title="Nieuwe norm", categories=[norms])
    pages.news_item(index, title="Ledenvergadering")

    response = client.get(index.url + "?category=normen")

    assert [item.pk for item in response.context["news_page"].object_list] == [in_category.pk]
    html = response.content.decode()
    assert "/news/feed/atom/normen/" in html
    assert "Normen" in html


def test_atom_feed_per_category_lists_only_that_category_and_only_leads(client, index, norms):
    pages.news_item(
        index, title="Nieuwe norm", lead="Iedereen leest dit.", categories=[norms], members_only=True,
        body=[("paragraph", "<p>Geheime alinea.</p>")],
    )
    pages.news_item(index, title="Ledenvergadering")

    response = client.get("/news/feed/atom/normen/")

    assert response.status_code == 200
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Nieuwe norm"]
    assert "Iedereen leest dit." in response.content.decode()
    assert "Geheime alinea." not in response.content.decode()


def test_atom_feed_of_an_unknown_category_is_not_found(client, index):
    assert client.get("/news/feed/atom/bestaat-niet/").status_code == 404


def test_english_category_feed_lists_english_news(client, index, norms):
    pages.news_item(index, title="Nieuwe norm", categories=[norms])
    item = pages.news_item(index, title="Tweede norm", categories=[norms])
    pages.translate(index, "en", title="News", slug="news")
    pages.translate(item, "en", title="Second norm")

    response = client.get("/en/news/feed/atom/normen/")

    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Second norm"]
    assert "Norms" in ET.fromstring(response.content).findtext(f"{ATOM}title")


def test_featured_news_is_the_newest_item_marked_featured(index):
    today = datetime.date(2026, 3, 1)
    featured = pages.news_item(index, title="Uitgelicht", date=today - datetime.timedelta(days=10), featured=True)
    pages.news_item(index, title="Nieuwer", date=today)

    assert featured_news(locale=pages.locale("nl")).pk == featured.pk


def test_featured_news_falls_back_to_the_newest_item(index):
    pages.news_item(index, title="Ouder", date=datetime.date(2026, 1, 1))
    newest = pages.news_item(index, title="Nieuwst", date=datetime.date(2026, 2, 1))

    assert featured_news(locale=pages.locale("nl")).pk == newest.pk


def test_featured_news_is_none_without_news_in_that_language(index):
    pages.news_item(index, title="Alleen Nederlands", featured=True)

    assert featured_news(locale=pages.locale("en")) is None


def test_home_page_shows_the_featured_item_first_even_when_older(client, index):
    today = datetime.date(2026, 3, 1)
    pages.news_item(index, title="Uitgelicht bericht", date=today - datetime.timedelta(days=60), featured=True)
    for n in range(4):
        pages.news_item(index, title=f"Gewoon bericht {n}", date=today - datetime.timedelta(days=n))

    content = client.get("/").content.decode()
    assert "Uitgelicht bericht" in content
    assert content.index("Uitgelicht bericht") < content.index("Gewoon bericht 0")
    # Three items in all: the featured one and the two newest others.
    assert "Gewoon bericht 1" in content
    assert "Gewoon bericht 2" not in content
