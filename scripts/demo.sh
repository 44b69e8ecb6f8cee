#!/usr/bin/env bash
# make demo: the XBlock workbench and the LTI tool with a demo LTI platform, on their embedded defaults
# (SQLite files under var/). Ctrl-C, or a plain `kill` (SIGTERM) of this script, stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
WORKBENCH_PORT=${WORKBENCH_PORT:-8000}
TOOL_PORT=${TOOL_PORT:-5000}
PLATFORM_PORT=${PLATFORM_PORT:-5001}
VAR_DIR=${DEMO_VAR_DIR:-$PWD/var}
mkdir -p "$VAR_DIR/lti"

export PLCHOICE_VAR_DIR="$VAR_DIR"
export DJANGO_SETTINGS_MODULE=xblock_plchoice.workbench.settings

# Each server runs in its own process group (job control on), so stopping one stops its children
# too: `python -m demo_platform` starts the tool as a child, which a signal to the parent alone
# left running, holding its port. On Ctrl-C (INT), SIGTERM or any exit: TERM every group, give
# them 10 s, then KILL what is left.
set -m
pids=()
stopping=0
cleanup() {
  [ "$stopping" = 1 ] && return
  stopping=1
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

echo "Preparing the workbench database..."
$PY -m django migrate --run-syncdb -v 0
$PY -m django runserver "127.0.0.1:${WORKBENCH_PORT}" --noreload >"$VAR_DIR/workbench-server.log" 2>&1 &
pids+=($!)

echo "Preparing the LTI tool and the demo LMS (plchoice-lti init, platform add)..."
# demo_platform sets the tool up exactly as an admin would, then serves both on loopback.
$PY -m demo_platform --port "$PLATFORM_PORT" --tool-port "$TOOL_PORT" --data-dir "$VAR_DIR/lti" >"$VAR_DIR/lti-demo.log" 2>&1 &
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
  As a learner       http://127.0.0.1:${WORKBENCH_PORT}/scenario/plchoice.0/?student=alice
  As staff           http://127.0.0.1:${WORKBENCH_PORT}/scenario/plchoice.0/?student=staff
  Demo LMS (LTI)     http://127.0.0.1:${PLATFORM_PORT}/   (add an activity by deep linking, launch, see grades)
  LTI tool           http://127.0.0.1:${TOOL_PORT}/healthz
Logs: $VAR_DIR/workbench-server.log, $VAR_DIR/lti-demo.log
MSG
wait
