"""scripts/compile_messages.py: `make setup` compiles the catalogues without gettext."""

import gettext
import importlib.util
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "compile_messages.py"
spec = importlib.util.spec_from_file_location("compile_messages", SCRIPT)
compile_messages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compile_messages)

CATALOGUE = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Sign in"
msgstr "Inloggen"

#, fuzzy
msgid "Sign up"
msgstr "Aanmelden"

msgid "Untranslated"
msgstr ""

msgid "%(count)s member"
msgid_plural "%(count)s members"
msgstr[0] "%(count)s lid"
msgstr[1] "%(count)s leden"

msgctxt "month"
msgid "May"
msgstr "mei"
'''


def compiled(tmp_path) -> gettext.GNUTranslations:
    po_path = tmp_path / "nl" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(CATALOGUE, encoding="utf-8")
    assert compile_messages.compile_catalogue(po_path) is True
    with po_path.with_suffix(".mo").open("rb") as mo_file:
        return gettext.GNUTranslations(mo_file)


def test_translated_entries_plurals_and_contexts_are_compiled(tmp_path):
    catalogue = compiled(tmp_path)

    assert catalogue.gettext("Sign in") == "Inloggen"
    assert catalogue.ngettext("%(count)s member", "%(count)s members", 1) == "%(count)s lid"
    assert catalogue.ngettext("%(count)s member", "%(count)s members", 3) == "%(count)s leden"
    assert catalogue.pgettext("month", "May") == "mei"


def test_fuzzy_and_untranslated_entries_are_left_out_as_msgfmt_does(tmp_path):
    catalogue = compiled(tmp_path)

    assert catalogue.gettext("Sign up") == "Sign up"
    assert catalogue.gettext("Untranslated") == "Untranslated"


def test_an_up_to_date_catalogue_is_not_written_again(tmp_path):
    compiled(tmp_path)
    po_path = tmp_path / "nl" / "LC_MESSAGES" / "django.po"

    assert compile_messages.compile_catalogue(po_path) is False
    assert compile_messages.compile_catalogue(po_path, force=True) is True
