"""Run the xblock-sdk workbench (``django-admin`` commands) from a source checkout.

A checkout that was not pip-installed has no ``xblock.v1`` entry points, so this adds
ours before Django starts; an installed package is used as it is. The browser tests
start ``runserver`` through this file in a subprocess.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import EntryPoint, entry_points

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS = {"plchoice": "xblock_plchoice.blocks.choice:PLChoiceBlock",
        "plreflection": "xblock_plchoice.blocks.reflection:PLReflectionBlock"}


def main() -> None:
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xblock_plchoice.workbench.settings")
    from xblock.core import XBlock

    installed = {e.name for e in entry_points(group="xblock.v1")}
    for name, target in OURS.items():
        if name not in installed:
            XBlock.extra_entry_points.append((name, EntryPoint(name, target, "xblock.v1")))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["django-admin", *sys.argv[1:]])


if __name__ == "__main__":
    main()
