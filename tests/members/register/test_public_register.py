from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Certificate
from members.register_selectors import register_public_list, register_search
from members.services.certification import certificate_suspend
from tests.members.certification.factories import decider
from tests.members.register.factories import ALL_PUBLIC, listed_manager

pytestmark = pytest.mark.django_db


def _results(response) -> str:
    """The results part of the search page (the filter form lists every sector and region)."""
    html = response.content.decode()
    return html[html.index('class="register-count"'):]


def _url(name, *args, lang="nl"):
    with translation.override(lang):
        return reverse(f"members:{name}", args=args)


def test_register_addresses_per_language():
    assert _url("register") == "/register/"
    assert _url("register", lang="en") == "/en/register/"


def test_active_listed_holder_is_listed():
    profile = listed_manager()
    assert list(register_public_list()) == [profile]


def test_holder_who_did_not_opt_in_is_not_listed_and_page_is_404(client):
    profile = listed_manager(listed=False)
    assert list(register_public_list()) == []
    assert client.get(_url("register_profile", profile.pk)).status_code == 404


@pytest.mark.parametrize("status", [Certificate.Status.SUSPENDED, Certificate.Status.WITHDRAWN, Certificate.Status.EXPIRED])
def test_holder_without_active_certificate_is_not_listed_and_page_is_404(client, status):
    profile = listed_manager(status=status)
    assert list(register_public_list()) == []
    assert client.get(_url("register_profile", profile.pk)).status_code == 404


def test_suspension_drops_a_listed_holder_at_once(client):
    profile = listed_manager()
    assert client.get(_url("register_profile", profile.pk)).status_code == 200
    certificate_suspend(certificate=Certificate.objects.get(holder=profile.user), actor=decider(),
                        reason="Lopend klachtonderzoek.", until=date.today() + timedelta(days=30))
    assert client.get(_url("register_profile", profile.pk)).status_code == 404
    assert profile.user.last_name not in client.get(_url("register")).content.decode()


def test_member_without_certificate_is_not_listed(client):
    from tests.members.factories import MemberProfileFactory

    MemberProfileFactory(register_listed=True, **ALL_PUBLIC)
    assert list(register_public_list()) == []


def test_profile_page_shows_public_fields_and_certificate_with_verify_link(client):
    profile = listed_manager()
    certificate = Certificate.objects.get(holder=profile.user)
    html = client.get(_url("register_profile", profile.pk)).content.decode()
    assert "Interim CFO in de zorg" in html
    assert "Ervaren financieel bestuurder" in html
    assert "Zorg" in html and "Utrecht" in html
    assert f'href="/verify/{certificate.number}/"' in html
    assert "EQF" in html


@pytest.mark.parametrize(
    "consent, text",
    [
        ("show_headline", "Interim CFO in de zorg"),
        ("show_bio", "Ervaren financieel bestuurder"),
        ("show_expertise", "turnarounds"),
        ("show_languages", "Nederlands, Engels"),
        ("show_linkedin", "linkedin.com/in/example"),
        ("show_sectors", "Zorg"),
        ("show_regions", "Utrecht"),
    ],
)
def test_field_without_consent_never_appears_on_the_public_pages(client, consent, text):
    profile = listed_manager(consents={**ALL_PUBLIC, consent: False})
    detail = client.get(_url("register_profile", profile.pk)).content.decode()
    listing = _results(client.get(_url("register")))
    assert "Vermeulen" in detail and "Vermeulen" in listing
    assert text not in detail
    assert text not in listing


def test_contact_details_never_appear(client):
    profile = listed_manager()
    detail = client.get(_url("register_profile", profile.pk)).content.decode()
    assert profile.user.email not in detail
    assert profile.phone not in detail
    assert profile.street not in detail


def test_english_page_shows_english_bio(client):
    profile = listed_manager()
    html = client.get(_url("register_profile", profile.pk, lang="en")).content.decode()
    assert "Experienced finance director" in html
    assert "Ervaren financieel" not in html


def test_free_text_finds_published_headline_and_sector():
    anna = listed_manager()
    listed_manager(first_name="Bram", last_name="Koster", headline="Interim HR-directeur", sectors=("logistics",),
                   bio_nl="Logistiek", bio_en="", expertise="HR")
    assert list(register_search(q="CFO")) == [anna]
    assert list(register_search(q="zorg cfo")) == [anna]
    assert list(register_search(q="Vermeulen")) == [anna]


def test_free_text_ignores_unpublished_fields():
    listed_manager(consents={**ALL_PUBLIC, "show_bio": False, "show_headline": False})
    assert list(register_search(q="ziekenhuizen")) == []
    assert list(register_search(q="CFO")) == []


def test_filters_by_sector_region_level_and_availability():
    from members.models import Region, Sector

    anna = listed_manager()
    bram = listed_manager(first_name="Bram", last_name="Koster", sectors=("logistics",), regions=("limburg",),
                          level_code="senior", available_from=date.today() + timedelta(days=200))
    assert list(register_search(sector=Sector.objects.get(code="healthcare"))) == [anna]
    assert list(register_search(region=Region.objects.get(code="limburg"))) == [bram]
    assert list(register_search(level_code="senior")) == [bram]
    assert list(register_search(available_before=date.today() + timedelta(days=60))) == [anna]


def test_filter_on_unpublished_sector_does_not_find():
    from members.models import Sector

    listed_manager(consents={**ALL_PUBLIC, "show_sectors": False})
    assert list(register_search(sector=Sector.objects.get(code="healthcare"))) == []


def test_search_page_filters_through_the_url(client):
    listed_manager()
    listed_manager(first_name="Bram", last_name="Koster", sectors=("logistics",))
    html = client.get(_url("register"), {"sector": "logistics"}).content.decode()
    assert "Koster" in html and "Vermeulen" not in html


def test_search_page_with_bad_input_answers_200(client):
    listed_manager()
    response = client.get(_url("register"), {"sector": "nope", "available_before": "x", "page": "abc", "sort": "evil"})
    assert response.status_code == 200


def test_search_page_paginates(client, monkeypatch):
    from members import views_register

    monkeypatch.setattr(views_register, "PER_PAGE", 2)
    for index in range(5):
        listed_manager(first_name="P", last_name=f"Name{index}")
    page2 = client.get(_url("register"), {"sector": "healthcare", "page": 2}).content.decode()
    assert "Name2" in page2 and "Name0" not in page2
    assert "sector=healthcare&amp;page=3" in page2


def test_site_search_box_is_not_filled_with_the_register_query(client):
    html = client.get(_url("register"), {"sector": "healthcare"}).content.decode()
    assert 'value="sector=healthcare"' not in html


def _fill(count, start=0):
    for index in range(start, start + count):
        listed_manager(first_name="Manager", last_name=f"Nummer{index:03d}", sectors=("healthcare", "finance"),
                       regions=("utrecht", "limburg"))


def _queries(client, url, params=None) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # count the cold page: nothing cached from the previous request
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params or {}).status_code == 200
    return len(context.captured_queries)


def test_search_page_queries_stay_constant_at_5_and_50_listed(client):
    params = {"q": "Manager", "sector": "healthcare", "region": "utrecht", "sort": "certified"}
    _fill(5)
    client.get(_url("register"))  # the process's first request warms what it keeps (the site, the locales)
    small = _queries(client, _url("register"), params)
    _fill(45, start=5)
    large = _queries(client, _url("register"), params)
    assert small == large
    assert large <= 24


def test_profile_page_queries_stay_constant_at_5_and_50_listed(client):
    _fill(5)
    url = _url("register_profile", register_public_list().order_by("pk").first().pk)
    client.get(url)
    small = _queries(client, url)
    _fill(45, start=5)
    large = _queries(client, url)
    assert small == large
    assert large <= 16
