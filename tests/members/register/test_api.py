"""GET /api/v1/register/: the same results as the page, published fields only, paginated,
rate-limited, readable from any origin, and described in the OpenAPI document."""

import pytest

from members.models import Certificate
from tests.members.register.factories import ALL_PUBLIC, listed_manager

pytestmark = pytest.mark.django_db

URL = "/api/v1/register/"


def _page_names(client, params):
    import re

    html = client.get("/register/", params).content.decode()
    html = html[html.index('class="register-count"'):]
    return re.findall(r'<h2><a href="/register/\d+/">([^<]+)</a></h2>', html)


@pytest.mark.parametrize("params", [
    {},
    {"q": "cfo"},
    {"sector": "logistics"},
    {"region": "limburg", "sort": "name"},
    {"level": "senior"},
    {"language": "de"},
    {"q": "interim", "sort": "certified"},
])
def test_api_returns_the_same_results_as_the_page(client, params):
    listed_manager(last_name="Vermeulen")
    listed_manager(first_name="Bram", last_name="Koster", headline="Interim HR", sectors=("logistics",),
                   regions=("limburg",), level_code="senior", languages="Nederlands, Duits")
    listed_manager(first_name="Carla", last_name="Peeters", headline="Interim CFO", sectors=("logistics",),
                   regions=("limburg",))
    data = client.get(URL, params).json()
    assert [entry["name"] for entry in data["results"]] == _page_names(client, params)
    assert data["count"] == len(data["results"])


def test_entry_has_public_fields_and_the_certificate(client):
    profile = listed_manager()
    certificate = Certificate.objects.get(holder=profile.user)
    response = client.get(URL)
    entry = response.json()["results"][0]
    assert entry["name"] == "Anna Vermeulen"
    assert entry["headline"] == "Interim CFO in de zorg"
    assert [s["code"] for s in entry["sectors"]] == ["healthcare"]
    assert entry["certificate"]["number"] == certificate.number
    assert entry["certificate"]["status"] == "active"
    assert entry["certificate"]["valid_until"] == certificate.valid_until.isoformat()
    assert entry["certificate"]["verify_url"].endswith(f"/verify/{certificate.number}/")


def test_no_contact_details_in_the_json(client):
    profile = listed_manager()
    body = client.get(URL).content.decode()
    assert profile.user.email not in body
    assert profile.phone not in body and profile.street not in body and profile.kvk_number not in body


def test_readable_from_any_origin(client):
    listed_manager()
    response = client.get(URL, HTTP_ORIGIN="https://client.example")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_paginates_with_links_that_keep_the_query(client, monkeypatch):
    from members import api

    monkeypatch.setattr(api, "REGISTER_PAGE_SIZE", 2)
    for index in range(5):
        listed_manager(first_name="P", last_name=f"Name{index}")
    data = client.get(URL, {"sector": "healthcare", "page": 2}).json()
    assert [e["name"] for e in data["results"]] == ["P Name2", "P Name3"]
    assert (data["count"], data["page"], data["pages"]) == (5, 2, 3)
    assert "sector=healthcare" in data["next"] and "page=3" in data["next"]
    assert client.get(URL, {"page": 9}).json()["results"] == []


def test_bad_input_answers_400_with_the_reason(client):
    response = client.get(URL, {"available_before": "soon"})
    assert response.status_code == 400
    assert "available_before" in response.json()["detail"]
    assert client.get(URL, {"sector": "nope"}).status_code == 400
    assert client.get(URL, {"page": 0}).status_code == 400


def test_rate_limited(client, settings):
    settings.REGISTER_API_RATE_LIMIT = 2
    codes = [client.get(URL).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_described_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/register/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "sector", "region", "language", "level", "available_before", "page"} <= names


def _fill(count, start=0):
    for index in range(start, start + count):
        listed_manager(first_name="Manager", last_name=f"Nummer{index:03d}", sectors=("healthcare", "finance"),
                       regions=("utrecht", "limburg"))


def test_queries_stay_constant_at_5_and_50_listed(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL, {"q": "manager", "sector": "healthcare"}).status_code == 200
        return len(context.captured_queries)

    _fill(5)
    client.get(URL)
    small = count()
    _fill(45, start=5)
    assert count() == small <= 10


def test_unpublished_fields_are_null(client):
    listed_manager(consents={**ALL_PUBLIC, "show_bio": False, "show_headline": False})
    entry = client.get(URL).json()["results"][0]
    assert entry["headline"] is None and entry["bio_nl"] is None and entry["bio_en"] is None
