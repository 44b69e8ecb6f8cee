"""Fragments for the LMS, Studio and mobile: a small escaped shell plus the shared front end.

The page itself is built by the front end (``static/js``) from the state view,
so the server renders only a container, a loading line and a no-script
message, with every value escaped. The classic ``xblock_init.js`` receives the
handler URLs and translations in ``initialize_js`` args and imports the ES
modules from ``static_base``.
"""

from __future__ import annotations

import html
from string import Template
from typing import Any

from web_fragments.fragment import Fragment

from ..core.i18n import gettext_noop as _
from .i18n import BlockTranslator

JS_INIT = "PLChoiceXBlock"
CSRF_COOKIE = "csrftoken"
#: A URL-safe stand-in: runtimes percent-encode braces in handler suffixes.
FILE_ID_SLOT = "plchoice-file-id-slot"

SHELL = Template(
    '<div class="plchoice-xblock plchoice-$block_type" data-block-type="$block_type" data-view="$view" '
    'lang="$lang" dir="$dir">\n'
    '  <section class="plchoice-root" aria-label="$label" aria-busy="true">\n'
    '    <p class="plchoice-loading">$loading</p>\n'
    '  </section>\n'
    '  <noscript><p>$noscript</p></noscript>\n'
    '</div>\n'
)

LOADING = _("Loading…")
NOSCRIPT = _("This activity needs JavaScript. Turn it on in your browser to take part.")


def js_messages(translator: BlockTranslator) -> dict[str, str]:
    """Translations of the front end's strings (``i18n_js``); the whole catalog if that module is absent."""
    try:
        from ..i18n_js import js_catalog
    except ImportError:
        return translator.catalog_messages()
    return js_catalog(translator.gettext)


def shell_html(block_type: str, view: str, translator: BlockTranslator, label: str) -> str:
    esc = html.escape
    return SHELL.substitute(
        block_type=esc(block_type), view=esc(view), lang=esc(translator.language), dir=esc(translator.dir),
        label=esc(label), loading=esc(translator.gettext(LOADING)), noscript=esc(translator.gettext(NOSCRIPT)),
    )


def build_fragment(block: Any, view: str, handlers: dict[str, str], extra_args: dict[str, Any]) -> Fragment:
    """The fragment for ``view`` (``learner``, ``staff`` or ``studio``)."""
    translator = BlockTranslator(block)
    runtime = block.runtime
    resource = lambda path: runtime.local_resource_url(block, path)  # noqa: E731
    frag = Fragment(shell_html(block.scope_ids.block_type, view, translator, block.display_name))
    frag.add_css_url(resource("static/css/plchoice.css"))
    frag.add_javascript_url(resource("static/js/xblock_init.js"))
    args = {
        "block_type": block.scope_ids.block_type,
        "view": view,
        "lang": translator.language,
        "dir": translator.dir,
        "i18n": js_messages(translator),
        "handlers": handlers,
        "upload_url": runtime.handler_url(block, "upload"),
        "file_url_template": runtime.handler_url(block, "file", FILE_ID_SLOT).replace(FILE_ID_SLOT, "{file_id}"),
        "export_url": runtime.handler_url(block, "export"),
        "csrf_cookie": CSRF_COOKIE,
        "static_base": resource("static/"),
        **extra_args,
    }
    frag.initialize_js(JS_INIT, args)
    return frag
