"""Set-up controls over HTTP, so a platform running in its own process can be prepared remotely.

The benchmark runs the platform in a separate process (an in-process platform
shares the client's CPU and GIL and dominates the figures), so registering a
tool and adding a resource link must work over HTTP as they do in memory
(:meth:`demo_platform.PlatformServer.register_tool`). Like ``/_state`` and
``/_faults``, these are demo and test controls of a loopback platform.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from .launches import state
from .state import PlatformState, ToolClient

bp = Blueprint("controls", __name__)


def client_for_tool(st: PlatformState, tool_url: str, client_id: str, **extra: object) -> ToolClient:
    """Add the tool at ``tool_url`` as a client (the platform side of a manual registration)."""
    from .shapes import deployment_id_for

    base = tool_url.rstrip("/")
    client = ToolClient(client_id=client_id, deployment_id=deployment_id_for(st.shape, client_id),
                        login_url=base + "/lti/login", launch_url=base + "/lti/launch",
                        jwks_url=base + "/lti/jwks", redirect_uris=[base + "/lti/launch"], **extra)
    return st.add_client(client)


@bp.post("/_clients")
def add_client():
    """``{"tool_url", "client_id"}`` (a PL Choice tool) or a full client: ``login_url``, ``launch_url``,
    ``jwks_url`` (any tool, such as the benchmark's pylti1p3 baseline)."""
    data = request.get_json(force=True, silent=True) or {}
    client_id = str(data.get("client_id") or "")
    if not client_id:
        abort(400, "client_id is required.")
    if data.get("tool_url"):
        client = client_for_tool(state(), str(data["tool_url"]), client_id)
    else:
        urls = {name: str(data.get(name) or "") for name in ("login_url", "launch_url", "jwks_url")}
        if not all(urls.values()):
            abort(400, "tool_url, or login_url, launch_url and jwks_url, are required.")
        from .shapes import deployment_id_for

        client = state().add_client(ToolClient(client_id=client_id,
                                               deployment_id=str(data.get("deployment_id") or
                                                                 deployment_id_for(state().shape, client_id)),
                                               redirect_uris=[urls["launch_url"]], **urls))
    return jsonify({"client_id": client.client_id, "deployment_id": client.deployment_id})


@bp.post("/_links")
def add_link():
    """``{"client_id", "item": {"url", "title", "custom", "lineItem"}}``: a resource link in the course."""
    data = request.get_json(force=True, silent=True) or {}
    if state().client(str(data.get("client_id") or "")) is None or not isinstance(data.get("item"), dict):
        abort(400, "A registered client_id and an item are required.")
    return jsonify(state().add_link(str(data["client_id"]), data["item"]))
