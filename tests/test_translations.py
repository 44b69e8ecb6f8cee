"""The es and ar catalogs are complete, real, safe to format, and compiled from their sources.

The template comes from the same extractor the project uses (scripts/extract_messages.py):
core and block Python, the LTI tool's Python and templates, and the front end's t('...')
calls. A string added anywhere without a translation fails here, naming the string.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xblock_plchoice.core.i18n import translation_for  # noqa: E402
from xblock_plchoice.i18n_js import js_catalog, js_msgids  # noqa: E402

TRANSLATIONS = ROOT / "xblock_plchoice" / "translations"
LANGUAGES = ("es", "ar")
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _load_extractor():
    spec = importlib.util.spec_from_file_location("extract_messages", ROOT / "scripts" / "extract_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def template():
    return _load_extractor().build_template()


def _po(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "text.po").open("rb") as handle:
        return read_po(handle, locale=lang, domain="text")


def _entries(lang):
    return {m.id: m for m in _po(lang) if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_extracted_message_is_translated(template, lang):
    entries = _entries(lang)
    missing = [m.id for m in template if m.id and (m.id not in entries or not entries[m.id].string)]
    fuzzy = [m.id for m in template if m.id in entries and entries[m.id].fuzzy]
    assert len([m for m in template if m.id]) > 300  # the extractor really found the sources
    assert missing == [], f"{lang}: run scripts/extract_messages.py and translate: {missing}"
    assert fuzzy == [], f"{lang}: fuzzy entries need review: {fuzzy}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_are_not_copies_of_english(lang):
    copies = [m.id for m in _entries(lang).values() if m.string and m.string.strip() == m.id.strip()]
    assert copies == []


def test_arabic_entries_are_written_in_arabic():
    not_arabic = [m.id for m in _entries("ar").values() if not ARABIC.search(m.string)]
    assert not_arabic == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_and_format(lang):
    problems = []
    for msgid, entry in _entries(lang).items():
        wanted = sorted(PLACEHOLDER.findall(msgid))
        got = sorted(PLACEHOLDER.findall(entry.string))
        if wanted != got:
            problems.append((msgid, entry.string))
            continue
        params = {name: (7 if kind == "d" else "X") for name, kind in wanted}
        if params:
            try:
                entry.string % params
            except (KeyError, ValueError, TypeError) as error:
                problems.append((msgid, f"does not format: {error}"))
        elif "%" in PLACEHOLDER.sub("", entry.string) and "%" not in msgid:
            problems.append((msgid, "a stray % would break %-formatting"))
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_mo_matches_po(lang):
    """The .mo shipped in the wheel says exactly what the reviewed .po says."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "text.mo"
    with path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    mo = {k: v for k, v in compiled._catalog.items() if k}
    po = {m.id: m.string for m in _entries(lang).values() if m.string and not m.fuzzy}
    assert mo == po, "the .mo is stale: run scripts/extract_messages.py"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_front_end_receives_every_string(lang):
    catalog = js_catalog(translation_for(lang).gettext)
    assert set(catalog) == set(js_msgids())
    assert catalog["Submit for review"] == {"es": "Entregar para revisión", "ar": "أرسل للمراجعة"}[lang]


def test_english_sends_no_catalog_and_js_list_is_parsed():
    assert js_catalog(translation_for("en").gettext) == {}
    ids = js_msgids()
    assert "Upload progress" in ids and "Score: %(earned)s of %(possible)s" in ids
    assert all("\\" not in msgid for msgid in ids)


def test_every_js_t_call_uses_a_literal_string():
    """t(someVariable) would never reach a catalog: the extractor reads literals only."""
    from xblock_plchoice.i18n_js import js_files

    call = re.compile(r"(?<![\w$])t\(\s*(?P<first>.)")
    offenders = []
    for path in js_files():
        if path.name == "i18n.js":  # defines t itself
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            offenders += [f"{path.name}:{number}" for m in call.finditer(line) if m.group("first") not in "'\""]
    assert offenders == []
