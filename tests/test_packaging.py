"""A built wheel, installed non-editable into a fresh venv, finds its static files and translations.

The venv has no dependencies (``--no-deps``): the core is pure Python, so this
also proves the core and its catalogs work outside Open edX and Flask.
"""

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = textwrap.dedent("""
    import json, sys
    from importlib.resources import files
    from importlib.util import find_spec
    from pathlib import Path
    import xblock_plchoice
    from xblock_plchoice.core.i18n import translation_for
    from xblock_plchoice.core.activity import parse_activity, default_choice_definition
    pkg = files("xblock_plchoice")
    out = {
        "location": xblock_plchoice.__file__,
        "app_js": (pkg / "static" / "js" / "app.js").is_file(),
        "xblock_init": (pkg / "static" / "js" / "xblock_init.js").is_file(),
        "css": (pkg / "static" / "css" / "plchoice.css").is_file(),
        "es_mo": (pkg / "translations" / "es" / "LC_MESSAGES" / "text.mo").is_file(),
        "ar_mo": (pkg / "translations" / "ar" / "LC_MESSAGES" / "text.mo").is_file(),
        "es": translation_for("es").gettext("This field is required."),
        "ar": translation_for("ar").gettext("This field is required."),
        "activity": parse_activity(default_choice_definition()).title,
        # find_spec locates lti_tool without importing it (it needs Flask, not installed here)
        "lti_templates": sorted(p.name for p in (Path(find_spec("lti_tool").submodule_search_locations[0])
                                                 / "web" / "templates").iterdir()),
    }
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    wheels = list(out.glob("plchoice-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_installed_in_fresh_venv_finds_static_and_translations(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True,
                   capture_output=True)
    result = subprocess.run([str(python), "-c", CHECK], check=True, capture_output=True, text=True,
                            cwd=tmp_path)
    import json

    found = json.loads(result.stdout)
    assert str(env_dir) in found["location"], "imported from the source tree, not the wheel"
    assert found["app_js"] and found["xblock_init"] and found["css"]
    assert found["es_mo"] and found["ar_mo"]
    assert found["es"] != "This field is required." and found["es"]
    assert found["ar"] != "This field is required." and found["ar"]
    assert found["activity"]
    assert "launch.html" in found["lti_templates"]
