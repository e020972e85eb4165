"""The report is read by its fields, and a learner reads the same words about a run wherever it is told."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sim_builders import two_servers

from statediagram.classreport import _totals_line
from statediagram.missions import check_mission, get_mission
from statediagram.sim import simulate
from statediagram.sim.report import Totals, _loss, report_json
from statediagram.sim.wording import counters_text, format_report, losses_text

SRC = Path(__file__).resolve().parents[2] / "src" / "statediagram"
# A report read as a dict: report["totals"], report.get("labels"), t["ok"] ...
BY_KEY = re.compile(r"""report\w*\s*(\[\s*["']|\.get\(\s*["'])|\[\s*["'](totals|survives|findings)["']\s*\]""")


def test_the_app_the_command_line_and_the_missions_read_the_report_by_its_fields():
    offenders = [f"{path.relative_to(SRC)}:{n}: {line.strip()}" for path in sorted(SRC.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if BY_KEY.search(line)]
    assert offenders == []


def test_the_report_json_is_the_contracts_object_in_its_order():
    report = simulate(two_servers(), scenario="calm", journey="sessions").report
    data = json.loads(report_json(report))
    assert list(data) == ["survives", "scenario", "journey", "seed", "duration_s", "title", "labels", "totals",
                          "servers", "stores", "faults", "findings"]
    assert list(data["totals"]) == ["requests", "ok", "lost_sessions", "lost_files", "lost_data", "outages",
                                    "failover_errors"]
    assert data["totals"]["lost_sessions"] == report.totals.lost_sessions > 0
    assert data["findings"][0]["code"] == report.findings[0].code == "lost_sessions"


def test_the_command_line_the_mission_and_the_class_report_tell_the_losses_in_the_same_words():
    report = simulate(two_servers(), scenario="standard", journey="sessions").report
    said = losses_text(report.totals)
    assert said.startswith(f"{report.totals.lost_sessions} sessions lost")
    assert counters_text(report.totals) in format_report(report)
    reasons = check_mission(get_mission("stateless"), two_servers()).reasons
    assert any(said in r for r in reasons)
    assert said in _totals_line(report)


def test_a_new_counter_is_one_field_and_a_new_loss_fails_the_verdict():
    @dataclass(frozen=True)
    class ChatTotals(Totals):  # what the chat journey adds
        messages: int = 0
        lost_messages: int = _loss()

    totals = ChatTotals(requests=10, ok=10, messages=9, lost_messages=2)
    assert list(totals.to_json())[-2:] == ["messages", "lost_messages"]
    assert not totals.lost_nothing
    assert losses_text(totals) == "2 chat messages lost"
    assert counters_text(totals).endswith("messages 9, lost messages 2")
    assert Totals().get("lost_messages") == 0  # another journey's counter reads as none
