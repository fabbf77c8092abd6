"""Two portal instances that keep nothing locally: one PostgreSQL, one Redis (cache, sessions,
rate limits) and one S3-compatible server (moto, in this process) for the uploads.

Evidence uploaded through one instance is served by the other, to its owner only, from the
private bucket and not from either machine's disk; a sign-in made at one instance holds at
the other; failed sign-ins count against one budget whichever instance takes them.

Needs PostgreSQL (the servers write to the test database) and Redis at 127.0.0.1:6379 (db 12,
which only this test uses and flushes); skipped otherwise.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

import boto3
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import verified_email
from tests.knowledge.pe import factories as f
from tests.members.certification.factories import member
from tests.portal.processes import ROOT, portal_environment, processes_stop, shared_database_url
from tests.portal.test_rate_limit_processes import (
    HOST, NoRedirect, failed_login, free_port, redis_reachable, wait_until_up,
)

REDIS_URL = os.environ.get("PORTAL_TEST_MULTI_REDIS_URL", "redis://127.0.0.1:6379/12")
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "eu-west-1"}


def _redis_reachable() -> bool:
    import tests.portal.test_rate_limit_processes as rate_limit

    previous, rate_limit.REDIS_URL = rate_limit.REDIS_URL, REDIS_URL
    try:
        return redis_reachable()
    finally:
        rate_limit.REDIS_URL = previous


pytestmark = [
    pytest.mark.postgres,
    # Committed rows, which the servers read; with what migrations made (locales, the site),
    # which a transactional test before this one may have flushed away.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the instances share the PostgreSQL test database"),
    pytest.mark.skipif(not _redis_reachable(), reason=f"needs Redis at {REDIS_URL}"),
]


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # this test's own database number only
    yield
    client.flushdb()
    client.close()


def _s3_client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=S3_KEYS["S3_REGION"],
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


def start_instance(port: int, *, database_url: str, s3: dict, tmp_path) -> subprocess.Popen:
    log = tmp_path / f"instance-{port}.log"
    env = portal_environment(
        DEBUG="1", ALLOWED_HOSTS=f"{HOST},127.0.0.1", REDIS_URL=REDIS_URL, DATABASE_URL=database_url,
        TRUSTED_PROXY_COUNT="0", PAGE_CACHE_SECONDS="0",
        # Each instance has a folder of its own; nothing may land in either.
        MEDIA_ROOT=str(tmp_path / f"media-{port}"), PRIVATE_MEDIA_ROOT=str(tmp_path / f"private-{port}"),
        **s3,
    )
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


class Browser:
    """One person's cookies, sent to either instance (cookies do not depend on the port)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect,
        )

    def request(self, port: int, path: str, *, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=data,
            headers={"Host": HOST, "Referer": f"http://{HOST}{path}", **(headers or {})},
        )
        try:
            return self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            return error

    def csrf_token(self, port: int, path: str) -> str:
        response = self.request(port, path)
        page = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, (response.status, response.headers.get("Location"), page[:500])
        return found.group(1)

    def sign_in(self, port: int, email: str) -> None:
        token = self.csrf_token(port, "/accounts/login/")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD})
        response = self.request(port, "/accounts/login/", data=body.encode())
        assert response.status == 302, response.read()[:2000]


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, payload) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + payload + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _files_under(path) -> list:
    return [item for item in path.rglob("*") if item.is_file()] if path.exists() else []


def test_two_instances_share_evidence_sessions_and_rate_limits(tmp_path, s3_server, redis_db):
    from knowledge.pe_models import PEEntry

    suffix = uuid.uuid4().hex[:8]
    media_bucket, private_bucket = f"media-{suffix}", f"private-{suffix}"
    s3 = _s3_client(s3_server)
    for bucket in (media_bucket, private_bucket):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_KEYS["S3_REGION"]})
    s3_env = {
        "S3_BUCKET": media_bucket, "S3_PRIVATE_BUCKET": private_bucket, "S3_ENDPOINT_URL": s3_server,
        "S3_ADDRESSING_STYLE": "path", **S3_KEYS,
    }

    f.rqim_requirement()
    owner, other = verified_email(member()), verified_email(member())
    for person in (owner, other):
        # The instances run production's hashers, not the tests' fast one.
        hasher = PBKDF2PasswordHasher()
        person.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        person.save(update_fields=["password"])
    category = f.category("courses")

    ports = [free_port(), free_port()]
    database_url = shared_database_url(tmp_path)
    instances = [start_instance(port, database_url=database_url, s3=s3_env, tmp_path=tmp_path) for port in ports]
    a, b = ports
    try:
        for port, instance in zip(ports, instances):
            wait_until_up(port, instance, tmp_path / f"instance-{port}.log")

        # The owner signs in at A and logs an activity with evidence there.
        browser = Browser()
        browser.sign_in(a, owner.email)
        token = browser.csrf_token(a, reverse("pe:entry_add"))
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": token, "title": "Training", "provider": "Academie",
             "date": timezone.localdate().isoformat(), "hours": "3", "category": str(category.pk),
             "reflection": "Nuttig."},
            {"evidence_file": ("certificaat.pdf", "application/pdf", f.PDF_BYTES)},
        )
        response = browser.request(a, reverse("pe:entry_add"), data=body, headers={"Content-Type": content_type})
        assert response.status == 302, response.read()[:2000]
        entry = PEEntry.objects.get(member=owner)
        evidence_path = reverse("pe:evidence", args=[entry.pk])

        # The file is in the private bucket, and on neither machine's disk.
        stored = s3.get_object(Bucket=private_bucket, Key=entry.evidence.name)["Body"].read()
        assert stored == f.PDF_BYTES
        assert s3.list_objects_v2(Bucket=media_bucket).get("KeyCount", 0) == 0
        grants = s3.get_object_acl(Bucket=private_bucket, Key=entry.evidence.name)["Grants"]
        assert not [grant for grant in grants if "URI" in grant["Grantee"]]  # no AllUsers / AuthenticatedUsers
        assert [path for path in tmp_path.glob("private-*") for path in _files_under(path)] == []
        assert [path for path in tmp_path.glob("media-*") for path in _files_under(path)] == []

        # B knows the owner's session (Redis) and serves the file from the bucket.
        response = browser.request(b, evidence_path)
        assert response.status == 200
        assert response.read() == f.PDF_BYTES
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]

        # Another member, signed in at B, gets nothing; a visitor is sent to sign in.
        stranger = Browser()
        stranger.sign_in(b, other.email)
        assert stranger.request(b, evidence_path).status == 404
        assert stranger.request(a, evidence_path).status == 404
        anonymous = Browser().request(b, evidence_path)
        assert anonymous.status == 302 and "/accounts/login/" in anonymous.headers["Location"]

        # Failed sign-ins alternate between the instances and reach one budget (5 per account).
        email = f"{uuid.uuid4().hex[:12]}@example.org"
        statuses = [failed_login(ports[attempt % 2], email) for attempt in range(5)]
        assert statuses == [200] * 5
        assert [failed_login(port, email) for port in ports] == [429, 429]
    finally:
        processes_stop(instances)
