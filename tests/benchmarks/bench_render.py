"""``student_view`` render time of ``plchoice`` against xblock-free-text-response, same runtime.

Both blocks are parsed into the xblock-sdk workbench runtime (our settings,
SQLite in a temp dir) and rendered for a learner; the ratio is ours over theirs.
free-text-response is the simplest well-known graded text block, so the ratio
says what our richer view costs on top of the platform's own overhead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .common import median_ms, setup_django, table

SCENARIO = """
<vertical_demo>
  <plchoice/>
  <plreflection/>
  <freetextresponse display_name="Free text"/>
</vertical_demo>
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="plchoice-render-") as tmp:
        setup_django(Path(tmp))
        from workbench.runtime import WorkbenchRuntime

        runtime = WorkbenchRuntime("learner-1")
        root = runtime.get_block(runtime.parse_xml_string(SCENARIO))
        blocks = {runtime.get_block(child).scope_ids.block_type: runtime.get_block(child)
                  for child in root.children}

        def render(block_type: str):
            return lambda: blocks[block_type].render("student_view", {})

        figures = {name: median_ms(render(name), repeat=50, warmup=5) for name in blocks}
        base = figures["freetextresponse"]
        table("student_view render (workbench runtime, median of 50; ratio vs xblock-free-text-response)",
              ["block", "ms", "ratio"],
              [[name, f"{ms:.2f}", f"{ms / base:.2f}x"] for name, ms in figures.items()])


if __name__ == "__main__":
    main()
