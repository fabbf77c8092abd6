"""seed_demo fills the register: certified demo members listed with different consents."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from members.models import MemberProfile
from members.register_selectors import register_public_list
from portal.models import NavigationMenu


class SeededRegisterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())

    def test_active_certified_demo_members_are_listed(self):
        listed = {profile.user.email.split("@")[0] for profile in register_public_list()}
        assert listed == {"cert.anna", "cert.bram", "cert.carla"}

    def test_suspended_and_withdrawn_demo_members_consented_but_are_not_listed(self):
        for local in ("cert.dirk", "cert.eva"):
            profile = MemberProfile.objects.get(user__email__startswith=f"{local}@")
            assert profile.register_listed
            assert self.client.get(f"/register/{profile.pk}/").status_code == 404

    def test_a_field_kept_private_is_not_shown(self):
        carla = MemberProfile.objects.get(user__email__startswith="cert.carla@")
        html = self.client.get(f"/register/{carla.pk}/").content.decode()
        assert "Interim-bestuurder onderwijs" in html
        assert "brengt rust na een crisis" not in html

    def test_second_run_changes_nothing(self):
        before = list(MemberProfile.objects.order_by("pk").values())
        menus = list(NavigationMenu.objects.order_by("pk").values_list("items", flat=True))
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())
        assert list(MemberProfile.objects.order_by("pk").values()) == before
        assert list(NavigationMenu.objects.order_by("pk").values_list("items", flat=True)) == menus

    def test_main_menus_link_the_register_in_their_language(self):
        for language, path in (("nl", "/register/"), ("en", "/en/register/")):
            menu = NavigationMenu.objects.get(placement="main", locale__language_code=language)
            urls = [block.value["url"] for block in menu.items if block.value["url"]]
            assert len(urls) == 1 and urls[0].endswith(path)
            html = self.client.get("/" if language == "nl" else "/en/").content.decode()
            assert path + '"' in html

    def test_demo_request_reached_the_matching_manager_who_accepts_requests(self):
        from members.models import AssignmentRecipient, AssignmentRequest

        request = AssignmentRequest.objects.get(client_email="inkoop@zorggroep-demo.example")
        assert request.status == AssignmentRequest.Status.OPEN
        received = {r.profile.user.email.split("@")[0] for r in AssignmentRecipient.objects.filter(request=request)}
        assert received == {"cert.anna"}

    def test_demo_directory_has_a_member_without_a_certificate(self):
        from members.register_selectors import member_directory_list

        listed = {profile.user.email.split("@")[0] for profile in member_directory_list()}
        assert "member" in listed and "cert.anna" in listed
