#!/usr/bin/env bash
# make demo: the XBlock workbench and the LTI tool with a demo LTI platform, on their embedded defaults
# (SQLite files under var/). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORKBENCH_PORT=${WORKBENCH_PORT:-8000}
TOOL_PORT=${TOOL_PORT:-5000}
PLATFORM_PORT=${PLATFORM_PORT:-5001}
mkdir -p var/lti

export PLCHOICE_VAR_DIR="$PWD/var"
export DJANGO_SETTINGS_MODULE=xblock_plchoice.workbench.settings
# The tool runs on plain http on loopback here: its cookies cannot be Secure.
export PLCHOICE_BASE_URL="http://127.0.0.1:${TOOL_PORT}" PLCHOICE_DATA_DIR="$PWD/var/lti" PLCHOICE_COOKIE_SECURE=false

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "Preparing the workbench database..."
$PY -m django migrate --run-syncdb -v 0
$PY -m django runserver "127.0.0.1:${WORKBENCH_PORT}" --noreload >var/workbench-server.log 2>&1 &
pids+=($!)

echo "Preparing the LTI tool..."
.venv/bin/plchoice-lti init
$PY -m demo_platform.tool_runner --port "$TOOL_PORT" >var/lti-tool.log 2>&1 &
pids+=($!)
$PY -m demo_platform --port "$PLATFORM_PORT" --tool-url "$PLCHOICE_BASE_URL" >var/demo-platform.log 2>&1 &
pids+=($!)

wait_for() {  # url name
  for _ in $(seq 1 120); do
    if $PY -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "$2 did not start; see var/*.log" >&2
  return 1
}
wait_for "http://127.0.0.1:${WORKBENCH_PORT}/" "The workbench"
wait_for "http://127.0.0.1:${TOOL_PORT}/healthz" "The LTI tool"
wait_for "http://127.0.0.1:${PLATFORM_PORT}/" "The demo platform"

cat <<MSG

PL Choice demo is running (Ctrl-C to stop):
  XBlock workbench   http://127.0.0.1:${WORKBENCH_PORT}/   (learner: ?student=alice, staff: ?student=staff)
  LTI tool           http://127.0.0.1:${TOOL_PORT}/healthz
  Demo LTI platform  http://127.0.0.1:${PLATFORM_PORT}/   (add an activity by deep linking, launch, see grades)
Logs: var/workbench-server.log, var/lti-tool.log, var/demo-platform.log
MSG
wait
