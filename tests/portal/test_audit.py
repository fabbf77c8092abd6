import pytest
from django.utils import translation
from wagtail.models import ModelLogEntry

from portal.audit import Source, entries_for, entry_message, log_action
from tests.factories import UserFactory


@pytest.mark.django_db
def test_unregistered_action_is_refused_and_writes_nothing():
    person = UserFactory()
    with pytest.raises(ValueError):
        log_action(person, "portal.no.such.action")
    assert not ModelLogEntry.objects.exists()


@pytest.mark.django_db
def test_entry_records_actor_source_and_plain_data():
    from datetime import date
    from decimal import Decimal

    person, staff = UserFactory(), UserFactory()
    entry = log_action(
        person, "wagtail.edit", actor=staff, source=Source.SECRETARIAT, data={"day": date(2026, 1, 2), "amount": Decimal("1.50")}
    )
    entry.refresh_from_db()
    assert entry.user == staff
    assert entry.data == {"source": "secretariat", "day": "2026-01-02", "amount": "1.50"}
    assert list(entries_for(person)) == [entry]
    assert entries_for(staff).count() == 0


@pytest.mark.django_db
def test_anonymous_actor_is_stored_as_no_user():
    from django.contrib.auth.models import AnonymousUser

    entry = log_action(UserFactory(), "wagtail.edit", actor=AnonymousUser())
    assert entry.user is None


@pytest.mark.django_db
def test_message_is_rendered_in_the_readers_language():
    entry = log_action(UserFactory(), "wagtail.edit")
    with translation.override("en"):
        english = entry_message(entry)
    with translation.override("nl"):
        dutch = entry_message(entry)
    assert english == "Edited"
    assert dutch != english
