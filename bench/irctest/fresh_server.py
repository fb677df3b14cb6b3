"""pytest plugin for `npm run irctest`: a fresh `netroom serve --irc 0` with its own data folder for
every test, as irctest's own controllers do for ngIRCd and InspIRCd. netroom's rooms persist with
their modes (SPEC 1), so on one shared server a test's `+k`/`+l`/`+i` on `#chan` would refuse every
later test's JOIN. The next server starts while the current test runs. Each data folder gets the
administrator account operuser/operpassword (irctest's OPER) before its server starts, and
NETROOM_DATA names the current one (netroom_controller.registerUser adds accounts there).
Environment: NETROOM_MAIN (path of dist/src/cli/main.js), NETROOM_SERVE_ARGS (more serve flags,
split on spaces)."""
import os
import re
import shutil
import subprocess
import tempfile
import time

_current = None
_next = None
ADD_ACCOUNT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "dist", "bench", "irctest", "add-account.js")


def _spawn():
    work = tempfile.mkdtemp(prefix="netroom-irctest-")
    os.mkdir(os.path.join(work, "files"))
    out = open(os.path.join(work, "out"), "w+")
    data = os.path.join(work, "data")
    # irctest's operator: an admin account made before the server starts (OPER operuser operpassword).
    first = ["node", ADD_ACCOUNT, data, "operuser", "operpassword", "admin"]
    serve = [os.environ["NETROOM_MAIN"], "serve", "--host", "127.0.0.1", "--http", "off", "--ftp", "off",
            "--port", "off", "--irc", "0", "--dir", os.path.join(work, "files"), "--data", os.path.join(work, "data"),
            "--flood", "off"] + os.environ.get("NETROOM_SERVE_ARGS", "").split()
    # One process to stop: bash runs the account step, then becomes node (exec).
    n = str(len(first))
    args = ["bash", "-c", '"${@:1:' + n + '}" && shift ' + n + ' && exec node "$@"', "bash"] + first + serve
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    return (proc, work, out)


def _port(entry):
    proc, work, out = entry
    for _ in range(600):  # 30 s at most
        with open(os.path.join(work, "out")) as f:
            m = re.search(r"^irc\s+listening on tcp://[^ ]*:(\d+)$", f.read(), re.M)
        if m:
            return m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(os.path.join(work, "out")) as f:
        tail = f.read()[-2000:]
    raise RuntimeError("netroom serve did not start (exit %s): %s" % (proc.poll(), tail))


def _stop(entry):
    if entry is None:
        return
    proc, work, out = entry
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    out.close()
    shutil.rmtree(work, ignore_errors=True)


def pytest_runtest_setup(item):
    global _current, _next
    _stop(_current)
    _current = _next if _next is not None else _spawn()
    _next = _spawn()
    try:
        port = _port(_current)
    except RuntimeError:
        # Once more with a new server: a start that failed says nothing about the test.
        _stop(_current)
        _current = _spawn()
        port = _port(_current)
    os.environ["IRCTEST_SERVER_PORT"] = port
    os.environ["NETROOM_DATA"] = os.path.join(_current[1], "data")


def pytest_sessionfinish(session):
    global _current, _next
    _stop(_current)
    _stop(_next)
    _current = _next = None
