"""The workbench over real HTTP: scenarios list both blocks, the page wires the front end, handlers answer."""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.wsgi import get_wsgi_application


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture
def server():
    httpd = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def _rollback():
    """Override: the server thread has its own connection, so this test commits (to the throwaway DB)."""
    yield


def test_unit_scenario_renders_both_blocks_and_a_handler_answers(server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    index = opener.open(server + "/").read().decode()
    assert "PL Choice: reflection and choice in one unit" in index
    page = opener.open(f"{server}/scenario/plchoice.0/?student=alice").read().decode()
    assert page.count("PLChoiceXBlock") >= 2 and "plchoice-plreflection" in page and "plchoice-plchoice" in page
    init_args = [json.loads(m) for m in re.findall(r'<script type="json/xblock-args" class="xblock_json_init_args">'
                                                   r"\s*(\{.*?\})\s*</script>", page, re.S)]
    assert {a["block_type"] for a in init_args} == {"plchoice", "plreflection"}
    choice_args = next(a for a in init_args if a["block_type"] == "plchoice")
    css = opener.open(server + re.search(r"href=['\"]([^'\"]*plchoice/static/css/plchoice\.css)", page).group(1))
    assert css.status == 200
    js = opener.open(server + choice_args["static_base"] + "js/app.js")
    assert js.status == 200 and "javascript" in js.headers["Content-Type"]
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    request = urllib.request.Request(server + choice_args["handlers"]["state"], data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json", "X-CSRFToken": csrf,
                                              "Referer": server + "/"})
    state = json.loads(opener.open(request).read())
    assert state["role"] == "learner" and state["activity"]["kind"] == "choice"


def test_upload_through_the_django_bridge(server):
    """Uploads over real HTTP reach the block as Django's uploaded files, not webob's FieldStorage."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{server}/scenario/plchoice.0/?student=bridge").read().decode()
    args = next(a for a in (json.loads(m) for m in re.findall(
        r'<script type="json/xblock-args" class="xblock_json_init_args">\s*(\{.*?\})\s*</script>', page, re.S))
        if a["block_type"] == "plchoice")
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    headers = {"X-CSRFToken": csrf, "Referer": server + "/"}

    def post(url, body, content_type):
        request = urllib.request.Request(server + url, data=body, method="POST",
                                         headers={**headers, "Content-Type": content_type})
        try:
            response = opener.open(request)
            return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    assert post(args["handlers"]["choose"], b'{"option_id": "write"}', "application/json")[0] == 200
    boundary = "plcboundary"
    pdf = b"%PDF-1.4\n evidence"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nfile\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"essay.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    status, view = post(args["upload_url"], body, f"multipart/form-data; boundary={boundary}")
    assert status == 200, view
    assert view["name"] == "essay.pdf" and view["size"] == len(pdf) and view["mime"] == "application/pdf"
    fake = body.replace(pdf, b"<script>alert(1)</script>")
    status, error = post(args["upload_url"], fake, f"multipart/form-data; boundary={boundary}")
    assert status == 415 and error["error"] == "unsupported_file"
