"""The private storage on S3-compatible storage (used when S3_PRIVATE_BUCKET is set; see
`portal.storage`). Kept apart so that boto3 is only imported when a bucket is configured."""

from storages.backends.s3 import S3Storage

# The longest a signed URL of the private bucket may live, in seconds.
PRIVATE_URL_MAX_SECONDS = 300


class PrivateS3Storage(S3Storage):
    """Evidence in its own bucket: every object written private, every URL signed and
    short-lived, whatever the options say; no custom (CDN) domain, which would serve
    unsigned URLs."""

    def __init__(self, **options):
        options.update(default_acl="private", querystring_auth=True, custom_domain=None)
        options.setdefault("signature_version", "s3v4")
        expire = options.get("querystring_expire") or 60
        options["querystring_expire"] = min(int(expire), PRIVATE_URL_MAX_SECONDS)
        super().__init__(**options)
