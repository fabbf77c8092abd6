import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Evidence uploaded in a test stays in the test's own folder.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
