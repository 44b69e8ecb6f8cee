"""Helpers for the S3 blob tests and benchmark: a bucket on the moto server, a learner of the real tool who
uploads a streamed multipart body of fake media, and the peak RSS of another process (``/proc/<pid>/status``)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xblock_plchoice.core.activity import default_choice_definition

from ..platform_fixtures import Browser, connect, launch_config

MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def aws_env(endpoint: str) -> dict[str, str]:
    """The standard boto3 environment pointing at ``endpoint`` with dummy credentials (and no local profiles)."""
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "plchoice-test", "AWS_SECRET_ACCESS_KEY": "not-secret",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}


@dataclass
class Bucket:
    """One fresh bucket on the moto server; ``env`` is what a tool process needs to use it."""

    endpoint: str
    name: str = field(default_factory=lambda: f"plc-{secrets.token_hex(5)}")
    prefix: str = "evidence"

    def __post_init__(self) -> None:
        import boto3

        env = aws_env(self.endpoint)
        self.client = boto3.client("s3", endpoint_url=self.endpoint, region_name=env["AWS_DEFAULT_REGION"],
                                   aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                   aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
        self.client.create_bucket(Bucket=self.name)

    @property
    def url(self) -> str:
        return f"s3://{self.name}/{self.prefix}"

    @property
    def env(self) -> dict[str, str]:
        return {**aws_env(self.endpoint), "PLCHOICE_BLOB_URL": self.url}

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def pending_uploads(self) -> list[dict[str, Any]]:
        return self.client.list_multipart_uploads(Bucket=self.name).get("Uploads", [])

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def media_bytes(size: int, head: bytes = MP4_HEAD, block: int = MIB) -> Iterator[bytes]:
    """``size`` bytes of a fake mp4 (a real signature, then a repeating pattern), in blocks."""
    pattern = (bytes(range(256)) * (block // 256 + 1))[:block]
    yield head
    left = size - len(head)
    while left > 0:
        piece = pattern[:min(block, left)]
        left -= len(piece)
        yield piece


def media_payload(size: int) -> bytes:
    return b"".join(media_bytes(size))


class StreamedUpload:
    """A ``multipart/form-data`` body produced while it is sent (``requests`` reads it in blocks and knows
    its length), so a 200 MB upload costs the sender no memory either."""

    def __init__(self, fields: dict[str, str], filename: str, size: int) -> None:
        self.boundary = "plc" + secrets.token_hex(12)
        head = b"".join(f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                        .encode() for name, value in fields.items())
        head += (f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n").encode()
        tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.len = len(head) + size + len(tail)
        self._parts = iter([head, *media_bytes(size), tail])
        self._current = memoryview(b"")

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def read(self, amount: int = -1) -> bytes:
        """Up to ``amount`` bytes (at most one block at a time; the caller loops until b"")."""
        while not self._current:
            part = next(self._parts, None)
            if part is None:
                return b""
            self._current = memoryview(part)
        size = len(self._current) if amount < 0 else amount
        out, self._current = self._current[:size], self._current[size:]
        return bytes(out)


def status_kib(pid: int, name: str) -> int:
    """A ``VmHWM``/``VmRSS``-style line of ``/proc/<pid>/status``, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise KeyError(name)


def reset_peak_rss(pid: int) -> None:
    """Make ``VmHWM`` start again from the current RSS (Linux ``clear_refs`` 5), so a peak is this step's."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def launched_learner(lms: Callable[[str], Any], tool: Callable[..., Any], **env: str) -> tuple:
    """A platform, a tool process (with ``env``), an activity, and a learner who chose the audio/video option."""
    platform, server = lms("generic"), tool(**env)
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    learner = Browser(platform, server, "learner-1")
    page = learner.launch("link", link=link["id"])
    assert page.status_code == 200, learner.diagnose(page)
    chosen = learner.api(page.text, "choose", {"option_id": "record"})
    assert chosen.status_code == 200, chosen.text
    return server, platform, link, learner, page.text


def upload(browser: Browser, page_html: str, size: int, name: str = "talk.mp4") -> dict:
    """``size`` bytes of fake mp4 as video evidence, streamed through ``/api/upload``; the file's view."""
    transport = launch_config(page_html)["transport"]
    body = StreamedUpload({"kind": "video"}, name, size)
    headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"],
               "Content-Type": body.content_type}
    answer = browser.http.post(f"{transport['apiBase']}/upload", data=body, headers=headers, timeout=600)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def file_url(page_html: str, file_id: str, secret_key: str = "e2e-secret") -> str:
    """A download link of ``file_id`` signed, as the tool signs them, for the launch of ``page_html``.

    The tool hands each launch links to its own files only; this makes the link another launch (staff,
    or another learner) would present, so the test sees the permission check, not the signature check.
    """
    from urllib.parse import quote

    from lti_tool.web.security import file_resource, signed_query_with

    transport = launch_config(page_html)["transport"]
    query = signed_query_with(secret_key, transport["launchId"], file_resource(file_id))
    return f"{transport['apiBase']}/files/{quote(file_id, safe='')}?{query}"
