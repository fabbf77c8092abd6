#!/usr/bin/env bash
# Create the virtual environment (if missing) and install exactly the versions pinned
# in the given lock files, without resolving anything:
#
#   scripts/install-venv.sh requirements.lock [requirements-test.lock]
#
# With uv (on PATH, or fetched once with pip into var/uv at the version below) the install
# takes seconds; without it (UV=none, or uv cannot be had, or it fails) pip installs the
# same pins. Both install with --no-deps from pins only and --require-hashes (every pin
# carries the hashes of its files, see scripts/lock.py: a file that changed on the index
# after locking fails the install), then check the set is complete.
set -euo pipefail

UV_VERSION=0.13.9
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
UV_HOME=var/uv
export UV_PYTHON_DOWNLOADS=never PIP_DISABLE_PIP_VERSION_CHECK=1

if [ "$#" -eq 0 ]; then
  echo "usage: $0 LOCKFILE [LOCKFILE ...]" >&2
  exit 2
fi

say() { printf 'setup: %s\n' "$*"; }

find_uv() {
  if [ "${UV:-}" = none ]; then return 1; fi
  if [ -n "${UV:-}" ] && [ -x "$UV" ]; then return 0; fi
  if UV=$(command -v uv 2>/dev/null); then return 0; fi
  UV=$UV_HOME/bin/uv
  [ -x "$UV" ]
}

fetch_uv() {  # with the given Python's pip; failing is fine (pip installs then)
  [ "${UV:-}" != none ] || return 1
  "$1" -m pip --version >/dev/null 2>&1 || return 1
  say "fetching uv $UV_VERSION into $UV_HOME (once)"
  "$1" -m pip install --quiet --target "$UV_HOME" "uv==$UV_VERSION" >/dev/null 2>&1 \
    && UV=$UV_HOME/bin/uv && [ -x "$UV" ]
}

no_venv() {
  say "cannot create a virtual environment with $PYTHON."
  if command -v apt-get >/dev/null 2>&1; then
    say "install Python's venv module:  sudo apt-get install -y python3-venv"
  fi
  exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
  # uv makes the environment in a blink (without pip); the system Python's pip can fetch it.
  if find_uv || fetch_uv "$PYTHON"; then
    say "creating $VENV with uv"
    "$UV" venv --quiet --python "$PYTHON" "$VENV" || no_venv
  else
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV" || no_venv
    fetch_uv "$VENV/bin/python" || true
  fi
fi

requirements=()
for lock in "$@"; do requirements+=(-r "$lock"); done

if find_uv && "$UV" pip install --quiet --python "$VENV/bin/python" --no-deps --require-hashes "${requirements[@]}"; then
  say "installed ${*} with uv"
  "$UV" pip check --quiet --python "$VENV/bin/python"
else
  "$VENV/bin/python" -m pip --version >/dev/null 2>&1 || "$VENV/bin/python" -m ensurepip --upgrade >/dev/null
  "$VENV/bin/python" -m pip install --quiet --no-deps --require-hashes "${requirements[@]}"
  say "installed ${*} with pip"
  "$VENV/bin/python" -m pip check >/dev/null
fi
