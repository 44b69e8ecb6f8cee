"""Where the tool keeps evidence bytes: the data dir (default) or any S3-compatible bucket.

``PLCHOICE_BLOB_URL`` chooses: empty or ``file:///some/folder`` keeps files on disk,
``s3://BUCKET/PREFIX`` puts them in a bucket (AWS S3, MinIO, Ceph, Garage; endpoint and
credentials come from boto3's standard ``AWS_*`` variables). Both implement the core's
:class:`~xblock_plchoice.core.store.BlobStore`, plus the two things only the tool needs
(:class:`ToolBlobStore`): a readiness ``ping`` and an optional presigned download URL.
"""

from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import quote

from xblock_plchoice.core.store import BlobStore

from ..config import PREFIX, ConfigError, Settings
from .files import FileBlobStore

BLOB_URL_VARIABLE = PREFIX + "BLOB_URL"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")  # S3's bucket naming rules


class ToolBlobStore(BlobStore, Protocol):
    """A BlobStore the tool can also check for readiness and, perhaps, hand out direct download URLs for."""

    def ping(self) -> bool:
        """True when reachable and usable; raises ``OSError`` (with a reason) otherwise."""

    def presigned_url(self, path: str, filename: str, mime: str, expires: int = 300) -> str | None:
        """A URL a browser can fetch the bytes from for ``expires`` seconds, or None to stream through the tool."""


def content_disposition(filename: str, mime: str) -> str:
    """How a download presents itself: media and images play inline, anything else is saved, never rendered."""
    disposition = "inline" if mime.startswith(("audio/", "video/", "image/")) else "attachment"
    return f"{disposition}; filename*=UTF-8''{quote(filename or 'file')}"


def parse_s3_url(url: str, name: str = BLOB_URL_VARIABLE) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix")``; ConfigError naming ``name`` otherwise."""
    if not url.startswith("s3://"):
        raise ConfigError(f"{name} must look like s3://BUCKET/PREFIX, not {url!r}.")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not _BUCKET.match(bucket):
        raise ConfigError(f"{name} must name a bucket (3-63 lowercase letters, digits, dots or hyphens) "
                          f"as in s3://BUCKET/PREFIX, not {url!r}.")
    prefix = prefix.strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise ConfigError(f"{name} has an unusable prefix {prefix!r}; use plain folder names like evidence/2026.")
    return bucket, prefix


def make_blob_store(settings: Settings) -> ToolBlobStore:
    """The store ``PLCHOICE_BLOB_URL`` asks for (the data dir's ``blobs`` folder when it is empty)."""
    url = settings.blob_url.strip()
    if not url:
        return FileBlobStore(settings.data_path / "blobs")
    if url.startswith("file://"):
        folder = url.removeprefix("file://")
        if not folder.startswith("/"):
            raise ConfigError(f"{BLOB_URL_VARIABLE} must give an absolute folder as in file:///srv/evidence, "
                              f"not {url!r}.")
        return FileBlobStore(folder)
    if url.startswith("s3://"):
        from .s3 import S3BlobStore

        return S3BlobStore(*parse_s3_url(url))
    raise ConfigError(f"{BLOB_URL_VARIABLE} must be empty (the data dir), file:///FOLDER or s3://BUCKET/PREFIX, "
                      f"not {url!r}.")
