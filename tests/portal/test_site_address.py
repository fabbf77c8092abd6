"""The Wagtail site's address follows BASE_URL: `make run PORT=8111` gives a sitemap and
page links on port 8111, not http://localhost/ (the address Wagtail's first migration sets)."""

from io import StringIO

import pytest
from wagtail.models import Site

from portal.demo import seed_site_address

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_site_the_host_and_port_of_base_url(settings, client):
    settings.BASE_URL = "http://127.0.0.1:8111"

    seed_site_address(StringIO())

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8111)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://127.0.0.1:8111/</loc>" in sitemap
    assert "http://localhost/" not in sitemap


def test_an_https_address_without_a_port_is_port_443(settings, client):
    settings.BASE_URL = "https://portal.example.nl"

    seed_site_address(StringIO())

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("portal.example.nl", 443, "https://portal.example.nl")
    assert "<loc>https://portal.example.nl/</loc>" in client.get("/sitemap.xml").content.decode()


def test_a_second_run_changes_nothing(settings):
    settings.BASE_URL = "http://127.0.0.1:8111"
    seed_site_address(StringIO())
    out = StringIO()

    seed_site_address(out)

    assert out.getvalue() == ""
