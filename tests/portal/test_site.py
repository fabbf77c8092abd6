"""Site-wide addresses: sitemap.xml, robots.txt, the 404 and 500 pages and /healthz."""

import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.portal import pages

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _database_down():
    """Every query fails, as when PostgreSQL is unreachable."""
    return mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server"))


def _sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_sitemap_lists_published_pages_in_every_language(client):
    index = pages.news_index(pages.home())
    item = pages.news_item(index, title="Gepubliceerd")
    draft = pages.news_item(index, title="Concept", publish_it=False)
    english = pages.translate(index, "en", title="News")
    root_url = pages.home().get_site().root_url

    locations = [url.findtext(f"{SITEMAP}loc") for url in _sitemap(client).iter(f"{SITEMAP}url")]

    assert f"{root_url}/" in locations
    assert f"{root_url}{item.url}" in locations
    assert f"{root_url}/en/" in locations
    assert f"{root_url}{english.url}" in locations
    assert not any(draft.slug in location for location in locations)


def test_sitemap_links_translations_of_a_page_to_each_other(client):
    index = pages.news_index(pages.home())
    english = pages.translate(index, "en", title="News")
    root_url = pages.home().get_site().root_url

    entry = next(url for url in _sitemap(client).iter(f"{SITEMAP}url") if url.findtext(f"{SITEMAP}loc") == f"{root_url}{index.url}")
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}

    assert alternates == {"nl": f"{root_url}{index.url}", "en": f"{root_url}{english.url}"}


def test_robots_txt_keeps_crawlers_out_of_admin_and_accounts_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert {"User-agent: *", "Disallow: /admin/", "Disallow: /accounts/", "Disallow: /en/accounts/"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_unknown_address_gets_a_friendly_404_in_the_site_layout(client):
    response = client.get("/bestaat-niet/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="nl">' in html
    assert '<header class="site-header">' in html
    assert 'action="/search/"' in html


def test_unknown_english_address_gets_the_404_in_english(client):
    pages.home("en")

    response = client.get("/en/does-not-exist/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert '<a href="/en/">' in html


def test_unavailable_page_is_shown_when_the_database_is_down():
    client = Client(raise_request_exception=False)

    with _database_down():
        response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Even niet beschikbaar" in html
    assert "Temporarily unavailable" in html


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with _database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"



def test_header_offers_joining_to_visitors_and_the_dashboard_to_members(client, user):
    from django.urls import reverse

    anonymous = client.get("/").content.decode()
    assert f'href="{reverse("members:join")}"' in anonymous
    assert f'href="{reverse("members:dashboard")}"' not in anonymous
    client.force_login(user)
    signed_in = client.get("/").content.decode()
    assert f'href="{reverse("members:dashboard")}"' in signed_in
