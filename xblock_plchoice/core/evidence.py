"""Evidence: what a learner hands in, checked the same way in both homes.

Text has a length limit; links must be ``http``/``https`` (a ``javascript:``
link in a staff view is an attack, not evidence); files are accepted by
extension *and* by their first bytes, per evidence kind, so a renamed HTML
page or SVG (both can carry script) never reaches a reviewer's browser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import urlsplit

from .context import Context
from .errors import FileTooLarge, UnsupportedFile, ValidationError
from .i18n import gettext_noop as _

CHUNK = 64 * 1024

# extension -> (mime type, evidence kinds it may serve, signature check name)
FILE_TYPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "pdf": ("application/pdf", ("file",), "pdf"),
    "png": ("image/png", ("file",), "png"),
    "jpg": ("image/jpeg", ("file",), "jpeg"),
    "jpeg": ("image/jpeg", ("file",), "jpeg"),
    "gif": ("image/gif", ("file",), "gif"),
    "webp": ("image/webp", ("file",), "webp"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("file",), "zip"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("file",), "zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("file",), "zip"),
    "odt": ("application/vnd.oasis.opendocument.text", ("file",), "zip"),
    "odp": ("application/vnd.oasis.opendocument.presentation", ("file",), "zip"),
    "txt": ("text/plain", ("file",), "text"),
    "md": ("text/markdown", ("file",), "text"),
    "csv": ("text/csv", ("file",), "text"),
    "mp3": ("audio/mpeg", ("audio", "file"), "mp3"),
    "wav": ("audio/wav", ("audio", "file"), "wav"),
    "ogg": ("audio/ogg", ("audio", "video", "file"), "ogg"),
    "oga": ("audio/ogg", ("audio", "file"), "ogg"),
    "m4a": ("audio/mp4", ("audio", "file"), "mp4"),
    "weba": ("audio/webm", ("audio", "file"), "webm"),
    "webm": ("video/webm", ("audio", "video", "file"), "webm"),
    "mp4": ("video/mp4", ("video", "file"), "mp4"),
    "mov": ("video/quicktime", ("video", "file"), "mp4"),
    "ogv": ("video/ogg", ("video", "file"), "ogg"),
}


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sniff window is still text
        if exc.start < len(head) - 4:
            return False
        text = head[:exc.start].decode("utf-8")
    lowered = text.lstrip().lower()
    # a ".txt" that is really markup would render as a page if a browser ever sniffed it
    return not lowered.startswith(("<!doctype", "<html", "<svg", "<script", "<?xml"))


SIGNATURES = {
    "pdf": lambda h: h.startswith(b"%PDF-"),
    "png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "gif": lambda h: h[:6] in (b"GIF87a", b"GIF89a"),
    "webp": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP",
    "zip": lambda h: h.startswith(b"PK\x03\x04"),
    "text": _is_text,
    "mp3": lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and (h[1] & 0xE0) == 0xE0),
    "wav": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE",
    "ogg": lambda h: h.startswith(b"OggS"),
    "webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "mp4": lambda h: h[4:8] == b"ftyp",
}


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def safe_filename(name: str) -> str:
    """A display name with no path, control characters or leading dots; never empty."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)[:120]
    return name or "evidence"


def classify_upload(filename: str, head: bytes, kind: str) -> tuple[str, str]:
    """Return ``(extension, mime)`` when ``head`` really is an accepted file of ``kind``.

    Raises :class:`UnsupportedFile` naming what is accepted otherwise.
    """
    ext = safe_filename(filename).rsplit(".", 1)[-1].lower() if "." in filename else ""
    accepted = sorted(e for e, (_m, kinds, _s) in FILE_TYPES.items() if kind in kinds)
    spec = FILE_TYPES.get(ext)
    if spec is None or kind not in spec[1]:
        raise UnsupportedFile(_("Files ending in .%(ext)s are not accepted as %(kind)s evidence. "
                                "Accepted: %(accepted)s."), ext=ext or "?", kind=kind,
                              accepted=", ".join(accepted))
    mime, _kinds, signature = spec
    if not head or not SIGNATURES[signature](head):
        raise UnsupportedFile(_("The file %(name)s does not look like a .%(ext)s file. "
                                "Export it again, or choose another format."),
                              name=safe_filename(filename), ext=ext)
    if kind == "audio" and mime.startswith("video/"):
        mime = "audio/" + mime.split("/", 1)[1]
    return ext, mime


def read_limited(stream: IO[bytes], limit: int, kind: str) -> Iterator[bytes]:
    """Yield the stream in chunks; raise :class:`FileTooLarge` once it passes ``limit`` bytes."""
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise FileTooLarge(limit=human_size(limit), kind=kind)
        yield chunk


def normalize_links(raw: Any, ctx: Context) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationError(_("Links must be a list of web addresses."), field="links")
    links = list(dict.fromkeys(item.strip() for item in raw if item.strip()))
    if len(links) > ctx.limits.links_max:
        raise ValidationError(_("Add at most %(max)d links."), field="links", max=ctx.limits.links_max)
    for link in links:
        parts = urlsplit(link)
        if (len(link) > ctx.limits.link_max_chars or parts.scheme.lower() not in ("http", "https")
                or not parts.netloc or any(ch.isspace() for ch in link)):
            raise ValidationError(_("%(link)s is not a web address starting with http:// or https://."),
                                  field="links", link=link[:80])
    return links


def normalize_text(raw: Any, ctx: Context) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(_("The text must be a string."), field="text")
    text = raw.replace("\r\n", "\n").replace("\x00", "")
    if len(text) > ctx.limits.text_max_chars:
        raise ValidationError(_("Keep your text under %(max)d characters (it has %(count)d)."),
                              field="text", max=ctx.limits.text_max_chars, count=len(text))
    return text


def resolve_files(raw: Any, ctx: Context, learner_id: str) -> list[dict[str, Any]]:
    """Turn ``file_ids`` into the learner's own file records for this activity, or refuse."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationError(_("file_ids must be a list of file ids."), field="file_ids")
    ids = list(dict.fromkeys(raw))
    if len(ids) > ctx.limits.files_max:
        raise ValidationError(_("Attach at most %(max)d files."), field="file_ids", max=ctx.limits.files_max)
    files = []
    for file_id in ids:
        meta = ctx.store.get_file_meta(file_id)
        if not meta or meta["learner_id"] != learner_id or meta["activity_key"] != ctx.activity_key:
            raise ValidationError(_("One of the attached files no longer exists. Upload it again."),
                                  field="file_ids")
        files.append(public_file(meta))
    return files


def public_file(meta: dict[str, Any]) -> dict[str, Any]:
    """What a view may show of a file: never the storage path."""
    return {k: meta[k] for k in ("file_id", "name", "size", "mime", "kind")}


def normalize_evidence(payload: dict[str, Any], ctx: Context, learner_id: str,
                       allowed_kinds: tuple[str, ...]) -> dict[str, Any]:
    """Validate text, links and files against the chosen option's evidence kinds."""
    evidence = {
        "text": normalize_text(payload.get("text"), ctx),
        "links": normalize_links(payload.get("links"), ctx),
        "files": resolve_files(payload.get("file_ids"), ctx, learner_id),
    }
    if evidence["text"].strip() and "text" not in allowed_kinds:
        raise ValidationError(_("This option does not take written text; attach the evidence it asks for."),
                              field="text")
    if evidence["links"] and "link" not in allowed_kinds:
        raise ValidationError(_("This option does not take links."), field="links")
    for item in evidence["files"]:
        if item["kind"] not in allowed_kinds:
            raise ValidationError(_("This option does not take %(kind)s files."), field="file_ids",
                                  kind=item["kind"])
    return evidence


def evidence_is_empty(evidence: dict[str, Any]) -> bool:
    return not (evidence["text"].strip() or evidence["links"] or evidence["files"])
