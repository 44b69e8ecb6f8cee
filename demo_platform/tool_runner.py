"""Run the PL Choice tool with its AGS outbox worker, for the demo and the end-to-end tests.

``python -m demo_platform.tool_runner --port 8000`` serves ``lti_tool.create_app()``
(settings from ``PLCHOICE_*``) on loopback with a threaded server, and starts the
outbox delivery thread in the same process, so killing this process is a real
"tool restart" for the outbox tests.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request would bury the test output."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_platform.tool_runner")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-outbox", action="store_true", help="do not start the AGS delivery thread")
    args = parser.parse_args(argv)

    if args.no_outbox:  # create_app starts the delivery thread unless this says no
        os.environ["PLCHOICE_OUTBOX_WORKER"] = "0"
    from lti_tool import create_app

    app = create_app()
    server = make_server(args.host, args.port, app, threaded=True, request_handler=_QuietHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # terminate() from a test: exit cleanly
    print(f"tool serving on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
