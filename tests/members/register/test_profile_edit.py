import pytest
from django.urls import reverse
from django.utils import translation

from members.models import MemberProfile
from members.services.register import register_profile_update
from portal.audit import entries_for, entry_message
from tests.factories import UserFactory
from tests.members.factories import MemberProfileFactory
from tests.members.register.factories import listed_manager

pytestmark = pytest.mark.django_db


def _edit_url(lang="nl"):
    with translation.override(lang):
        return reverse("members:register_profile_edit")


def _post_data(profile, **overrides):
    data = {
        "headline": "Interim directeur zorg",
        "bio_nl": "Over mij",
        "bio_en": "",
        "expertise": profile.expertise,
        "languages": "Nederlands",
        "available_from": "",
        "day_rate_band": "",
        "linkedin_url": "",
        "register_sectors": [],
        "regions": [],
        "register_listed": "on",
        "show_headline": "on",
    }
    data.update(overrides)
    return data


def test_edit_page_needs_login(client):
    response = client.get(_edit_url())
    assert response.status_code == 302 and "login" in response.url


def test_edit_page_addresses():
    assert _edit_url() == "/lidmaatschap/registerprofiel/"
    assert _edit_url("en") == "/en/membership/register-profile/"


def test_member_saves_profile_and_consents(client):
    profile = MemberProfileFactory()
    client.force_login(profile.user)
    response = client.post(_edit_url(), _post_data(profile))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.headline == "Interim directeur zorg"
    assert profile.register_listed and profile.show_headline and not profile.show_bio
    assert profile.consent_changed_at is not None


def test_consent_change_writes_an_audit_entry_with_its_time():
    profile = MemberProfileFactory()
    register_profile_update(user=profile.user, content={}, consents={"register_listed": True, "show_bio": True})
    entry = entries_for(profile).filter(action="members.register_consent.changed").get()
    assert entry.data["made_public"] == ["register_listed", "show_bio"]
    assert entry.data["public_fields"] == ["bio"]
    assert entry.timestamp == MemberProfile.objects.get(pk=profile.pk).consent_changed_at
    with translation.override("en"):
        assert "about me public" in entry_message(entry)


def test_withdrawn_consent_is_recorded_too():
    profile = listed_manager()
    register_profile_update(user=profile.user, content={}, consents={"show_bio": False})
    entry = entries_for(profile).filter(action="members.register_consent.changed").get()
    assert entry.data["made_private"] == ["show_bio"]


def test_unchanged_consent_writes_no_consent_entry():
    profile = MemberProfileFactory()
    register_profile_update(user=profile.user, content={"headline": "Nieuw"}, consents={"register_listed": False})
    assert not entries_for(profile).filter(action="members.register_consent.changed").exists()
    assert entries_for(profile).filter(action="members.register_profile.updated").exists()


def test_invalid_linkedin_url_changes_nothing(client):
    profile = MemberProfileFactory()
    client.force_login(profile.user)
    response = client.post(_edit_url(), _post_data(profile, linkedin_url="https://example.com/me"))
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.headline == "" and not profile.register_listed


def test_preview_shows_only_public_fields(client):
    profile = listed_manager()
    register_profile_update(user=profile.user, content={}, consents={"show_headline": False})
    client.force_login(profile.user)
    html = client.get(_edit_url()).content.decode()
    preview = html[html.index('id="preview-heading"'):]
    assert "Ervaren financieel bestuurder" in preview
    assert "Interim CFO in de zorg" not in preview


def test_user_without_profile_is_sent_to_join(client):
    client.force_login(UserFactory())
    response = client.get(_edit_url())
    assert response.status_code == 302
