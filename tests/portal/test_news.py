"""The news index and news items as a visitor reads them."""

import datetime
import re

import pytest

from portal.models import NEWS_PER_PAGE
from tests.portal import pages

pytestmark = pytest.mark.django_db


def _titles(html):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


@pytest.fixture
def index():
    return pages.news_index(pages.home())


def test_news_index_lists_items_newest_first(client, index):
    pages.news_item(index, title="Januari", date=datetime.date(2026, 1, 15))
    pages.news_item(index, title="Maart", date=datetime.date(2026, 3, 15))
    pages.news_item(index, title="Februari", date=datetime.date(2026, 2, 15))

    assert _titles(client.get(index.url).content.decode()) == ["Maart", "Februari", "Januari"]


def test_news_index_leaves_out_unpublished_items(client, index):
    pages.news_item(index, title="Gepubliceerd")
    pages.news_item(index, title="Nog een concept", publish_it=False)

    assert _titles(client.get(index.url).content.decode()) == ["Gepubliceerd"]


def test_news_index_shows_ten_items_a_page_and_the_rest_on_the_next(client, index):
    pages.news_items(index, NEWS_PER_PAGE + 2, with_image=False)

    first = client.get(index.url).content.decode()
    second = client.get(index.url, {"page": 2}).content.decode()

    assert len(_titles(first)) == NEWS_PER_PAGE
    assert _titles(second) == ["Bericht 10", "Bericht 11"]
    assert 'href="?page=2" rel="next"' in first
    assert 'href="?page=1" rel="prev"' in second


@pytest.mark.parametrize(("asked", "first_title"), [("abc", "Bericht 0"), ("99", "Bericht 10")])
def test_news_index_turns_a_bad_page_number_into_a_real_page(client, index, asked, first_title):
    pages.news_items(index, NEWS_PER_PAGE + 1, with_image=False)

    response = client.get(index.url, {"page": asked})

    assert response.status_code == 200
    assert _titles(response.content.decode())[0] == first_title


def test_news_index_filters_on_a_tag(client, index):
    pages.news_item(index, title="Over normen", tags=["normen"])
    pages.news_item(index, title="Over leden", tags=["leden"])

    html = client.get(index.url, {"tag": "normen"}).content.decode()

    assert _titles(html) == ["Over normen"]
    assert "“normen”" in html


def test_news_index_pages_through_a_tag_without_losing_it(client, index):
    for n in range(NEWS_PER_PAGE + 1):
        pages.news_item(index, title=f"Norm {n}", tags=["normen"], date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))

    html = client.get(index.url, {"tag": "normen"}).content.decode()

    assert 'href="?tag=normen&amp;page=2" rel="next"' in html


def test_news_index_says_so_when_there_is_no_news(client, index):
    assert _titles(client.get(index.url).content.decode()) == []
    assert client.get(index.url).status_code == 200


def test_news_item_shows_date_lead_image_and_tags(client, index):
    item = pages.news_item(
        index,
        title="Nieuwe norm",
        date=datetime.date(2026, 3, 5),
        lead="De norm is vernieuwd.",
        tags=["normen"],
        image=pages.image(title="Omslag"),
        body=[("paragraph", "<p>Alles over de nieuwe norm.</p>")],
    )

    html = client.get(item.url).content.decode()

    assert '<time datetime="2026-03-05">5 maart 2026</time>' in html
    assert '<p class="lead">De norm is vernieuwd.</p>' in html
    assert "width-960" in html
    assert "Alles over de nieuwe norm." in html
    assert f'href="{index.url}?tag=normen"' in html


def test_news_item_links_back_to_its_index(client, index):
    item = pages.news_item(index)

    assert f'<a href="{index.url}">{index.title}</a>' in client.get(item.url).content.decode()


def test_news_cards_show_their_tags_as_filters(client, index):
    pages.news_item(index, tags=["leden"])

    assert f'<a class="tag" href="{index.url}?tag=leden">leden</a>' in client.get(index.url).content.decode()
