"""``plchoice-lti blobs migrate --to s3://BUCKET/PREFIX``: copy the data dir's evidence to a bucket.

Each file goes to ``<prefix>/<its relative path>``, the key :class:`~lti_tool.blobs.s3.S3BlobStore`
uses for that path, so no stored path changes: once everything is copied, setting
``PLCHOICE_BLOB_URL`` to the same URL makes every old file readable from the bucket.

Safe to interrupt and run again. The SHA-256 of each source file travels with its
object (metadata ``sha256``); an object already there with the same size and hash is
skipped, anything else is (re)copied, then read back from the bucket and hashed
again, so "copied" means the bucket holds exactly the bytes of the data dir.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .files import FileBlobStore
from .s3 import S3BlobStore

BLOCK = 1024 * 1024
SHA256_METADATA = "sha256"


class ChecksumMismatch(OSError):
    """The bucket gave back other bytes than were sent; the object was removed so a rerun copies it again."""


@dataclass
class MigrationReport:
    copied: int = 0
    skipped: int = 0
    bytes_copied: int = 0
    unreferenced_missing: int = 0  # file records whose bytes are not in the data dir (nothing to copy)

    def summary(self, target: str, dry_run: bool) -> str:
        missing = (f" {self.unreferenced_missing} file record(s) point at files missing from the data dir."
                   if self.unreferenced_missing else "")
        if dry_run:
            return f"Dry run, nothing written: would copy {self.copied}, {self.skipped} already there.{missing}"
        return (f"Done: {self.copied} copied, {self.skipped} already there with matching SHA-256, in {target} "
                f"({self.bytes_copied} bytes copied, each read back and verified by SHA-256).{missing}")


def file_blocks(path: Path, digest: hashlib._Hash | None = None) -> Iterator[bytes]:
    """The file in blocks, feeding ``digest`` as it goes."""
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            if digest is not None:
                digest.update(block)
            yield block


def sha256_of(blocks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def already_copied(target: S3BlobStore, path: str, size: int, sha256: str) -> bool:
    head = target.head(path)
    return bool(head and head.get("ContentLength") == size
                and head.get("Metadata", {}).get(SHA256_METADATA) == sha256)


def copy_one(source: FileBlobStore, target: S3BlobStore, path: str, sha256: str) -> None:
    """Stream one file up (hashing what is actually sent), then read the object back and compare."""
    sent = hashlib.sha256()
    target.write(target.key(path), file_blocks(source.root / path, sent), metadata={SHA256_METADATA: sha256})
    stored = sha256_of(target.iter_bytes(path, BLOCK))
    if sent.hexdigest() != sha256 or stored != sha256:
        target.delete(path)
        raise ChecksumMismatch(f"{path}: the data dir file hashes to {sha256}, {sent.hexdigest()} was sent and the "
                               f"bucket returned {stored}. Was the file changing? Run the migration again.")


def migrate(source: FileBlobStore, target: S3BlobStore, *, referenced: Iterable[str] = (), dry_run: bool = False,
            out: Callable[[str], None] = print) -> MigrationReport:
    """Copy every finished file of ``source`` to ``target``; one progress line per file."""
    report = MigrationReport()
    paths = source.iter_paths()
    report.unreferenced_missing = len(set(referenced) - set(paths))
    for path in paths:
        size = (source.root / path).stat().st_size
        sha256 = sha256_of(file_blocks(source.root / path))
        if already_copied(target, path, size, sha256):
            report.skipped += 1
            out(f"already there {path} (sha256 matches)")
            continue
        report.copied += 1
        if dry_run:
            out(f"would copy {path} ({size} bytes)")
            continue
        copy_one(source, target, path, sha256)
        report.bytes_copied += size
        out(f"copied {path} ({size} bytes, sha256 {sha256[:16]}... verified)")
    return report


def referenced_paths(session: object) -> list[str]:
    """The blob paths the file records point at (to report records whose bytes are already gone)."""
    from sqlalchemy import select

    from ..db.models import FileMetaRow

    return [row.data.get("path", "") for row in session.scalars(select(FileMetaRow))]  # type: ignore[attr-defined]
