"""Joining from the public site: the steps and dues before signing in, the way back to the
join form through sign-up and e-mail confirmation, the fees page and the documents to accept."""

import re
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from members.models import MembershipFeesPage
from members.services.membership import PRIVACY_VERSION, STATUTES_VERSION
from portal.models import AssociationSettings, StandardPage
from tests.members.factories import MembershipPlanFactory
from tests.portal import pages

pytestmark = pytest.mark.django_db

PASSWORD = "Vlinder-Kaas-2027"


@pytest.fixture
def plans():
    return [
        MembershipPlanFactory(code="regular", name_nl="Gewoon lid", name_en="Regular member", sort_order=1),
        MembershipPlanFactory(code="closed", name_nl="Oud plan", name_en="Old plan", is_active=False),
    ]


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- "Lid worden" before signing in ------------------------------------------------------


def test_join_explains_the_steps_and_dues_to_a_visitor_before_asking_to_sign_in(client, plans):
    response = client.get(reverse("members:join"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Zo word je lid" in content
    assert "Gewoon lid" in content and "€ 302,50" in content
    assert "Oud plan" not in content


def test_join_intro_links_carry_the_way_back_to_the_join_form(client, plans):
    content = client.get(reverse("members:join")).content.decode()
    join = reverse("members:join")
    for name in ("account_signup", "account_login"):
        href = re.search(rf'href="({re.escape(reverse(name))}\?[^"]+)"', content).group(1)
        assert parse_qs(urlsplit(href.replace("&amp;", "&")).query)["next"] == [join]


def test_join_intro_links_the_fees_page(client, plans):
    fees = pages.publish(pages.home().add_child(instance=MembershipFeesPage(title="Contributie", slug="contributie")))
    assert f'href="{fees.url}"' in client.get(reverse("members:join")).content.decode()


def test_posting_the_join_form_without_an_account_leads_to_login(client, plans):
    response = client.post(reverse("members:join"), {"plan": plans[0].pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- sign-up and e-mail confirmation lead back to the join form ---------------------------


def sign_up_from_join(client, email="nieuw@example.org"):
    join = reverse("members:join")
    client.post(
        f"{reverse('account_signup')}?next={join}",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "next": join},
    )
    return join


def test_confirming_on_another_device_leads_to_login_that_returns_to_the_join_form(
    client, plans, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        join = sign_up_from_join(client)
    confirm = path_of(link_in(mail.outbox[0]))
    phone = Client()  # the mail is opened elsewhere than where the account was made
    page = phone.get(confirm).content.decode()
    assert 'name="next"' in page  # the confirm button carries the way back on

    next_value = parse_qs(urlsplit(confirm).query)["next"][0]
    response = phone.post(confirm, {"next": next_value})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("account_login"))

    response = phone.post(login_url, {"login": "nieuw@example.org", "password": PASSWORD})
    assert response["Location"] == join
    assert phone.get(join).context["form"] is not None


def test_confirming_in_the_same_browser_can_resume_straight_to_the_join_form(
    client, plans, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        join = sign_up_from_join(client)
    confirm = path_of(link_in(mail.outbox[0]))
    next_value = parse_qs(urlsplit(confirm).query)["next"][0]

    response = client.post(confirm, {"next": next_value})
    assert is_logged_in(client)
    assert response["Location"] == join


def test_a_confirmation_link_without_a_destination_has_no_next(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert "?next=" not in link_in(mail.outbox[0])


def test_an_unsafe_next_is_not_carried_into_the_confirmation_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "y@example.org", "password1": PASSWORD, "password2": PASSWORD, "next": "https://evil.example/"},
        )
    assert "evil.example" not in mail.outbox[0].body


# --- English paths ------------------------------------------------------------------------


def test_english_join_page_has_an_english_path_and_dutch_keeps_its_own():
    assert reverse("members:join") == "/lidmaatschap/aanmelden/"
    with translation.override("en"):
        assert reverse("members:join") == "/en/membership/join/"
        assert reverse("members:dashboard") == "/en/membership/"
        assert reverse("members:receipt", args=[3]) == "/en/membership/receipt/3/"


def test_language_switch_on_the_join_page_goes_to_the_same_page_in_english(client, plans):
    content = client.get("/lidmaatschap/aanmelden/").content.decode()
    assert 'href="/en/membership/join/" hreflang="en"' in content


def test_the_english_join_page_answers_and_the_dutch_path_does_not_under_en(client, plans):
    assert client.get("/en/membership/join/").status_code == 200
    assert client.get("/en/lidmaatschap/aanmelden/").status_code == 404


# --- the fees page --------------------------------------------------------------------------


def test_fees_page_lists_the_open_plans_with_their_dues(client, plans):
    fees = pages.publish(pages.home().add_child(instance=MembershipFeesPage(title="Contributie", slug="contributie")))
    content = client.get(fees.url).content.decode()
    assert "Gewoon lid" in content
    assert "€ 302,50" in content  # incl. VAT
    assert "€ 250,00" in content and "21% btw" in content
    assert "Oud plan" not in content
    assert f'href="{reverse("members:join")}"' in content


def test_fees_page_follows_a_price_change_at_once(client, plans):
    fees = pages.publish(pages.home().add_child(instance=MembershipFeesPage(title="Contributie", slug="contributie")))
    plans[0].yearly_price = 300
    plans[0].save()
    assert "€ 363,00" in client.get(fees.url).content.decode()


# --- the statutes and privacy statement on the join form ------------------------------------


def test_join_form_links_the_statutes_and_privacy_statement_with_their_versions(client, user, plans):
    home = pages.home()
    statutes = pages.standard_page(home, title="Statuten")
    privacy = pages.standard_page(home, title="Privacyverklaring")
    settings_row = AssociationSettings.for_site(home.get_site())
    settings_row.statutes_page, settings_row.privacy_page = statutes, privacy
    settings_row.save()
    client.force_login(user)

    content = client.get(reverse("members:join")).content.decode()
    assert f'href="{statutes.url}"' in content
    assert f'href="{privacy.url}"' in content
    assert f"Lees de statuten (versie {STATUTES_VERSION})" in content
    assert f"Lees de privacyverklaring (versie {PRIVACY_VERSION})" in content


def test_join_form_without_document_pages_still_renders(client, user, plans):
    client.force_login(user)
    response = client.get(reverse("members:join"))
    assert response.status_code == 200
    assert "Lees de statuten" not in response.content.decode()


# --- demo content --------------------------------------------------------------------------


def test_seed_demo_adds_fees_statutes_and_privacy_pages_in_both_languages_once():
    def run():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())

    run()
    run()
    assert MembershipFeesPage.objects.live().count() == 2
    titles = set(StandardPage.objects.live().values_list("title", flat=True))
    assert {"Statuten", "Statutes", "Privacyverklaring", "Privacy statement"} <= titles
    assert StandardPage.objects.filter(title="Statuten").count() == 1
    details = AssociationSettings.objects.get()
    assert details.statutes_page.title == "Statuten"
    assert details.privacy_page.title == "Privacyverklaring"


# --- query counts -------------------------------------------------------------------------


def queries_for(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm the site and locale caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["join", "fees"])
def test_join_and_fees_pages_make_as_many_queries_with_many_plans_as_with_one(client, plans, name):
    fees = pages.publish(pages.home().add_child(instance=MembershipFeesPage(title="Contributie", slug="contributie")))
    path = reverse("members:join") if name == "join" else fees.url
    few = queries_for(client, path)
    for number in range(12):
        MembershipPlanFactory(code=f"extra-{number}")
    many = queries_for(client, path)
    assert many == few
    assert many <= 15
