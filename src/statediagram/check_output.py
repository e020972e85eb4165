"""What ``statediagram check`` prints about a class's files: the text (a line per file and a summary), the CSV
(a row per file, safe to open in a spreadsheet) and the JSON (each file's verdict, reasons and report).

A row is a dict: ``file``, ``mission``, ``passed``, ``reasons``, and the run's ``report``, or ``error`` (an
unreadable file) or ``not_finished`` (a run that could not finish). Every text from a file is terminal-safe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING, Any

from .core.text import terminal_safe

if TYPE_CHECKING:
    from .sim.report import Report

CSV_TOTALS = ("requests", "ok", "lost_sessions", "lost_files", "lost_data", "outages", "failover_errors")
# A spreadsheet runs a cell starting with one of these as a formula: a file named "=HYPERLINK(...)" must not.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DEL_AND_C1 = re.compile("[\x7f-\x9f]")


def check_json(rows: list[dict[str, Any]]) -> str:
    """The rows as a JSON list, each report as the object ``simulate --json`` prints."""
    return json_safe(json.dumps(rows, indent=2, ensure_ascii=False, default=_report_json)) + "\n"


def json_safe(text: str) -> str:
    """JSON text whose strings hold no raw DEL or C1 control (some terminals read U+009B as ESC [): written as
    \\u escapes, which JSON readers turn back into the same characters."""
    return _DEL_AND_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def _report_json(value: Any) -> Any:
    """A row's report as the JSON object ``simulate --json`` prints."""
    if hasattr(value, "to_json"):  # a Report (imported only by the commands that run the simulation)
        return value.to_json()
    raise TypeError(f"{type(value).__name__} is not JSON")


def check_csv(rows: list[dict[str, Any]]) -> str:
    """A header row, then one row per file: verdict, reasons joined by "; ", the run's totals, the error."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "mission", "passed", "reasons", "survives", *CSV_TOTALS, "error"])
    for r in rows:
        report: Report | None = r.get("report")
        survives = "" if report is None else ("yes" if report.survives else "no")
        totals = ["" if report is None else report.totals.count(k) for k in CSV_TOTALS]
        cells = [r["file"], r["mission"], "yes" if r["passed"] else "no", "; ".join(r["reasons"]),
                 survives, *totals, r.get("error", r.get("not_finished", ""))]
        writer.writerow([csv_cell(terminal_safe(c)) if isinstance(c, str) else c for c in cells])
    return out.getvalue()


def check_text(rows: list[dict[str, Any]], mission_id: str, title: str) -> str:
    """A line per file (PASS, FAIL or UNREADABLE and the reason that matters most), then a summary line."""
    lines = []
    for r in rows:
        if "error" in r:
            lines.append(f"UNREADABLE  {terminal_safe(r['error'])}")  # the message names the file
        elif "not_finished" in r:
            lines.append(f"NOT RUN     {terminal_safe(r['not_finished'])}")
        else:
            verdict = "PASS" if r["passed"] else "FAIL"
            first = f": {terminal_safe(r['reasons'][0])}" if r["reasons"] else ""
            lines.append(f"{verdict:10s}  {terminal_safe(r['file'])}{first}")
    passed = sum(1 for r in rows if r["passed"])
    unreadable = sum(1 for r in rows if "error" in r)
    not_run = sum(1 for r in rows if "not_finished" in r)
    failed = len(rows) - passed - unreadable - not_run
    files = "1 file" if len(rows) == 1 else f"{len(rows)} files"
    unfinished = f", {not_run} could not finish" if not_run else ""
    lines.append(f"{files} checked against mission {mission_id} (\"{title}\"): {passed} passed, {failed} failed, "
                 f"{unreadable} unreadable{unfinished}")
    return "\n".join(lines) + "\n"
