"""Hostile HTTP servers on loopback: what a rogue or broken platform can answer to the tool's outbound calls.

One raw socket server per test, so it can break HTTP itself (drip bytes, lie about lengths, send garbage),
which ``http.server`` would not let it do. Each mode is one behaviour; ``/token`` always answers a valid
access token so a service call reaches the hostile part. Every connection is counted, and a drip never
lasts longer than ``MAX_DRIP`` seconds, so an unfixed tool fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import socket
import threading
import time

MAX_DRIP = 20.0
SCRIPT = b"<script>alert('pwned')</script>"


class HostileServer:
    """``mode``: redirect, drip_headers, drip_body, garbage, close_mid_body, huge, script, ok_json."""

    def __init__(self, mode: str, *, redirect_to: str = "", body: bytes = b"") -> None:
        self.mode, self.redirect_to, self.body = mode, redirect_to, body
        self.hits = 0
        self.paths: list[str] = []
        self.forms: list[bytes] = []
        self.keys: list[dict] = []  # TestPlatform.register() writes its public key here
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    @property
    def url(self) -> str:
        return self.base + "/jwks"

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _read_request(self, conn: socket.socket) -> tuple[str, bytes]:
        data = b""
        conn.settimeout(5)
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        return (request_line.split(" ")[1] if " " in request_line else ""), rest

    def _handle(self, conn: socket.socket) -> None:
        try:
            path, body = self._read_request(conn)
            self.hits += 1
            self.paths.append(path)
            if path.startswith("/token"):
                self.forms.append(body)
                self._send(conn, 200, json.dumps({"access_token": "hostile-token", "token_type": "Bearer",
                                                  "expires_in": 3600}).encode())
            else:
                getattr(self, "_" + self.mode)(conn)
        except OSError:
            pass
        finally:
            conn.close()

    @staticmethod
    def _send(conn: socket.socket, status: int, body: bytes, content_type: str = "application/json") -> None:
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode() + body)

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        started = time.monotonic()
        for byte in data:
            if self._stop.is_set() or time.monotonic() - started > MAX_DRIP:
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.2)

    # the modes -----------------------------------------------------------------------------
    def _ok_json(self, conn: socket.socket) -> None:
        self._send(conn, 200, self.body or json.dumps({"keys": self.keys}).encode())

    def _redirect(self, conn: socket.socket) -> None:
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {self.redirect_to}\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n".encode())

    def _drip_headers(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        self._drip(conn, b"X-Slow: " + b"a" * 1000 + b"\r\n\r\n{}")

    def _drip_body(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        self._drip(conn, b"{" + b" " * 998 + b"}")

    def _garbage(self, conn: socket.socket) -> None:
        conn.sendall(b"\x00\xffTHIS IS NOT HTTP " + SCRIPT + b"\r\n\r\n")

    def _close_mid_body(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"keys\": [")

    def _huge(self, conn: socket.socket) -> None:
        size = 64 * 1024 * 1024
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode())
        block = b" " * 65536
        for _ in range(size // len(block)):
            if self._stop.is_set():
                return
            conn.sendall(block)

    def _script(self, conn: socket.socket) -> None:
        self._send(conn, 500, b"<html><body>" + SCRIPT + b"</body></html>", "text/html")


class CountingServer(HostileServer):
    """Where a redirect points: it must never be called."""

    def __init__(self) -> None:
        super().__init__("ok_json", body=b"{}")
