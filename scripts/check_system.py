"""Check the system libraries the portal loads at run time, before anything needs them.

WeasyPrint (receipt PDFs) loads Pango through ctypes/cffi only when a receipt is made:
without it the portal starts and a member's download fails inside a request. `make setup`
runs this instead, and prints the one command that installs what is missing.
"""

import ctypes.util
import shutil
import sys
import warnings

# What WeasyPrint opens when a PDF is made (weasyprint/text/ffi.py).
LIBRARIES = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")


def install_command() -> str:
    if shutil.which("apt-get"):
        return "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
    if shutil.which("dnf"):
        return "sudo dnf install -y pango"
    if shutil.which("apk"):
        return "sudo apk add pango"
    if shutil.which("brew"):
        return "brew install pango"
    return "install Pango 1.44 or later with your system's package manager"


def main() -> int:
    if all(ctypes.util.find_library(name) for name in LIBRARIES):
        return 0
    # Not found by name: let WeasyPrint itself try, which knows every platform's file names.
    warnings.simplefilter("ignore")  # WeasyPrint's notes on optional libraries
    try:
        import weasyprint  # noqa: F401  (loads Pango, HarfBuzz and fontconfig)
    except OSError as error:
        print(f"setup: WeasyPrint (receipt PDFs) cannot load a system library: {error}", file=sys.stderr)
        print(f"setup: install it with:  {install_command()}", file=sys.stderr)
        print("setup: then run the make command again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
