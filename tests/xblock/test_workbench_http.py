"""The workbench over real HTTP: scenarios list both blocks, the page wires the front end, handlers answer."""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
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
