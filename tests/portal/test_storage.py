"""The private storage never hands out a public URL: on disk it has none, in a bucket
every object is private and every URL signed and short-lived, whatever the options say."""

from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from moto import mock_aws

from members.models.certification import private_storage
from portal.storage import PrivateFileSystemStorage
from portal.storage_s3 import PRIVATE_URL_MAX_SECONDS, PrivateS3Storage

BUCKET = "evidence"


@pytest.fixture
def bucket(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def s3_storages(**private_options) -> dict:
    from django.conf import settings

    return {
        **settings.STORAGES,
        "private": {
            "BACKEND": "portal.storage_s3.PrivateS3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "querystring_expire": 60, **private_options},
        },
    }


def test_on_disk_a_private_file_has_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    assert isinstance(private_storage(), PrivateFileSystemStorage)
    name = private_storage().save("evidence/a.pdf", ContentFile(b"%PDF-1.4"))
    with pytest.raises(ValueError):
        private_storage().url(name)


def test_with_a_bucket_the_field_storage_writes_private_objects_with_signed_urls(settings, bucket):
    settings.STORAGES = s3_storages()
    name = private_storage().save("evidence/a.pdf", ContentFile(b"%PDF-1.4"))

    grants = bucket.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner, nobody else
    query = parse_qs(urlsplit(private_storage().url(name)).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    with private_storage().open(name) as handle:
        assert handle.read() == b"%PDF-1.4"


def test_options_cannot_make_the_private_bucket_public(bucket):
    storage = PrivateS3Storage(
        bucket_name=BUCKET, region_name="us-east-1", default_acl="public-read", querystring_auth=False,
        custom_domain="cdn.example.org", querystring_expire=86400,
    )
    name = storage.save("evidence/b.pdf", ContentFile(b"%PDF-1.4"))

    grants = bucket.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert not [grant for grant in grants if "URI" in grant["Grantee"]]  # no AllUsers grant
    url = urlsplit(storage.url(name))
    assert url.hostname != "cdn.example.org"
    assert parse_qs(url.query)["X-Amz-Expires"] == [str(PRIVATE_URL_MAX_SECONDS)]
