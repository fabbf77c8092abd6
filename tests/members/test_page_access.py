"""Members-only pages and the member price other apps ask for."""

import pytest
from django.urls import reverse

from members.selectors import member_price_applies, user_is_active_member
from portal.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.factories import UserFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SECRET = "Only members read this paragraph."



def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def home():
    return HomePage.objects.get(locale__language_code="nl", depth=2)


@pytest.fixture
def members_page(home):
    return _publish(
        home,
        StandardPage(
            title="Ledenvoordeel",
            slug="ledenvoordeel",
            intro="What members get.",
            members_only=True,
            body=[("paragraph", f"<p>{SECRET}</p>")],
        ),
    )


@pytest.fixture
def members_news(home):
    index = _publish(home, NewsIndexPage(title="Nieuws", slug="nieuws"))
    return _publish(
        index,
        NewsPage(title="Ledennieuws", slug="ledennieuws", lead="A lead for all.", members_only=True, body=[("paragraph", f"<p>{SECRET}</p>")]),
    )


def test_an_anonymous_visitor_sees_a_teaser_with_join_and_login_links(client, members_page):
    response = client.get(members_page.url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ledenvoordeel" in content and "What members get." in content
    assert SECRET not in content
    assert reverse("members:join") in content
    assert reverse("account_login") in content
    assert "private" in response["Cache-Control"]


def test_a_signed_in_non_member_sees_the_teaser(client, user, members_page):
    client.force_login(user)
    content = client.get(members_page.url).content.decode()
    assert SECRET not in content
    assert reverse("members:join") in content


@pytest.mark.parametrize("status", ["lapsed", "resigned", "ended"])
def test_a_former_member_sees_the_teaser(client, members_page, status):
    client.force_login(MembershipFactory(**{status: True}).user)
    assert SECRET not in client.get(members_page.url).content.decode()


def test_an_applicant_sees_the_teaser(client, members_page):
    client.force_login(MembershipFactory().user)
    assert SECRET not in client.get(members_page.url).content.decode()


@pytest.mark.parametrize("status", ["active", "in_arrears"])
def test_a_member_reads_the_whole_page(client, members_page, status):
    client.force_login(MembershipFactory(**{status: True}).user)
    response = client.get(members_page.url)
    assert response.status_code == 200
    assert SECRET in response.content.decode()


def test_the_full_members_page_is_never_kept_in_a_shared_cache(client, members_page):
    client.force_login(MembershipFactory(active=True).user)
    response = client.get(members_page.url)
    assert SECRET in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_members_only_news_item_shows_its_lead_to_others(client, members_news):
    content = client.get(members_news.url).content.decode()
    assert "A lead for all." in content
    assert SECRET not in content


def test_a_page_for_everyone_is_unaffected(client, home):
    page = _publish(home, StandardPage(title="Open", slug="open", body=[("paragraph", f"<p>{SECRET}</p>")]))
    assert SECRET in client.get(page.url).content.decode()


@pytest.mark.parametrize(
    ("status", "applies"),
    [("applicant", False), ("active", True), ("in_arrears", True), ("lapsed", False), ("resigned", False), ("ended", False)],
)
def test_member_price_applies_to_current_members_only(status, applies):
    membership = MembershipFactory(**({} if status == "applicant" else {status: True}))
    assert member_price_applies(user=membership.user) is applies
    assert user_is_active_member(user=membership.user) is applies


def test_member_price_does_not_apply_to_anonymous_or_people_without_membership(db):
    from django.contrib.auth.models import AnonymousUser

    assert member_price_applies(user=AnonymousUser()) is False
    assert member_price_applies(user=UserFactory()) is False
