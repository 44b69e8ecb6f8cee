"""The workbench's URLs plus ``/favicon.ico`` from our static folder, so no page logs a 404 for it."""

from __future__ import annotations

import importlib.resources

from django.http import HttpRequest, HttpResponse
from django.urls import path
from workbench.urls import urlpatterns as workbench_urlpatterns


def favicon(request: HttpRequest) -> HttpResponse:
    """The same icon the LTI tool serves (static/img/favicon.ico ships with the package)."""
    data = importlib.resources.files("xblock_plchoice").joinpath("static/img/favicon.ico").read_bytes()
    response = HttpResponse(data, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [path("favicon.ico", favicon, name="plchoice_favicon"), *workbench_urlpatterns]
