#!/usr/bin/env bash
# Local Neo4j Community 5.x dev server (embedded in one JVM, Bolt on 127.0.0.1, auth OFF).
# Loopback only: never change the bind address without enabling auth (see Server.java).
#
#   scripts/neo4j.sh build
#   scripts/neo4j.sh start  [--data DIR] [--port PORT]   # prints the bolt URI on stdout (last line)
#   scripts/neo4j.sh stop   [--data DIR]
#   scripts/neo4j.sh status [--data DIR]                 # exit 0 if running, 3 if not
#   scripts/neo4j.sh wipe   [--data DIR]
#
# Env: MAILLAGE_NEO4J_DATA (default <repo>/.neo4j-data), MAILLAGE_NEO4J_PORT (default 7687),
#      MAILLAGE_NEO4J_JAVA_OPTS (extra JVM flags), JAVA_HOME.
set -euo pipefail

# Resolve from the script's location so it works from any cwd.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO_ROOT/scripts/neo4j"
TARGET="$PROJECT/target"
MAIN_CLASS=org.maillage.neo4j.Server
PYTHON="$REPO_ROOT/.venv/bin/python"
START_TIMEOUT=120
STOP_TIMEOUT=60

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Neo4j 5 reflects into JDK internals; its own launcher passes these --add-opens too. Without them
# on Java 17 it still runs, but debug.log warns "Reflection access to java.nio.DirectByteBuffer is
# not available, using fallback mode" (java.nio) and "Incorrect file descriptor" when preallocating
# or fadvising tx logs (java.io + sun.nio.ch: it needs the raw fd of a FileChannel).
# No -XX:+ExitOnOutOfMemoryError: a public query whose one value outgrows the heap (a string doubled by
# reduce, which the transaction memory limits of Server.java do not see) must fail alone, as a transient
# error of its transaction, not end the server (docs/decisions/0090-bounded-query-endpoints.md).
JVM_FLAGS=(
  -Xms1g -Xmx1g -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
  -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
)

die() { echo "neo4j.sh: $*" >&2; exit 1; }
log() { echo "neo4j.sh: $*" >&2; }

# ---------------------------------------------------------------- build
# shellcheck source=lib/maven-build.sh
source "$REPO_ROOT/scripts/lib/maven-build.sh"

cmd_build() {
  maven_build "$PROJECT" "the Neo4j launcher (first run downloads ~125 MB of jars into ~/.m2)"
}

# ---------------------------------------------------------------- helpers
DATA="${MAILLAGE_NEO4J_DATA:-$REPO_ROOT/.neo4j-data}"
PORT="${MAILLAGE_NEO4J_PORT:-7687}"

parse_opts() {
  while (($#)); do
    case "$1" in
      --data) [[ $# -ge 2 ]] || die "--data needs a value"; DATA="$2"; shift 2 ;;
      --port) [[ $# -ge 2 ]] || die "--port needs a value"; PORT="$2"; shift 2 ;;
      *) die "unknown option: $1" ;;
    esac
  done
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "bad port: $PORT"
  DATA="$(realpath -m -- "$DATA")" # absolute, so pid files and messages are unambiguous
  PIDFILE="$DATA/neo4j.pid"
  OUT="$DATA/neo4j.out"
}

# Prints the server PID if one is alive for $DATA. Checks the command line too, so a recycled PID
# belonging to some other process is not mistaken for our server.
running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid; pid="$(<"$PIDFILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS" || return 1
  echo "$pid"
}

# A zombie (exited, not yet reaped by whatever init the container has) counts as dead.
alive() { kill -0 "$1" 2>/dev/null && [[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" != Z* ]]; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# An open socket is not enough (the port may be bound before Bolt serves): do a real Bolt handshake
# with the official driver when the venv has it.
bolt_ok() {
  [[ -x "$PYTHON" ]] || return 0
  "$PYTHON" - "$1" <<'PY' 2>/dev/null
import sys
try:
    import neo4j
except ImportError:
    sys.exit(0)  # driver not installed: the socket check already passed
with neo4j.GraphDatabase.driver(sys.argv[1], auth=None, connection_timeout=5) as d:
    d.verify_connectivity()
PY
}

show_log_tail() {
  echo "---- tail of $OUT ----" >&2; tail -n 40 "$OUT" >&2 2>/dev/null || true
  if [[ -f "$DATA/logs/debug.log" ]]; then
    echo "---- tail of $DATA/logs/debug.log ----" >&2; tail -n 40 "$DATA/logs/debug.log" >&2
  fi
}

# ---------------------------------------------------------------- commands
# Waits until server $1 answers Bolt on $2; on failure prints the log tail and dies.
wait_ready() {
  local pid=$1 uri=$2 port=${2##*:} deadline=$((SECONDS + START_TIMEOUT))
  until [[ -f "$DATA/ready" ]] && port_open "$port" && bolt_ok "$uri"; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE"; show_log_tail; die "server process $pid exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      die "Bolt did not answer on $uri within ${START_TIMEOUT}s (pid $pid left running; use: $0 stop --data $DATA)"
    fi
    sleep 0.5
  done
}

cmd_start() {
  parse_opts "$@"
  local pid uri="bolt://127.0.0.1:$PORT"
  if pid="$(running_pid)"; then
    # Reuse it (possibly still starting up, hence the wait) on whatever port it was given.
    local cur="bolt://127.0.0.1:$(cat "$DATA/neo4j.port" 2>/dev/null || echo "$PORT")"
    log "already running on $DATA (pid $pid, $cur)"
    [[ "$cur" == "$uri" ]] || log "warning: requested $uri but the running server uses $cur"
    wait_ready "$pid" "$cur"
    echo "$cur"
    return 0
  fi
  mkdir -p "$DATA"
  rm -f "$PIDFILE" "$DATA/ready"
  # Otherwise the readiness poll below could be answered by someone else's server.
  port_open "$PORT" && die "port $PORT on 127.0.0.1 is already in use"
  cmd_build

  # shellcheck disable=SC2086 # MAILLAGE_NEO4J_JAVA_OPTS is deliberately word-split into flags
  nohup "$JAVA" "${JVM_FLAGS[@]}" ${MAILLAGE_NEO4J_JAVA_OPTS:-} \
    -cp "$TARGET/classes:$TARGET/lib/*" "$MAIN_CLASS" "$DATA" "$PORT" \
    >"$OUT" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  echo "$PORT" >"$DATA/neo4j.port"
  wait_ready "$pid" "$uri"
  log "started pid $pid, data $DATA"
  echo "$uri"
}

cmd_stop() {
  parse_opts "$@"
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE" "$DATA/ready"; log "not running ($DATA)"; return 0
  fi
  kill -TERM "$pid" # shutdown hook closes the store cleanly
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "no exit after ${STOP_TIMEOUT}s, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true
      # Wait until the kernel has reaped it so callers can rely on "stop" meaning "gone".
      while alive "$pid"; do sleep 0.2; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE" "$DATA/ready"
  log "stopped pid $pid"
}

cmd_status() {
  parse_opts "$@"
  local pid
  if pid="$(running_pid)"; then
    local state="bolt://127.0.0.1:$(cat "$DATA/neo4j.port" 2>/dev/null)"
    [[ -f "$DATA/ready" ]] || state="$state (starting)"
    echo "running pid $pid $state data $DATA"
  else
    echo "stopped (data $DATA)"; return 3
  fi
}

cmd_wipe() {
  parse_opts "$@"
  local pid
  if pid="$(running_pid)"; then die "refusing to wipe: server running (pid $pid); stop it first"; fi
  [[ -d "$DATA" ]] || { log "nothing to wipe ($DATA)"; return 0; }
  # Guard against --data pointing at something precious: only delete what looks like ours.
  case "$DATA" in /|"$HOME"|"$REPO_ROOT") die "refusing to wipe $DATA" ;; esac
  if [[ -n "$(ls -A "$DATA")" && ! -e "$DATA/neo4j.out" && ! -d "$DATA/data/databases" ]]; then
    die "refusing to wipe $DATA: does not look like a Neo4j data dir"
  fi
  rm -rf -- "$DATA"
  log "wiped $DATA"
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  wipe) shift; cmd_wipe "$@" ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
