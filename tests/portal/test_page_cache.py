"""The page cache: visitors get CMS pages from the cache, and a publish shows at once."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from wagtail.models import Site

from portal.cache import HIT_HEADER, PageCacheMiddleware
from portal.models import AssociationSettings, NavigationMenu
from tests.factories import UserFactory
from tests.portal import pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def association_details(db):
    """The association's details as a seeded site has them (else made on the first visit)."""
    return AssociationSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def news_index():
    index = pages.news_index(pages.home())
    pages.menu("main", [{"page": index, "label": "Nieuws"}])
    return index


@pytest.fixture
def news_item(news_index):
    return pages.news_item(news_index, title="Nieuwe norm", tags=["normen"])


def get_twice(client, url):
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    return first, second


def test_second_visit_is_served_from_the_cache_without_queries(client, news_item, django_assert_num_queries):
    first = client.get(news_item.url)
    assert first[HIT_HEADER] == "miss"

    with django_assert_num_queries(0):
        second = client.get(news_item.url)

    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content
    assert "Nieuwe norm" in second.content.decode()


def test_a_published_change_shows_on_the_next_visit(client, news_item):
    get_twice(client, news_item.url)

    news_item.title = "Herziene norm"
    pages.publish(news_item)
    response = client.get(news_item.url)

    assert "Herziene norm" in response.content.decode()
    assert response.get(HIT_HEADER) != "hit"


def test_a_new_news_item_shows_on_the_cached_home_page(client, news_index):
    home_url = pages.home().url
    get_twice(client, home_url)

    pages.news_item(news_index, title="Vers van de pers")

    assert "Vers van de pers" in client.get(home_url).content.decode()


def test_an_unpublished_page_is_gone_at_once(client, news_item):
    get_twice(client, news_item.url)

    news_item.unpublish()

    assert client.get(news_item.url).status_code == 404


def test_a_menu_change_shows_on_every_cached_page(client, news_index, news_item):
    home_url = pages.home().url
    for url in (home_url, news_index.url, news_item.url):
        get_twice(client, url)

    main = NavigationMenu.objects.get(placement="main")
    main.items = [("link", {"page": None, "url": "https://example.org/agenda", "label": "Agenda"})]
    main.save()

    for url in (home_url, news_index.url, news_item.url):
        assert 'href="https://example.org/agenda"' in client.get(url).content.decode(), url


def test_association_details_change_shows_on_cached_pages(client, news_item, association_details):
    get_twice(client, news_item.url)
    details = AssociationSettings.objects.get(pk=association_details.pk)
    details.name = "Vereniging Nieuwe Naam"
    details.save()

    assert "Vereniging Nieuwe Naam" in client.get(news_item.url).content.decode()


def test_a_signed_in_user_never_gets_a_cached_page(client, news_item):
    get_twice(client, news_item.url)
    client.force_login(UserFactory(first_name="Anna", last_name="Lid"))

    response = client.get(news_item.url)

    assert HIT_HEADER not in response
    assert "Anna Lid" in response.content.decode()


def test_a_page_rendered_for_a_signed_in_user_is_not_stored(client, news_item):
    client.force_login(UserFactory(first_name="Anna", last_name="Lid"))
    client.get(news_item.url)
    client.logout()

    response = client.get(news_item.url)

    assert response[HIT_HEADER] == "miss"
    assert "Anna Lid" not in response.content.decode()


def test_a_members_only_page_is_never_stored(client, news_index):
    page = pages.news_item(news_index, title="Alleen voor leden", members_only=True, body=[])

    first, second = get_twice(client, page.url)

    assert HIT_HEADER not in second
    assert "private" in second["Cache-Control"]


def test_a_page_under_a_view_restriction_is_never_stored(client, news_item):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=news_item, restriction_type=PageViewRestriction.PASSWORD, password="geheim")

    client.get(news_item.url)
    second = client.get(news_item.url)

    assert HIT_HEADER not in second


def test_a_visitor_with_a_session_cookie_bypasses_the_cache(client, news_item):
    get_twice(client, news_item.url)
    client.cookies["sessionid"] = "whatever"

    assert client.get(news_item.url).get(HIT_HEADER) is None


def test_the_query_string_is_part_of_the_key(client, news_index):
    pages.news_item(news_index, title="Over leden", tags=["leden"])
    pages.news_item(news_index, title="Over normen", tags=["normen"])
    get_twice(client, f"{news_index.url}?tag=leden")

    response = client.get(f"{news_index.url}?tag=normen")

    assert response.get(HIT_HEADER) == "miss"
    assert "Over normen" in response.content.decode()
    assert "Over leden" not in response.content.decode()


def test_an_address_with_other_query_parameters_is_served_fresh(client, news_item):
    get_twice(client, f"{news_item.url}?utm_source=nieuwsbrief")

    assert HIT_HEADER not in client.get(f"{news_item.url}?utm_source=nieuwsbrief")


def test_headers_are_replayed_and_outer_middleware_still_runs(client, news_item):
    first, second = get_twice(client, news_item.url)

    assert second[HIT_HEADER] == "hit"
    assert second["Content-Type"] == first["Content-Type"]
    # Set below the page cache: stored and replayed.
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    # Set above it (security headers): added to every response, hit or miss.
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Referrer-Policy"] == "same-origin"
    assert "Set-Cookie" not in second


def test_the_switch_turns_the_page_cache_off(client, settings, news_item):
    settings.PAGE_CACHE_SECONDS = 0

    first, second = get_twice(client, news_item.url)

    assert HIT_HEADER not in first and HIT_HEADER not in second


# --- what the middleware refuses to store ----------------------------------------------


def _through_middleware(make_response, *, cookies=None):
    """Run two GETs of one address through PageCacheMiddleware around a stand-in page view;
    returns the second response."""

    def view(request):
        request._portal_page_cacheable = True
        return make_response(request)

    middleware = PageCacheMiddleware(view)
    factory = RequestFactory()
    responses = []
    for _ in range(2):
        request = factory.get("/een-pagina/")
        request.COOKIES.update(cookies or {})
        responses.append(middleware(request))
    return responses[1]


def test_middleware_stores_an_ordinary_page():
    second = _through_middleware(lambda request: HttpResponse("<p>Openbaar</p>", headers={"X-Extra": "1"}))

    assert second[HIT_HEADER] == "hit"
    assert second["X-Extra"] == "1"
    assert second.content == b"<p>Openbaar</p>"


def _with_cookie(request):
    response = HttpResponse("x")
    response.set_cookie("tracking", "1")
    return response


def _with_csrf_token(request):
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')


def _with_csp_nonce(request):
    request._csp_nonce = "abc123"
    return HttpResponse('<script nonce="abc123"></script>')


@pytest.mark.parametrize(
    "make_response",
    [
        pytest.param(_with_cookie, id="set-cookie"),
        pytest.param(_with_csrf_token, id="csrf-token"),
        pytest.param(_with_csp_nonce, id="csp-nonce"),
        pytest.param(lambda r: HttpResponse("x", headers={"Cache-Control": "private"}), id="private"),
        pytest.param(lambda r: HttpResponse("x", headers={"Cache-Control": "no-store"}), id="no-store"),
        pytest.param(lambda r: HttpResponse("x", headers={"Cache-Control": "max-age=0"}), id="max-age-0"),
        pytest.param(lambda r: HttpResponse("x", headers={"Vary": "Authorization"}), id="vary-other"),
        pytest.param(lambda r: HttpResponse("x", headers={"Content-Encoding": "gzip"}), id="compressed"),
        pytest.param(lambda r: HttpResponse("x", status=404), id="not-found"),
    ],
)
def test_middleware_never_stores_a_personal_or_uncacheable_response(make_response):
    second = _through_middleware(make_response)

    assert second.get(HIT_HEADER) != "hit"


def test_middleware_does_not_store_a_page_for_a_signed_in_user():
    class SignedIn:
        is_authenticated = True

    def view(request):
        request._portal_page_cacheable = True
        request.user = SignedIn()
        return HttpResponse("Hallo Anna")

    middleware = PageCacheMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/pagina/"))

    assert middleware(factory.get("/pagina/")).get(HIT_HEADER) != "hit"


def test_middleware_leaves_responses_of_other_views_alone():
    middleware = PageCacheMiddleware(lambda request: HttpResponse("search results"))
    factory = RequestFactory()
    middleware(factory.get("/search/?q=norm"))

    assert middleware(factory.get("/search/?q=norm")).get(HIT_HEADER) is None
