"""Evidence bytes in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage) through boto3.

Endpoint, credentials and region come from boto3's standard environment
(``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``), so the tool has no S3 settings of its own beyond the
bucket. Keys are ``<prefix>/<path>`` where ``path`` has the data dir's shape
(random, never learner input), which lets ``blobs migrate`` copy a data dir
without rewriting stored paths. Uploads stream in 8 MiB parts, so memory
stays flat whatever the file size; a save that fails is aborted, leaving
neither an object nor an unfinished multipart upload.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

from xblock_plchoice.core.errors import NotFound, PLChoiceError
from xblock_plchoice.core.i18n import gettext_noop as _

from . import content_disposition
from .files import new_blob_path

log = logging.getLogger(__name__)

PART_SIZE = 8 * 1024 * 1024  # S3 wants parts of at least 5 MiB (except the last)
PRESIGN_MAX_SECONDS = 300


class BlobStorageUnavailable(PLChoiceError, OSError):
    """The bucket could not be reached or refused the request; the learner can try again later.

    Also an ``OSError``, so callers that already tolerate a failing disk (account
    retirement logs a leftover file) treat a failing bucket the same way.
    """

    code = "storage_unavailable"
    status = 503
    default_message = _("Stored files cannot be reached right now. Try again in a few minutes.")


def s3_client(*, connect_timeout: float = 5, read_timeout: float = 30, attempts: int = 3) -> Any:
    """A boto3 S3 client from the standard ``AWS_*`` environment, path-style when an endpoint is set."""
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(connect_timeout=connect_timeout, read_timeout=read_timeout, signature_version="s3v4",
                    retries={"max_attempts": attempts, "mode": "standard"},
                    s3={"addressing_style": "path"} if endpoint else {})
    return boto3.session.Session().client("s3", config=config)


def storage_errors() -> tuple[type[BaseException], ...]:
    """botocore's failures: the service said no (ClientError) or could not be reached (BotoCoreError)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def is_missing(exc: BaseException) -> bool:
    """A 404 / NoSuchKey answer (HEAD has no body, so only the status tells)."""
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("404", "NoSuchKey", "NotFound") or status == 404


class S3BlobStore:
    """A :class:`~lti_tool.blobs.ToolBlobStore` on one bucket and key prefix."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client if client is not None else s3_client()
        self._ping_client: Any = None

    def __repr__(self) -> str:
        return f"S3BlobStore(s3://{self.bucket}/{self.prefix})"

    def key(self, path: str) -> str:
        """The object key of a stored path; NotFound for anything that is not a plain relative path."""
        parts = path.split("/") if isinstance(path, str) else [""]
        if any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise NotFound()
        return f"{self.prefix}/{path}" if self.prefix else path

    def _unavailable(self, exc: BaseException) -> BlobStorageUnavailable:
        log.warning("S3 request to bucket %s failed: %s", self.bucket, exc)
        return BlobStorageUnavailable()

    # BlobStore ---------------------------------------------------------------------------------------
    def save(self, suggested_name: str, chunks: Iterable[bytes]) -> str:
        path = new_blob_path(suggested_name)
        self.write(self.key(path), chunks)
        return path

    def write(self, key: str, chunks: Iterable[bytes], metadata: dict[str, str] | None = None) -> None:
        """Stream ``chunks`` to ``key``: one PUT if it all fits in a part, else a multipart upload.

        At most one part is held in memory. If anything raises (the core's size limit mid-stream,
        the bucket), the multipart upload is aborted and the error re-raised.
        """
        extra = {"Metadata": metadata} if metadata else {}
        buffer = io.BytesIO()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            for chunk in chunks:
                buffer.write(chunk)
                if buffer.tell() >= PART_SIZE:
                    if upload_id is None:
                        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                                        **extra)["UploadId"]
                    parts.append(self._upload_part(key, upload_id, len(parts) + 1, buffer))
                    buffer = io.BytesIO()
            if upload_id is None:
                buffer.seek(0)
                self.client.put_object(Bucket=self.bucket, Key=key, Body=buffer, **extra)
                return
            if buffer.tell():
                parts.append(self._upload_part(key, upload_id, len(parts) + 1, buffer))
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except BaseException as exc:
            if upload_id is not None:
                self._abort(key, upload_id)
            if isinstance(exc, storage_errors()):
                raise self._unavailable(exc) from exc
            raise

    def _upload_part(self, key: str, upload_id: str, number: int, buffer: io.BytesIO) -> dict[str, Any]:
        buffer.seek(0)
        answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                         Body=buffer)
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, key: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except storage_errors() as exc:  # the original error matters more; a lifecycle rule cleans up
            log.warning("Could not abort the multipart upload of %s (id %s): %s", key, upload_id, exc)

    def open(self, path: str) -> IO[bytes]:
        """The object's streaming body (``read(n)``, ``close()``, usable in ``with``)."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(path))["Body"]
        except storage_errors() as exc:
            if is_missing(exc):
                raise NotFound() from exc
            raise self._unavailable(exc) from exc

    def delete(self, path: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(path))
        except storage_errors() as exc:
            if not is_missing(exc):
                raise self._unavailable(exc) from exc

    # what the tool adds ----------------------------------------------------------------------------------
    def ping(self) -> bool:
        """A HEAD of the bucket with short timeouts and no retries, for readiness checks."""
        if self._ping_client is None:
            self._ping_client = s3_client(connect_timeout=2, read_timeout=3, attempts=1)
        try:
            self._ping_client.head_bucket(Bucket=self.bucket)
        except storage_errors() as exc:
            raise OSError(f"S3 bucket {self.bucket} is not reachable: {exc}") from exc
        return True

    def presigned_url(self, path: str, filename: str, mime: str, expires: int = PRESIGN_MAX_SECONDS) -> str | None:
        """A GET URL valid for at most 5 minutes, answering with the tool's own type and disposition."""
        params = {"Bucket": self.bucket, "Key": self.key(path), "ResponseContentType": mime,
                  "ResponseContentDisposition": content_disposition(filename, mime)}
        return self.client.generate_presigned_url("get_object", Params=params,
                                                  ExpiresIn=min(expires, PRESIGN_MAX_SECONDS))

    # for blobs migrate ---------------------------------------------------------------------------------------
    def head(self, path: str) -> dict[str, Any] | None:
        """The object's size and metadata, or None if there is no such object."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(path))
        except storage_errors() as exc:
            if is_missing(exc):
                return None
            raise self._unavailable(exc) from exc

    def iter_bytes(self, path: str, block: int = 1024 * 1024) -> Iterator[bytes]:
        with self.open(path) as stream:
            while chunk := stream.read(block):
                yield chunk
