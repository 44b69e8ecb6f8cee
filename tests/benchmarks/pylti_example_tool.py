"""The baseline for ``bench_lti.py``: a minimal pylti1p3 Flask tool written as the library's example does.

Same shape as pylti1p3's Flask example ("game"): ``ToolConfJsonFile``, a
``FlaskCacheDataStorage`` over flask-caching, ``FlaskOIDCLogin(...).redirect()``
and ``FlaskMessageLaunch(...).get_launch_data()``, then a rendered page. The
example's ``enable_check_cookies()`` page is left out: it needs JavaScript,
and the benchmark client (like our tool's test browser) does not run any.
Configured by ``BENCH_PYLTI_CONFIG`` (the tool JSON) and ``BENCH_PYLTI_URL``.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, render_template_string
from flask_caching import Cache
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.tool_config import ToolConfJsonFile

app = Flask(__name__)
app.config.update(SECRET_KEY="bench-secret", SESSION_TYPE="filesystem", CACHE_TYPE="SimpleCache",
                  CACHE_DEFAULT_TIMEOUT=600, SESSION_COOKIE_SAMESITE="Lax")
cache = Cache(app)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Game</title></head>
<body><h1>Hello {{ name }}</h1><p>Launch {{ launch_id }}; {{ 'teacher' if staff else 'student' }}.</p></body></html>"""


def tool_conf() -> ToolConfJsonFile:
    return ToolConfJsonFile(os.environ["BENCH_PYLTI_CONFIG"])


@app.route("/login", methods=["GET", "POST"])
def login():
    flask_request = FlaskRequest()
    target_link_uri = flask_request.get_param("target_link_uri")
    oidc_login = FlaskOIDCLogin(flask_request, tool_conf(), launch_data_storage=FlaskCacheDataStorage(cache))
    return oidc_login.redirect(target_link_uri)


@app.route("/launch", methods=["POST"])
def launch():
    flask_request = FlaskRequest()
    message_launch = FlaskMessageLaunch(flask_request, tool_conf(), launch_data_storage=FlaskCacheDataStorage(cache))
    data = message_launch.get_launch_data()
    return render_template_string(PAGE, name=data.get("name", ""), launch_id=message_launch.get_launch_id(),
                                  staff=message_launch.check_teacher_access())


@app.route("/jwks")
def jwks():
    return jsonify({"keys": tool_conf().get_jwks()})
