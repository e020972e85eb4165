"""The lesson's text and its comparison table: every section ends in something to do, and every claim a table
cell makes is what the real engine shows on the run it links to."""

from __future__ import annotations

import json

import pytest

from statediagram.missions import list_missions
from statediagram.missions.lesson import Paragraph, Picture, Table, load_lesson
from statediagram.missions.lessondata import LessonFileError
from statediagram.missions.lessonruns import Claim, RunSpec, measure, outcomes, run

LESSON = load_lesson()
CELLS = [cell for table in LESSON.tables() for cell in table.checked_cells()]


def test_the_lesson_has_its_sections_in_order():
    assert [s.id for s in LESSON.sections] == [
        "duel", "table", "dataless", "traps", "golden-rule", "realtime", "jwt", "cattle"]


@pytest.mark.parametrize("section", LESSON.sections, ids=lambda s: s.id)
def test_every_section_ends_in_see_it_and_try_it(section):
    assert section.see and section.try_
    known = {m.id for m in list_missions()}
    assert {t.mission for t in section.try_} <= known
    for spec in section.runs():
        assert spec.path().is_file(), spec.diagram


def test_the_comparison_table_is_three_questions_by_stateful_and_stateless():
    (table,) = LESSON.tables()
    assert [row[0].text for row in table.rows] == ["Where is the data?", "If a server crashes", "Scalability"]
    assert all(row[1].run and row[2].run and row[1].claims and row[2].claims for row in table.rows)


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.run.diagram}-{c.run.scenario}")
def test_every_table_claim_holds_on_its_run(cell):
    report = run(cell.run).report
    for claim in cell.claims:
        assert claim.holds(report), f"{claim.describe()} fails: {cell.text!r} on {cell.run}"


def test_stateful_crash_row_logs_users_out_and_stateless_does_not():
    (table,) = LESSON.tables()
    stateful, stateless = table.rows[1][1], table.rows[1][2]
    assert run(stateful.run).report["totals"]["lost_sessions"] > 0
    assert run(stateless.run).report["totals"]["lost_sessions"] == 0
    assert run(stateless.run).report["survives"] is True


def test_a_claim_that_the_engine_contradicts_is_caught():
    report = run(RunSpec("sticky-sessions", "standard", "sessions")).report
    assert not Claim("lost_sessions", "==", 0).holds(report)
    assert Claim("lost_sessions", ">", 0).holds(report)
    assert measure(report, "server_imbalance") > 1.3
    assert outcomes(report) == {"loses_sessions"}


def test_pictures_and_paragraphs_are_there_for_every_section_that_shows_a_design():
    pictures = [b for s in LESSON.sections for b in s.blocks if isinstance(b, Picture)]
    assert len(pictures) >= 6
    assert all(isinstance(s.blocks[0], Paragraph | Table) for s in LESSON.sections)


def _write(tmp_path, record) -> str:
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(record) if not isinstance(record, str) else record, encoding="utf-8")
    return str(path)


GOOD = {"format": "statediagram-lesson", "version": 1,
        "sections": [{"id": "one", "title": "One", "blocks": [{"text": "Hello"}]}]}


@pytest.mark.parametrize("change, where, rule", [
    ("{not json", "line 1", "not valid JSON"),
    ({**GOOD, "format": "statediagram"}, "format", "must be 'statediagram-lesson'"),
    ({**GOOD, "version": 2}, "version", "must be 1"),
    ({**GOOD, "sections": []}, "lesson.json", '"sections" must be a non-empty list'),
    ({**GOOD, "sections": [{"id": "one", "title": "One", "blocks": [{"video": "x"}]}]}, "block 1", "not a known block"),
    ({**GOOD, "sections": [{"id": "one", "title": "One", "blocks": [{"text": 3}]}]}, "text", "must be non-empty text"),
    ({**GOOD, "sections": [GOOD["sections"][0], GOOD["sections"][0]]}, "section 2: id", "used twice"),
    ({**GOOD, "sections": [{"id": "one", "title": "T", "blocks": [{"table": {"columns": ["a", "b"],
                                                                           "rows": [["x"]]}}]}]},
     "row 1", "list of 2 cells"),
    ({**GOOD, "sections": [{"id": "one", "title": "T",
                            "blocks": [{"picture": {"diagram": "x", "scenario": "storm"}}]}]},
     "scenario", "unknown scenario 'storm'"),
    ({**GOOD, "sections": [{"id": "one", "title": "T", "blocks": [{"table": {"columns": ["a"], "rows": [[
        {"text": "x", "run": {"diagram": "jwt"}, "claims": [{"measure": "speed", "is": ">", "value": 1}]}]]}}]}]},
     "measure", "unknown measure 'speed'"),
])
def test_a_broken_lesson_file_names_where_and_why(tmp_path, change, where, rule):
    with pytest.raises(LessonFileError) as caught:
        load_lesson(_write(tmp_path, change))
    assert where in str(caught.value) and rule in str(caught.value)
    assert caught.value.fix  # and how to fix it


def test_a_huge_lesson_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "lesson.json"
    path.write_text('{"format": "statediagram-lesson", "pad": "' + "x" * 600_000 + '"}', encoding="utf-8")
    with pytest.raises(LessonFileError, match="bigger than 512 KB"):
        load_lesson(path)


def test_a_run_of_a_missing_or_oversized_diagram_is_a_clear_error(tmp_path):
    with pytest.raises(LessonFileError, match="cannot be opened"):
        run(RunSpec("no-such-example"))
    big = json.loads((RunSpec("jwt").path()).read_text(encoding="utf-8"))
    big["nodes"][0]["props"]["users"] = 5000
    (tmp_path / "big.statediagram.json").write_text(json.dumps(big), encoding="utf-8")
    with pytest.raises(LessonFileError, match="too long for a lesson"):
        run(RunSpec("big.statediagram.json", base=tmp_path))
