"""A student's file full of markup, opened in the real main window: nothing it holds is ever read as markup."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shown_text import (
    BOLD,
    ENTITY,
    HOSTILE,
    IMG,
    LINK,
    RTL,
    all_texts,
    file_text_in_rich_text,
    markup_from_file,
    shows_literally,
)
from statediagram.gui.window import MainWindow
from statediagram.sim.scenario import SECOND

LONG = "L" * 5000


def hostile_record() -> dict:
    """Two servers sharing one Redis, and a spare server nobody reaches (it crashes in the drill with no request
    failing, so the panel says who is down), with markup in every id, label and the title."""
    ids = {"users": f"users{BOLD}", "lb": f"lb{LINK}", "a": f"a{IMG}", "b": f"b{ENTITY}", "redis": f"redis{RTL}",
           "z": f"z{BOLD}"}
    labels = {"users": f"Users {HOSTILE}", "lb": f"LB {HOSTILE}", "a": f"Server A {HOSTILE}",
              "b": f"Server B {HOSTILE} {LONG}", "redis": f"Redis {HOSTILE}", "z": f"Spare {HOSTILE}"}
    kinds = {"users": "client", "lb": "load_balancer", "a": "server", "b": "server", "redis": "redis", "z": "server"}
    where = {"users": (0, 120), "lb": (220, 120), "a": (440, 40), "b": (440, 200), "redis": (660, 120),
             "z": (440, 360)}
    nodes = [{"id": ids[k], "kind": kinds[k], "label": labels[k], "x": where[k][0], "y": where[k][1]}
             for k in ids]
    nodes[0]["props"] = {"users": 3}
    edges = [("users", "lb"), ("lb", "a"), ("lb", "b"), ("a", "redis"), ("b", "redis")]
    return {"format": "statediagram", "version": 1, "title": f"Title {HOSTILE}", "nodes": nodes,
            "edges": [{"source": ids[s], "target": ids[t]} for s, t in edges],
            "scenario": {"name": "standard", "journey": "sessions", "seed": 1}}


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes are recorded instead of waiting for a click; the static helpers guess rich text, so using
    one at all is a failure."""
    shown: list[QMessageBox] = []

    def record(box: QMessageBox) -> int:
        shown.append(box)
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", record)
    for name in ("critical", "warning", "information", "question"):
        def refuse(*args, _name=name, **kwargs):
            shown.append(args)
            raise AssertionError(f"QMessageBox.{_name} guesses rich text: {args[2] if len(args) > 2 else args}")
        monkeypatch.setattr(QMessageBox, name, refuse)
    return shown


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    sim = w.simulation
    w.show()
    qtbot.waitExposed(w)
    yield w, sim
    sim.controller.stop()
    w.doc.undo_stack.setClean()


def assert_no_markup(*roots) -> list:
    """Nothing from the file is read as markup, nor even put into rich text (tooltips aside: Qt has no plain
    one, so plain_text.tip escapes them)."""
    texts = all_texts(*roots)
    bad = markup_from_file(texts) + file_text_in_rich_text(texts)
    assert not bad, "\n".join(f"{s.where}: {s.text[:160]!r}" for s in bad)
    return texts


def finish(sim) -> dict:
    player = sim.controller.player
    player.set_playing(False)
    player.work_out()
    sim.ui.seek(player.end)
    return player.replay.report


def test_a_hostile_diagram_shows_its_markup_as_text_in_every_widget(window, dialogs, tmp_path, qtbot):
    w, sim = window
    folder = tmp_path / f"class <b>BOLDMARK {IMG}"  # a folder's name is outside text too (recent files); no "/"
    folder.mkdir()
    path = folder / "hostile.statediagram.json"
    path.write_text(json.dumps(hostile_record()), encoding="utf-8")
    assert w.open_path(str(path))
    w.refresh_findings()
    qtbot.waitUntil(lambda: not w.findings_work.busy)  # worked out in a child process
    texts = assert_no_markup(w)
    assert shows_literally(texts, f"Spare {HOSTILE}")  # the design findings name the spare server as written
    assert shows_literally(texts, IMG)  # the folder, in the recent files' tooltips

    ids = [n.id for n in w.doc.diagram.nodes]
    for node_id in ids:
        w.scene.select_ids([node_id])
        texts = assert_no_markup(w)
        header = w.properties.title
        assert shows_literally([t for t in texts if "properties" in t.where or t.text == header.text()],
                               node_id[:40]), node_id

    sim.controls.journey.setCurrentIndex(sim.controls.journey.findData("sessions"))
    sim.ui.simulate()
    finish(sim)
    texts = assert_no_markup(w, sim.bar, sim.side)
    assert shows_literally(texts, f"Spare {HOSTILE}")  # the verdict's explanations name it as written
    player = sim.controller.player
    spare_down = 33 * SECOND  # the drill crashes a, b, then the spare at 30 s; nothing failed since 21 s
    sim.ui.seek(spare_down)
    sim.ui.narrate(spare_down)
    texts = assert_no_markup(w, sim.bar, sim.side)
    assert shows_literally(texts, f"down now: Spare {HOSTILE}")
    for t in (12 * SECOND, 22 * SECOND, player.end):
        sim.ui.seek(t)
        sim.ui.narrate(t)
        assert_no_markup(w, sim.bar, sim.side)
    for node_id in ids:
        sim.ui.inspect_node(node_id)
        assert_no_markup(w, sim.bar, sim.side)
        if node_id in player.replay.node_states_at(player.t):  # a node that can be crashed: its menu names it
            menu = sim.controller.node_menu(node_id)
            assert_no_markup(menu)
            menu.deleteLater()
    for rid in range(0, len(player.replay.requests), max(1, len(player.replay.requests) // 25)):
        sim.ui.inspect_request(rid)
        assert_no_markup(sim.side)

    from statediagram.gui.simulation.compare import CompareDialog

    other = hostile_record()
    compare = CompareDialog(sim.controller, w)
    from statediagram.core.fileio import parse_diagram

    compare.compare_with(parse_diagram(json.dumps(other)).diagram, other["title"])
    assert_no_markup(compare)  # while it runs (the progress dialog's words quote the title) and when done
    qtbot.waitUntil(lambda: compare.reports is not None, timeout=120_000)
    assert_no_markup(compare)
    compare.deleteLater()
    assert not dialogs


def test_the_error_for_an_unreadable_hostile_file_is_one_plain_text_dialog(window, dialogs, tmp_path):
    w, _sim = window
    record = hostile_record()
    record["nodes"].append(dict(record["nodes"][2]))  # a duplicate id: unreadable, and the message quotes it
    record["nodes"][-1]["kind"] = "server"
    bad = tmp_path / "bad.statediagram.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    before = w.doc.to_json()
    assert not w.open_path(str(bad))
    assert len(dialogs) == 1
    box = dialogs[0]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "<img src='no-such-IMGMARK.png'>" in box.text()
    assert w.doc.to_json() == before
    assert_no_markup(box)


def test_a_kind_that_is_markup_is_named_as_text(window, dialogs, tmp_path):
    w, _sim = window
    record = hostile_record()
    record["nodes"][2]["kind"] = IMG
    bad = tmp_path / "kind.statediagram.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    assert not w.open_path(str(bad))
    assert [b.textFormat() for b in dialogs] == [Qt.TextFormat.PlainText]
    assert IMG in dialogs[0].text()


def test_a_huge_message_is_cut_so_the_dialog_opens_at_once(window, dialogs):
    w, _sim = window
    w.show_error("Cannot open this diagram", "x" * 10_000_000)
    assert len(dialogs[0].text()) <= 2000
    QApplication.processEvents()


def test_the_unsaved_work_question_names_a_hostile_title_as_text(window, dialogs):
    from statediagram.core.fileio import parse_diagram

    w, _sim = window
    w.files.new(parse_diagram(json.dumps(hostile_record())).diagram)
    w.editor.rename(w.doc.diagram.nodes[0].id, "Renamed")
    w.files.maybe_save()
    assert [b.textFormat() for b in dialogs] == [Qt.TextFormat.PlainText]
    assert f"Title {HOSTILE}" in dialogs[0].text()



def test_a_teachers_mission_file_with_markup_shows_it_as_text(window, dialogs, tmp_path, qtbot):
    w, _sim = window
    (tmp_path / "hostile.statediagram.json").write_text(json.dumps(hostile_record()), encoding="utf-8")
    mission = {"format": "statediagram-mission", "version": 1, "id": "hostile", "title": f"Mission {HOSTILE}",
               "summary": f"Summary {HOSTILE}", "starter": "hostile.statediagram.json", "scenario": "standard",
               "journey": "sessions", "goal": f"Goal {HOSTILE}", "situation": f"Situation {HOSTILE}",
               "hints": [f"Hint {HOSTILE}"], "rules": [{"rule": "survives"}, {"rule": "no_sticky"}]}
    path = tmp_path / "hostile.mission.json"
    path.write_text(json.dumps(mission), encoding="utf-8")
    w.choose_mission(str(path))
    assert w.missions.session.mission is not None and w.missions.session.mission.id == "hostile"
    texts = assert_no_markup(w)
    assert shows_literally(texts, f"Goal {HOSTILE}")
    w.missions.panel.hint_button.click()
    with qtbot.waitSignal(w.missions.session.checked, timeout=20000):  # the check runs in a child process
        w.missions.session.check()
    texts = assert_no_markup(w)
    assert shows_literally(texts, f"Hint {HOSTILE}")
    assert all(b.textFormat() == Qt.TextFormat.PlainText for b in dialogs if isinstance(b, QMessageBox))
