"""What the command line prints and writes for hostile files: terminal-safe text, spreadsheet-safe CSV, file
names that are not UTF-8, a time bound per file, pictures of any scene size, well-formed SVG, no temporary file
left for ever, and Ctrl-C during a render."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from corpus import ESCAPES, RTL_MARK, case, many_servers, starter, users

from statediagram import cli
from statediagram.check_output import csv_cell
from statediagram.core.fileio import atomic_write

ROOT = Path(__file__).resolve().parents[2]
RAW_CONTROLS = "\x1b\x07\x9b"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write(folder: Path, name: str, record: dict) -> str:
    path = folder / name
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


def no_raw_controls(text: str) -> bool:
    return not any(c in text for c in RAW_CONTROLS)


def test_escape_sequences_in_labels_and_ids_never_reach_the_terminal(capsys, tmp_path):
    path = str(case("escapes-in-labels").make(tmp_path))
    for argv in (["simulate", path], ["simulate", path, "--json"], ["check", path, "--mission", "stateless"],
                 ["check", path, "--mission", "stateless", "--json"], ["check", path, "--mission", "stateless",
                                                                       "--csv"]):
        status, out, err = run(capsys, *argv)
        assert status in (0, 1) and no_raw_controls(out) and no_raw_controls(err), argv
    status, out, _ = run(capsys, "simulate", path, "--json")
    assert "a" + ESCAPES in json.loads(out)["servers"]  # a JSON reader gets the id back as it was


def test_escape_sequences_in_an_error_are_shown_as_escapes(capsys, tmp_path):
    status, out, err = run(capsys, "simulate", str(case("escapes-in-error").make(tmp_path)))
    assert status == 2 and out == "" and no_raw_controls(err) and "\\x1b[2J" in err and err.count("\n") == 1


def test_a_ten_mb_id_is_not_echoed(capsys, tmp_path):
    status, _, err = run(capsys, "check", str(case("ten-mb-id").make(tmp_path)), "--mission", "stateless")
    assert status == 2 and len(err) < 500


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_text(capsys, tmp_path, monkeypatch):
    path = case("formula-in-name-and-label").make(tmp_path)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "check", path.name, "--mission", "stateless", "--csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["file"].startswith("'=HYPERLINK(1)")
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in row.values())
    assert csv_cell("-1+2") == "'-1+2" and csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("\tx") == "'\tx" and csv_cell("Server A") == "Server A" and csv_cell(3) == 3


def test_a_file_name_that_is_not_utf8_is_printed_and_the_others_are_graded(capsys, tmp_path):
    odd = os.fsdecode(case("file-name-not-utf8").make(tmp_path))
    other = write(tmp_path, "other.statediagram.json", starter())
    for fmt in ([], ["--json"], ["--csv"]):
        status, out, err = run(capsys, "check", odd, other, "--mission", "stateless", *fmt)
        assert status == 0, err
        shown = json.loads(out)[0]["file"] if fmt == ["--json"] else out
        assert "\\xff\\xfe-student" in shown and "other.statediagram.json" in out
        out.encode("utf-8")  # printable as it is


def test_check_timeout_reports_the_file_and_grades_the_rest_exit_3(capsys, tmp_path):
    slow = str(case("long-but-within-limits").make(tmp_path))
    fine = write(tmp_path, "fine.statediagram.json", starter())
    started = time.monotonic()
    status, out, err = run(capsys, "check", slow, fine, "--mission", "stateless", "--timeout", "1")
    assert time.monotonic() - started < 10
    assert status == 3
    lines = out.splitlines()
    assert lines[0].startswith("NOT RUN") and "could not finish" in lines[0] and "1 s" in lines[0]
    assert lines[1].startswith("PASS") and "1 could not finish" in lines[-1]
    assert err.count("\n") == 1
    status, out, _ = run(capsys, "check", slow, fine, "--mission", "stateless", "--timeout", "1", "--json")
    rows = json.loads(out)
    assert "not_finished" in rows[0] and rows[1]["passed"]


def test_check_exit_status_precedence_unreadable_then_unfinished_then_fails(capsys, tmp_path):
    slow = str(case("long-but-within-limits").make(tmp_path))
    bad = write(tmp_path, "bad.statediagram.json", {"format": "nope"})
    failing = str(ROOT / "src" / "statediagram" / "assets" / "missions" / "stateless.statediagram.json")
    fast = ["--timeout", "0.5"]
    assert run(capsys, "check", slow, bad, failing, "--mission", "stateless", *fast)[0] == 2
    assert run(capsys, "check", slow, failing, "--mission", "stateless", *fast)[0] == 3
    assert run(capsys, "check", failing, "--mission", "stateless")[0] == 1


def test_simulate_timeout_is_could_not_finish_exit_3(capsys, tmp_path):
    status, out, err = run(capsys, "simulate", str(case("long-but-within-limits").make(tmp_path)), "--timeout", "1")
    assert status == 3 and out == "" and "could not finish" in err and err.count("\n") == 1


@pytest.mark.parametrize(("record", "words"), [(many_servers(301), "300"), (users([10_000, 1]), "10,001 users")])
def test_a_design_too_big_to_run_is_refused_with_the_reason_exit_2(capsys, tmp_path, record, words):
    path = write(tmp_path, "big.statediagram.json", record)
    status, _, err = run(capsys, "simulate", path)
    assert status == 2 and words in err and err.count("\n") == 1
    status, out, _ = run(capsys, "check", path, "--mission", "stateless", "--json")
    assert status == 2 and words in json.loads(out)[0]["error"]


def test_a_huge_scene_exports_a_capped_picture_and_says_so(capsys, tmp_path):
    from PySide6.QtGui import QImage

    from statediagram.gui.files.export import MAX_PIXELS

    out_png = tmp_path / "far.png"
    status, out, err = run(capsys, "export", str(case("far-apart-19000").make(tmp_path)), "-o", str(out_png))
    assert status == 0 and "note: drawn at scale" in err and err.count("\n") == 1
    image = QImage(str(out_png))
    assert 0 < image.width() * image.height() <= MAX_PIXELS
    status, _, err = run(capsys, "check", str(out_png), "--mission", "stateless")
    assert status in (0, 1)  # the picture still carries the diagram


def test_exported_svg_is_well_formed_without_control_characters_and_keeps_rtl_marks(capsys, tmp_path):
    out_svg = tmp_path / "labels.svg"
    status, _, err = run(capsys, "export", str(case("control-characters-for-svg").make(tmp_path)), "-o",
                         str(out_svg))
    assert status == 0, err
    ElementTree.parse(out_svg)
    text = out_svg.read_text(encoding="utf-8")
    assert RTL_MARK in text and "Bold" in text and not any(chr(c) in text for c in (1, 2, 8, 0x0B, 0x1B))


def test_markup_in_labels_is_text_in_the_svg(capsys, tmp_path):
    out_svg = tmp_path / "markup.svg"
    assert run(capsys, "export", str(case("markup-in-labels-and-ids").make(tmp_path)), "-o", str(out_svg))[0] == 0
    root = ElementTree.parse(out_svg).getroot()
    assert not [e for e in root.iter() if e.tag.endswith(("img", "h1"))]


def test_a_temporary_file_left_by_a_killed_write_is_removed_by_the_next_one(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    left = tmp_path / f".picture.png.{dead_pid}.k3j9x2_a.tmp"
    left.write_bytes(b"")
    alive = tmp_path / f".picture.png.{os.getppid()}.zzzzzzzz.tmp"  # a write still going on elsewhere
    alive.write_bytes(b"")
    other = tmp_path / f".other.png.{dead_pid}.aaaaaaaa.tmp"
    other.write_bytes(b"")
    atomic_write(tmp_path / "picture.png", b"new")
    assert not left.exists() and alive.exists() and other.exists()
    assert (tmp_path / "picture.png").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".picture.png")] == [alive.name]


def wait_for_qt(pid: int, seconds: float = 30) -> None:
    """Until the process has loaded Qt's GUI library: it is then in the export, past start-up."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if "libQt6Gui" in Path(f"/proc/{pid}/maps").read_text():
                return
        except OSError:
            return  # no /proc (or the process ended): send the signal anyway
        time.sleep(0.02)


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3])
def test_ctrl_c_during_a_png_render_exits_130_cleanly(tmp_path, delay):
    """A big picture takes seconds to draw; Ctrl-C at any moment of it ends the command with 130, no crash, no
    picture, no temporary file. (Before: a segfault, or the interrupt lost inside Qt and the picture written.)"""
    record = many_servers(300)
    for n in record["nodes"]:
        n["label"] = "Server " * 6
    path = write(tmp_path, "big.statediagram.json", record)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "statediagram", "export", path, "-o", "big.png", "--scale", "8"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # even if we ignore it
    wait_for_qt(proc.pid)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err[-600:])
    assert b"Traceback" not in err and b"Fatal" not in err and out == b""
    assert not (tmp_path / "big.png").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
