"""Ralph (``ralph-malph``, the Open edX ecosystem's LRS) in a virtualenv of its own.

Its ``[cli]`` extra pins an older click than ours, so it never shares the project's
venv: the first test that needs it builds ``.venv-ralph`` with pip from the registry
(``scripts/system_deps.sh`` builds it up front for ``make test``), and everything
Ralph does (validating statements, serving the LRS) runs there as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = Path(os.environ.get("PLCHOICE_RALPH_VENV", ROOT / ".venv-ralph"))
RALPH_REQUIREMENT = "ralph-malph[cli,lrs]==5.1.0"


def ralph_python() -> Path:
    """The Ralph venv's interpreter, building the venv first if it is missing or incomplete."""
    python = RALPH_VENV / "bin" / "python"
    marker = RALPH_VENV / ".plchoice-installed"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(RALPH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", RALPH_REQUIREMENT], check=True, timeout=900)
        marker.write_text(RALPH_REQUIREMENT)
    return python


_VALIDATE = r"""
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
errors = []
for number, statement in enumerate(json.load(sys.stdin)):
    try:
        BaseXapiStatement(**statement)
    except Exception as exc:
        errors.append(f"statement {number}: {exc}")
json.dump(errors, sys.stdout)
"""


def validation_errors(statements: list[dict]) -> list[str]:
    """What Ralph's pydantic xAPI models say is wrong with each statement (empty: all valid)."""
    done = subprocess.run([str(ralph_python()), "-c", _VALIDATE], input=json.dumps(statements), text=True,
                          capture_output=True, timeout=120, check=True)
    return json.loads(done.stdout)
