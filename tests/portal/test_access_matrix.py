"""The access matrix (tests/access_rules.py, docs/access.md), asked of the running portal.

The URL configuration, the routes under routable Wagtail pages and the Wagtail admin
menu are walked, not listed by hand: a view without a rule fails
`test_every_view_has_a_rule` with the line to add, and each role's answers are
compared with the rules in `test_each_role_gets_what_the_matrix_says`.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from portal import roles
from tests import access_rules as rules
from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.portal.routes import every_route

pytestmark = pytest.mark.django_db

LOGIN_PATHS = {"/accounts/login/", "/en/accounts/login/", "/admin/login/"}
ADMIN_HOME = "/admin/"
NOBODYS_ID = "987654"  # an id no object has: object views must answer 404, never another's data
ROUTE_SAMPLES = {"pk": NOBODYS_ID, "action": "accept", "code": "nobodys-code-1"}
GROUPS = {
    "editor": roles.EDITORS,
    "secretariat": roles.SECRETARIAT,
    "assessor": roles.ASSESSORS,
    "decider": roles.DECIDERS,
    "committee": roles.NORM_COMMITTEE,
}


def key_of(address: str) -> str:
    """The URL name `reverse()` takes ("namespace:name"), or the address for an unnamed pattern."""
    with translation.override("en" if address.startswith("/en/") else "nl"):
        match = resolve(address)
    if match.url_name:
        return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return re.sub(r"^/en/", "/", address)


def site_routes():
    """(address, key) of every address outside the admin, in both languages."""
    seen = set()
    for address, _entry in every_route():
        if address.startswith(ADMIN_HOME) or address in seen:
            continue
        seen.add(address)
        yield address, key_of(address)


def admin_routes():
    """(address, key, has an object in the address) of every admin address."""
    seen = set()
    for address, entry in every_route():
        if not address.startswith(ADMIN_HOME) or address in seen:
            continue
        seen.add(address)
        has_object = bool(getattr(entry.pattern, "converters", None)) or bool(entry.pattern.regex.groups)
        yield address, key_of(address), has_object


def routable_page_models():
    return [model for model in apps.get_models() if issubclass(model, RoutablePageMixin) and issubclass(model, Page)]


def page_routes():
    """(model, route name, URL pattern) of every route under a routable page."""
    for model in routable_page_models():
        for pattern in model().get_subpage_urls():
            yield model, pattern.name or "", pattern


def nobodys(address: str) -> str:
    return re.sub(r"(?<=/)1(?=[/.]|$)", NOBODYS_ID, address)


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target in LOGIN_PATHS:
            return rules.LOGIN
        if target == ADMIN_HOME and not response.wsgi_request.path == ADMIN_HOME:
            return rules.DENIED  # Wagtail's "Sorry, you do not have permission to access this area."
        return rules.OPEN
    if code == 403:
        return rules.DENIED
    if code in (400, 404, 410):
        return rules.GONE
    if code == 405:
        return rules.POST
    if code < 300:
        return rules.OPEN
    return f"HTTP {code}"


def suggestion(key: str, table: str) -> str:
    return (
        f"  {key!r}: <rule>,   # in {table} in tests/access_rules.py, e.g. everyone(), signed_in(), own_object(), "
        "post_only(), admin('secretariat'); then .venv/bin/python -m tests.access_rules > docs/access.md"
    )


def test_every_view_has_a_rule():
    missing = []
    for address, key in site_routes():
        if key not in rules.SITE_RULES:
            missing.append(f"{address}\n{suggestion(key, 'SITE_RULES')}")
    for address, key, _has_object in admin_routes():
        if rules.rule_for(key, rules.ADMIN_RULES) is None:
            namespace = key.split(":")[0]
            missing.append(f"{address} (a whole area: key {namespace!r})\n{suggestion(key, 'ADMIN_RULES')}")
    for model, name, _pattern in page_routes():
        key = f"{model._meta.label}:{name}"
        if key not in rules.PAGE_RULES:
            missing.append(f"route {name!r} of {model.__name__}\n{suggestion(key, 'PAGE_RULES')}")

    assert not missing, "Views without an access rule; add them:\n" + "\n".join(dict.fromkeys(missing))


def test_no_rule_names_a_view_that_is_gone():
    site = {key for _address, key in site_routes()}
    admin_keys = set()
    for _address, key, _has_object in admin_routes():
        while key:
            admin_keys.add(key)
            key = key.rsplit(":", 1)[0] if ":" in key else ""
    page = {f"{model._meta.label}:{name}" for model, name, _pattern in page_routes()}

    stale = (set(rules.SITE_RULES) - site) | (set(rules.ADMIN_RULES) - admin_keys) | (set(rules.PAGE_RULES) - page)

    assert not stale, f"rules in tests/access_rules.py for views that no longer exist; remove them: {sorted(stale)}"


def test_the_documented_matrix_is_the_tested_one():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text()

    assert documented == rules.markdown(), "docs/access.md is out of date: .venv/bin/python -m tests.access_rules > docs/access.md"


# --- asking the portal ----------------------------------------------------------------------------


def person(role: str):
    from tests.members.certification import factories as certification

    if role == "anonymous":
        return None
    if role == "member":
        return verified_email(certification.member())
    if role == "certified":
        return verified_email(certification.issued_certificate().holder)
    user = verified_email(UserFactory(groups=[GROUPS[role]]))
    totp_authenticator(user)
    return user


@pytest.fixture
def sample_pages():
    from tests.events.helpers import event_index, event_page

    from members.models import NormVersion
    from tests.knowledge.norms import norm_index, norm_page, scheme_with_norms

    index = event_index()
    norm = norm_page(norm_index(), NormVersion.objects.get(scheme=scheme_with_norms(), version="2026.1"))
    return {"events.EventIndexPage": index, "events.EventPage": event_page(index), "knowledge.NormPage": norm}


@pytest.mark.parametrize("role", rules.ROLES)
def test_each_role_gets_what_the_matrix_says(client, role, sample_pages):
    """One user of the role asks every address once (views of one object with an id nobody owns)."""
    client.raise_request_exception = False
    user = person(role)
    if user is not None:
        client.force_login(user)
    wrong = []

    def ask(address, key, rule):
        if rule is None:
            return  # test_every_view_has_a_rule names it
        got = outcome(client.get(address))
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # a view that signs out on GET (allauth's password reset from a key)
        if got != rule[role]:
            wrong.append(f"{address} ({key}): expected {rule[role]}, got {got}")

    for address, key in site_routes():
        ask(nobodys(address), key, rules.SITE_RULES.get(key))
    for address, key, has_object in admin_routes():
        if has_object and role not in ("anonymous", *rules.PEOPLE):
            continue  # an id in the address: Wagtail checks the object; sampled ids exist for nobody
        ask(nobodys(address), key, rules.rule_for(key, rules.ADMIN_RULES))
    for model, name, pattern in page_routes():
        page = sample_pages.get(model._meta.label)
        assert page is not None, f"add a sample {model.__name__} to the sample_pages fixture of {__name__}"
        kwargs = {group: ROUTE_SAMPLES[group] for group in pattern.pattern.regex.groupindex}
        address = page.url + page.reverse_subpage(name, kwargs=kwargs) if name else page.url
        ask(address, f"{model._meta.label}:{name}", rules.PAGE_RULES.get(f"{model._meta.label}:{name}"))

    assert not wrong, f"{role}: answers that differ from tests/access_rules.py:\n" + "\n".join(wrong)


def menu_addresses(user) -> set[str]:
    """Every address in the Wagtail admin menu as `user` sees it (submenus opened)."""
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get(ADMIN_HOME)
    request.user = user

    def walk(menu):
        for item in menu.menu_items_for_request(request):
            submenu = getattr(item, "menu", None)
            if submenu is not None:
                yield from walk(submenu)
            elif item.url.startswith(ADMIN_HOME):
                yield item.url

    return set(walk(admin_menu))


def test_every_admin_menu_item_has_a_rule(superuser):
    addresses = menu_addresses(superuser)

    missing = [address for address in addresses if rules.rule_for(key_of(address), rules.ADMIN_RULES) is None]

    assert len(addresses) > 10
    assert not missing, f"admin menu items without a rule in ADMIN_RULES of tests/access_rules.py: {missing}"


@pytest.mark.parametrize("role", rules.STAFF)
def test_each_role_sees_in_the_admin_menu_only_what_it_may_open(role):
    user = person(role)

    refused = [
        address
        for address in menu_addresses(user)
        if (rules.rule_for(key_of(address), rules.ADMIN_RULES) or {}).get(role) != rules.OPEN
    ]

    assert not refused, f"{role} sees menu items the matrix does not open for them: {refused}"
