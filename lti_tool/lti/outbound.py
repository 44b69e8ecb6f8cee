"""Every HTTP call the tool makes to a platform (JWKS, tokens, NRPS, AGS, dynamic registration) goes through here.

Why not ``requests``: its timeouts are per socket operation, so a server that drips one byte a
second (in the headers or the body) holds a worker for as long as it likes; it follows
redirects unless told not to; and its failures arrive as a dozen exception types from two
libraries (urllib3's included), each a 500 waiting to happen. Here:

* each call has one wall-clock deadline, connect and read together: a watchdog shuts the socket
  down when it passes (that also ends a read blocked inside the header phase), and the body is
  read in chunks against the clock;
* no redirect is ever followed (a 3xx is an error: the registration names the URL);
* the body is capped;
* every failure is one :class:`OutboundError` with a ``kind``, which callers turn into a 4xx/502 or a retry.

What a remote server sent is never put into a message a person sees; it is logged at most, truncated.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from xblock_plchoice.core.i18n import gettext_noop as _

from .launch_errors import LtiError

log = logging.getLogger(__name__)

DEFAULT_DEADLINE = 10.0
DEFAULT_MAX_BYTES = 1024 * 1024
CHUNK = 16 * 1024
USER_AGENT = "PLChoice-LTI/1.0"

UNREACHABLE, TIMEOUT, REDIRECT, TOO_LARGE, BAD_STATUS, NOT_JSON = (
    "unreachable", "timeout", "redirect", "too_large", "bad_status", "not_json")

_MESSAGES = {
    UNREACHABLE: _("The platform at %(url)s could not be reached."),
    TIMEOUT: _("The platform at %(url)s did not answer in time."),
    REDIRECT: _("The platform at %(url)s answered with a redirect; PL Choice only calls the URLs the "
                "registration names."),
    TOO_LARGE: _("The platform's answer from %(url)s is too large."),
    BAD_STATUS: _("The platform at %(url)s answered with HTTP status %(answer)s."),
    NOT_JSON: _("The platform's answer from %(url)s is not the JSON PL Choice expects."),
}


class OutboundError(LtiError):
    """An outbound call failed; ``kind`` says how. ``sent`` is False when the request surely never left."""

    code = "platform_call_failed"
    status = 502
    title = _("The platform could not be reached")

    def __init__(self, kind: str, url: str, *, http_status: int | None = None, sent: bool = True) -> None:
        super().__init__(_MESSAGES[kind], url=_display(url), answer=http_status if http_status is not None else "")
        self.kind = kind
        self.url = url
        self.http_status = http_status
        self.sent = sent


def _display(url: str) -> str:
    """The URL without its query (which may carry a registration token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else "(invalid URL)"


@dataclass
class OutboundResponse:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self, limit: int = 200) -> str:
        """A short excerpt for logs and matching words, markup and control characters defused.

        Never for a page a person sees.
        """
        raw = self.body[:limit].decode("utf-8", "replace")
        return "".join(c if c.isprintable() and c not in "<>" else " " for c in raw)

    def json_object(self) -> dict[str, Any]:
        try:
            document = json.loads(self.body)
        except ValueError as exc:
            raise OutboundError(NOT_JSON, self.url) from exc
        if not isinstance(document, dict):
            raise OutboundError(NOT_JSON, self.url)
        return document

    def expect_ok(self) -> OutboundResponse:
        if not self.ok:
            log.info("Platform call to %s answered %s: %s", _display(self.url), self.status, self.text())
            raise OutboundError(BAD_STATUS, self.url, http_status=self.status)
        return self

    def links(self) -> dict[str, str]:
        """``Link`` header targets by ``rel`` (NRPS pages)."""
        from requests.utils import parse_header_links

        return {link["rel"]: link["url"] for link in parse_header_links(self.headers.get("Link", ""))
                if link.get("rel") and link.get("url")}


def _ssl_context() -> ssl.SSLContext:
    cafile = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    if not cafile:
        try:
            import certifi

            cafile = certifi.where()
        except ImportError:
            cafile = None
    return ssl.create_default_context(cafile=cafile)


class _Watchdog:
    """Shuts the connection's socket down when the deadline passes, whatever read it is blocked in."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.fired = False
        self.timer = threading.Timer(max(seconds, 0.0), self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def request(method: str, url: str, *, headers: Mapping[str, str] | None = None, json_body: Any = None,
            form: Mapping[str, str] | None = None, deadline: float = DEFAULT_DEADLINE,
            max_bytes: int = DEFAULT_MAX_BYTES) -> OutboundResponse:
    """One call, within ``deadline`` seconds in all; any status but a redirect comes back as a response.

    Raises :class:`OutboundError` (unreachable, timeout, redirect, too_large) for everything else.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError(UNREACHABLE, url, sent=False)
    send_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Connection": "close",
                    **(headers or {})}
    body: bytes | None = None
    if json_body is not None:
        body = json.dumps(json_body).encode()
        send_headers.setdefault("Content-Type", "application/json")
    elif form is not None:
        body = urlencode(form).encode()
        send_headers["Content-Type"] = "application/x-www-form-urlencoded"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    ends_at = time.monotonic() + deadline
    sent = False
    try:
        port = parts.port
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=deadline, context=_ssl_context())
        else:
            connection = http.client.HTTPConnection(parts.hostname, port, timeout=deadline)
        with _Watchdog(connection, deadline) as watchdog:
            try:
                connection.request(method, path, body=body, headers=send_headers)
                sent = True
                response = connection.getresponse()
                status, response_headers = response.status, response.headers
                if 300 <= status < 400:
                    log.info("Platform call to %s answered a redirect (%s); not followed.", _display(url), status)
                    raise OutboundError(REDIRECT, url, http_status=status)
                data = _read_body(response, url, ends_at, max_bytes)
            finally:
                connection.close()
        if watchdog.fired:
            raise OutboundError(TIMEOUT, url, sent=sent)
    except OutboundError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:  # socket, TLS, protocol, bad URL or header
        kind = TIMEOUT if time.monotonic() >= ends_at or isinstance(exc, TimeoutError) else UNREACHABLE
        log.info("Platform call to %s failed (%s): %s", _display(url), kind, str(exc)[:200])
        raise OutboundError(kind, url, sent=sent) from exc
    return OutboundResponse(url, status, dict(response_headers.items()), data)


def _read_body(response: http.client.HTTPResponse, url: str, ends_at: float, max_bytes: int) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise OutboundError(TOO_LARGE, url)
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() >= ends_at:
            raise OutboundError(TIMEOUT, url)
        chunk = response.read1(CHUNK)
        if not chunk:
            if response.length:  # the server closed before sending what Content-Length promised
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise OutboundError(TOO_LARGE, url)
        chunks.append(chunk)


def get_json(url: str, *, headers: Mapping[str, str] | None = None, deadline: float = DEFAULT_DEADLINE,
             max_bytes: int = DEFAULT_MAX_BYTES, method: str = "GET", json_body: Any = None) -> dict[str, Any]:
    """A 2xx JSON object, or :class:`OutboundError` (bad_status, not_json, or a network kind)."""
    return request(method, url, headers=headers, json_body=json_body, deadline=deadline,
                   max_bytes=max_bytes).expect_ok().json_object()
