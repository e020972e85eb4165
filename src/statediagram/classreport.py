"""The class report of ``statediagram check --report class.html``: one self-contained HTML page.

A summary (passed / failed / unreadable / could not finish), then a row per file: the verdict, the reasons
and a small picture of the diagram (an inline PNG, drawn by the export code). Every text that comes from a
file (names, labels inside reasons, error messages) is escaped: student files are hostile. The page loads
nothing (a Content-Security-Policy forbids it); it sorts by status with a few lines of inline script, and
without script it is already in status order (problems first).

Qt-free: the pictures are made by the caller (``pictures``), so this module only writes text.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sim.report import Report

PASSED, FAILED, UNREADABLE, UNFINISHED = "passed", "failed", "unreadable", "unfinished"
# Problems first: what a teacher must look at comes at the top of the page.
STATUS_ORDER = (UNREADABLE, UNFINISHED, FAILED, PASSED)
STATUS_WORDS = {PASSED: "Passed", FAILED: "Failed", UNREADABLE: "Unreadable", UNFINISHED: "Could not finish"}
# A symbol with every status: the colour is never the only sign.
STATUS_SIGNS = {PASSED: "✓", FAILED: "✗", UNREADABLE: "?", UNFINISHED: "…"}


# Sorting by a column's button: by status (then file), or by file; a second click reverses.
SORT_SCRIPT = """
(function () {
  var body = document.querySelector("#rows tbody"), up = {};
  document.querySelectorAll("th button").forEach(function (b) {
    b.addEventListener("click", function () {
      var key = b.dataset.key, rows = Array.prototype.slice.call(body.rows), sign = up[key] ? -1 : 1;
      up[key] = !up[key];
      rows.sort(function (x, y) {
        var d = key === "status" ? x.dataset.status - y.dataset.status : 0;
        if (!d) d = x.cells[1].textContent.localeCompare(y.cells[1].textContent);
        return sign * d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
"""
# The page may load nothing, and runs no script but its own (by its hash): even text that escaped escaping
# could not run.
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-"
       + base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode("utf-8")).digest()).decode("ascii") + "'")


def row_status(row: Mapping[str, Any]) -> str:
    """The status of one row of ``check``: passed, failed, unreadable, or unfinished (could not finish)."""
    if "not_finished" in row:
        return UNFINISHED
    if "error" in row:
        return UNREADABLE
    return PASSED if row.get("passed") else FAILED


def summary_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        counts[row_status(row)] += 1
    return counts


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _totals_line(report: Report) -> str:
    """ "standard scenario, journey full: 80 of 86 requests ok, 3 sessions lost, 2 failover errors"."""
    from .sim.wording import COUNTER_WORDS, losses_text, ok_text, run_words

    t = report.totals
    parts = [ok_text(t), losses_text(t)]
    if t.failover_errors:
        parts.append(f"{t.failover_errors} {COUNTER_WORDS['failover_errors']}")
    return f"{run_words(report)}: " + ", ".join(p for p in parts if p)


def html_report(rows: Sequence[Mapping[str, Any]], mission_id: str, title: str,
                pictures: Mapping[int, bytes | None] | None = None, note: str = "") -> str:
    """The page. ``pictures`` maps a row's index to its PNG bytes (absent or None: no picture)."""
    pictures = pictures or {}
    counts = summary_counts(rows)
    order = sorted(range(len(rows)), key=lambda i: (STATUS_ORDER.index(row_status(rows[i])), str(rows[i]["file"])))
    body_rows = []
    for i in order:
        row = rows[i]
        status = row_status(row)
        reasons = row.get("reasons") or []
        if "error" in row or "not_finished" in row:
            reasons = [row.get("error") or row["not_finished"]]
        items = "".join(f"<li>{_e(r)}</li>" for r in reasons) or "<li>(no reason given)</li>"
        report = row.get("report")
        run = f'<p class="run">{_e(_totals_line(report))}</p>' if report else ""
        png = pictures.get(i)
        if png:
            data = base64.b64encode(png).decode("ascii")
            picture = f'<img alt="diagram of {_e(row["file"])}" src="data:image/png;base64,{data}">'
        else:
            picture = '<span class="none">no picture</span>'
        body_rows.append(
            f'<tr class="{status}" data-status="{STATUS_ORDER.index(status)}">'
            f'<td class="status"><span class="sign" aria-hidden="true">{STATUS_SIGNS[status]}</span> '
            f"{STATUS_WORDS[status]}</td>"
            f'<td class="file">{_e(row["file"])}</td>'
            f"<td><ul>{items}</ul>{run}</td>"
            f'<td class="picture">{picture}</td></tr>'
        )
    summary = " · ".join(f'<span class="{s}">{STATUS_SIGNS[s]} {counts[s]} {STATUS_WORDS[s].lower()}</span>'
                         for s in (PASSED, FAILED, UNREADABLE, UNFINISHED))
    heading = f"Mission {_e(mission_id)}: {_e(title)}"
    files = "1 file" if len(rows) == 1 else f"{len(rows)} files"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}: class report</title>
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d2330; }}
h1 {{ font-size: 1.4em; margin: 0 0 .3em; }}
.summary {{ font-size: 1.1em; margin: .4em 0 1em; }}
.summary span {{ margin-right: .3em; font-weight: 600; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #d7dbe3; padding: .45em .6em; text-align: left; vertical-align: top; }}
th {{ background: #eef1f6; position: sticky; top: 0; }}
th button {{ font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer;
  text-decoration: underline dotted; }}
td.status {{ white-space: nowrap; font-weight: 600; }}
td.file {{ font-family: ui-monospace, monospace; overflow-wrap: anywhere; width: 16em; }}
td ul {{ margin: 0; padding-left: 1.1em; }}
td.picture img {{ max-width: 360px; max-height: 220px; border: 1px solid #d7dbe3; }}
.run {{ color: #4a5263; margin: .3em 0 0; font-size: .9em; }}
.none {{ color: #7a8191; font-style: italic; }}
tr.passed .status, .summary .passed {{ color: #1a6b3c; }}
tr.failed .status, .summary .failed {{ color: #a3330f; }}
tr.unreadable .status, .summary .unreadable {{ color: #6b3fa0; }}
tr.unfinished .status, .summary .unfinished {{ color: #8a6100; }}
.sign {{ display: inline-block; width: 1.1em; text-align: center; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<p class="summary">{files}: {summary}</p>
{f'<p>{_e(note)}</p>' if note else ''}
<table id="rows">
<thead><tr><th><button type="button" data-key="status" title="Sort by status">Status</button></th>
<th><button type="button" data-key="file" title="Sort by file (problems first when sorted by status)">File</button></th>
<th>Reasons</th><th>Diagram</th></tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody>
</table>
<script>{SORT_SCRIPT}</script>
</body>
</html>
"""
