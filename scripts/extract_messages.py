"""Extract every translatable string into one template and keep the catalogs in step.

Sources (one domain, ``text``, shared by both homes and the front end):
  * Python in ``xblock_plchoice/`` and ``lti_tool/``: ``_()``, ``gettext_noop()``, ``gettext()``...
    (the core's ``_`` is ``gettext_noop``: marked here, translated by the adapter);
  * Jinja templates in ``lti_tool/web/templates`` (``{{ _('...') }}``, ``{% trans %}``);
  * the front end's ``t('...')`` calls in ``xblock_plchoice/static/js`` (parsed by
    ``xblock_plchoice.i18n_js``, the same code that decides what the JS receives).

Usage:
  python scripts/extract_messages.py            # extract, merge into es/ar, compile .mo
  python scripts/extract_messages.py --check    # exit 1 if any catalog misses or leaves empty a msgid
Needs ``babel`` (in the ``test`` extra).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xblock_plchoice.i18n_js import JS_DIR, iter_js_messages, js_files  # noqa: E402

TRANSLATIONS = ROOT / "xblock_plchoice" / "translations"
TEMPLATE = TRANSLATIONS / "text.pot"
LANGUAGES = ("es", "ar")
DOMAIN = "text"
KEYWORDS = {"_": None, "gettext": None, "gettext_noop": None, "gettext_lazy": None, "ugettext": None,
            "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_gettext": None}
PYTHON_DIRS = ("xblock_plchoice", "lti_tool")
TEMPLATE_DIRS = (("lti_tool", "web/templates"), ("demo_platform", "templates"))  # the demo LMS speaks es and ar too
SKIP_PARTS = {"migrations", "__pycache__", "static", "translations", "tests"}
TEMPLATE_DIR = ROOT / "lti_tool" / "web" / "templates"
JINJA = "jinja2.ext:babel_extract"


def _keep(path: str) -> bool:
    return not SKIP_PARTS.intersection(Path(path).parts)


def build_template() -> Catalog:
    catalog = Catalog(project="plchoice", version="0.1", charset="utf-8",
                      creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for folder in PYTHON_DIRS:
        base = ROOT / folder
        for filename, lineno, message, comments, context in extract_from_dir(
                str(base), method_map=[("**.py", "python")], keywords=KEYWORDS,
                comment_tags=("Translators:",), callback=None, strip_comment_tags=True,
                directory_filter=lambda d: _keep(d)):
            catalog.add(message, locations=[(f"{folder}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    for package, folder in TEMPLATE_DIRS:
        template_dir = ROOT / package / folder
        if not template_dir.exists():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
                str(template_dir), method_map=[("**.html", JINJA), ("**.txt", JINJA)],
                options_map={"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
                keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True):
            catalog.add(message, locations=[(f"{package}/{folder}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    for path in js_files(JS_DIR):
        rel = path.relative_to(ROOT).as_posix()
        for lineno, msgid in iter_js_messages(path.read_text(encoding="utf-8")):
            catalog.add(msgid, locations=[(rel, lineno)])
    return catalog


def _python_format(catalog: Catalog) -> None:
    """Flag %-placeholders so msgfmt-style checks know to compare them."""
    for message in catalog:
        if message.id and "%(" in str(message.id if isinstance(message.id, str) else message.id[0]):
            message.flags.add("python-format")


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, include_previous=False)


def compile_catalog(po_path: Path) -> Path:
    catalog = read_catalog(po_path)
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return mo_path


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(template: Catalog) -> None:
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read_catalog(path, language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="plchoice", version="0.1", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()  # removed strings leave the catalog instead of lingering as #~ entries
        catalog.fuzzy = False  # the header is maintained here, not a draft
        catalog.last_translator = "PL Choice contributors"
        catalog.language_team = f"PL Choice translators ({language})"
        catalog.revision_date = template.creation_date
        write_catalog(catalog, path)
        compile_catalog(path)


def missing(language: str, template: Catalog) -> list[str]:
    path = po_path(language)
    if not path.exists():
        return [m.id for m in template if m.id]
    catalog = read_catalog(path, language)
    out = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is None or not entry.string or entry.fuzzy:
            out.append(message.id)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing translations")
    args = parser.parse_args(argv)
    template = build_template()
    _python_format(template)
    if args.check:
        problems = {lang: missing(lang, template) for lang in LANGUAGES}
        for lang, ids in problems.items():
            for msgid in ids:
                print(f"{lang}: missing translation for {msgid!r}")
        return 1 if any(problems.values()) else 0
    write_catalog(template, TEMPLATE)
    update(template)
    print(f"{len(template)} messages; catalogs updated for {', '.join(LANGUAGES)}")
    for lang in LANGUAGES:
        count = len(missing(lang, template))
        if count:
            print(f"{lang}: {count} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
