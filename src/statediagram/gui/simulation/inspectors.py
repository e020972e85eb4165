"""Inspectors: a request's trail (hops, status, the cookie or the decoded JWT and whether it verifies), and
what a store holds at the play head (Redis keys with TTLs, PostgreSQL rows, object storage files).

Stores are read from a fresh engine of the same run stopped at the play head: real fakeredis / sqlite data
exactly as it was then, in a child process (``sim/node_tables.py``): the window shows the table when it comes.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ...core.topology import state_homes
from ...sim.node_tables import TableReader
from ...sim.replay import Replay
from ...sim.scenario import SECOND
from ...sim.stores import EPOCH, TokenSigner
from ...sim.wording import badge_text
from ..plain_text import PlainView, PlainWriter, Run, set_plain
from ..progress import POLL_MS
from .style import LOOKS


def _ms(t: int | None) -> str:
    return "—" if t is None else f"{t / SECOND:.3f} s"


def decode_jwt(token: str) -> tuple[dict, dict]:
    """Header and payload of a JWT, decoded without trusting them."""
    import jwt

    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def write_request(out: PlainWriter, replay: Replay, rid: int) -> None:
    """Request ``rid``'s trail, written as plain text: every label, id and value exactly as in the file."""
    reqs = replay.requests
    req = reqs[rid - 1] if 0 < rid <= len(reqs) and reqs[rid - 1].id == rid else None
    if req is None or req.outcome is None:
        out.paragraph("That request is not in this run.")
        return
    L = replay.labels  # noqa: N806 - read aloud: the label of a node
    look = LOOKS[req.outcome]
    out.paragraph(Run(f"Request #{req.id}: {req.action}", bold=True, size=1.17))
    out.paragraph("User ", Run(req.user.id, bold=True), f", sent at {_ms(req.t_send)}")
    outcome = ["Outcome: ", Run(look.name, bold=True, colour=look.colour), f" ({look.shape}), status ",
               Run(str(req.status), bold=True)]
    if req.outcome != "ok":
        outcome += [" — ", Run(badge_text(req.outcome, req.status, req.cause, L), bold=True)]
    out.line(*outcome)
    out.table(["hop", "start", "end"],
              [[f"{L.get(a, a)} → {L.get(b, b)}", _ms(st), _ms(en)] for a, b, st, en in req.hops()])
    if req.calls:
        out.paragraph(Run("Store calls", bold=True))
        for t, n, text in req.calls:
            out.line(f"{_ms(t)} {L.get(n, n)}: ", Run(text, mono=True))
    _write_credential(out, replay, req)


def _write_credential(out: PlainWriter, replay: Replay, req) -> None:
    cred = req.credential
    if cred is None:
        if req.action == "POST /login":
            out.paragraph("Login request: no credential sent yet.")
        else:
            out.paragraph("No credential was sent (the user held none for this server's kind of login).")
        return
    if cred.count(".") != 2:
        home = state_homes(replay.setup.diagram)[req.server].sessions if req.server else None
        where = home.describe(replay.labels) if home else "?"
        server = replay.labels.get(req.server, req.server or "")
        out.paragraph(Run("Session cookie", bold=True), " ", Run(f"sid={cred}", mono=True))
        out.line(f"{server} looks it up in {where}.")
        return
    header, payload = decode_jwt(cred)
    signer = TokenSigner(replay.plan.seed)  # the key every server of the run shares, made as the engine makes it
    when = (req.t_server or req.t_send) / SECOND
    ok = signer.verify(cred, when) is not None
    out.paragraph(Run("JWT", bold=True), " ", Run(f"{cred[:48]}…", mono=True, size=0.9))
    out.paragraph("Header")
    out.line(Run(json.dumps(header), mono=True))
    out.paragraph("Payload")
    out.line(Run(json.dumps(payload), mono=True))
    for k, v in payload.items():
        if k in ("iat", "exp"):
            out.line(f"{k}: {v} (t = {v - EPOCH} s simulated)")
    if ok:
        verdict = [Run("✓ signature verifies", bold=True, colour="#0d652d"),
                   " with the key every server shares (HS256), and the token has not expired"]
    else:
        verdict = [Run("✗ does not verify", bold=True, colour="#a50e0e")]
    out.paragraph(*verdict, ". The server keeps nothing: the token itself proves the login.")


# One line, so a short window keeps its height for the figures; the tooltip says it in full.
HINT = "Click a token or a node to inspect it."
HINT_TIP = "Click a token to see its request; click Redis, PostgreSQL, object storage or a server to see what it holds."


class Inspector(QWidget):
    """One panel that shows either a request's trail or a table of what a node holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()  # plain text always: its bold or italic is the font's
        set_plain(self.title, HINT, italic=True)
        self.title.setWordWrap(True)
        self.title.setToolTip(HINT_TIP)
        layout.addWidget(self.title)
        self.stack = QStackedWidget()
        self.text = PlainView()  # the request's trail, written as plain text
        self.text.setAccessibleName("Request trail")
        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.stack.addWidget(self.text)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack)
        self.stack.setMinimumHeight(150)
        self.stack.setMaximumHeight(280)
        self.stack.hide()  # until something is inspected, the hint alone: the room goes to the metrics

        self.node: str | None = None  # the node shown, followed as the play head moves
        self.node_t: int | None = None  # the time its table was read at
        self.reader = TableReader()  # a child process reads the tables (sim/node_tables.py)
        self._waiting: tuple | None = None  # (question, node, t, labels, chat channels, a store) asked, not answered
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._take_answer)
        self.destroyed.connect(lambda *_, reader=self.reader: reader.close())

    @property
    def reading(self) -> bool:
        """A table was asked for and has not come yet."""
        return self._waiting is not None

    def clear(self) -> None:
        set_plain(self.title, HINT, italic=True)
        self.stack.hide()
        self.node = self.node_t = None
        self._waiting = None  # an answer on its way is not shown

    def show_request(self, replay: Replay, rid: int) -> None:
        self.node = self.node_t = None
        set_plain(self.title, "Request trail", bold=True)
        self.text.write(lambda out: write_request(out, replay, rid))
        self.stack.setCurrentWidget(self.text)
        self.stack.show()

    def show_node(self, replay: Replay, node: str, t: int) -> None:
        """What ``node`` holds at ``t``: asked of a child process (``sim.node_tables``), shown when it answers;
        meanwhile its up or DOWN at ``t`` and the table as it was."""
        if node not in replay.store_ids and node not in replay.server_ids:
            self.clear()  # not in this run (the diagram changed): nothing stale stays on show
            return
        self.node, self.node_t = node, t
        state = replay.node_states_at(t).get(node)
        up = "up" if state is None or state.up else "DOWN"
        set_plain(self.title, f"{replay.labels.get(node, node)} at {t / SECOND:.2f} s: {up} (reading what it holds…)",
                  bold=True)
        channels = replay.channels_at(node, t) if node in replay.store_ids else []
        self._waiting = (self.reader.ask(replay.setup, node, t, replay.labels), node, t, dict(replay.labels), channels,
                         node in replay.store_ids)
        self._poll.start()

    def _take_answer(self) -> None:
        got = self.reader.answer()
        if self._waiting is None or got is None or got[0] != self._waiting[0]:
            if self._waiting is None:
                self._poll.stop()
            return
        self._poll.stop()
        _n, node, t, labels, channels, store = self._waiting
        self._waiting = None
        label = labels.get(node, node)
        table = got[1]
        if isinstance(table, str):
            set_plain(self.title, f"{label} at {t / SECOND:.2f} s: could not read what it holds ({table})", bold=True)
            return
        rows = list(table.rows)
        for channel in channels:  # journey chat: the rooms' pub/sub channels on it
            who = ", ".join(labels.get(s, s) for s in channel.subscribers) or "no server"
            rows.append([channel.name, f"pub/sub channel; subscribed now: {who}", ""])
        state = " (DOWN)" if store and not table.up else ""
        set_plain(self.title, f"{label}{state} at {t / SECOND:.2f} s: {table.what}", bold=True)
        self.table.clear()
        self.table.setColumnCount(len(table.headers))
        self.table.setHorizontalHeaderLabels(table.headers)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()
        self.stack.setCurrentWidget(self.table)
        self.stack.show()

    def show_node_state(self, replay: Replay, t: int) -> None:
        """While playing: the node's up or DOWN at ``t`` from the run's cheap per-node states (reading its
        table re-runs the simulation to ``t``, 60-120 ms on stateless-full: done when paused, not per frame)."""
        if self.node is None:
            return
        state = replay.node_states_at(t).get(self.node)
        if state is None:
            return
        label = replay.labels.get(self.node, self.node)
        table_t = self.node_t if self.node_t is not None else t
        set_plain(self.title, f"{label} at {t / SECOND:.2f} s: {'up' if state.up else 'DOWN'} "
                              f"(the table as at {table_t / SECOND:.2f} s; pause to read it now)", bold=True)
