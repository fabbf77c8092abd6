"""System checks: production does not start without a usable signing key.

Registered for every command (not only ``check --deploy``): ``migrate``,
``runserver`` and ``check --deploy`` all stop on ``members.E001``/``E002``,
and ``portal/wsgi.py`` runs the ``credentials`` checks before serving.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register

from members.credentials.keys import KeyConfigurationError, development_keys_allowed, key_ring

TAG = "credentials"


@register(TAG)
def signing_key_check(app_configs=None, **kwargs):
    if not getattr(settings, "CREDENTIAL_SIGNING_KEY", None) and not development_keys_allowed():
        return [
            Error(
                "CREDENTIAL_SIGNING_KEY is not set.",
                hint="Set it to the association's Ed25519 private key (a JWK or PEM); see .env.example. "
                "Certificates' credentials and status lists cannot be signed without it.",
                id="members.E001",
            )
        ]
    try:
        key_ring()
    except KeyConfigurationError as error:
        return [Error(str(error), hint="See .env.example for the expected forms.", id="members.E002")]
    return []


@register(TAG, deploy=True)
def issuer_did_check(app_configs=None, **kwargs):
    """did:web resolves over HTTPS only: a derived DID needs an https BASE_URL."""
    if getattr(settings, "CREDENTIAL_ISSUER_DID", None) or settings.BASE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"The issuer's did:web is derived from BASE_URL {settings.BASE_URL!r}, which is not https.",
            hint="Set BASE_URL to the portal's public https address (or CREDENTIAL_ISSUER_DID): "
            "verifiers resolve the issuer's keys at <host>/.well-known/did.json over HTTPS.",
            id="members.W001",
        )
    ]


def raise_on_key_errors() -> None:
    """For the WSGI start: fail at once instead of on the first credential."""
    from django.core.checks import run_checks
    from django.core.exceptions import ImproperlyConfigured

    errors = [error for error in run_checks(tags=[TAG]) if error.is_serious()]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{error.id}: {error.msg}" for error in errors))
