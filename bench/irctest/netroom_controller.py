"""irctest controller for `npm run irctest`: irctest's external_server controller (netroom is started by
run.sh or fresh_server.py, not by irctest) that can also register accounts, so the SASL, account-tag and
other `services` tests run. registerUser writes the account into the data folder of the netroom under
test (NETROOM_DATA, set by fresh_server.py per test or by run.sh) with bench/irctest/add-account.ts (built to dist/bench/irctest/add-account.js);
the running server sees it at once. SASL mechanisms: PLAIN."""
import os
import subprocess

from irctest.controllers.external_server import ExternalServerController
from irctest.runner import NotImplementedByController

ADD_ACCOUNT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "dist", "bench", "irctest", "add-account.js")


class NetroomController(ExternalServerController):
    software_name = "netroom"
    supported_sasl_mechanisms = {"PLAIN"}

    def wait_for_services(self):
        # Accounts are netroom's own (no services package to wait for).
        pass

    def registerUser(self, case, username, password=None):
        data = os.environ.get("NETROOM_DATA")
        if not data:
            raise NotImplementedByController("account registration (NETROOM_DATA unset)")
        subprocess.run(
            ["node", ADD_ACCOUNT, data, username, password or (username + "-password")],
            check=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )


def get_irctest_controller_class():
    return NetroomController
