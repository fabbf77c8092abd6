"""Matching an assignment: ranked listed managers, each with a "why" from published fields only."""

from datetime import date, timedelta

import pytest

from members.register_matching import assignment_read, register_assignment_match
from tests.members.register.factories import ALL_PUBLIC, listed_manager

pytestmark = pytest.mark.django_db

ASSIGNMENT = "Interim CFO gezocht voor een ziekenhuisfusie in Utrecht, zes maanden, per direct."


def test_reads_sector_region_and_start_from_a_description():
    reading = assignment_read(text="Interim CFO for a hospital merger in Amersfoort, six months, from March",
                              today=date(2026, 12, 1))
    assert [s.code for s in reading.sectors] == ["healthcare"]
    assert [r.code for r in reading.regions] == ["utrecht"]
    assert reading.start == date(2027, 3, 1)
    assert "cfo" in reading.words and "merger" in reading.words


def test_best_fit_first_with_reasons():
    anna = listed_manager(last_name="Vermeulen", available_from=None)
    listed_manager(first_name="Bram", last_name="Koster", headline="Interim-directeur logistiek",
                   sectors=("logistics",), regions=("limburg",), expertise="Supply chain", bio_nl="", bio_en="")
    listed_manager(first_name="Carla", last_name="Peeters", headline="Interim-bestuurder", sectors=("healthcare",),
                   regions=("groningen",), expertise="Governance", bio_nl="", bio_en="")
    _reading, matches = register_assignment_match(text=ASSIGNMENT)
    assert [m.profile.user.last_name for m in matches] == ["Vermeulen", "Peeters"]
    assert matches[0].profile == anna
    reasons = " | ".join(matches[0].reasons())
    assert reasons == "Sector: Zorg | Expertise: cfo | Regio: Utrecht | Nu beschikbaar"


@pytest.mark.parametrize("consent, hidden", [
    ("show_sectors", "Zorg"),
    ("show_regions", "Utrecht"),
    ("show_expertise", "fusie"),
    ("show_availability", "Available"),
])
def test_a_private_field_never_makes_a_match_or_a_reason(consent, hidden):
    listed_manager(headline="Interim-manager", expertise="Fusies en financiën", available_from=None,
                   consents={**ALL_PUBLIC, consent: False})
    _reading, matches = register_assignment_match(text=ASSIGNMENT + " Ervaring met fusies.")
    for match in matches:
        assert hidden not in " ".join(match.reasons())


def test_a_field_kept_private_cannot_be_the_only_reason_to_match():
    listed_manager(headline="Interim-manager", expertise="Governance", sectors=("healthcare",), regions=("limburg",),
                   bio_nl="", bio_en="", consents={**ALL_PUBLIC, "show_sectors": False})
    assert register_assignment_match(text="Een ziekenhuis zoekt iemand")[1] == []


def test_not_listed_or_suspended_managers_never_match():
    listed_manager(listed=False)
    listed_manager(first_name="Bram", last_name="Koster", status="suspended")
    assert register_assignment_match(text=ASSIGNMENT)[1] == []


def test_availability_counts_only_when_it_fits_the_start():
    listed_manager(last_name="Later", available_from=date.today() + timedelta(days=300))
    listed_manager(first_name="Bram", last_name="Nu", available_from=None)
    _reading, matches = register_assignment_match(text=ASSIGNMENT)
    assert [m.profile.user.last_name for m in matches] == ["Nu", "Later"]
    assert matches[1].available is False


def test_match_page_shows_ranked_results_with_why(client):
    listed_manager(available_from=None)
    html = client.get("/register/opdracht/", {"text": ASSIGNMENT}).content.decode()
    assert "Vermeulen" in html and "Why:" not in html  # Dutch page
    assert "Waarom" in html
    english = client.get("/en/register/match/", {"text": ASSIGNMENT}).content.decode()
    assert "Why:" in english and "Sector: Healthcare" in english


def test_match_page_with_too_short_text_explains(client):
    response = client.get("/en/register/match/", {"text": "cfo"})
    assert response.status_code == 200
    assert "at least 10 characters" in response.content.decode()
