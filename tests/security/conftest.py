"""Security tests: the LTI tool's trust boundary, attacked as an outsider, a learner and a rogue platform would.

The fixtures are the LTI suite's own (a tool app on a temp data dir, the real demo platform and the tool
as real HTTP servers), so every attack here runs against what ships.
"""

from tests.lti.conftest import (  # noqa: F401 - fixtures, found by name
    app,
    jwks_server,
    make_app,
    platform,
    platform_factory,
    postgres_server,
    postgres_url,
    redis_server,
)
from tests.lti.platform_fixtures import lms_fixture, tool_fixture  # noqa: F401
