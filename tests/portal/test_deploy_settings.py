"""Production settings: with DEBUG off and real values set, Django's deployment
checklist (`manage.py check --deploy`) has nothing to warn about, and a missing
secret stops the portal at start-up instead of running with a guessable key.

Each test starts manage.py in a fresh process, because the settings of this
process are the test settings.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings
from joserfc.jwk import OKPKey

# The association's credential signing key (members/credentials/keys.py), a fresh one per run.
CREDENTIAL_KEY = json.dumps(OKPKey.generate_key("Ed25519", private=True).as_dict(private=True))
PRODUCTION_ENV = {
    "DEBUG": "0",
    "PORTAL_TESTING": "0",
    "ALLOWED_HOSTS": "portal.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.nl",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a bare server has: nothing of this test run's environment leaks in.
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_no_warning_with_production_values():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(50),
        CREDENTIAL_SIGNING_KEY=CREDENTIAL_KEY, BASE_URL="https://portal.example.nl",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_portal_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage("check", **PRODUCTION_ENV)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_trusts_https_reported_by_the_proxy():
    # Behind the proxy the portal sees plain HTTP; without this header setting the
    # SSL redirect would send every request round in circles.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT)",
        **PRODUCTION_ENV,
        SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') True"
