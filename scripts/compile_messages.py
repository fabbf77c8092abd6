"""Compile the translation catalogues (locale/ and locale_overrides/locale/, <lang>/LC_MESSAGES/*.po) into .mo files.

What `manage.py compilemessages` does, without gettext's msgfmt: `make setup` runs it so
a fresh machine needs nothing but Python. Fuzzy and untranslated entries are left out,
as msgfmt does. Only catalogues older than their .po file are written.

    python scripts/compile_messages.py [--force] [LOCALE_DIR ...]
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_catalogue(po_path: Path, *, force: bool = False) -> bool:
    """Write the .mo file beside po_path; True when it was (re)written."""
    mo_path = po_path.with_suffix(".mo")
    if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    catalogue = polib.pofile(str(po_path))
    temporary = mo_path.with_suffix(".mo.tmp")
    catalogue.save_as_mofile(str(temporary))
    temporary.replace(mo_path)
    return True


def main(argv: list[str]) -> int:
    force = "--force" in argv
    folders = [Path(arg) for arg in argv if arg != "--force"] or [ROOT / "locale", ROOT / "locale_overrides" / "locale"]
    written = [
        po_path
        for folder in folders
        for po_path in sorted(folder.glob("*/LC_MESSAGES/*.po"))
        if compile_catalogue(po_path, force=force)
    ]
    for po_path in written:
        print(f"compiled {po_path.with_suffix('.mo').relative_to(ROOT) if po_path.is_relative_to(ROOT) else po_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
