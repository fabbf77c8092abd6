"""The home page and the news index cost a fixed number of queries, however much news there is.

Each page is requested once first, as a visitor before us would have: that creates
the image renditions and fills Wagtail's cache of site root paths. The counted
request is the steady state every later visitor gets.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.portal import pages

pytestmark = pytest.mark.django_db

# Tight ceilings: a query per news item (image, rendition, tags or URL) breaks them at once.
HOME_MAX_QUERIES = 21
NEWS_INDEX_MAX_QUERIES = 21


def _steady_state_queries(client, url):
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


@pytest.mark.parametrize(
    ("url_of", "max_queries", "cards_with_50"),
    [
        pytest.param(lambda index: pages.home().url, HOME_MAX_QUERIES, 3, id="home"),
        pytest.param(lambda index: index.url, NEWS_INDEX_MAX_QUERIES, 10, id="news-index"),
    ],
)
def test_page_costs_the_same_queries_with_5_and_50_news_items(
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
