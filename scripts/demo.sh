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

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "Preparing the workbench database..."
$PY -m django migrate --run-syncdb -v 0
$PY -m django runserver "127.0.0.1:${WORKBENCH_PORT}" --noreload >var/workbench-server.log 2>&1 &
pids+=($!)

echo "Preparing the LTI tool and the demo LMS (plchoice-lti init, platform add)..."
# demo_platform sets the tool up exactly as an admin would, then serves both on loopback.
$PY -m demo_platform --port "$PLATFORM_PORT" --tool-port "$TOOL_PORT" --data-dir var/lti >var/lti-demo.log 2>&1 &
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
Logs: var/workbench-server.log, var/lti-demo.log
MSG
wait
