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


def test_with_buckets_a_backup_holds_the_rows_and_names_the_buckets(tmp_path, settings, monkeypatch):
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        for bucket in ("media", "evidence"):
            client.create_bucket(Bucket=bucket)
        options = {"region_name": "us-east-1", "signature_version": "s3v4"}
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage",
                        "OPTIONS": {**options, "bucket_name": "media", "querystring_auth": False}},
            "private": {"BACKEND": "portal.storage_s3.PrivateS3Storage",
                        "OPTIONS": {**options, "bucket_name": "evidence"}},
        }
        _person, entry = some_data()
        manifest = backup_create(target=tmp_path / "portal.tar.gz")

        assert client.get_object(Bucket="evidence", Key=entry.evidence.name)["Body"].read().startswith(b"%PDF")
    assert manifest["files"] == {}
    assert manifest["files_elsewhere"] == {"media": "s3://media", "private": "s3://evidence"}
    assert manifest["counts"]["knowledge.PEEntry"] == 1
    with tarfile.open(tmp_path / "portal.tar.gz") as archive:
        assert sorted(archive.getnames()) == ["data.json", "manifest.json"]
    assert not (settings.PRIVATE_MEDIA_ROOT).exists() or not any(settings.PRIVATE_MEDIA_ROOT.rglob("*"))
