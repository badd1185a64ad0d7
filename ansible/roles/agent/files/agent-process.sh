#!/bin/bash
# The agent as a plain background process, for hosts without systemd
# (blockpair_service_manager: process). The command line is PREFIX/etc/agent.args,
# one word a line (the unit's ExecStart); the pid goes to PREFIX/run/agent.pid and
# its output to PREFIX/run/agent.log.
#
#   agent-process.sh PREFIX status          prints running or stopped
#   agent-process.sh PREFIX start STATE     starts it unless running; prints started or running
#   agent-process.sh PREFIX restart STATE   stops it if running, starts it; prints restarted
#   agent-process.sh PREFIX stop            prints stopped or absent
#
# STATE is the agent's XDG_STATE_HOME. start waits for the agent's "listening"
# line (it is ready then), or fails with the end of its log when it exits first.
set -eu
prefix=$1 verb=$2 state=${3:-}
run="$prefix/run"
pidfile="$run/agent.pid"
log="$run/agent.log"

running() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  # A recycled pid that is not our agent does not count.
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF "$prefix/bin/run.js"
}

stop() {
  running || { rm -f "$pidfile"; return 1; }
  local pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

start() {
  mkdir -p "$run" "$state"
  chmod 0700 "$run"
  mapfile -t cmd <"$prefix/etc/agent.args"
  : >"$log"
  XDG_STATE_HOME=$state setsid "${cmd[@]}" </dev/null >"$log" 2>&1 &
  local pid=$!
  echo "$pid" >"$pidfile"
  for _ in $(seq 1 300); do
    if grep -q '^listening ' "$log"; then return 0; fi
    if ! [ -d "/proc/$pid" ]; then break; fi
    sleep 0.1
  done
  echo "the agent did not start: $(tail -n 5 "$log")" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  exit 1
}

case $verb in
  status) if running; then echo running; else echo stopped; fi ;;
  start) if running; then echo running; else start; echo started; fi ;;
  restart) stop || true; start; echo restarted ;;
  stop) if stop; then echo stopped; else echo absent; fi ;;
  *) echo "unknown verb $verb" >&2; exit 2 ;;
esac
