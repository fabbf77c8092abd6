"""manage.py backup and restore: the database and the uploaded files, restored into an
empty database, with every table's row count and every file's hash checked."""

import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.core.files.base import ContentFile

from portal.backup import BackupError, backup_create, backup_restore, row_counts

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def some_data():
    """A member with a payment, a PE entry with evidence, a document: rows and files."""
    from wagtail.documents import get_document_model

    from tests.knowledge.pe import factories as pe
    from tests.members.certification.factories import member
    from tests.members.factories import PaymentFactory

    person = member()
    PaymentFactory(membership=person.membership)
    entry = pe.submitted(person, evidence=pe.pdf())
    get_document_model().objects.create(title="Norm", file=ContentFile(b"%PDF-1.4 norm", name="norm.pdf"))
    return person, entry


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(tmp_path, settings, capsys):
    from django.contrib.auth import get_user_model
    from knowledge.pe_models import PEEntry

    person, entry = some_data()
    before = row_counts()
    evidence = (settings.PRIVATE_MEDIA_ROOT / entry.evidence.name).read_bytes()
    archive = tmp_path / "backups" / "portal.tar.gz"

    call_command("backup", str(archive))
    # An empty database and empty folders, as on a new machine after `migrate`.
    call_command("flush", interactive=False, verbosity=0)
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for path in sorted(root.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    assert not get_user_model().objects.exists()
    call_command("restore", str(archive))

    assert row_counts() == before
    assert get_user_model().objects.get(pk=person.pk).email == person.email
    restored = PEEntry.objects.get(pk=entry.pk)
    assert (settings.PRIVATE_MEDIA_ROOT / restored.evidence.name).read_bytes() == evidence
    assert "all counts match" in capsys.readouterr().out
    assert not list(archive.parent.glob("*.partial"))


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    some_data()
    archive = tmp_path / "portal.tar.gz"
    backup_create(target=archive)

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))


def test_a_damaged_file_fails_the_restore_and_leaves_no_rows_and_no_files(tmp_path, settings):
    import io

    from django.contrib.auth import get_user_model

    _person, entry = some_data()
    archive = tmp_path / "portal.tar.gz"
    backup_create(target=archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            payload = source.extractfile(member).read()
            if member.name.startswith("private/"):
                payload = payload.replace(b"%PDF", b"%XYZ")  # a changed file, same size
            target.addfile(member, io.BytesIO(payload))
    call_command("flush", interactive=False, verbosity=0)
    (settings.PRIVATE_MEDIA_ROOT / entry.evidence.name).unlink()

    with pytest.raises(BackupError, match="does not match its hash"):
        backup_restore(source=damaged)

    assert not get_user_model().objects.exists()
    assert not [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]

    # The failed restore left nothing in the way of the good archive.
    call_command("flush", interactive=False, verbosity=0)
    backup_restore(source=archive)
    assert get_user_model().objects.filter(pk=_person.pk).exists()
    assert (settings.PRIVATE_MEDIA_ROOT / entry.evidence.name).is_file()


@pytest.fixture
def buckets(settings, monkeypatch):
    """The uploads in two buckets of a local S3 stand-in (moto), as on several machines."""
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        for bucket in ("media", "evidence"):
            client.create_bucket(Bucket=bucket)
        # As the settings make them: a second upload of a name gets a name of its own.
        options = {"region_name": "us-east-1", "signature_version": "s3v4", "file_overwrite": False}
        local = settings.STORAGES
        settings.STORAGES = {
            **local,
            "default": {"BACKEND": "storages.backends.s3.S3Storage",
                        "OPTIONS": {**options, "bucket_name": "media", "querystring_auth": False}},
            "private": {"BACKEND": "portal.storage_s3.PrivateS3Storage",
                        "OPTIONS": {**options, "bucket_name": "evidence"}},
        }
        yield client
        settings.STORAGES = local


def bucket_contents(client, bucket) -> dict[str, bytes]:
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listing}


def empty_buckets(client):
    for bucket in ("media", "evidence"):
        for key in bucket_contents(client, bucket):
            client.delete_object(Bucket=bucket, Key=key)


def test_with_buckets_the_backup_holds_their_files_and_restores_them_into_the_buckets(tmp_path, settings, buckets):
    from knowledge.pe_models import PEEntry

    _person, entry = some_data()
    before = row_counts()
    evidence_before = bucket_contents(buckets, "evidence")
    media_before = bucket_contents(buckets, "media")
    archive = tmp_path / "portal.tar.gz"

    manifest = backup_create(target=archive)

    assert set(manifest["files"]) == {f"private/{key}" for key in evidence_before} | {f"media/{key}" for key in media_before}
    assert manifest["stores"] == {"media": "s3://media", "private": "s3://evidence"}
    assert manifest["files_elsewhere"] == {}
    call_command("flush", interactive=False, verbosity=0)
    empty_buckets(buckets)

    backup_restore(source=archive)

    assert row_counts() == before
    assert bucket_contents(buckets, "evidence") == evidence_before
    assert bucket_contents(buckets, "media") == media_before
    assert PEEntry.objects.get(pk=entry.pk).evidence.read().startswith(b"%PDF")
    assert not (settings.PRIVATE_MEDIA_ROOT).exists() or not any(settings.PRIVATE_MEDIA_ROOT.rglob("*"))


def test_a_failed_restore_leaves_nothing_in_the_buckets(tmp_path, buckets, monkeypatch):
    from django.contrib.auth import get_user_model

    import portal.backup

    some_data()
    archive = tmp_path / "portal.tar.gz"
    backup_create(target=archive)
    call_command("flush", interactive=False, verbosity=0)
    empty_buckets(buckets)
    saved = []
    original = portal.backup._upload

    def upload_then_fail(item, uploaded):
        original(item, uploaded)
        saved.append(item.name)
        if len(saved) == 2:
            raise OSError("connection to the bucket lost")

    monkeypatch.setattr(portal.backup, "_upload", upload_then_fail)

    with pytest.raises(OSError):
        backup_restore(source=archive)

    assert len(saved) == 2
    assert bucket_contents(buckets, "evidence") == {} and bucket_contents(buckets, "media") == {}
    assert not get_user_model().objects.exists()


def test_an_archive_from_buckets_restores_into_folders_on_one_machine(tmp_path, settings, buckets):
    """Moving from several machines back to one (or a copy for a test machine)."""
    _person, entry = some_data()
    evidence = bucket_contents(buckets, "evidence")[entry.evidence.name]
    archive = tmp_path / "portal.tar.gz"
    backup_create(target=archive)
    call_command("flush", interactive=False, verbosity=0)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT)}},
    }

    backup_restore(source=archive)

    assert (settings.PRIVATE_MEDIA_ROOT / entry.evidence.name).read_bytes() == evidence


def test_database_only_leaves_the_files_out_and_names_where_they_are(tmp_path, buckets, capsys):
    some_data()
    archive = tmp_path / "portal.tar.gz"

    call_command("backup", str(archive), "--database-only")

    with tarfile.open(archive) as opened:
        assert sorted(opened.getnames()) == ["data.json", "manifest.json"]
    assert "s3://evidence" in capsys.readouterr().out


def test_restore_does_not_overwrite_a_different_file_in_the_bucket_without_force(tmp_path, buckets):
    from django.contrib.auth import get_user_model

    _person, entry = some_data()
    archive = tmp_path / "portal.tar.gz"
    backup_create(target=archive)
    call_command("flush", interactive=False, verbosity=0)
    buckets.put_object(Bucket="evidence", Key=entry.evidence.name, Body=b"someone else's file")

    with pytest.raises(BackupError, match="other content"):
        backup_restore(source=archive)
    assert not get_user_model().objects.exists()
    assert bucket_contents(buckets, "evidence")[entry.evidence.name] == b"someone else's file"

    backup_restore(source=archive, force=True)
    assert bucket_contents(buckets, "evidence")[entry.evidence.name].startswith(b"%PDF")
