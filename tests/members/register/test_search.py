"""The register's search: sorting, folding, prefixes, the URL, and the API giving the same results.

Runs on SQLite and PostgreSQL; the tests marked `postgres` check what only PostgreSQL's
Dutch full-text search does (stemming, ranking by weight) and that its indexes exist.
"""

from datetime import date, timedelta

import pytest
from django.db import connection

from members.models import Certificate
from members.register_selectors import register_search
from tests.members.register.factories import ALL_PUBLIC, certificates_change, listed_manager

pytestmark = pytest.mark.django_db


def _names(profiles):
    return [profile.user.last_name for profile in profiles]


def test_accents_do_not_matter_either_way():
    listed_manager(last_name="Müller", headline="Financiële turnaround in de zorg")
    assert _names(register_search(q="muller")) == ["Müller"]
    assert _names(register_search(q="financiele")) == ["Müller"]
    assert _names(register_search(q="Fïnanciële")) == ["Müller"]


def test_the_start_of_a_word_finds_it_while_typing():
    listed_manager(last_name="Vermeulen")
    listed_manager(first_name="Bram", last_name="Koster", headline="Interim HR-directeur", bio_nl="", bio_en="",
                   expertise="HR", sectors=("logistics",))
    assert _names(register_search(q="verm")) == ["Vermeulen"]
    assert _names(register_search(q="vermeu")) == ["Vermeulen"]


def test_all_words_must_match():
    listed_manager(last_name="Vermeulen", headline="Interim CFO in de zorg")
    listed_manager(first_name="Bram", last_name="Koster", headline="Interim CFO logistiek", sectors=("logistics",),
                   bio_nl="", bio_en="", expertise="Supply chain")
    assert _names(register_search(q="cfo zorg")) == ["Vermeulen"]
    assert sorted(_names(register_search(q="cfo"))) == ["Koster", "Vermeulen"]


def test_stop_words_alone_do_not_list_everyone_or_fail():
    listed_manager()
    assert _names(register_search(q="de het een")) == ["Vermeulen"]  # no words left: no text condition


def test_relevance_puts_a_headline_match_before_a_bio_match():
    listed_manager(first_name="Bram", last_name="Aalders", headline="Interim HR-directeur", sectors=("logistics",),
                   bio_nl="Ook ervaring met fusies.", bio_en="", expertise="HR")
    listed_manager(first_name="Carla", last_name="Zwart", headline="Specialist fusies", sectors=("logistics",),
                   bio_nl="", bio_en="", expertise="Governance")
    assert _names(register_search(q="fusies", sort="relevance")) == ["Zwart", "Aalders"]
    assert _names(register_search(q="fusies", sort="name")) == ["Aalders", "Zwart"]


def test_sort_by_certified_since_puts_the_longest_certified_first():
    old = listed_manager(last_name="Zwart")
    listed_manager(first_name="Bram", last_name="Aalders")
    certificates_change(old.user, issued_on=date.today() - timedelta(days=2000))
    assert _names(register_search(sort="certified")) == ["Zwart", "Aalders"]
    assert _names(register_search(sort="name")) == ["Aalders", "Zwart"]


def test_language_and_expertise_filters_look_at_published_fields_only():
    listed_manager(last_name="Vermeulen", languages="Nederlands, Duits", expertise="Lean en logistiek")
    listed_manager(first_name="Bram", last_name="Koster", languages="Nederlands, Duits", expertise="Lean",
                   consents={**ALL_PUBLIC, "show_languages": False, "show_expertise": False})
    assert _names(register_search(language="de")) == ["Vermeulen"]
    assert _names(register_search(language="fr")) == []
    assert _names(register_search(expertise="lean")) == ["Vermeulen"]


def test_a_renamed_member_is_found_by_the_new_name():
    profile = listed_manager(last_name="Vermeulen")
    profile.user.last_name = "De Wit"
    profile.user.save()
    assert _names(register_search(q="wit")) == ["De Wit"]
    assert _names(register_search(q="vermeulen")) == []


def test_withdrawing_consent_takes_the_words_out_of_the_search_at_once():
    from members.services.register import register_profile_update

    profile = listed_manager(headline="Interim CFO in de zorg")
    assert _names(register_search(q="cfo")) == ["Vermeulen"]
    register_profile_update(user=profile.user, content={}, consents={"show_headline": False})
    assert _names(register_search(q="cfo")) == []


def test_the_page_carries_the_whole_query_in_its_links(client, monkeypatch):
    from members import views_register

    monkeypatch.setattr(views_register, "PER_PAGE", 1)
    listed_manager(last_name="Aalders")
    listed_manager(first_name="Bram", last_name="Zwart")
    html = client.get("/register/", {"q": "interim", "sector": "healthcare", "sort": "name"}).content.decode()
    assert "Aalders" in html and "Zwart" not in html
    assert "q=interim&amp;sector=healthcare&amp;sort=name&amp;page=2" in html
    page2 = client.get("/register/", {"q": "interim", "sector": "healthcare", "sort": "name", "page": 2})
    assert "Zwart" in page2.content.decode()


def test_the_page_explains_the_mark_and_when_the_register_changed(client):
    listed_manager()
    html = client.get("/en/register/").content.decode()
    assert "What RQIM means" in html
    assert "independent certification body decides" in html
    assert "Last updated:" in html
    assert 'href="/verify/"' in html


# --- PostgreSQL: the Dutch full-text search and its indexes --------------------------------


@pytest.mark.postgres
def test_postgres_dutch_stemming_finds_the_singular_by_the_plural():
    listed_manager(headline="Interim-secretaris van een gemeente", bio_nl="Leidde een herstructurering.")
    assert _names(register_search(q="gemeenten")) == ["Vermeulen"]  # no substring: the Dutch stem matches
    assert _names(register_search(q="herstructureringen")) == ["Vermeulen"]


@pytest.mark.postgres
def test_postgres_a_word_inside_a_dutch_compound_is_found():
    listed_manager(headline="Interim-directeur gezondheidszorg", sectors=("logistics",), bio_nl="", bio_en="",
                   expertise="Turnarounds")
    assert _names(register_search(q="zorg")) == ["Vermeulen"]


@pytest.mark.postgres
def test_postgres_rank_weighs_name_headline_and_sector_over_bio():
    listed_manager(first_name="Bram", last_name="Aalders", headline="Interim HR-directeur", sectors=("logistics",),
                   bio_nl="Veel fusies begeleid.", bio_en="", expertise="HR")
    listed_manager(first_name="Carla", last_name="Zwart", headline="Fusies en overnames", sectors=("logistics",),
                   bio_nl="", bio_en="", expertise="Governance")
    assert _names(register_search(q="fusie", sort="relevance")) == ["Zwart", "Aalders"]


@pytest.mark.postgres
def test_postgres_search_indexes_and_trigram_extension_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_memberprofile'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"profile_search_vector", "profile_search_primary_trgm", "profile_search_secondary_trgm"} <= indexes
    assert "pg_trgm" in extensions


@pytest.mark.postgres
def test_postgres_search_uses_the_full_text_index():
    from members.register_selectors import register_text_filter
    from members.models import MemberProfile

    listed_manager()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    plan = register_text_filter(MemberProfile.objects.all(), q="fusies").explain()
    assert "profile_search_vector" in plan or "profile_search_primary_trgm" in plan
