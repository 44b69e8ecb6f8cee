"""What every response tells the browser, set in one ``after_request`` hook rather than per view.

* Every HTML page the tool serves (launch, platform-storage pages, deep linking,
  registration, error and 404 pages) gets a Content-Security-Policy, ``nosniff``
  and ``Cache-Control: no-store`` (pages carry launch ids and CSRF tokens).
  Scripts come from the tool's origin only; a template with an inline script
  marks it ``nonce="{{ csp_nonce() }}"``, and the nonce (new for each response)
  is added to ``script-src`` only when a template asked for it.
* Every ``/api`` answer, errors included, is ``no-store``. The JWKS, the Canvas
  JSON and the static files keep the public caching their views set.
* A view that posts a form to another site (deep linking returns its JWT to the
  LMS) names that target with :func:`allow_form_target`.

``frame-ancestors``: the LMS must frame the tool, and listing registered platforms is not
enough. Canvas registrations name ``canvas.instructure.com`` / ``sso.canvaslms.com``, but
its pages (and so the tool's parent frames) live on each school's account domain
(``school.instructure.com`` or a custom domain) that no registration mentions. The
strictest policy that works is therefore "any https page" (``'self' https:``): it
still refuses plain-http framers (a network attacker's page). A tool whose own base
URL is plain http is a development setup; it also accepts loopback http framers (the
demo platform on ``http://localhost``/``127.0.0.1``).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request

from lti_tool.services import services

LOOPBACK_FRAMERS = "http://localhost:* http://127.0.0.1:*"  # chromium rejects an IPv6 literal with a port wildcard here
BASE_POLICY = ("default-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:",
               "connect-src 'self'", "object-src 'none'", "base-uri 'none'")


def csp_nonce() -> str:
    """This response's script nonce (made on first use; templates call it as ``csp_nonce()``)."""
    if "plc_csp_nonce" not in g:
        g.plc_csp_nonce = secrets.token_urlsafe(18)
    return g.plc_csp_nonce


def allow_form_target(url: str) -> None:
    """Let this response's page post a form to ``url``'s origin (CSP ``form-action``)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        g.setdefault("plc_form_targets", set()).add(f"{parts.scheme}://{parts.netloc}")


def frame_ancestors() -> str:
    framers = "'self' https:"
    if services().settings.base_url.startswith("http://"):
        framers += " " + LOOPBACK_FRAMERS
    return "frame-ancestors " + framers


def page_policy() -> str:
    scripts = "script-src 'self'"
    if "plc_csp_nonce" in g:
        scripts += f" 'nonce-{g.plc_csp_nonce}'"
    forms = " ".join(["'self'", *sorted(g.get("plc_form_targets", ()))])
    return "; ".join([*BASE_POLICY, scripts, "form-action " + forms, frame_ancestors()])


def apply_browser_policy(response: Response) -> Response:
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":
        # A download served as HTML keeps its own (sandboxed) policy.
        response.headers.setdefault("Content-Security-Policy", page_policy())
        response.headers["Cache-Control"] = "no-store"
    elif request.path.startswith("/api/") and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(apply_browser_policy)
