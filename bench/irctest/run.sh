#!/usr/bin/env bash
# `npm run irctest`: irctest's server tests (external_server controller) against a fresh `netroom serve --irc`; prints one summary line.
#
# Not part of `npm test`: it needs Python and a checkout of github.com/progval/irctest, and it
# reports figures (how many of the field's conformance tests pass), not a pass/fail verdict.
# Environment:
#   IRCTEST_DIR      irctest checkout (default /tmp/irctest)
#   IRCTEST_PYTHON   python with pytest, pytest-timeout, ecdsa, filelock, websockets (default /tmp/irctest-venv/bin/python)
#   IRCTEST_LOG      where the full `pytest -rA` output goes (default: a new file under ${TMPDIR:-/tmp})
#   IRCTEST_TARGET   HOST:PORT of an IRC server already running (another ircd, for comparison):
#                    no build, no netroom started
#   IRCTEST_CONTROLLER another irctest controller that starts its own server per test, e.g.
#                    irctest.controllers.ngircd (how the peers' figures are taken): nothing else started.
#                    Against netroom the controller is bench/irctest/netroom_controller.py: external_server
#                    plus account registration (registerUser) and SASL PLAIN
#   IRCTEST_BUILD=0  use dist/ as it is (skip scripts/build-if-stale.mjs)
#   IRCTEST_SERVE_ARGS more `netroom serve` flags, split on spaces (e.g. a server name or operator
#                    that matches irctest's My.Little.Server and operuser/operpassword)
#   IRCTEST_DEADLINE seconds the whole pytest run may take (default 3600); each test has 60 s
#   IRCTEST_FRESH=0  one netroom for the whole run instead of a fresh one per test (fresh_server.py,
#                    like irctest's own ngIRCd/InspIRCd controllers): rooms persist with their modes,
#                    so on one server a test's +k/+l/+i on #chan refuses later tests' JOINs
# netroom is started with --irc-name My.Little.Server, the server name irctest expects, and with the
# admin account operuser/operpassword in its data folder (irctest's OPER).
# Extra arguments go to pytest after the fixed selection (e.g. a test file or -k EXPR to narrow a run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/irctest"
IRCTEST_DIR="${IRCTEST_DIR:-/tmp/irctest}"
IRCTEST_PYTHON="${IRCTEST_PYTHON:-/tmp/irctest-venv/bin/python}"
DEADLINE="${IRCTEST_DEADLINE:-3600}"
# The selection the project's figures use: everything but Ergo-only, Sable-only, deprecated and
# strict-reading tests. Since issue 12 the `services` tests (SASL, account-tag, ...) run too: netroom_controller
# registers their accounts; controllers that cannot (IRCTEST_TARGET) skip them.
MARKERS='not Ergo and not Sable and not deprecated and not strict'

die() { printf 'irctest: %s\n' "$*" >&2; exit 2; }

setup_help() {
  cat >&2 <<HELP
irctest: $1
Set it up once (or point IRCTEST_DIR / IRCTEST_PYTHON at your own):
  git clone https://github.com/progval/irctest /tmp/irctest
  python3 -m venv /tmp/irctest-venv
  /tmp/irctest-venv/bin/pip install pytest pytest-timeout ecdsa filelock websockets
(Debian's python3-pytest is too old for irctest's conftest.py.)
HELP
  exit 2
}

[[ -f "$IRCTEST_DIR/irctest/controllers/external_server.py" ]] \
  || setup_help "no irctest checkout at IRCTEST_DIR=$IRCTEST_DIR"
[[ -x "$IRCTEST_PYTHON" ]] || setup_help "no python at IRCTEST_PYTHON=$IRCTEST_PYTHON"
timeout 60 "$IRCTEST_PYTHON" -c 'import pytest, pytest_timeout, ecdsa, filelock, websockets' 2>/dev/null \
  || setup_help "$IRCTEST_PYTHON lacks pytest, pytest-timeout, ecdsa, filelock or websockets"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/netroom-irctest.XXXXXX")"
LOG="${IRCTEST_LOG:-${WORK%/*}/netroom-irctest-$(date +%Y%m%d-%H%M%S).log}"
SERVER_PID=''

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Bounded: SIGKILL if it has not stopped within 10 s.
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# True once HOST:PORT accepts a TCP connection (bash's /dev/tcp; each try bounded to 1 s).
accepts() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

CONTROLLER="${IRCTEST_CONTROLLER:-}"
if [[ -z "$CONTROLLER" ]]; then
  # netroom under test: the controller that can register accounts; another server: plain external_server.
  if [[ -n "${IRCTEST_TARGET:-}" ]]; then CONTROLLER=irctest.controllers.external_server; else CONTROLLER=netroom_controller; fi
fi
if [[ "$CONTROLLER" != irctest.controllers.external_server && "$CONTROLLER" != netroom_controller ]]; then
  [[ -z "${IRCTEST_TARGET:-}" ]] || die "IRCTEST_TARGET goes with the external_server controller only"
  HOST=''; PORT=''
  WHAT="servers started by $CONTROLLER"
elif [[ -n "${IRCTEST_TARGET:-}" ]]; then
  HOST="${IRCTEST_TARGET%:*}"
  PORT="${IRCTEST_TARGET##*:}"
  [[ "$PORT" =~ ^[0-9]+$ && -n "$HOST" && "$HOST" != "$IRCTEST_TARGET" ]] || die "IRCTEST_TARGET must be HOST:PORT, got '$IRCTEST_TARGET'"
  accepts "$HOST" "$PORT" || die "nothing accepts connections at $IRCTEST_TARGET"
  WHAT="$IRCTEST_TARGET"
else
  cd "$ROOT"
  if [[ "${IRCTEST_BUILD:-1}" != 0 ]]; then
    timeout 900 node scripts/build-if-stale.mjs || die "build failed (scripts/build-if-stale.mjs)"
  fi
  [[ -f dist/src/cli/main.js ]] || die "dist/src/cli/main.js missing: build first (npm run build)"
  HOST=127.0.0.1
  # Port 0: the kernel picks a free port and the server prints it ("irc listening on tcp://HOST:PORT"),
  # so there is no window in which another process can take a port chosen beforehand.
  # irctest opers up as operuser/operpassword: an admin account made in the data folder first
  # (dist/bench/irctest/add-account.js; OPER takes an admin account's name and password).
  if [[ "${IRCTEST_FRESH:-1}" != 0 ]]; then
    FRESH=1
  fi
fi
SERVE_ARGS="--irc-name My.Little.Server ${IRCTEST_SERVE_ARGS:-}"
if [[ -n "${FRESH:-}" ]]; then
  HOST=127.0.0.1
  PORT=0
  export NETROOM_MAIN="$ROOT/dist/src/cli/main.js" NETROOM_SERVE_ARGS="$SERVE_ARGS"
  set -- -p fresh_server "$@"
  WHAT="a fresh netroom per test"
elif [[ "$CONTROLLER" == netroom_controller ]]; then
  node dist/bench/irctest/add-account.js "$WORK/data" operuser operpassword admin || die "could not create the operuser account"
  export NETROOM_DATA="$WORK/data"
  node dist/src/cli/main.js serve --host "$HOST" --http off --ftp off --port off --irc 0 \
    --dir "$WORK/files" --data "$WORK/data" --flood off $SERVE_ARGS \
    </dev/null >"$WORK/server.out" 2>&1 &
  SERVER_PID=$!
  PORT=''
  for _ in $(seq 1 300); do # 30 s at most
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.out" >&2; die "netroom serve exited before listening"; }
    PORT="$(sed -n 's#^irc[[:space:]]*listening on tcp://[^ ]*:\([0-9][0-9]*\)$#\1#p' "$WORK/server.out" | head -n1)"
    [[ -n "$PORT" ]] && accepts "$HOST" "$PORT" && break
    PORT=''
    sleep 0.1
  done
  [[ -n "$PORT" ]] || { cat "$WORK/server.out" >&2; die "netroom did not accept IRC connections within 30 s"; }
  WHAT="netroom (pid $SERVER_PID) at $HOST:$PORT"
fi

printf 'irctest: running against %s; full output in %s (deadline %s s)\n' "$WHAT" "$LOG" "$DEADLINE" >&2
cd "$IRCTEST_DIR"
set +e
PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}" IRCTEST_SERVER_HOSTNAME="$HOST" IRCTEST_SERVER_PORT="$PORT" \
  timeout --kill-after=30 "$DEADLINE" "$IRCTEST_PYTHON" -m pytest -p irct_loopback -p no:cacheprovider \
  --controller "$CONTROLLER" \
  -m "$MARKERS" --timeout 60 -rA "$@" >"$LOG" 2>&1
STATUS=$?
set -e

# pytest's last line, e.g. "==== 3 failed, 169 passed, 156 skipped, 4 errors in 310.2s ====".
LAST="$(grep -E '^=+ .*( in [0-9.]+s).* =+$' "$LOG" | tail -n1 || true)"
count() { grep -oE "[0-9]+ $1" <<<"$LAST" | grep -oE '^[0-9]+' || echo 0; }
if [[ $STATUS -eq 124 || $STATUS -eq 137 ]]; then
  printf 'irctest: stopped after the %s s deadline; partial output in %s\n' "$DEADLINE" "$LOG" >&2
fi
if [[ -z "$LAST" ]]; then
  tail -n 20 "$LOG" >&2
  die "pytest did not finish (exit $STATUS); see $LOG"
fi
printf 'irctest: %s passed, %s failed, %s errors, %s skipped\n' "$(count passed)" "$(count failed)" "$(count 'errors?')" "$(count skipped)"
# 0 and 1 are "ran, some tests failed or not"; anything else is a harness problem.
[[ $STATUS -le 1 ]] || exit "$STATUS"
