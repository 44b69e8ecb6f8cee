"""Evidence bytes in the data dir (``<data_dir>/blobs``), the default :class:`~xblock_plchoice.core.store.BlobStore`.

Paths are random (``ab/ab12...ef.pdf``), never derived from learner input; the same
relative paths serve as S3 keys under a prefix, so ``plchoice-lti blobs migrate``
can copy a data dir to a bucket without rewriting a single stored path.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from xblock_plchoice.core.errors import NotFound

_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")
PARTIAL_SUFFIX = ".part"


def new_blob_path(suggested_name: str) -> str:
    """A fresh random relative path keeping only a safe extension of ``suggested_name``."""
    token = secrets.token_hex(16)
    suffix = Path(suggested_name).suffix
    return f"{token[:2]}/{token}{suffix if _SAFE_SUFFIX.match(suffix) else ''}"


class FileBlobStore:
    """Evidence bytes under a folder; a save is written aside and renamed, so readers never see half a file."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _resolve(self, path: str) -> Path:
        full = (self.root / path).resolve()
        if not full.is_relative_to(self.root) or full == self.root:
            raise NotFound()
        return full

    def save(self, suggested_name: str, chunks: Iterable[bytes]) -> str:
        relative = new_blob_path(suggested_name)
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        try:
            with open(partial, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(partial, target)  # readers never see half a file
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return relative

    def open(self, path: str) -> IO[bytes]:
        full = self._resolve(path)
        if not full.is_file():
            raise NotFound()
        return open(full, "rb")  # noqa: SIM115 - the caller streams and closes it

    def delete(self, path: str) -> None:
        self._resolve(path).unlink(missing_ok=True)

    def ping(self) -> bool:
        """Ready when the folder exists and is writable (a full disk or a lost mount is not ready)."""
        if not (self.root.is_dir() and os.access(self.root, os.W_OK)):
            raise OSError(f"The evidence folder {self.root} is missing or not writable.")
        return True

    def presigned_url(self, path: str, filename: str, mime: str, expires: int = 300) -> str | None:
        """No direct URL: the tool streams data-dir files itself."""
        return None

    def iter_paths(self) -> list[str]:
        """Every stored path (finished files only), sorted; what ``blobs migrate`` copies."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                      if p.is_file() and not p.name.endswith(PARTIAL_SUFFIX))
