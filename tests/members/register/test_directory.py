"""The members' directory: signed-in members see all members who opted in, with what each shares."""

import pytest

from members.models import MemberProfile
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/en/membership/directory/"


def _member(first_name, last_name, *, listed=True, shared=(), **status):
    membership = MembershipFactory(user=UserFactory(first_name=first_name, last_name=last_name), **(status or {"active": True}))
    profile = MemberProfile.objects.get(user=membership.user)
    profile.directory_listed = listed
    profile.directory_fields = list(shared)
    profile.headline = f"{first_name} headline"
    profile.city = "Zwolle"
    profile.save()
    return profile


def test_visitors_must_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_signed_in_non_members_are_refused(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_members_see_those_who_opted_in_certified_or_not(client):
    viewer = _member("Vera", "Kijker", listed=False)
    _member("Anna", "Gids")
    _member("Bram", "Verborgen", listed=False)
    _member("Carla", "Vertrokken", lapsed=True)
    client.force_login(viewer.user)
    html = client.get(URL).content.decode()
    assert "You are not in the directory yourself." in html
    html = html[html.index('class="register-count"'):html.index("</main>")]
    assert "Anna Gids" in html
    assert "Verborgen" not in html and "Vertrokken" not in html and "Vera Kijker" not in html


def test_only_shared_fields_are_shown(client):
    viewer = _member("Vera", "Kijker")
    shared = _member("Anna", "Gids", shared=("email", "city"))
    private = _member("Bram", "Stil")
    client.force_login(viewer.user)
    html = client.get(f"{URL}{shared.pk}/").content.decode()
    assert shared.user.email in html and "Zwolle" in html
    assert "Anna headline" not in html  # headline neither shared nor public
    html = client.get(f"{URL}{private.pk}/").content.decode()
    assert private.user.email not in html and private.phone not in html and "Zwolle" not in html


def test_a_member_not_in_the_directory_answers_404(client):
    viewer = _member("Vera", "Kijker")
    hidden = _member("Bram", "Verborgen", listed=False)
    client.force_login(viewer.user)
    assert client.get(f"{URL}{hidden.pk}/").status_code == 404


def test_the_directory_is_never_cached_for_others(client):
    viewer = _member("Vera", "Kijker")
    client.force_login(viewer.user)
    assert "no-store" in client.get(URL)["Cache-Control"]


def test_sharing_is_a_recorded_consent():
    from portal.audit import entries_for
    from members.services.register import register_profile_update

    profile = _member("Anna", "Gids")
    register_profile_update(user=profile.user, content={}, consents={}, directory_fields=["email", "phone"])
    profile.refresh_from_db()
    assert profile.directory_fields == ["email", "phone"]
    entry = [e for e in entries_for(profile) if e.action == "members.register_consent.changed"][-1]
    assert entry.data["made_public"] == ["members:email", "members:phone"]
