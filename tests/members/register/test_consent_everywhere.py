"""A field a manager did not make public appears nowhere: not on the page, in the JSON, the
structured data, the sitemap, the search or the matching "why"; no member's e-mail address
appears anywhere in the register."""

import json
import re

import pytest

from members.register_matching import register_assignment_match
from members.register_selectors import register_search
from tests.members.register.factories import ALL_PUBLIC, listed_manager

pytestmark = pytest.mark.django_db

# consent -> (a value only that field holds, a search word only that field holds)
FIELDS = {
    "show_headline": dict(value="Kwartiermaker Zeldzaamheid", word="kwartiermaker", extra={"headline": "Kwartiermaker Zeldzaamheid"}),
    "show_bio": dict(value="Bijzondere walvisvaart", word="walvisvaart", extra={"bio_nl": "Bijzondere walvisvaart", "bio_en": ""}),
    "show_expertise": dict(value="Sluizenbouw", word="sluizenbouw", extra={"expertise": "Sluizenbouw"}),
    "show_sectors": dict(value="Energie", word="energie", extra={}, sectors=("energy",)),
    "show_regions": dict(value="Zeeland", word=None, extra={}, regions=("zeeland",)),
    "show_languages": dict(value="Swahili", word=None, extra={"languages": "Swahili"}),
    "show_linkedin": dict(value="linkedin.com/in/geheim", word=None, extra={"linkedin_url": "https://www.linkedin.com/in/geheim"}),
    "show_day_rate": dict(value="1500", word=None, extra={"day_rate_band": "gte1500"}),
}


def _manager(consent):
    spec = FIELDS[consent]
    return listed_manager(
        consents={**ALL_PUBLIC, consent: False},
        sectors=spec.get("sectors", ("healthcare",)), regions=spec.get("regions", ("utrecht",)),
        **spec["extra"],
    )


def _structured_data(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return block.group(1)


@pytest.mark.parametrize("consent", list(FIELDS))
def test_private_field_is_not_on_the_pages_the_json_or_the_structured_data(client, consent):
    profile = _manager(consent)
    value = FIELDS[consent]["value"]
    page = client.get(f"/register/{profile.pk}/").content.decode()
    english = client.get(f"/en/register/{profile.pk}/").content.decode()
    listing = client.get("/register/").content.decode()
    listing = listing[listing.index('class="register-count"'):]
    api = client.get("/api/v1/register/").content.decode()
    assert "Vermeulen" in page and "Vermeulen" in api
    for text in (page[page.index("<main"):] if "<main" in page else page, listing, api, _structured_data(page),
                 _structured_data(english)):
        assert value.lower() not in text.lower()
    assert value.lower() not in json.dumps(json.loads(_structured_data(page))).lower()


@pytest.mark.parametrize("consent", [name for name, spec in FIELDS.items() if spec["word"]])
def test_private_field_is_not_searchable(consent):
    _manager(consent)
    assert list(register_search(q=FIELDS[consent]["word"])) == []


@pytest.mark.parametrize("consent", ["show_sectors", "show_regions", "show_expertise"])
def test_private_field_is_not_a_reason_to_match(consent):
    _manager(consent)
    _reading, matches = register_assignment_match(text="Iets met energie en sluizenbouw in Zeeland, per direct")
    for match in matches:
        assert FIELDS[consent]["value"].lower() not in " ".join(match.reasons()).lower()


def test_sitemap_lists_listed_profiles_only_and_tells_nothing_more(client):
    listed = listed_manager(consents={**ALL_PUBLIC, "show_headline": False}, headline="Kwartiermaker")
    hidden = listed_manager(first_name="Bram", last_name="Koster", listed=False)
    suspended = listed_manager(first_name="Dirk", last_name="Geschorst", status="suspended")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/register/{listed.pk}/" in xml and f"/en/register/{listed.pk}/" in xml
    assert f"/register/{hidden.pk}/" not in xml and f"/register/{suspended.pk}/" not in xml
    assert "Kwartiermaker" not in xml and "Vermeulen" not in xml


def test_no_member_email_anywhere_in_the_register(client):
    profiles = [listed_manager(), listed_manager(first_name="Bram", last_name="Koster", accepts_requests=True)]
    pages = [
        client.get("/register/").content.decode(),
        client.get("/en/register/").content.decode(),
        client.get("/api/v1/register/").content.decode(),
        client.get("/sitemap.xml").content.decode(),
        client.get("/register/opdracht/", {"text": "Interim CFO in de zorg in Utrecht"}).content.decode(),
    ]
    for profile in profiles:
        pages.append(client.get(f"/register/{profile.pk}/").content.decode())
        pages.append(client.get(f"/en/register/{profile.pk}/").content.decode())
    for profile in profiles:
        for html in pages:
            assert profile.user.email not in html


def test_profile_has_open_graph_and_a_person_with_the_credential(client):
    from members.models import Certificate

    profile = listed_manager()
    certificate = Certificate.objects.get(holder=profile.user)
    html = client.get(f"/en/register/{profile.pk}/").content.decode()
    assert '<meta property="og:type" content="profile">' in html
    assert '<meta property="og:title" content="Anna Vermeulen">' in html
    assert '<meta property="og:description" content="Interim CFO in de zorg">' in html
    data = json.loads(_structured_data(html))
    assert data["@type"] == "Person" and data["name"] == "Anna Vermeulen"
    credential = data["hasCredential"][0]
    assert credential["identifier"] == certificate.number
    assert credential["url"].endswith(f"/verify/{certificate.number}/")
    assert credential["expires"] == certificate.valid_until.isoformat()


def test_structured_data_cannot_close_its_script_tag(client):
    profile = listed_manager(headline="</script><script>alert(1)</script>")
    html = client.get(f"/register/{profile.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert json.loads(_structured_data(html))["jobTitle"] == "</script><script>alert(1)</script>"
