"""Refresh the lock files from the ranges in pyproject.toml (`make lock`).

requirements.lock      every package the portal needs to run, at the newest versions the
                       ranges allow, pinned exactly;
requirements-test.lock what the `test` extra adds on top of those, pinned exactly.

Both are resolved in a throwaway environment (var/lock), with uv when there is one
(scripts/install-venv.sh fetches it into var/uv) and with pip otherwise.
"""

import os
import re
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
    ),
    "requirements-test.lock": (
        "# The test tools `make test` installs on top of requirements.lock, exact versions.\n"
        "# Generated from pyproject.toml (the `test` extra) by `make lock`; edit the ranges there, not here.\n"
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


def write(name: str, pins: dict[str, str]) -> None:
    body = "".join(f"{package}=={version}\n" for package, version in sorted(pins.items()))
    (ROOT / name).write_text(HEADERS[name] + body)
    print(f"{name}: {len(pins)} packages")


def main() -> int:
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
    write("requirements.lock", runtime)
    write("requirements-test.lock", {name: version for name, version in everything.items() if name not in runtime})
    shutil.rmtree(WORK / "venv", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
