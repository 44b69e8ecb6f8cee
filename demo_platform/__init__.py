"""A small but real LTI 1.3 platform on ``lti1p3platform``, for ``make demo`` and the LTI end-to-end tests.

It speaks to the tool only over HTTP: OIDC login initiation, the signed id_token
form post, the deep-linking return, AGS line items and scores (with switchable
faults), the client-credentials token endpoint, NRPS, JWKS and Dynamic
Registration. It can shape its launches as Moodle or Canvas do
(:mod:`demo_platform.shapes`).
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .state import PlatformState, ToolClient

__all__ = ["PlatformState", "ToolClient", "create_app", "PlatformServer"]


def create_app(issuer: str, shape: str = "generic") -> Flask:
    """The platform app for ``issuer`` (its own base URL), speaking as ``shape``."""
    from . import controls, dynreg, launches, services
    from .shapes import SHAPES

    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    app = Flask(__name__)
    app.extensions["demo_platform"] = PlatformState(issuer.rstrip("/"), shape)
    app.register_blueprint(launches.bp)
    app.register_blueprint(services.bp)
    app.register_blueprint(dynreg.bp)
    app.register_blueprint(controls.bp)
    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Tests and the demo print their own summary; one line per request drowns it."""


class PlatformServer:
    """The platform on a free loopback port, in a thread: ``start()``, ``stop()``, ``url``, ``state``."""

    def __init__(self, shape: str = "generic", host: str = "127.0.0.1", port: int = 0) -> None:
        import socket

        if port == 0:
            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.url = f"http://{host}:{port}"
        self.app = create_app(self.url, shape)
        self.server: BaseWSGIServer = make_server(host, port, self.app, threaded=True,
                                                    request_handler=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="demo-platform", daemon=True)

    @property
    def state(self) -> PlatformState:
        return self.app.extensions["demo_platform"]

    def start(self) -> PlatformServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def register_tool(self, tool_url: str, client_id: str = "demo-client", **extra: Any) -> ToolClient:
        """Add the tool as a client here (the platform side of a manual registration)."""
        from .controls import client_for_tool

        return client_for_tool(self.state, tool_url, client_id, **extra)
