"""The header on every page: a menu that folds away on a phone, without inline script."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_header_links_sit_in_a_details_menu_that_works_without_script(client):
    html = client.get("/").content.decode()
    menu = re.search(r'<details class="site-menu" data-site-menu>(.*?)</details>', html, re.S)
    assert menu is not None
    assert "<summary" in menu.group(1)
    for name in ("members:join", "account_login", "account_signup", "search"):
        assert f'"{reverse(name)}"' in menu.group(1)


def test_pages_load_their_script_from_a_file_and_carry_no_inline_script(client):
    html = client.get("/").content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the menu script is loaded"
    assert all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert any("portal/js/site.js" in attrs and "defer" in attrs for attrs, _ in scripts)
    assert not re.search(r"\son[a-z]+=\"", html)  # no inline event handlers either
