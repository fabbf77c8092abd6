"""manage.py credential_key: set up and rotate the association's credential signing key.

    manage.py credential_key generate   # a new private key (JWK) for CREDENTIAL_SIGNING_KEY
    manage.py credential_key retire     # the value for CREDENTIAL_RETIRED_KEYS that keeps
                                        # today's keys published after the next rotation

Rotation: run ``retire`` and set CREDENTIAL_RETIRED_KEYS to its output, then set
CREDENTIAL_SIGNING_KEY to the output of ``generate``, and restart. Credentials
signed before keep verifying; new ones carry the new key's id.
"""

import json

from django.core.management.base import BaseCommand
from joserfc.jwk import OKPKey

from members.credentials.keys import key_ring


class Command(BaseCommand):
    help = "Generate a credential signing key, or print the retired-keys value for a rotation."
    requires_system_checks = []  # `generate` is what makes the signing key check pass

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "retire"])

    def handle(self, *args, action, **options):
        if action == "generate":
            key = OKPKey.generate_key("Ed25519", private=True)
            self.stdout.write(json.dumps(key.as_dict(private=True)))
            self.stderr.write(f"Key thumbprint (the fragment of its kid): {key.thumbprint()}. Keep the key secret.")
        else:
            self.stdout.write(json.dumps(key_ring().jwks()["keys"]))
