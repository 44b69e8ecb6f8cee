#!/usr/bin/env bash
# Debian packages the tests drive for real: chromium (browser tests), redis-server and
# PostgreSQL 15 (launch storage and the LTI store), gettext-free (we compile catalogs with Babel).
# Installs only what is missing, so a warm machine pays nothing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "System packages ready: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), redis $(redis-server --version | awk '{print $3}'), postgres $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}')"
# Ralph, the LRS of the xAPI end-to-end test, in a venv of its own (.venv-ralph): its CLI pins an older
# click than ours. Built once from the registry; the test fixture builds it too if this step was skipped.
if [ -x .venv/bin/python ]; then
  .venv/bin/python -c "from tests.xapi.ralph_env import ralph_python; print('Ralph venv ready:', ralph_python())"
fi
