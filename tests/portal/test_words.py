"""Words: one form of address ("je") and one word per thing, allauth's pages included;
English pages carry English paths and no Dutch text.

    Inloggen   signing in          Uitloggen   signing out
    Account aanmaken   signing up  Aanmelden   joining, or registering for an event
"""

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "locale_overrides" / "locale" / "nl" / "LC_MESSAGES" / "django.po"
OUR_CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"

# The polite form ("u", "uw", "alstublieft") never addresses the reader.
FORMAL = re.compile(r"\b(u|uw|Uw|U|alstublieft|a\.u\.b\.)\b")
# Words that only Dutch text has; the association's legal name is left out before checking.
DUTCH_WORDS = {
    "het", "een", "je", "jouw", "niet", "voor", "naar", "lid", "leden", "lidmaatschap", "worden",
    "inloggen", "uitloggen", "aanmelden", "contributie", "vereniging", "wachtwoord", "betalen",
    "betaling", "nieuws", "zoeken", "opzeggen", "onze", "statuten", "mijn", "wij", "bij", "ook",
    "van", "maar", "deze", "dit", "wat", "hoe", "kun", "jaar",
}  # fmt: skip
PROPER_NAMES = ["Vereniging RQIM", "Kwaliteitsplein"]


class _Text(HTMLParser):
    """The visible text of a page, without elements marked as another language."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language):
        super().__init__()
        self.language, self.stack, self.parts = language, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        other = attrs.get("lang") not in (None, self.language)
        self.stack.append(tag in self.SKIP or other or (self.stack[-1] if self.stack else False))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    parser = _Text(language)
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return text


# --- the catalogues -----------------------------------------------------------------------


def test_override_folder_comes_first_in_locale_paths():
    assert Path(settings.LOCALE_PATHS[0]) == OVERRIDES.parents[2]
    assert Path(settings.LOCALE_PATHS[1]) == ROOT / "locale"


@pytest.mark.parametrize(
    "msgid, dutch",
    [("Sign In", "Inloggen"), ("Sign Out", "Uitloggen"), ("Sign Up", "Account aanmaken"), ("Sign up", "Account aanmaken")],
)
def test_signing_in_out_and_up_have_one_dutch_word_each(msgid, dutch):
    with translation.override("nl"):
        assert translation.gettext(msgid) == dutch


def test_allauths_password_help_speaks_to_the_reader_as_je():
    with translation.override("nl"):
        assert translation.gettext("Your password can’t be entirely numeric.").startswith("Je wachtwoord")


def test_signing_out_says_uitgelogd():
    with translation.override("nl"):
        assert translation.gettext("You have signed out.") == "Je bent uitgelogd."


@pytest.mark.parametrize("path", [OVERRIDES, OUR_CATALOGUE], ids=["overrides", "ours"])
def test_no_catalogue_of_ours_uses_the_polite_form(path):
    polite = [
        entry.msgid
        for entry in polib.pofile(str(path))
        if any(FORMAL.search(text) for text in [entry.msgstr, *entry.msgstr_plural.values()])
    ]
    assert polite == []


@pytest.mark.parametrize("path", [OVERRIDES, OUR_CATALOGUE], ids=["overrides", "ours"])
def test_signing_in_or_out_is_never_called_aanmelden_or_afmelden(path):
    wrong = [
        entry.msgid
        for entry in polib.pofile(str(path))
        if re.search(r"\b(sign|log)(ged)?[ -]?(in|out)\b", entry.msgid, re.I)
        and re.search(r"aanmeld|afmeld|aangemeld|afgemeld|meld je", entry.msgstr, re.I)
    ]
    assert wrong == []


def test_every_allauth_string_about_signing_in_or_out_reads_inloggen_or_uitloggen():
    """allauth's own catalogue as Django serves it, overrides applied."""
    import allauth

    catalogue = polib.pofile(str(Path(allauth.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    wrong = []
    with translation.override("nl"):
        for entry in catalogue:
            if entry.obsolete or entry.msgid_plural or not re.search(r"\b(sign|log)(ged)?[ -]?(in|out)\b", entry.msgid, re.I):
                continue
            served = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            if re.search(r"aanmeld|afmeld|aangemeld|afgemeld|meld je|\bu\b|\buw\b", served, re.I):
                wrong.append((entry.msgid, served))
    assert wrong == []


# --- rendered pages -----------------------------------------------------------------------


@override_settings(DEBUG=False)
class RenderedPagesTests(TestCase):
    """The main pages of the seeded demo, in Dutch and in English, anonymous and signed in."""

    ANONYMOUS = ["home", "about", "news", "contact", "fees", "statutes", "privacy", "join", "login", "signup", "reset", "search"]
    MEMBER = "member@rqim.example"
    APPLICANT = "applicant@rqim.example"
    # Pages a signed-in person sees, each as someone who may open it.
    SIGNED_IN = [("dashboard", APPLICANT), ("join", APPLICANT), ("pay", APPLICANT), ("resign", MEMBER), ("email", MEMBER), ("password", MEMBER),
                 ("member_home", MEMBER), ("member_home", APPLICANT)]

    def pages_to_check(self):
        return [(name, None) for name in self.ANONYMOUS] + self.SIGNED_IN

    @classmethod
    def setUpTestData(cls):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())

    def path(self, name: str, language: str) -> str:
        from wagtail.models import Locale

        from members.models import MembershipFeesPage
        from portal.models import AssociationSettings, NewsIndexPage, StandardPage

        locale = Locale.objects.get(language_code=language)
        details = AssociationSettings.objects.get()
        with translation.override(language):
            pages = {
                "home": lambda: "/" if language == "nl" else "/en/",
                "about": lambda: StandardPage.objects.get(locale=locale, slug__in=["over-de-vereniging", "about"]).url,
                "contact": lambda: StandardPage.objects.get(locale=locale, slug="contact").url,
                "news": lambda: NewsIndexPage.objects.get(locale=locale).url,
                "fees": lambda: MembershipFeesPage.objects.get(locale=locale).url,
                "statutes": lambda: details.statutes_page.get_translation(locale).url,
                "privacy": lambda: details.privacy_page.get_translation(locale).url,
                "join": lambda: reverse("members:join"),
                "login": lambda: reverse("account_login"),
                "signup": lambda: reverse("account_signup"),
                "reset": lambda: reverse("account_reset_password"),
                "search": lambda: reverse("search") + "?q=keurmerk",
                "dashboard": lambda: reverse("members:dashboard"),
                "member_home": lambda: reverse("member_home"),
                "pay": lambda: reverse("members:pay"),
                "resign": lambda: reverse("members:resign"),
                "email": lambda: reverse("account_email"),
                "password": lambda: reverse("account_change_password"),
            }
            return pages[name]()

    def render(self, name: str, language: str, *, as_user: str | None = None) -> str:
        if as_user:
            from django.contrib.auth import get_user_model

            self.client.force_login(get_user_model().objects.get(email=as_user))
        response = self.client.get(self.path(name, language), HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200, f"{name} in {language}")
        return response.content.decode()

    def dutch_words_on(self, name, who):
        text = visible_text(self.render(name, "en", as_user=who), "en")
        if who:  # a person's name is no Dutch text ("Fleur van Dijk")
            from django.contrib.auth import get_user_model

            text = text.replace(get_user_model().objects.get(email=who).get_full_name(), "")
        return set(re.findall(r"[a-zà-ÿ]+", text.lower())) & DUTCH_WORDS

    def test_english_pages_have_no_dutch_text(self):
        for name, who in self.pages_to_check():
            with self.subTest(page=name, user=who):
                self.assertEqual(self.dutch_words_on(name, who), set(), f"Dutch words on the English {name} page")

    def test_english_dashboard_of_a_paying_member_has_no_dutch_text(self):
        self.assertEqual(self.dutch_words_on("dashboard", self.MEMBER), set())

    def test_english_member_pages_have_english_paths(self):
        for name in ("join", "dashboard", "pay", "resign"):
            with self.subTest(page=name):
                path = self.path(name, "en")
                self.assertTrue(path.startswith("/en/membership/"), path)

    def test_dutch_pages_address_the_reader_as_je(self):
        for name, who in self.pages_to_check():
            with self.subTest(page=name, user=who):
                text = visible_text(self.render(name, "nl", as_user=who), "nl")
                self.assertIsNone(FORMAL.search(text), f"polite form on the Dutch {name} page: {text[:200]}")

    def test_dutch_entrance_pages_say_inloggen_not_aanmelden(self):
        for name in ("login", "signup", "reset"):
            with self.subTest(page=name):
                text = visible_text(self.render(name, "nl"), "nl")
                self.assertIn("Inloggen", text)
                self.assertNotRegex(text, r"(?i)\b(aanmeld\w*|afmeld\w*|meld je\b|registreer\w*)")
