"""The bench data generator at a tiny scale: the counts it promises, and the same data from the same seed."""

from datetime import date

import pytest

from bench.generate import COUNTS, generate, plan_counts

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
SCALE = 0.001  # 100 members, 20 certified, 1,000 PE entries, 2 events, 200 registrations, 2 pages


def test_plan_counts_scale_every_kind_and_keep_at_least_one():
    assert plan_counts(1) == COUNTS
    assert plan_counts(0.01)["members"] == 1_000
    assert plan_counts(0.01)["pe_entries"] == 10_000
    tiny = plan_counts(0.000001)
    assert all(count >= 1 for count in tiny.values())
    assert tiny["certified"] <= tiny["members"]
    with pytest.raises(ValueError):
        plan_counts(0)


def test_generates_the_planned_rows_with_consented_register_profiles():
    from events.models import Registration
    from knowledge.pe_models import PEEntry
    from members.models import Certificate, MemberProfile, Membership
    from members.register_selectors import register_public_list

    result = generate(scale=SCALE, seed=1, today=TODAY)

    planned = plan_counts(SCALE)
    assert result.counts["members"] == planned["members"] == 100
    assert result.counts["certified"] == planned["certified"] == 20
    assert result.counts["pe_entries"] == planned["pe_entries"] == 1_000
    assert result.counts["events"] == planned["events"] == 2
    assert result.counts["registrations"] == planned["registrations"] == 200
    assert result.counts["pages"] == planned["pages"] == 2
    assert Membership.objects.count() == MemberProfile.objects.count() == 100
    # Every certified member consented to the register; the listed are those with an active certificate.
    holders = set(Certificate.objects.values_list("holder_id", flat=True))
    assert set(MemberProfile.objects.filter(register_listed=True).values_list("user_id", flat=True)) == holders
    active = set(Certificate.objects.filter(status=Certificate.Status.ACTIVE).values_list("holder_id", flat=True))
    assert set(register_public_list().values_list("user_id", flat=True)) == active
    # Nobody is registered twice for one event; each event has room for everyone who holds a seat.
    for event_id in Registration.objects.values_list("event_id", flat=True).distinct():
        registrations = Registration.objects.filter(event_id=event_id)
        assert registrations.values("user_id").distinct().count() == registrations.count()
        assert registrations.first().event.capacity >= registrations.exclude(status="cancelled").count()
    assert PEEntry.objects.filter(status="rejected").exclude(rejection_reason="").count() == \
        PEEntry.objects.filter(status="rejected").count()
    # The landmarks the benchmarks load exist.
    assert result.landmarks["event_path"].startswith("/evenementen/")
    assert Certificate.objects.filter(number=result.landmarks["certificate_number"]).exists()


def _fingerprint():
    """The generated content, without keys and timestamps the database assigns."""
    from events.models import Registration
    from knowledge.pe_models import PEEntry
    from members.models import Certificate, MemberProfile, User

    return (
        list(User.objects.filter(email__endswith="@bench.example.nl").order_by("pk")
             .values_list("email", "first_name", "last_name", "language")),
        list(MemberProfile.objects.order_by("user__email").values_list(
            "user__email", "city", "postal_code", "phone", "headline", "register_listed", "show_bio")),
        list(Certificate.objects.order_by("number").values_list("number", "holder__email", "status", "valid_until")),
        list(PEEntry.objects.order_by("member__email", "date", "title", "hours", "status").values_list(
            "member__email", "title", "date", "hours", "status")),
        sorted(Registration.objects.values_list("user__email", "status", "code")),
    )


def test_same_seed_same_data_other_seed_other_data(django_db_blocker):
    from django.db import transaction

    def run(seed):
        sid = transaction.savepoint()
        generate(scale=SCALE, seed=seed, today=TODAY)
        data = _fingerprint()
        transaction.savepoint_rollback(sid)
        return data

    first, again, other = run(5), run(5), run(6)
    assert first == again
    assert first != other
