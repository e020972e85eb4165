"""The app's open path on every hostile file of the corpus: a loaded diagram, or one plain-text error dialog,
within 10 s, without a traceback, and nothing of the file read as markup."""

from __future__ import annotations

import time

import pytest
from corpus import CASES, FORGED, MARKUP, case
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shown_text import all_texts, markup_from_file
from statediagram.gui.window import MainWindow

CORPUS_MARKERS = (MARKUP[:12], "<h1>grade A", "<b>PASS")  # "<img src='/d", the forged heading
assert FORGED.startswith("<h1>grade A")
SECONDS = 10
# 4,000 servers stacked 10 units apart (the window builds 12,000 items) opened in 3.8 s with another test run on
# the second core; 13-15 s only when seven test runs shared the machine. No case is let off the 10 s.


@pytest.fixture(scope="module")
def window(qapp):
    w = MainWindow()
    w.resize(1200, 800)
    w.show()
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_opening_a_hostile_file_in_the_app_loads_it_or_says_why_in_one_plain_text_dialog(
        name, window, tmp_path, monkeypatch):
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or int(QMessageBox.StandardButton.Ok))
    c = case(name)
    path = c.make(tmp_path)
    window.doc.undo_stack.setClean()
    began = time.monotonic()
    opened = window.open_path(str(path))
    window.refresh_findings()
    QApplication.processEvents()
    while window.findings_work.busy and time.monotonic() - began < SECONDS:  # worked out in a child process
        QApplication.processEvents()
        time.sleep(0.005)
    took = time.monotonic() - began
    assert took < SECONDS, f"{name}: {took:.1f} s"
    assert opened == c.opens, [b.text()[:200] for b in shown]
    if opened:
        assert shown == []
        assert len(window.doc.diagram.nodes) > 0
    else:
        assert len(shown) == 1 and shown[0].textFormat() == Qt.TextFormat.PlainText
        assert 0 < len(shown[0].text()) <= 2000
    bad = markup_from_file(all_texts(window, *shown), CORPUS_MARKERS)
    assert not bad, [(s.where, s.text[:120]) for s in bad]
