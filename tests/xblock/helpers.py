"""Helpers for the handler tests: load OLX once, call handlers as different workbench users."""

from __future__ import annotations

import json

from webob import Request
from workbench.runtime import WorkbenchRuntime

from xblock_plchoice.workbench.services import anonymous_id_for


class Harness:
    """Loads OLX once and fetches the same block as different workbench users."""

    def __init__(self, olx: str) -> None:
        self.usage_id = WorkbenchRuntime("author").parse_xml_string(olx)

    def block(self, user_id: str):
        return WorkbenchRuntime(user_id).get_block(self.usage_id)

    @staticmethod
    def call(block, handler: str, payload=None, *, method: str = "POST", body: bytes | None = None,
             suffix: str = "", content_type: str = "application/json", query: str = ""):
        request = Request.blank(f"/handler/{handler}" + (f"?{query}" if query else ""), method=method)
        if body is None and payload is not None:
            body = json.dumps(payload).encode()
        if body is not None:
            request.body = body
            request.content_type = content_type
        response = block.runtime.handle(block, handler, request, suffix)
        return response

    def json(self, user_id: str, handler: str, payload=None, **kwargs):
        response = self.call(self.block(user_id), handler, payload if payload is not None else {}, **kwargs)
        return response.status_int, json.loads(response.body) if response.body else None


def anon(user_id: str) -> str:
    return anonymous_id_for(user_id)


def multipart(filename: str, data: bytes, content_type: str = "application/octet-stream",
              fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body with one ``file`` part, as a browser sends it."""
    boundary = "plchoice-test-boundary"
    parts = []
    for name, value in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(harness: Harness, user_id: str, filename: str, data: bytes, kind: str = "file",
           content_type: str = "application/octet-stream"):
    body, ctype = multipart(filename, data, content_type, {"kind": kind})
    response = harness.call(harness.block(user_id), "upload", body=body, content_type=ctype)
    return response.status_int, json.loads(response.body)
