"""manage.py seed_demo: demo content in Dutch and English and one demo login per role.

Seeding writes some 1,500 rows, so the tests that read its result share one run:
a Django TestCase seeds once in setUpTestData and rolls each test back to it.
"""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from wagtail.models import Page, Revision

from portal.demo import DEMO_PASSWORD, DEMO_USERS, seed_users
from portal.models import AssociationSettings, HomePage, NavigationMenu, NewsPage, StandardPage


def seed():
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    """What a second run must leave exactly as it was."""
    User = get_user_model()
    return {
        "pages": list(
            Page.objects.order_by("pk").values_list("pk", "title", "live", "latest_revision_id", "last_published_at")
        ),
        "revisions": Revision.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_staff", "is_superuser")),
        "memberships": list(User.groups.through.objects.order_by("pk").values_list("pk", "group_id")),
        "groups": list(Group.objects.order_by("pk").values_list("pk", "name")),
        "menus": list(NavigationMenu.objects.order_by("pk").values_list("pk", "items")),
        "addresses": list(EmailAddress.objects.order_by("pk").values_list("pk", "verified", "primary")),
        "settings": list(AssociationSettings.objects.values()),
    }


@pytest.mark.django_db
def test_seed_demo_is_refused_with_debug_off_and_writes_nothing():
    before = snapshot()
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_demo_adds_users_to_groups_that_already_exist():
    editors = Group.objects.get_or_create(name="Editors")[0]
    seed_users(StringIO())
    assert Group.objects.filter(name="Editors").count() == 1
    assert editors.user_set.filter(email="editor@rqim.example").exists()


class SeededDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = seed()

    def test_fills_in_the_existing_dutch_home_page(self):
        home = HomePage.objects.get(locale__language_code="nl")
        assert home.title == "Vereniging RQIM"
        assert home.live and home.body and home.intro

    def test_publishes_the_dutch_pages_under_home(self):
        home = HomePage.objects.get(locale__language_code="nl")
        children = {page.slug: page.specific for page in home.get_children().live()}
        assert set(children) == {
            "over-de-vereniging", "keurmerk", "nieuws", "normen", "kennisbank", "evenementen", "contact", "contributie",
            "statuten", "privacyverklaring",
        }
        assert isinstance(children["keurmerk"], StandardPage)
        assert children["keurmerk"].body

    def test_publishes_five_news_items_with_lead_body_and_tags(self):
        news = NewsPage.objects.live().filter(locale__language_code="nl")
        assert news.count() == 5
        assert len({item.date for item in news}) == 5
        assert all(item.lead and item.body and item.tags.exists() for item in news)

    def test_every_dutch_page_has_a_live_english_translation(self):
        dutch = Page.objects.filter(locale__language_code="nl", depth__gte=2)
        english = {page.translation_key: page for page in Page.objects.filter(locale__language_code="en")}
        # 13 site pages, the norm index and two norm pages, the library index and 4 articles,
        # the events index and 6 events (one of them cancelled)
        assert dutch.count() == 28
        assert len(english) == 28
        for page in dutch:
            assert english[page.translation_key].live

    def test_english_pages_have_english_titles_and_addresses(self):
        pages = Page.objects.live().filter(locale__language_code="en", depth=3)
        assert {page.title for page in pages} == {
            "About the association", "The RQIM quality mark", "News", "Contact", "Membership and dues", "Statutes",
            "Privacy statement", "Norms", "Library", "Events",
        }
        assert {page.url for page in pages} == {
            "/en/about/", "/en/quality-mark/", "/en/news/", "/en/contact/", "/en/membership-fees/", "/en/statutes/",
            "/en/privacy-statement/", "/en/norms/", "/en/library/", "/en/events/",
        }

    def test_english_news_items_have_english_tags(self):
        item = NewsPage.objects.get(slug="rqim-norms-2025-adopted")
        assert set(item.tags.names()) == {"norms", "quality mark"}

    def test_an_editor_opens_every_demo_page_in_the_editor(self):
        from tests.factories import UserFactory, record_sign_in, totp_authenticator

        editor = UserFactory(is_superuser=True, is_staff=True)
        totp_authenticator(editor)
        self.client.force_login(editor)
        record_sign_in(self.client.session, editor)
        failed = {}
        for page in Page.objects.filter(depth__gt=1):
            response = self.client.get(f"/admin/pages/{page.pk}/edit/")
            if response.status_code != 200:
                failed[page.title] = response.status_code
        assert failed == {}

    def test_the_cancelled_demo_event_holds_no_seat(self):
        from events.models import EventPage, Registration

        event = EventPage.objects.get(slug="regiobijeenkomst-zuid", locale__language_code="nl")
        english = EventPage.objects.get(translation_key=event.translation_key, locale__language_code="en")
        assert event.is_cancelled and english.is_cancelled
        registrations = Registration.objects.filter(event=event)
        assert registrations.count() == 3
        assert not registrations.exclude(status=Registration.Status.CANCELLED).exists()

    def test_the_outbox_holds_one_failed_message_to_send_again(self):
        from portal.models import OutboundEmail

        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count() == 1

    def test_sets_the_association_details(self):
        details = AssociationSettings.objects.get()
        assert details.name == "Vereniging RQIM"
        assert "Utrecht" in details.address
        assert len(details.kvk_number) == 8 and details.kvk_number.isdigit()
        assert details.contact_email == "info@rqim.example"
        assert details.linkedin_url.startswith("https://")

    def test_gives_the_one_site_the_host_and_port_of_base_url(self):
        from wagtail.models import Site

        site = Site.objects.get()  # still the only one, and the default
        assert (site.hostname, site.port, site.is_default_site) == ("127.0.0.1", 8000, True)
        assert site.root_url == settings.BASE_URL

    def test_menus_link_to_pages_in_their_own_language(self):
        for language in ("nl", "en"):
            for placement in ("main", "footer"):
                menu = NavigationMenu.objects.get(placement=placement, locale__language_code=language)
                page_links = [block.value for block in menu.items if block.value["page"]]
                linked = [value["page"] for value in page_links]
                assert linked
                assert {page.locale.language_code for page in linked} == {language}
                assert not any(value["label"] for value in page_links)

    def test_english_menus_are_translations_of_the_dutch_ones(self):
        for placement in ("main", "footer"):
            menus = NavigationMenu.objects.filter(placement=placement)
            assert menus.count() == 2
            assert len({menu.translation_key for menu in menus}) == 1

    def test_each_role_has_a_demo_user_in_its_group(self):
        for demo in DEMO_USERS:
            if demo.group:
                user = get_user_model().objects.get(email=demo.email)
                assert list(user.groups.values_list("name", flat=True)) == [demo.group], demo.email
                assert not user.is_superuser

    def test_admin_is_a_superuser_and_member_a_plain_user(self):
        User = get_user_model()
        admin = User.objects.get(email="admin@rqim.example")
        member = User.objects.get(email="member@rqim.example")
        assert admin.is_superuser and admin.is_staff
        assert not (member.is_staff or member.is_superuser or member.groups.exists())

    def test_demo_users_have_the_printed_password_and_a_verified_address(self):
        assert DEMO_PASSWORD in self.output
        for demo in DEMO_USERS:
            assert demo.email in self.output
            user = get_user_model().objects.get(email=demo.email)
            assert user.check_password(DEMO_PASSWORD)
            assert EmailAddress.objects.filter(user=user, email=demo.email, verified=True, primary=True).exists()

    def test_demo_member_can_log_in(self):
        response = self.client.post(
            "/accounts/login/", {"login": "member@rqim.example", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert self.client.session.get("_auth_user_id")

    def test_output_tells_staff_about_two_factor_set_up(self):
        assert "two-factor" in self.output and "/admin/" in self.output

    def test_running_twice_changes_nothing(self):
        before = snapshot()
        output = seed()
        assert snapshot() == before
        assert "[created]" not in output

    def test_running_again_keeps_an_editors_change(self):
        about = StandardPage.objects.get(slug="about")
        about.title = "About us"
        about.save_revision().publish()
        seed()
        assert StandardPage.objects.get(pk=about.pk).title == "About us"

    def test_running_again_restores_a_deleted_translation(self):
        StandardPage.objects.get(slug="contact", locale__language_code="en").delete()
        seed()
        contact = StandardPage.objects.get(slug="contact", locale__language_code="en")
        assert contact.live and contact.title == "Contact"

    def test_home_page_answers_in_dutch(self):
        response = self.client.get("/")
        assert response.status_code == 200
        content = response.content.decode()
        assert "Kwaliteit die je kunt controleren" in content
        assert 'href="/keurmerk/"' in content

    def test_home_page_answers_in_english(self):
        response = self.client.get("/en/")
        assert response.status_code == 200
        content = response.content.decode()
        assert "<h1>RQIM Association</h1>" in content
        assert "Quality you can verify" in content
        assert 'href="/en/quality-mark/"' in content  # menu and call to action follow the language

    def test_english_news_item_renders(self):
        response = self.client.get("/en/news/rqim-norms-2025-adopted/")
        assert response.status_code == 200
        assert "RQIM norms 2025 adopted" in response.content.decode()

    def test_output_names_a_demo_credential_that_verifies(self):
        from members.models import Certificate

        demo = Certificate.objects.filter(status=Certificate.Status.ACTIVE).order_by("number").first()
        assert f"/api/v1/certificates/{demo.number}/credential" in self.output
        token = self.client.get(f"/api/v1/certificates/{demo.number}/credential").content
        answer = self.client.post("/api/v1/verify", token, content_type="application/vc+jwt").json()
        assert answer["signature_valid"] is True and answer["status"] == "active"
