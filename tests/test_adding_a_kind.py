"""A new component kind is one entry per layer: this test adds a throwaway kind, a "memo cache" that holds
sessions, to the core, simulation and GUI registries (and nowhere else), and the whole program takes it in: the
palette offers it, files load and save it, pictures draw it with its own icon and colour, links follow its
rules, and runs use it, crash it and explain its losses. The entries are removed again after each test."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from statediagram.core import catalog
from statediagram.core.catalog import KINDS, Kind, PropSpec, link_allowed, link_problem
from statediagram.core.fileio import DiagramError, diagram_to_json, parse_diagram
from statediagram.core.topology import Home, state_homes
from statediagram.gui import kinds as gui_kinds
from statediagram.sim import kinds as sim_kinds
from statediagram.sim import simulate
from statediagram.sim.stores import Seen

MEMO = "memo_cache"
COLOUR = "#1B6E8A"


class MemoCache:
    """The throwaway kind's store: sessions in a dictionary, gone when it crashes."""

    def __init__(self) -> None:
        self.sessions: dict[str, str] = {}
        self.commands = 0

    def set_session(self, sid: str, user: str, at_us: int = 0) -> None:
        self.commands += 1
        self.sessions[sid] = user

    def get_session(self, sid: str) -> str | None:
        self.commands += 1
        return self.sessions.get(sid)

    @staticmethod
    def set_session_text(sid: str, user: str) -> str:
        return f"remember {sid}={user}"

    @staticmethod
    def get_session_text(sid: str) -> str:
        return f"recall {sid}"

    def lose_keys(self) -> None:
        self.sessions.clear()

    def count(self) -> int:
        return len(self.sessions)

    def table(self, seen: Seen):
        rows = [[sid, user] for sid, user in sorted(self.sessions.items())]
        return f"{len(rows)} entries", ["session", "user"], rows

    def close(self) -> None:
        self.sessions = {}


def draw_memo(p: QPainter, colour: QColor) -> None:
    """Its icon: a solid square in its colour, in the middle of the 48x48 grid."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRect(QRectF(14, 14, 20, 20))


@pytest.fixture
def memo():
    """The throwaway kind, one entry per layer, removed afterwards whatever the test did."""
    catalog.register(Kind(
        MEMO, "Memo cache", 3, "A test-only cache that remembers sessions until it crashes.",
        (PropSpec("ttl_s", "int", 60, "TTL", "How long it remembers, in seconds.", minimum=1, maximum=3600),),
        links=("server",), holds=(("sessions", 1),),
    ))
    sim_kinds.register(sim_kinds.SimKind(
        MEMO, store=lambda node, url: MemoCache(), rtt_us=500, keeps_data=lambda props: False,
        replicas=lambda props: 0, chaos=True, inspectable=True,
    ))
    gui_kinds.register(gui_kinds.GuiKind(MEMO, COLOUR, draw_memo, lambda p: f"remembers {p['ttl_s']} s",
                                         gui_kinds.counted("entry", "entries")))
    yield MEMO
    catalog.unregister(MEMO)
    sim_kinds.unregister(MEMO)
    gui_kinds.unregister(MEMO)


def file_text(**memo_props) -> str:
    node = {"id": "memo", "kind": MEMO, "label": "Memo", "x": 600, "y": 120}
    if memo_props:
        node["props"] = memo_props
    return json.dumps({
        "format": "statediagram", "version": 1, "title": "two servers, one memo cache",
        "nodes": [
            {"id": "users", "kind": "client", "label": "Users", "x": 0, "y": 120, "props": {"users": 3}},
            {"id": "lb", "kind": "load_balancer", "label": "Load balancer", "x": 200, "y": 120},
            {"id": "a", "kind": "server", "label": "Server A", "x": 400, "y": 40},
            {"id": "b", "kind": "server", "label": "Server B", "x": 400, "y": 200},
            node,
        ],
        "edges": [{"source": "users", "target": "lb"}, {"source": "lb", "target": "a"},
                  {"source": "lb", "target": "b"}, {"source": "a", "target": "memo"},
                  {"source": "b", "target": "memo"}],
    })


def test_the_kind_is_gone_after_each_test():
    assert MEMO not in KINDS and MEMO not in sim_kinds.SIM_KINDS and MEMO not in gui_kinds.GUI_KINDS


def test_a_file_with_it_loads_saves_and_refuses_bad_values(memo):
    diagram = parse_diagram(file_text(ttl_s=30)).diagram
    assert diagram.node_map()["memo"].props == {"ttl_s": 30}
    assert parse_diagram(diagram_to_json(diagram)).diagram == diagram  # saved and read back, nothing lost
    assert parse_diagram(file_text()).diagram.node_map()["memo"].props == {"ttl_s": 60}  # its default
    with pytest.raises(DiagramError) as bad:
        parse_diagram(file_text(ttl_s=0))
    assert "memo" in str(bad.value) and "ttl_s" in str(bad.value)


def test_it_links_by_its_own_rules_and_holds_the_sessions_of_its_servers(memo):
    assert link_allowed("server", MEMO) and link_allowed(MEMO, "server")
    assert not link_allowed("load_balancer", MEMO)
    assert link_problem("client", MEMO) == "Clients never talk to Memo cache directly: the servers do."
    assert link_problem(MEMO, MEMO) == "Two Memo cache nodes are never linked to each other."
    broken = json.loads(file_text())
    broken["edges"].append({"source": "users", "target": "memo"})
    with pytest.raises(DiagramError, match="Clients never talk to Memo cache directly"):
        parse_diagram(json.dumps(broken))
    homes = state_homes(parse_diagram(file_text()).diagram)
    assert homes["a"].sessions == homes["b"].sessions == Home(MEMO, "memo")
    assert homes["a"].cart.place == "ram"  # it holds sessions only


def test_a_run_uses_it_crashes_it_and_explains_its_losses(memo):
    diagram = parse_diagram(file_text()).diagram
    calm = simulate(diagram, scenario="calm", journey="sessions", record_trace=True)
    assert calm.survives  # two servers sharing the memo cache: nobody is logged out
    assert calm.report["stores"]["memo"] == {"kind": MEMO, "crashes": 0, "commands": calm.report["totals"]["requests"]}
    calls = [text for r in calm.engine.requests for _t, node, text in r.calls if node == "memo"]
    assert calls[0].startswith("remember ") and any(c.startswith("recall ") for c in calls)
    calm.engine.close()

    chaos = simulate(diagram, scenario="chaos", journey="sessions").report
    assert [f for f in chaos["faults"] if f["node"] == "memo"] == [
        {"at": 30.0, "node": "memo", "action": "crash"}, {"at": 35.0, "node": "memo", "action": "restart"}]
    assert chaos["stores"]["memo"]["crashes"] == 1
    wiped = [f for f in chaos["findings"] if f["code"] == "lost_sessions" and f["nodes"] == ["memo"]]
    assert wiped and "Memo crashed and lost its keys" in wiped[0]["message"]
    outages = [f for f in chaos["findings"] if f["code"] == "outages" and f["nodes"] == ["memo"]]
    assert outages and "give the Memo cache a replica" in outages[0]["message"]


def test_the_replay_counts_what_it_holds(memo):
    from statediagram.sim.replay import Replay, RunSetup

    replay = Replay(RunSetup(parse_diagram(file_text()).diagram, scenario="calm", journey="sessions"))
    replay.run_to_end()
    assert replay.node_states_at(5_000_000)["memo"].count == 3  # three users, three sessions remembered
    replay.close()


def colour_pixels(image: QImage) -> int:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    want = QColor(COLOUR).rgb()
    return sum(image.pixel(x, y) == want for y in range(image.height()) for x in range(image.width()))


def test_the_palette_offers_it_with_its_own_icon(memo, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from statediagram.gui.canvas.painter import kind_pixmap
    from statediagram.gui.window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    rows = {window.palette.kind_at(r): window.palette.item(r) for r in range(window.palette.count())}
    assert rows[MEMO].text() == "Memo cache"
    icon = kind_pixmap(MEMO, 48).toImage()
    assert icon.pixelColor(24, 24) == QColor(COLOUR)  # the middle of its own square, not a grey "?"
    window.editor.add_node(MEMO, 300, 0)
    (memo_id,) = [n.id for n in window.doc.diagram.nodes]
    server = window.editor.add_node("server", 0, 0)
    assert window.editor.link(server, memo_id) is None
    assert window.scene.node_items[server].badges()[0] == ("sessions", "Memo cache", True, False)
    assert window.scene.node_items[memo_id].subtitle == "remembers 60 s"
    window.doc.undo_stack.setClean()
    window.close()


def test_pictures_draw_it_with_its_colour_and_icon(memo):
    from statediagram.gui.files import export

    diagram = parse_diagram(file_text(ttl_s=30)).diagram
    png = QImage.fromData(export.png_bytes(diagram))
    # The card's accent stripe and the icon's square: several hundred pixels of exactly its colour.
    assert colour_pixels(png) > 300
    assert COLOUR.lower() in export.svg_bytes(diagram).decode().lower()


# --- a server kind, the way websocket_server comes in: a server that speaks some journeys only ---------------

EDGE = "edge_server"


@pytest.fixture
def edge():
    """A throwaway server kind: links like a server except object storage, serves journey ``sessions`` only."""
    from statediagram.core.catalog import DISK, RAM, Role
    from statediagram.sim.nodes import ServerState

    catalog.register(Kind(
        EDGE, "Edge server", 2, "A test-only server that answers profile requests only.",
        role=Role.SERVER, links=("client", "load_balancer", "redis", "postgres"), noun="edge server",
        keeps=(("sessions", RAM), ("cart", RAM), ("uploads", DISK), ("history", RAM)), journeys=("sessions",),
        lettered=True,
    ))
    sim_kinds.register(sim_kinds.SimKind(
        EDGE, server=lambda node, homes: ServerState(node.id, "session", homes), drilled=True, replaceable=True,
        inspectable=True,
    ))
    gui_kinds.register(gui_kinds.GuiKind(EDGE, COLOUR, draw_memo, lambda p: "profiles only"))
    yield EDGE
    catalog.unregister(EDGE)
    sim_kinds.unregister(EDGE)
    gui_kinds.unregister(EDGE)


def edge_file() -> str:
    record = json.loads(file_text())
    record["nodes"][3].update(kind=EDGE, label="Edge B")  # b is an edge server now, and both share a Redis
    record["nodes"][4].update(kind="redis", label="Redis")
    return json.dumps(record)


def test_a_server_kind_links_by_its_rules_and_serves_only_its_journeys(edge):
    assert link_allowed(EDGE, "redis") and link_allowed("load_balancer", EDGE) and link_allowed("client", EDGE)
    assert not link_allowed(EDGE, "object_storage")
    diagram = parse_diagram(edge_file()).diagram
    homes = state_homes(diagram)
    assert homes["b"].sessions == Home("redis", "memo")
    assert homes["b"].of("history") == Home("redis", "memo")  # a state of its own, in the store that ranks first
    assert homes["a"].of("history") is None  # a plain server keeps no chat history
    sessions = simulate(diagram, journey="sessions").report
    assert sessions["survives"]
    assert sessions["servers"]["b"]["requests"] > 0 and sessions["servers"]["b"]["crashes"] == 1  # drilled too
    full = simulate(diagram, scenario="calm", journey="full").report
    assert full["servers"]["b"]["requests"] == 0  # the load balancer sends it no journey it does not speak
    assert full["servers"]["a"]["requests"] == full["totals"]["requests"]


def test_a_run_on_the_canvas_flashes_its_links_in_its_colour_and_tells_its_state_in_its_words(memo, qapp):
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    from statediagram.gui.simulation.layer import SimulationLayer
    from statediagram.gui.simulation.tokens import Frame
    from statediagram.sim.replay import NodeState

    class Boxes:  # a server at the left, the memo cache at the right
        def node_rect(self, nid: str) -> QRectF | None:
            return {"a": QRectF(0, 0, 100, 60), "memo": QRectF(300, 0, 100, 60)}.get(nid)

        def link_points(self, a: str, b: str):
            return [self.node_rect(a).center(), self.node_rect(b).center()]

        def warned(self, nid: str) -> bool:
            return False

    layer = SimulationLayer(Boxes())
    layer.set_run({"a": "server", "memo": MEMO}, {"a": "Server A", "memo": "Memo"}, {"a": "memo"})
    layer.show_frame(Frame(0, flashes={("a", "memo"): "recall 1"},
                           states={"a": NodeState(count=0), "memo": NodeState(count=2)}))
    image = QImage(500, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(50, 50)
    layer.paint_frame(painter, QStyleOptionGraphicsItem())
    painter.end()
    assert image.pixel(50 + 150, 50 + 30) == QColor(COLOUR).lighter(135).rgb()  # the call flashes its link
    drawn = {key[0] for key in layer._pills}  # the texts of the pills this frame drew
    assert {"2 entries", "sessions in Memo"} <= drawn


def test_a_kind_without_its_simulation_entry_is_named_before_any_run(memo):
    sim_kinds.unregister(MEMO)  # the core knows it, the simulation does not
    with pytest.raises(LookupError, match="'memo_cache' has no store in the simulation's registry"):
        simulate(parse_diagram(file_text()).diagram)
