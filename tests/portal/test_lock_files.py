"""The lock files pin every package with the hashes of its files, and `make setup`
installs with --require-hashes, so that a file changed on the index fails the install."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ("requirements.lock", "requirements-test.lock")
PIN = re.compile(r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\$")


def requirements(name: str) -> dict[str, list[str]]:
    """Each pin and its hashes, read the way pip reads the file (continued lines joined)."""
    text = (ROOT / name).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        pins[requirement] = [option.removeprefix("--hash=") for option in options]
    return pins


@pytest.mark.parametrize("name", LOCKS)
def test_every_pin_carries_hashes(name):
    pins = requirements(name)

    assert len(pins) > 10
    assert all("==" in requirement for requirement in pins)
    unhashed = [requirement for requirement, hashes in pins.items() if not hashes]
    assert not unhashed, f"pins without hashes in {name}; run `make lock-hashes`: {unhashed}"
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for hashes in pins.values() for digest in hashes)


def test_no_package_is_pinned_twice():
    names = [re.sub(r"[-_.]+", "-", requirement.split("==")[0]).lower() for name in LOCKS for requirement in requirements(name)]

    assert len(names) == len(set(names))


def test_both_installers_require_the_hashes():
    script = (ROOT / "scripts" / "install-venv.sh").read_text()

    installs = [line for line in script.splitlines() if re.search(r"pip install .*\$\{requirements\[@\]\}", line)]

    assert len(installs) == 2  # uv, and pip without it
    assert all("--require-hashes" in line for line in installs)


def find_uv() -> str | None:
    local = ROOT / "var" / "uv" / "bin" / "uv"
    return shutil.which("uv") or (str(local) if local.exists() else None)


@pytest.mark.skipif(find_uv() is None, reason="needs uv (make setup fetches it into var/uv)")
def test_a_file_that_does_not_match_its_hash_is_refused(tmp_path):
    pinned = next(requirement for requirement in requirements("requirements.lock") if requirement.startswith("asgiref=="))
    tampered = tmp_path / "tampered.lock"
    tampered.write_text(f"{pinned} --hash=sha256:{'0' * 64}\n")
    uv = find_uv()
    subprocess.run([uv, "venv", "--quiet", str(tmp_path / "venv")], check=True)

    result = subprocess.run(
        [uv, "pip", "install", "--no-deps", "--require-hashes", "--python", str(tmp_path / "venv" / "bin" / "python"),
         "-r", str(tampered)],
        capture_output=True, text=True, timeout=300,
    )

    if "error sending request" in result.stderr.lower() or "failed to fetch" in result.stderr.lower():
        pytest.skip("the package index is not reachable")
    assert result.returncode != 0
    assert "hash" in result.stderr.lower()
