"""Handler tests on the real xblock-sdk workbench runtime, with edx-submissions migrated.

Django is set up once per session with our workbench settings on a throwaway
``PLCHOICE_VAR_DIR``; every test runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from importlib.metadata import EntryPoint, entry_points

import pytest

# A checkout that was not pip-installed: import the package from the source tree.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_VAR = tempfile.mkdtemp(prefix="plchoice-xblock-tests-")
os.environ["PLCHOICE_VAR_DIR"] = _VAR
os.environ["DJANGO_SETTINGS_MODULE"] = "xblock_plchoice.workbench.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from xblock.core import XBlock  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)

# A source checkout that was not pip-installed has no xblock.v1 entry points: add ours.
_OURS = {"plchoice": "xblock_plchoice.blocks.choice:PLChoiceBlock",
         "plreflection": "xblock_plchoice.blocks.reflection:PLReflectionBlock"}
_installed = {e.name for e in entry_points(group="xblock.v1")}
for _name, _target in _OURS.items():
    if _name not in _installed:
        XBlock.extra_entry_points.append((_name, EntryPoint(_name, _target, "xblock.v1")))

from .helpers import Harness  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _var_dir():
    yield _VAR
    shutil.rmtree(_VAR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _rollback():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def choice():
    return Harness('<plchoice display_name="Photosynthesis" />')


@pytest.fixture
def reflection():
    return Harness('<plreflection display_name="Reflect" />')
