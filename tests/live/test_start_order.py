"""A load balancer starts after its servers answer, so a run's first users never meet an outage no design has.

HAProxy counts its servers up from its start until its first checks, a few milliseconds later. Started beside
servers still booting, its readiness probe could land in that instant: the run began, the first checks took both
servers out until their next check, and in CI each of the six chat users' first connect was an outage.
"""

from __future__ import annotations

import http.client
import sys
from pathlib import Path

from livehelp import needs_live

from statediagram.core.fileio import build_diagram
from statediagram.core.model import Diagram
from statediagram.live.layout import layout
from statediagram.live.services import build_specs
from statediagram.live.supervisor import Supervisor

pytestmark = needs_live

CHECK_MS = 3000  # long, so a first check that failed keeps the server out well past the start
# Put in front of HAProxy: notes whether the server answers at the moment HAProxy starts, then becomes HAProxy.
NOTE_THEN_RUN = (
    "import os, socket, sys\n"
    "try:\n"
    "    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=1).close(); seen = 'answering'\n"
    "except OSError:\n"
    "    seen = 'not answering'\n"
    "open(sys.argv[2], 'w').write(seen)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def one_server_behind_a_balancer() -> Diagram:
    return build_diagram({
        "format": "statediagram",
        "version": 1,
        "nodes": [
            {"id": "users", "kind": "client", "x": 0, "y": 0, "props": {"users": 1}},
            {"id": "lb", "kind": "load_balancer", "x": 200, "y": 0},
            {"id": "a", "kind": "server", "x": 400, "y": 0},
        ],
        "edges": [{"source": "users", "target": "lb"}, {"source": "lb", "target": "a"}],
    }).diagram


def test_the_balancer_starts_once_its_slow_server_answers_and_the_first_request_reaches_it(tmp_path: Path) -> None:
    lay = layout(one_server_behind_a_balancer())
    seen = tmp_path / "server-at-balancer-start"
    with Supervisor() as sup:
        specs, ctx = build_specs(lay, sup, check_ms=CHECK_MS)
        server = next(s for s in specs if s.name == lay.names["a"])
        server.argv = ["sh", "-c", 'sleep 1.5; exec "$@"', "sh", *server.argv]  # a machine busy at the start
        balancer = next(s for s in specs if s.name == lay.names["lb"])
        balancer.argv = [sys.executable, "-c", NOTE_THEN_RUN, str(ctx.ports["a"]), str(seen), *balancer.argv]
        sup.start_all(specs)
        assert seen.read_text() == "answering"
        conn = http.client.HTTPConnection("127.0.0.1", ctx.ports["lb"], timeout=5)
        conn.request("GET", "/health")
        answer = conn.getresponse()
        assert (answer.status, answer.getheader("X-Outage")) == (200, None)
