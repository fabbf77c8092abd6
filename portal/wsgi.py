import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Refuse to serve without a signing key for credentials (members.E001), as manage.py does.
from members.credentials.checks import raise_on_key_errors  # noqa: E402

raise_on_key_errors()
