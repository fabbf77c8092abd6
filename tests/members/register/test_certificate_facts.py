"""The register reads who is certified from the profile; every certificate change keeps that copy true.

The search filters and sorts on `MemberProfile.register_certified` and
`register_certified_since` (one table, indexed) instead of asking the certificates per
profile. These tests go through the certification services, as staff would, and check
that the public register follows at once; and that the daily run repairs a copy that a
bulk write left behind.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Certificate, MemberProfile
from members.register_index import register_certificate_facts_refresh
from members.register_selectors import register_public_list, register_search
from members.services import certification as services
from tests.members.certification import factories as f
from tests.members.factories import MemberProfileFactory
from tests.members.register.factories import ALL_PUBLIC, listed_manager

pytestmark = pytest.mark.django_db


def _listed_names() -> list[str]:
    return [profile.user.last_name for profile in register_public_list().order_by("pk")]


def _facts(user) -> tuple[bool, date | None]:
    profile = MemberProfile.objects.get(user=user)
    return profile.register_certified, profile.register_certified_since


def test_each_certificate_transition_moves_the_holder_in_and_out_of_the_register():
    holder = f.member()
    MemberProfileFactory(user=holder)
    MemberProfile.objects.filter(user=holder).update(register_listed=True, **ALL_PUBLIC)
    assert _facts(holder) == (False, None)
    assert _listed_names() == []

    certificate = f.issued_certificate(holder)
    assert _facts(holder) == (True, certificate.issued_on)
    assert _listed_names() == [holder.last_name]

    services.certificate_suspend(certificate=certificate, actor=f.decider(), reason="Onderzoek.",
                                 until=date.today() + timedelta(days=30))
    assert _facts(holder) == (False, certificate.issued_on)  # still certified since then, not listed now
    assert _listed_names() == []

    services.certificate_reinstate(certificate=certificate, actor=f.decider())
    assert _listed_names() == [holder.last_name]

    services.certificate_withdraw(certificate=certificate, actor=f.decider(), reason="Op eigen verzoek.")
    assert _facts(holder) == (False, None)  # a withdrawn certificate does not count for "certified since"
    assert _listed_names() == []


def test_expiry_in_the_daily_run_drops_the_holder():
    profile = listed_manager()
    certificate = Certificate.objects.get(holder=profile.user)
    services.certificates_daily_run(today=certificate.valid_until + timedelta(days=1))
    assert _listed_names() == []


def test_a_profile_made_after_the_certificate_starts_with_the_facts():
    holder = f.member()
    certificate = f.issued_certificate(holder)
    MemberProfile.objects.filter(user=holder).delete()
    MemberProfileFactory(user=holder, register_listed=True, **ALL_PUBLIC)
    assert _facts(holder) == (True, certificate.issued_on)


def test_certified_since_is_the_first_certificate_kept():
    profile = listed_manager(last_name="Zwart")
    first = Certificate.objects.get(holder=profile.user)
    first.issued_on = date(2015, 3, 1)
    first.save(update_fields=["issued_on"])
    assert _facts(profile.user) == (True, date(2015, 3, 1))
    assert register_search(sort="certified").get().certified_since == date(2015, 3, 1)


def test_the_daily_run_repairs_a_copy_that_a_bulk_write_left_behind():
    stale = listed_manager(last_name="Vergeten")
    kept = listed_manager(last_name="Bijgewerkt")
    # A bulk write bypasses the signals: the copy says "certified" while the certificate is withdrawn.
    Certificate.objects.filter(holder=stale.user).update(status=Certificate.Status.WITHDRAWN)
    assert sorted(_listed_names()) == ["Bijgewerkt", "Vergeten"]
    counts = services.certificates_daily_run()
    assert counts["register_corrected"] == 1
    assert _listed_names() == [kept.user.last_name]
    assert register_certificate_facts_refresh() == 0  # in step now: a second pass changes nothing


def test_a_search_reads_the_profiles_without_asking_the_certificates_per_profile():
    """The page's list query and its count no longer join or sub-query the certificates
    (only the prefetch of the certificates shown on the page does, for its 20 rows)."""
    for number in range(3):
        listed_manager(last_name=f"Manager{number}")
    results = register_search(q="", sort="certified")
    with CaptureQueriesContext(connection) as captured:
        results.count()
        rows = list(results[:20])
    assert len(rows) == 3
    list_queries = [q["sql"] for q in captured.captured_queries if "members_memberprofile" in q["sql"].split("FROM", 1)[-1][:60]]
    assert list_queries and all("members_certificate" not in sql for sql in list_queries)
