"""Inspectors: a request's trail (hops, status, the cookie or the decoded JWT and whether it verifies), and
what a store holds at the play head (Redis keys with TTLs, PostgreSQL rows, object storage files).

Stores are read from a fresh engine of the same run stopped at the play head: real fakeredis / sqlite data
exactly as it was then.
"""

from __future__ import annotations

import json

from PySide6.QtWidgets import QLabel, QStackedWidget, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget

from ...sim.replay import Replay, engine_at
from ...sim.scenario import SECOND
from ...sim.stores import EPOCH, Seen
from ...sim.wording import badge_text
from ..plain_text import esc
from .style import LOOKS


def _ms(t: int | None) -> str:
    return "—" if t is None else f"{t / SECOND:.3f} s"


def decode_jwt(token: str) -> tuple[dict, dict]:
    """Header and payload of a JWT, decoded without trusting them."""
    import jwt

    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def request_html(replay: Replay, rid: int) -> str:
    reqs = replay.requests
    req = reqs[rid - 1] if 0 < rid <= len(reqs) and reqs[rid - 1].id == rid else None
    if req is None or req.outcome is None:
        return "<p>That request is not in this run.</p>"
    L = replay.labels  # noqa: N806 - read aloud: the label of a node
    look = LOOKS[req.outcome]
    parts = [f"<h3>Request #{req.id}: {esc(req.action)}</h3>",
             f"<p>User <b>{esc(req.user.id)}</b>, sent at {_ms(req.t_send)}<br>"
             f"Outcome: <b style='color:{look.colour}'>{look.name}</b> ({look.shape}), status <b>{req.status}</b>"]
    if req.outcome != "ok":
        parts.append(f" — <b>{esc(badge_text(req.outcome, req.status, req.cause, L))}</b>")
    parts.append("</p><table cellspacing=0 cellpadding=2><tr><th align=left>hop</th><th>start</th><th>end</th></tr>")
    for a, b, st, en in req.hops():
        parts.append(f"<tr><td>{esc(L.get(a, a))} → {esc(L.get(b, b))}</td>"
                     f"<td>{_ms(st)}</td><td>{_ms(en)}</td></tr>")
    parts.append("</table>")
    if req.calls:
        parts.append("<p><b>Store calls</b><br>" + "<br>".join(
            f"{_ms(t)} {esc(L.get(n, n))}: <code>{esc(text)}</code>" for t, n, text in req.calls)
            + "</p>")
    parts.append(_credential_html(replay, req))
    return "".join(parts)


def _credential_html(replay: Replay, req) -> str:
    cred = req.credential
    if cred is None:
        if req.action == "POST /login":
            return "<p>Login request: no credential sent yet.</p>"
        return "<p>No credential was sent (the user held none for this server's kind of login).</p>"
    if cred.count(".") != 2:
        home = replay.engine.servers[req.server].homes.sessions if req.server else None
        where = home.describe(replay.labels) if home else "?"
        server = esc(replay.labels.get(req.server, req.server or ""))
        return (f"<p><b>Session cookie</b> <code>sid={esc(cred)}</code><br>"
                f"{server} looks it up in {esc(where)}.</p>")
    header, payload = decode_jwt(cred)
    signer = replay.engine.signer
    when = (req.t_server or req.t_send) / SECOND
    ok = signer is not None and signer.verify(cred, when) is not None
    verdict = ("<b style='color:#0d652d'>✓ signature verifies</b> with the key every server shares (HS256), "
               "and the token has not expired") if ok else "<b style='color:#a50e0e'>✗ does not verify</b>"
    sim = {k: f"{v} (t = {v - EPOCH} s simulated)" for k, v in payload.items() if k in ("iat", "exp")}
    return (f"<p><b>JWT</b> <code style='font-size:8pt'>{esc(cred[:48])}…</code></p>"
            f"<p>Header<br><code>{esc(json.dumps(header))}</code></p>"
            f"<p>Payload<br><code>{esc(json.dumps(payload))}</code><br>"
            + "<br>".join(f"{k}: {esc(v)}" for k, v in sim.items()) + "</p>"
            f"<p>{verdict}. The server keeps nothing: the token itself proves the login.</p>")


def store_table(replay: Replay, store_id: str, t: int) -> tuple[str, list[str], list[list[str]]]:
    """(title, headers, rows) of what ``store_id`` held at ``t``."""
    engine = engine_at(replay.setup, t)
    try:
        st = engine.stores[store_id]
        label = replay.labels.get(store_id, store_id)
        state = "" if st.up else " (DOWN)"
        what, headers, rows = st.store.table(Seen(t, replay.labels))  # the store kind's own table
        for channel in replay.channels_at(store_id, t):  # journey chat: the rooms' pub/sub channels on it
            who = ", ".join(replay.labels.get(s, s) for s in channel.subscribers) or "no server"
            rows = [*rows, [channel.name, f"pub/sub channel; subscribed now: {who}", ""]]
        return f"{label}{state} at {t / SECOND:.2f} s: {what}", headers, rows
    finally:
        engine.close()


def server_table(replay: Replay, server_id: str, t: int) -> tuple[str, list[str], list[list[str]]]:
    """What a server holds in its own RAM and on its disk at ``t`` (the server kind's own table)."""
    engine = engine_at(replay.setup, t)
    try:
        what, headers, rows = engine.servers[server_id].table(Seen(t, replay.labels))
        return f"{replay.labels.get(server_id, server_id)} at {t / SECOND:.2f} s: {what}", headers, rows
    finally:
        engine.close()


# One line, so a short window keeps its height for the figures; the tooltip says it in full.
HINT = "<i>Click a token or a node to inspect it.</i>"
HINT_TIP = "Click a token to see its request; click Redis, PostgreSQL, object storage or a server to see what it holds."


class Inspector(QWidget):
    """One panel that shows either a request's trail or a table of what a node holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(HINT)
        self.title.setWordWrap(True)
        self.title.setToolTip(HINT_TIP)
        layout.addWidget(self.title)
        self.stack = QStackedWidget()
        self.text = QTextBrowser()
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

    def clear(self) -> None:
        self.title.setText(HINT)
        self.stack.hide()
        self.node = self.node_t = None

    def show_request(self, replay: Replay, rid: int) -> None:
        self.node = self.node_t = None
        self.title.setText("<b>Request trail</b>")
        self.text.setHtml(request_html(replay, rid))
        self.stack.setCurrentWidget(self.text)
        self.stack.show()

    def show_node(self, replay: Replay, node: str, t: int) -> None:
        if node in replay.engine.stores:
            title, headers, rows = store_table(replay, node, t)
        elif node in replay.engine.servers:
            title, headers, rows = server_table(replay, node, t)
        else:  # not in this run (the diagram changed): nothing stale stays on show
            self.clear()
            return
        self.node, self.node_t = node, t
        self.title.setText(f"<b>{esc(title)}</b>")
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
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
        self.title.setText(f"<b>{esc(label)} at {t / SECOND:.2f} s: {'up' if state.up else 'DOWN'}</b> "
                           f"(the table as at {table_t / SECOND:.2f} s; pause to read it now)")
