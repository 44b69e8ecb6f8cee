"""``python -m demo_platform.platform_runner --port 8001``: the demo platform alone, in its own process.

For the launch benchmark: the platform signs id_tokens (RS256) and serves its
JWKS for both tools, so it must not share a process (and a GIL) with the
client that measures them. Set it up over HTTP (:mod:`demo_platform.controls`).
"""

from __future__ import annotations

import argparse
import signal
import sys

from . import PlatformServer
from .shapes import SHAPES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_platform.platform_runner")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--shape", choices=SHAPES, default="generic")
    args = parser.parse_args(argv)
    server = PlatformServer(args.shape, port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"platform serving on {server.url}", flush=True)
    try:
        server.server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
