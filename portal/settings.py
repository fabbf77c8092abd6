"""Settings for the association portal.

One module for every environment: everything that differs between a laptop,
CI and production comes from environment variables (see `.env.example`), read
with django-environ. An integration is switched on by setting its key. What only
the tests change lives in the tests' own configuration (tests/environment.py and
conftest.py), not here.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# An empty value counts as unset, so a copied `.env.example` with blank lines falls back to the defaults.
env.ENVIRON = {name: value for name, value in os.environ.items() if value != ""}

DEBUG = env.bool("DEBUG", default=False)

# Secrets have no default outside development: production fails at start-up without one.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default=None)
    if SECRET_KEY is None:
        raise ImproperlyConfigured("Set the environment variable SECRET_KEY (required when DEBUG is off).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", cast=str.strip, default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", cast=str.strip, default=[])
# Absolute URLs in e-mail, feeds and the sitemap when there is no request; `make run`
# sets it from HOST and PORT, and seed_demo gives the Wagtail site the same host and port.
BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # project apps first, so their templates override those of libraries
    "portal",
    "members",
    "events",
    "knowledge",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.roles.UsersConfig",  # wagtail.users, where only superusers change roles
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # tasks
    "django_q",
    # security headers
    "csp",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.security.AdminRequiresTwoFactorMiddleware",
    "portal.role_audit.RoleChangeActorMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A PostgreSQL connection costs a new server process and a handshake: kept open between
# requests, it is opened once per worker instead of once per request (Stripe's webhook, at
# a few queries per event, spent most of its time connecting). SQLite opens a file: no gain.
_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60 if _POSTGRES else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] > 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when the worker writes too.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_IS_POSTGRES = _POSTGRES

# --- Cache and task queue -----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default=None)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
    # Sessions read from Redis by any instance (one query less per signed-in request),
    # written through to the database, which keeps them when the cache is emptied: a Redis
    # restart signs nobody out. Not with the in-memory cache: each process would keep its
    # own copy, and a sign-out in one would not reach the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Page cache: visitors who are not signed in get CMS pages from the cache, which
# publishing purges (portal/cache.py). On by default with Redis, whose purge every
# process sees; PAGE_CACHE_SECONDS=0 switches it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if REDIS_URL else 0)
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), "portal.cache.PageCacheMiddleware")

# django-q2 delivers at least once: a task still running after `retry` seconds is
# handed out again, so `timeout` stays below `retry`, attempts are bounded and
# every task is written to be safe when it runs twice.
Q_CLUSTER = {
    "name": "portal",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 60,
    "retry": 90,
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    "label": "Taken",
    "sync": env.bool("Q_SYNC", default=False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming in the browser that signed up signs in and leads on (to the join form); a link opened elsewhere does not.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Never reveal whether an address has an account: signup with a known address
# and a reset for an unknown one look exactly like the normal case.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_SESSION_REMEMBER = None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="RQIM-portaal")
MFA_RECOVERY_CODE_COUNT = 10
# A code is accepted in its own 30-second window and one window either side (RFC 6238,
# 5.2: clock drift and typing time), so a code typed as the app turns over is not
# refused; a code that signed someone in is not taken a second time.
MFA_TOTP_TOLERANCE = 1

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
# Our wording of third-party strings (allauth's) first, then our own catalogue. The override
# folder is a "locale" folder of its own so that compilemessages finds it and makemessages
# keeps writing our strings to locale/.
LOCALE_PATHS = [BASE_DIR / "locale_overrides" / "locale", BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
LANGUAGE_COOKIE_NAME = "portal_language"

# Wagtail's built-in translation of page trees (see README for the choice).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS: list = []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Certification evidence: outside MEDIA_ROOT, never served by URL, only through a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private")))
# Certificate verification (/verify/, /api/v1/certificates/): requests per client address per minute,
# and how many proxies in front of the portal append to X-Forwarded-For (0: use REMOTE_ADDR).
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=60)
# The same proxies as the sign-in rate limits count (TRUSTED_PROXY_COUNT, below), unless set apart.
VERIFY_TRUSTED_PROXIES = env.int("VERIFY_TRUSTED_PROXIES", default=env.int("TRUSTED_PROXY_COUNT", default=1))
# The public register: API requests per client address per minute, and how many days an
# assignment request stays open for the managers it was sent to.
REGISTER_API_RATE_LIMIT = env.int("REGISTER_API_RATE_LIMIT", default=60)
REGISTER_REQUEST_DAYS = env.int("REGISTER_REQUEST_DAYS", default=14)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence: PRIVATE_MEDIA_ROOT, or the private bucket below (portal/storage.py).
    "private": {"BACKEND": "portal.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}
# Several machines: uploads on S3-compatible storage instead of local folders, in two buckets.
# S3_BUCKET holds public media (Wagtail images and documents, register photos) at plain URLs
# (its policy lets everyone read; S3_MEDIA_DOMAIN, e.g. a CDN, serves them instead of the
# endpoint); S3_PRIVATE_BUCKET holds evidence, written private, never given out by URL (the
# permission-checked views stream it; a signed URL would live S3_PRIVATE_URL_SECONDS).
S3_BUCKET = env.str("S3_BUCKET", default=None)
S3_PRIVATE_BUCKET = env.str("S3_PRIVATE_BUCKET", default=None)
if S3_BUCKET or S3_PRIVATE_BUCKET:
    if not (S3_BUCKET and S3_PRIVATE_BUCKET) or S3_BUCKET == S3_PRIVATE_BUCKET:
        raise ImproperlyConfigured(
            "Set both S3_BUCKET (public media) and S3_PRIVATE_BUCKET (evidence), two different buckets."
        )
    _S3_OPTIONS = {
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),  # unset: AWS itself
        "region_name": env.str("S3_REGION", default=None),
        # Unset: boto3's own chain (AWS_ACCESS_KEY_ID, an instance role, ...).
        "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
        "addressing_style": env.str("S3_ADDRESSING_STYLE", default=None),  # "path" for most self-hosted servers
        "signature_version": "s3v4",
        "file_overwrite": False,  # a second upload of the same name gets a name of its own, as on disk
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": S3_BUCKET,
            "querystring_auth": False,
            "custom_domain": env.str("S3_MEDIA_DOMAIN", default=None),
        },
    }
    STORAGES["private"] = {
        "BACKEND": "portal.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": S3_PRIVATE_BUCKET,
            "querystring_expire": env.int("S3_PRIVATE_URL_SECONDS", default=60),
        },
    }

# --- E-mail -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RQIM-portaal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_HOST", default=None):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    # Seconds before a silent server counts as a failed attempt (retried, see below).
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# A send that fails for a passing reason (server down, timeout) is tried again after
# these waits in minutes, each made up to EMAIL_RETRY_JITTER longer at random so that
# many messages do not all return at once; after the last the message is marked failed.
EMAIL_RETRY_MINUTES = env.list("EMAIL_RETRY_MINUTES", cast=int, default=[1, 5, 15, 60, 240])
EMAIL_RETRY_JITTER = 0.2

# --- Stripe (optional: online payment is off without a secret key) -------------
# One switch: STRIPE_ENABLED follows the secret key. Payments made online are only
# recorded through the webhook, so a key without the webhook's signing secret is refused.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default=None)
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default=None)
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default=None)  # a local stand-in for Stripe's API in tests
STRIPE_ENABLED = bool(STRIPE_SECRET_KEY)
if STRIPE_ENABLED and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: set the webhook endpoint's signing secret "
        "(Stripe dashboard, Developers > Webhooks), or unset STRIPE_SECRET_KEY to switch online payment off."
    )

# --- Events: how long a priced seat is held while its payment is open ----------
# Paying online (Stripe Checkout) holds the seat this many minutes (Stripe's own
# minimum for a Checkout session is 30); paying by bank transfer, this many days.
EVENTS_PAYMENT_HOLD_MINUTES = env.int("EVENTS_PAYMENT_HOLD_MINUTES", default=30)
EVENTS_TRANSFER_HOLD_DAYS = env.int("EVENTS_TRANSFER_HOLD_DAYS", default=3)

# --- Signed credentials (members/credentials/keys.py) ---------------------------
# The association's Ed25519 key (private JWK as JSON, or PEM) signs certificates'
# credentials and status lists; retired public keys stay published so older
# credentials still verify. Without a key, DEBUG and tests use a development key
# kept in var/; production refuses to start (system check members.E001).
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="")
CREDENTIAL_RETIRED_KEYS = env.str("CREDENTIAL_RETIRED_KEYS", default="")  # a JWK, a list of JWKs or a JWKS
CREDENTIAL_ISSUER_DID = env.str("CREDENTIAL_ISSUER_DID", default="")  # default: did:web:<host of BASE_URL>
CREDENTIAL_DEV_KEY_FILE = BASE_DIR / "var" / "credential-dev-key.json"

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("WAGTAIL_SITE_NAME", default="RQIM-portaal")
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # reset runs through allauth
# Documents are always downloaded, never opened inside the portal's origin (X-Content-Type-Options
# comes from SECURE_CONTENT_TYPE_NOSNIFF).
WAGTAILDOCS_INLINE_CONTENT_TYPES: list = []
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "txt", "csv"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.images.ImageForm"  # alternative text (the description) required
WAGTAILEMBEDS_FINDERS: list = []  # no embeds: nothing is loaded from elsewhere
WAGTAILSEARCH_BACKENDS = {
    # The database backend picks PostgreSQL full-text search on PostgreSQL.
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "dutch"}
}
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Approving a workflow's last task publishes, even when the approvers (the norm
# committee) may not publish on their own; see portal/roles.py.
WAGTAIL_FINISH_WORKFLOW_ACTION = "portal.roles.workflow_state_publish"

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail's preview views allow same-origin frames themselves (xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# --- Security headers and sign-in ---------------------------------------------
# Every sign-in runs through allauth (portal/urls.py turns Wagtail's login forms
# into redirects); the admin asks for the second factor (portal/security.py).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL  # private pages send visitors to allauth's login
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # change it through allauth, which notifies by mail
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False  # addresses change through allauth, with verification
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no staff address (hashed) goes to gravatar.com
WAGTAIL_ENABLE_UPDATE_CHECK = False  # nor does the admin ask releases.wagtail.org
# A known address at sign-up costs the same password hashing as a new one.
ACCOUNT_FORMS = {"signup": "portal.accounts.SignupForm"}
# Rate limits count per visitor: behind TRUSTED_PROXY_COUNT proxies that append to
# X-Forwarded-For (default: the one proxy of the documented set-up; 0 when the
# portal is reached directly), or from a header the proxy sets (e.g. X-Real-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default=None)
# Content-Security-Policy (django-csp): nothing inline and nothing from elsewhere on
# the site; Stripe's hosts only as the target of the payment forms' redirects.
_CSP_COMMON = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "form-action": ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's admin still needs inline scripts and styles; it may frame its own previews.
PORTAL_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "img-src": ["'self'", "data:", "blob:"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# Browser features no page of the portal uses (payment runs on Stripe's own pages);
# the camera only for the portal itself: staff scan tickets at the door (events check-in).
PORTAL_PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb")
} | {"camera": ["self"]}

# --- Personal data (portal/privacy.py, docs/privacy.md) -------------------------
# Retention periods, in years, enforced by the daily task portal.tasks.privacy_retention.
# Accounts of former members (and of people who never joined) are erased this long after
# the membership ended or the last sign-in, unless a certificate is still valid.
PRIVACY_INACTIVE_ACCOUNT_YEARS = env.int("PRIVACY_INACTIVE_ACCOUNT_YEARS", default=2)
# Certification evidence files (CV, diplomas, assignment evidence), after the decision.
PRIVACY_CERTIFICATION_EVIDENCE_YEARS = env.int("PRIVACY_CERTIFICATION_EVIDENCE_YEARS", default=5)
# PE evidence files, after the activity (the entry and its points stay).
PRIVACY_PE_EVIDENCE_YEARS = env.int("PRIVACY_PE_EVIDENCE_YEARS", default=7)
# Clients' messages to managers and their assignment requests (with the managers' answers),
# after they were sent through the register.
PRIVACY_REGISTER_CLIENT_YEARS = env.int("PRIVACY_REGISTER_CLIENT_YEARS", default=1)
# Guests' names and addresses on event registrations, after the event.
PRIVACY_EVENT_REGISTRATION_YEARS = env.int("PRIVACY_EVENT_REGISTRATION_YEARS", default=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

