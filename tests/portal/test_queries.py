"""Public pages cost a fixed, small number of queries, however much news there is.

Counted without the page cache (what a signed-in visitor, or the first visitor
after a publish, costs; tests run with PAGE_CACHE_SECONDS=0). Each page is requested
twice first, as visitors before us would have: that creates the association's
details and the image renditions, and fills the cache of what every page shares
(site, menus, language links, view restrictions). The counted request is the steady
state every later visitor gets.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.cache import cache_purge
from tests.portal import pages

pytestmark = pytest.mark.django_db

# Tight ceilings: a query per news item (image, rendition, tags or URL) breaks them at once.
# The home page also shows the hero picture (image, renditions), the register's count, the
# next events with their index and the norm in force: a fixed 7 more.
HOME_MAX_QUERIES = 17
NEWS_ITEM_MAX_QUERIES = 10
NEWS_INDEX_MAX_QUERIES = 10
# Right after a publish the shared parts are built again, once.
COLD_MAX_QUERIES = 20


def _steady_state_queries(client, url):
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, captured


@pytest.fixture
def news_index():
    index = pages.news_index(pages.home())
    pages.menu("main", [{"page": index}, {"url": "https://example.org/normen", "label": "Normen"}])
    pages.menu("footer", [{"page": index}])
    return index


@pytest.fixture
def news_item(news_index):
    return pages.news_item(news_index, title="Nieuwe norm", tags=["normen", "leden"], image=pages.image())


@pytest.mark.parametrize(
    ("url_of", "max_queries", "cards_with_50"),
    [
        pytest.param(lambda index: pages.home().url, HOME_MAX_QUERIES, 3, id="home"),
        pytest.param(lambda index: index.url, NEWS_INDEX_MAX_QUERIES, 10, id="news-index"),
    ],
)
def test_list_page_costs_the_same_queries_with_5_and_50_news_items(
    client, news_index, django_assert_max_num_queries, url_of, max_queries, cards_with_50
):
    url = url_of(news_index)
    pages.news_items(news_index, 5)
    response_5, with_5 = _steady_state_queries(client, url)

    pages.news_items(news_index, 45)
    response_50, with_50 = _steady_state_queries(client, url)
    with django_assert_max_num_queries(max_queries):
        client.get(url)

    # The lists really show images and tags, so their cost is in the count.
    html = response_50.content.decode()
    assert html.count('class="card"') == cards_with_50
    assert html.count('class="card-image"') == cards_with_50
    assert html.count('class="tag"') == 2 * cards_with_50
    assert len(with_50) == len(with_5), "\n\n".join(q["sql"] for q in with_50.captured_queries)


def test_news_item_costs_the_same_queries_with_5_and_50_news_items(
    client, news_index, news_item, django_assert_max_num_queries
):
    pages.news_items(news_index, 5)
    response_5, with_5 = _steady_state_queries(client, news_item.url)

    pages.news_items(news_index, 45)
    _response_50, with_50 = _steady_state_queries(client, news_item.url)
    with django_assert_max_num_queries(NEWS_ITEM_MAX_QUERIES):
        client.get(news_item.url)

    html = response_5.content.decode()
    assert "Nieuwe norm" in html
    assert html.count('class="tag"') == 2
    assert len(with_50) == len(with_5), "\n\n".join(q["sql"] for q in with_50.captured_queries)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_menus_and_language_links_cost_no_queries_once_cached(client, news_index, language):
    """What every page shows around its content is read from the cache, in each language."""
    index = news_index if language == "nl" else pages.translate(news_index, "en", title="News")
    _response, warm = _steady_state_queries(client, index.url)

    tables = " ".join(q["sql"] for q in warm.captured_queries)
    assert "portal_navigationmenu" not in tables
    assert "portal_associationsettings" not in tables
    assert "wagtailcore_site" not in tables


def test_first_request_after_a_publish_stays_bounded(client, news_index, news_item, django_assert_max_num_queries):
    pages.news_items(news_index, 5)
    _steady_state_queries(client, news_item.url)

    cache_purge()
    with django_assert_max_num_queries(COLD_MAX_QUERIES):
        response = client.get(news_item.url)
    assert response.status_code == 200
