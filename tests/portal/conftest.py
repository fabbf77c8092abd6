import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded images and their renditions go to a per-test folder, never to ./media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
