"""Settings read from the environment: with DEBUG off and real values set, Django's
deployment checklist (`manage.py check --deploy`) has nothing to warn about, and a
missing secret stops the portal at start-up instead of running with a guessable key
or without a way to hear from Stripe.

Each test starts manage.py in a fresh process, because the settings of this
process are the test settings.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from joserfc.jwk import OKPKey

ROOT = Path(settings.BASE_DIR)
# The association's credential signing key (members/credentials/keys.py), a fresh one per run.
CREDENTIAL_KEY = json.dumps(OKPKey.generate_key("Ed25519", private=True).as_dict(private=True))
PRODUCTION_ENV = {
    "DEBUG": "0",
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


def read_settings(*names: str, **env: str) -> dict:
    """The values of the named settings in a process started with only `env` set."""
    code = f"import json; from django.conf import settings; print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production(**env: str) -> dict:
    return {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50), **env}


def test_portal_refuses_to_start_with_a_stripe_key_but_no_webhook_secret():
    result = manage("check", **production(STRIPE_SECRET_KEY="sk_live_example"))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "STRIPE_WEBHOOK_SECRET" in result.stderr


def test_one_stripe_switch_follows_the_secret_key():
    off = read_settings("STRIPE_ENABLED", **production())
    on = read_settings(
        "STRIPE_ENABLED", **production(STRIPE_SECRET_KEY="sk_live_example", STRIPE_WEBHOOK_SECRET="whsec_example")
    )

    assert off == {"STRIPE_ENABLED": False}
    assert on == {"STRIPE_ENABLED": True}


def test_an_empty_value_counts_as_unset():
    # A copied .env.example leaves keys blank: the defaults apply, and a blank secret is no secret.
    values = read_settings(
        "EMAIL_PORT", "EMAIL_USE_TLS", "STRIPE_ENABLED", "DATABASES",
        **production(EMAIL_HOST="smtp.example.nl", EMAIL_PORT="", EMAIL_USE_TLS="", STRIPE_SECRET_KEY="", DATABASE_URL=""),
    )
    refused = manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})

    assert values["EMAIL_PORT"] == 587
    assert values["EMAIL_USE_TLS"] is True
    assert values["STRIPE_ENABLED"] is False
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr


def test_lists_are_comma_separated_with_or_without_spaces():
    values = read_settings(
        "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
        **production(ALLOWED_HOSTS="portal.example.nl, www.portal.example.nl", CSRF_TRUSTED_ORIGINS="https://a.example,https://b.example"),
    )

    assert values["ALLOWED_HOSTS"] == ["portal.example.nl", "www.portal.example.nl"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://a.example", "https://b.example"]


def test_database_url_and_connection_age_are_read_from_the_environment():
    values = read_settings(
        "DATABASES", "DATABASE_IS_POSTGRES",
        **production(DATABASE_URL="postgres://portal:secret@db.example.nl:5433/portal", DB_CONN_MAX_AGE="60"),
    )

    database = values["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"]) == (
        "django.db.backends.postgresql", "db.example.nl", 5433, "portal",
    )
    assert database["CONN_MAX_AGE"] == 60
    assert values["DATABASE_IS_POSTGRES"] is True


def test_postgresql_connections_are_kept_open_between_requests_by_default():
    values = read_settings("DATABASES", **production(DATABASE_URL="postgres://portal:secret@db.example.nl:5433/portal"))

    database = values["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_zero_connection_age_closes_each_connection_after_its_request():
    values = read_settings(
        "DATABASES", **production(DATABASE_URL="postgres://portal:secret@db.example.nl/portal", DB_CONN_MAX_AGE="0"),
    )

    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_development_has_its_own_key_and_local_hosts_only_with_debug_on():
    values = read_settings("SECRET_KEY", "ALLOWED_HOSTS", "BASE_URL", DEBUG="1")

    assert values["SECRET_KEY"].startswith("dev-only")
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["BASE_URL"] == "http://127.0.0.1:8000"


def test_what_only_tests_change_stays_out_of_a_real_run():
    # The fast hasher, plain static storage and tasks run inside the request are the tests'
    # own configuration (tests/environment.py, conftest.py), never a server's.
    values = read_settings("PASSWORD_HASHERS", "STORAGES", "Q_CLUSTER", **production())

    assert "MD5" not in values["PASSWORD_HASHERS"][0]
    assert values["STORAGES"]["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")
    assert values["Q_CLUSTER"]["sync"] is False


def test_env_example_lists_every_variable_the_settings_read():
    read = set(re.findall(r"""\benv\.\w+\(\s*["']([A-Z0-9_]+)["']""", (ROOT / "portal" / "settings.py").read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))

    assert read, "no env.<type>(\"NAME\") call found in settings.py"
    assert sorted(read - listed) == [], "add these to .env.example"
    assert sorted(listed - read) == [], "settings.py no longer reads these: remove them from .env.example"
