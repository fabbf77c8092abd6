"""Where uploaded files live.

Two storages, both named in ``settings.STORAGES``:

- ``default``: public media (Wagtail images and documents, register photos). A folder
  (MEDIA_ROOT) on one machine; an S3-compatible bucket (S3_BUCKET) when the portal runs
  on several, with plain (unsigned) URLs that the bucket's policy allows everyone to read.
- ``private``: evidence (certification, objection and PE evidence). A folder outside
  MEDIA_ROOT (PRIVATE_MEDIA_ROOT), or a bucket of its own (S3_PRIVATE_BUCKET) whose
  objects are private. Either way the portal hands out no URL a browser could open
  on its own: the permission-checked views stream the file through ``storage.open``.

Code reaches the private storage through ``private_storage`` (a lazy stand-in that model
fields keep, so tests and the settings decide which storage is behind it), never through
a path on disk: an object in a bucket has none. The S3 backends are in
`portal.storage_s3`, imported only when a bucket is configured.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_MEDIA_ROOT``, outside MEDIA_ROOT and without a URL."""

    def __init__(self, **kwargs):
        super().__init__(location=None, base_url=None)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    # As Django does for default_storage: a test that changes STORAGES gets the new backend.
    if setting == "STORAGES":
        private_storage._wrapped = empty


def storage_is_local(storage) -> bool:
    """Whether `storage` keeps its files in a folder on this machine."""
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        storage = storage._wrapped
    return isinstance(storage, FileSystemStorage)
