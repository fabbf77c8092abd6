"""Refresh the lock files from the ranges in pyproject.toml (`make lock`).

requirements.lock      every package the portal needs to run, at the newest versions the
                       ranges allow, pinned exactly;
requirements-test.lock what the `test` extra adds on top of those, pinned exactly.

Both are resolved in a throwaway environment (var/lock), with uv when there is one
(scripts/install-venv.sh fetches it into var/uv) and with pip otherwise.

Every pin carries the sha256 hashes of all its files on the index (wheels for every
platform and the sdist), and `make setup` installs with --require-hashes: a file on
the index that changed after locking fails the install. The hashes come from
`uv pip compile --generate-hashes`, or without uv from the index's JSON API.

    python3 scripts/lock.py                # `make lock`: resolve again, pin, hash
    python3 scripts/lock.py --hashes-only  # keep the versions in the lock files, (re)write
                                           # their hashes: after merging branches whose
                                           # lock files each added a package
"""

import json
import os
import re
import urllib.request
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "lock"
HEADERS = {
    "requirements.lock": (
        "# The exact versions `make setup` installs to run the portal (`make run`).\n"
        "# Generated from pyproject.toml by `make lock`; edit the ranges there, not here.\n"
        "# Installed with --require-hashes: after merging lock files, `make lock-hashes` rewrites the hashes.\n"
    ),
    "requirements-test.lock": (
        "# The test tools `make test` installs on top of requirements.lock, exact versions.\n"
        "# Generated from pyproject.toml (the `test` extra) by `make lock`; edit the ranges there, not here.\n"
        "# Installed with --require-hashes: after merging lock files, `make lock-hashes` rewrites the hashes.\n"
    ),
}


def find_uv() -> str | None:
    if os.environ.get("UV") == "none":
        return None
    found = os.environ.get("UV") or shutil.which("uv")
    local = ROOT / "var" / "uv" / "bin" / "uv"
    return found or (str(local) if local.exists() else None)


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout


class Environment:
    def __init__(self, path: Path, uv: str | None):
        self.python, self.uv = str(path / "bin" / "python"), uv
        shutil.rmtree(path, ignore_errors=True)
        if uv:
            run(uv, "venv", "--quiet", "--python", sys.executable, str(path))
        else:
            run(sys.executable, "-m", "venv", str(path))

    def install(self, requirements: Path) -> None:
        if self.uv:
            run(self.uv, "pip", "install", "--quiet", "--python", self.python, "-r", str(requirements))
        else:
            run(self.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements))

    def pins(self) -> dict[str, str]:
        if self.uv:
            lines = run(self.uv, "pip", "freeze", "--python", self.python).splitlines()
        else:
            lines = run(self.python, "-m", "pip", "freeze").splitlines()
        pins = {}
        for line in lines:
            name, separator, version = line.partition("==")
            if separator:
                pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
        return pins


PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
INDEX_JSON = os.environ.get("LOCK_INDEX_JSON", "https://pypi.org/pypi/{name}/{version}/json")


def read_pins(name: str) -> dict[str, str]:
    """The name==version pins of a lock file (hash lines and comments skipped)."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


def hashes_with_uv(uv: str, pins: dict[str, str]) -> dict[str, list[str]]:
    WORK.mkdir(parents=True, exist_ok=True)
    pinned = WORK / "pins.in"
    pinned.write_text("".join(f"{name}=={version}\n" for name, version in sorted(pins.items())))
    output = run(
        uv, "pip", "compile", "--quiet", "--generate-hashes", "--no-deps", "--no-header", "--no-annotate",
        "--python-version", ".".join(map(str, sys.version_info[:3])), str(pinned),
    )
    hashes: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        match = PIN.match(line.strip())
        if match:
            current = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            hashes[current] = []
        for digest in re.findall(r"--hash=(sha256:[0-9a-f]{64})", line):
            hashes[current].append(digest)
    return hashes


def hashes_from_index(pins: dict[str, str]) -> dict[str, list[str]]:
    hashes = {}
    for name, version in sorted(pins.items()):
        with urllib.request.urlopen(INDEX_JSON.format(name=name, version=version), timeout=60) as response:
            release = json.load(response)
        hashes[name] = sorted(f"sha256:{item['digests']['sha256']}" for item in release["urls"])
    return hashes


def hashes_for(pins: dict[str, str]) -> dict[str, list[str]]:
    uv = find_uv()
    hashes = hashes_with_uv(uv, pins) if uv else hashes_from_index(pins)
    missing = sorted(name for name in pins if not hashes.get(name))
    if missing:
        raise SystemExit(f"lock: no hashes found for {missing}")
    return hashes


def write(name: str, pins: dict[str, str], hashes: dict[str, list[str]]) -> None:
    lines = []
    for package, version in sorted(pins.items()):
        digests = sorted(set(hashes[package]))
        lines.append(f"{package}=={version} \\\n" + " \\\n".join(f"    --hash={digest}" for digest in digests) + "\n")
    (ROOT / name).write_text(HEADERS[name] + "".join(lines))
    print(f"{name}: {len(pins)} packages, hashed")


def main() -> int:
    if "--hashes-only" in sys.argv[1:]:
        for name in HEADERS:
            pins = read_pins(name)
            write(name, pins, hashes_for(pins))
        return 0
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    WORK.mkdir(parents=True, exist_ok=True)
    runtime_in, test_in = WORK / "runtime.in", WORK / "test.in"
    runtime_in.write_text("\n".join(project["dependencies"]) + "\n")
    test_in.write_text("\n".join(project["optional-dependencies"]["test"]) + "\n")

    environment = Environment(WORK / "venv", find_uv())
    environment.install(runtime_in)
    runtime = environment.pins()
    # The test tools are resolved together with the runtime pins, which they may not move.
    constraints = WORK / "runtime.constraints"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in runtime.items()))
    test_in.write_text(test_in.read_text() + f"-c {constraints}\n")
    environment.install(test_in)
    everything = environment.pins()
    test = {name: version for name, version in everything.items() if name not in runtime}
    hashes = hashes_for(everything)
    write("requirements.lock", runtime, hashes)
    write("requirements-test.lock", test, hashes)
    shutil.rmtree(WORK / "venv", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
