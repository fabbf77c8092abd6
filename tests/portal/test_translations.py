"""The Dutch catalogue is complete: every string the code and templates use has a
Dutch translation, none is fuzzy, and the compiled catalogue is what Django serves."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["portal", "members", "events", "knowledge", "templates", "manage.py"]


@pytest.fixture(scope="module")
def extracted_catalogue(tmp_path_factory):
    """Run makemessages over a copy of the sources, merged with the committed catalogue."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (gettext) is not installed")
    work = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, work / name)
    shutil.copytree(ROOT / "locale", work / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "-v0"],
        cwd=work,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1"},
    )
    return polib.pofile(str(work / "locale" / "nl" / "LC_MESSAGES" / "django.po"))


def test_every_interface_string_has_a_dutch_translation(extracted_catalogue):
    missing = [entry.msgid for entry in extracted_catalogue.untranslated_entries()]
    assert missing == [], f"{len(missing)} strings lack a Dutch translation (run `make messages`): {missing[:20]}"


def test_no_dutch_translation_is_fuzzy(extracted_catalogue):
    fuzzy = [entry.msgid for entry in extracted_catalogue.fuzzy_entries()]
    assert fuzzy == [], f"fuzzy (unchecked) translations: {fuzzy[:20]}"


def test_committed_catalogue_is_complete():
    catalogue = polib.pofile(str(ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries()


def test_compiled_catalogue_is_served():
    with translation.override("nl"):
        assert translation.gettext("Skip to content") == "Naar de inhoud"
    with translation.override("en"):
        assert translation.gettext("Skip to content") == "Skip to content"
