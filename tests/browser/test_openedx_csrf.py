"""The LMS's CSRF convention, checked on every request the front end makes in chromium.

edx-platform's ``handle_xblock_callback`` runs ``CsrfViewMiddleware().process_view`` for
session-authenticated users, so every POST to a handler must carry Django's token from the
``csrftoken`` cookie in the ``X-CSRFToken`` header (fetch for commands, XMLHttpRequest for
uploads). The workbench's handler view is ``csrf_exempt``, so this test is what holds it.
"""

from __future__ import annotations

import pytest

from .pages import CHOICE_ONLY, choose, open_block, upload_file

pytestmark = pytest.mark.browser


def test_every_handler_post_carries_the_csrf_cookie_in_x_csrftoken(workbench, new_page):
    page = new_page()
    posts = []
    page.on("request", lambda request: posts.append(request) if (
        request.method == "POST" and "/handler/" in request.url) else None)
    root = open_block(page, workbench.scenario(CHOICE_ONLY, "carmen"))
    choose(root, "Write an explanation")
    upload_file(page, root, "notes.txt", b"light and water\n")
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    assert cookie
    kinds = {request.url.split("/handler/", 1)[1].split("/")[1] for request in posts}
    assert {"state", "choose", "upload"} <= kinds, kinds
    for request in posts:
        assert request.headers.get("x-csrftoken") == cookie, request.url
        assert request.headers.get("x-requested-with") == "XMLHttpRequest", request.url
