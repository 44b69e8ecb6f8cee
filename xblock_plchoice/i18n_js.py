"""The strings the shared front end needs, and their translations for one request.

The JavaScript marks every user-facing string with a literal ``t('...')`` call. Rather
than keep a second hand-written list that could drift, the list is read from the shipped
JS files themselves (once per process), so a string added to the front end is translated
as soon as the catalogs have it, and ``scripts/extract_messages.py`` uses the same parser.
Both homes call :func:`js_catalog` with their own ``gettext`` and pass the result to
``mount(root, {i18n})``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "static" / "js"

# t('text') or t("text"), optionally as ctx.t(...); literal strings only, by design.
_T_CALL = re.compile(r"(?<![\w$])t\(\s*(?P<q>['\"])(?P<body>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def iter_js_messages(source: str) -> Iterator[tuple[int, str]]:
    """(line number, msgid) for every ``t('...')`` call in one JS source text."""
    for match in _T_CALL.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        yield line, _unescape(match.group("body"))


def js_files(root: Path = JS_DIR) -> list[Path]:
    return sorted(p for p in root.rglob("*.js") if p.is_file())


@lru_cache(maxsize=1)
def js_msgids() -> tuple[str, ...]:
    """Every msgid the front end uses, in first-seen order."""
    seen: dict[str, None] = {}
    for path in js_files():
        for _line, msgid in iter_js_messages(path.read_text(encoding="utf-8")):
            seen.setdefault(msgid, None)
    return tuple(seen)


def js_catalog(gettext: Callable[[str], str]) -> dict[str, str]:
    """``{msgid: translation}`` for the front end, leaving out untranslated strings (JS falls back to the msgid)."""
    out: dict[str, str] = {}
    for msgid in js_msgids():
        text = gettext(msgid)
        if text and text != msgid:
            out[msgid] = text
    return out
