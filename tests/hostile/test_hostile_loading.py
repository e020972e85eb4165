"""Loading a hostile file: bounded numbers, special files, size caps, PNG bombs, brief and terminal-safe quotes.

Each answer is a DiagramError naming where, the rule and the fix, given quickly and in little memory."""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from corpus import CASES, TEN_MB_ID, case

from statediagram.core.fileio import DiagramError, load_diagram
from statediagram.core.limits import MAX_COORDINATE, MAX_SCENARIO_S
from statediagram.core.text import quoted, show_value, terminal_safe


def load_error(path: Path) -> DiagramError:
    with pytest.raises(DiagramError) as caught:
        load_diagram(path)
    error = caught.value
    assert error.where and error.rule and error.fix, str(error)
    return error


@pytest.mark.parametrize("name", [c.name for c in CASES if c.name not in ("fifo", "dev-zero")])
def test_every_case_of_the_corpus_opens_or_is_refused_as_it_says(name, tmp_path):
    c = case(name)
    path = c.make(tmp_path)
    if c.opens:
        assert load_diagram(path).diagram.nodes
    else:
        load_error(path)


@pytest.mark.parametrize(("name", "axis"), [("coordinate-at-1e308", "x"), ("coordinate-beyond-limit", "y")])
def test_coordinates_beyond_the_canvas_are_unreadable_with_the_bound_and_a_fix(name, axis, tmp_path):
    error = load_error(case(name).make(tmp_path))
    assert axis in error.rule and f"{MAX_COORDINATE:,}" in error.rule and "Move the node" in error.fix


def test_coordinates_at_the_bound_load(tmp_path):
    diagram = load_diagram(case("far-apart-1e6").make(tmp_path)).diagram
    assert max(abs(n.x) for n in diagram.nodes) == MAX_COORDINATE


@pytest.mark.parametrize("name", ["fault-at-max-float", "fault-at-1e7", "duration-1e300", "duration-3601"])
def test_fault_times_and_durations_beyond_an_hour_are_unreadable(name, tmp_path):
    error = load_error(case(name).make(tmp_path))
    assert error.where.startswith("scenario") and str(MAX_SCENARIO_S) in error.rule


def test_a_fifo_is_refused_at_once_never_read(tmp_path):
    path = case("fifo").make(tmp_path)
    answer: list[BaseException] = []
    reader = threading.Thread(target=lambda: answer.append(pytest.raises(DiagramError, load_diagram, path).value))
    reader.start()
    reader.join(5)
    if reader.is_alive():  # blocked in open(): let it go before failing
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
        pytest.fail("loading a FIFO blocked")
    assert "FIFO" in answer[0].rule and "regular file" in answer[0].rule


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_without_reading_it():
    tracemalloc.start()
    try:
        error = load_error(Path("/dev/zero"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "not a regular file" in error.rule and peak < 10 * 1024 * 1024


def test_a_folder_is_refused_by_name(tmp_path):
    assert "folder" in load_error(case("folder").make(tmp_path)).rule


def test_a_file_bigger_than_the_cap_is_refused_before_it_is_read(tmp_path):
    path = case("oversize-21mb").make(tmp_path)
    tracemalloc.start()
    try:
        error = load_error(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "20 MB" in error.rule and peak < 5 * 1024 * 1024


@pytest.mark.parametrize("name", ["png-ztxt-bomb", "png-itxt-bomb"])
def test_a_png_text_chunk_bomb_is_refused_quickly_in_little_memory(name, tmp_path):
    path = case(name).make(tmp_path)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = load_error(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "inflates to more than 20 MB" in error.rule
    assert peak < 100 * 1024 * 1024, f"{peak / 2**20:.0f} MB"
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("name", ["ten-mb-id", "ten-mb-unknown-kind"])
def test_a_ten_mb_value_is_quoted_briefly(name, tmp_path):
    message = str(load_error(case(name).make(tmp_path)))
    assert len(message) < 400 and "…" in message


def test_escape_sequences_in_an_error_are_shown_not_sent(tmp_path):
    message = str(load_error(case("escapes-in-error").make(tmp_path)))
    assert "\x1b" not in message and "\x07" not in message and "\\x1b[2J" in message


def test_quoted_is_brief_and_terminal_safe():
    assert quoted(TEN_MB_ID) == '"' + "i" * 79 + '…"'
    assert quoted("a\x1b[2J\n\x9b") == '"a\\x1b[2J\\n\\x9b"'
    assert show_value("random") == "'random'"
    assert quoted(3) == "3" and quoted(None) == "null" and quoted([1]) == "a list" and quoted(10**50)
    assert terminal_safe("Ser\u200fver é") == "Ser\u200fver é"  # right-to-left marks and accents stay
    assert terminal_safe(os.fsdecode(b"\xff.json")) == "\\xff.json"
