"""`statediagram check --report class.html`: one self-contained page for a class, safe against hostile files."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from statediagram import cli
from statediagram.classreport import html_report

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "src" / "statediagram" / "assets" / "missions" / "stateless.statediagram.json"
SOLUTION = ROOT / "tests" / "missions" / "solutions" / "stateless.statediagram.json"
HOSTILE_LABEL = '<img src=x onerror="alert(1)">'


class Page(HTMLParser):
    """What a browser would see: the tags, the rows' classes, the pictures and every external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[str] = []
        self.images: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "tr" and a.get("class"):
            self.rows.append(a["class"])
        if tag == "img":
            self.images.append(a["src"])
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("data:image/png;base64,"):
                self.external.append(a[key])


def hostile_class(tmp_path: Path) -> list[str]:
    evil = json.loads(SOLUTION.read_text(encoding="utf-8"))
    evil["title"] = "</script><script>alert(2)</script>"
    evil["nodes"][2]["label"] = HOSTILE_LABEL  # Server A, named in no reason (the design passes)
    failing = json.loads(STARTER.read_text(encoding="utf-8"))
    failing["nodes"][2]["label"] = HOSTILE_LABEL  # named in the reasons
    paths = [tmp_path / "<b>passes<b>.statediagram.json", tmp_path / "fails.statediagram.json",
             tmp_path / "broken.statediagram.json"]
    paths[0].write_text(json.dumps(evil), encoding="utf-8")
    paths[1].write_text(json.dumps(failing), encoding="utf-8")
    paths[2].write_text('{"format": "statediagram", "version": 1, "nodes": [{"id": "<script>"', encoding="utf-8")
    return [str(p) for p in paths]


def test_report_of_a_class_has_a_summary_a_row_per_file_problems_first_and_pictures(tmp_path, capsys):
    files = hostile_class(tmp_path)
    out = tmp_path / "class.html"
    status = cli.main(["check", *files, "--mission", "stateless", "--report", str(out)])
    assert status == 2  # one file is unreadable: the exit status does not change with --report
    assert capsys.readouterr().out.endswith(f"wrote {out}\n")
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    assert "3 files:" in html and "1 passed" in html and "1 failed" in html and "1 unreadable" in html
    assert page.rows == ["unreadable", "failed", "passed"]  # status order without any script
    assert len(page.images) == 2  # the unreadable file has no picture
    for src in page.images:
        png = base64.b64decode(src.removeprefix("data:image/png;base64,"))
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000  # a real drawing, not an empty box
    assert page.external == []  # self-contained: nothing to fetch


def test_every_text_from_a_file_is_escaped(tmp_path, capsys):
    out = tmp_path / "class.html"
    cli.main(["check", *hostile_class(tmp_path), "--mission", "stateless", "--report", str(out)])
    capsys.readouterr()
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    assert page.tags.count("script") == 1 and page.tags.count("b") == 0  # only the page's own sorting script
    assert len(page.images) == 2  # no <img> from the label
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html  # the label, shown as text in a reason
    assert "&lt;b&gt;passes&lt;b&gt;" in html
    assert "alert(2)" not in html  # the title is not part of the page at all


def test_report_target_in_a_missing_folder_exit_2_before_grading(tmp_path, capsys):
    status = cli.main(["check", str(SOLUTION), "--mission", "stateless", "--report",
                       str(tmp_path / "nowhere" / "class.html")])
    captured = capsys.readouterr()
    assert status == 2 and "does not exist" in captured.err and captured.out == ""


def test_report_with_json_keeps_stdout_pure_json(tmp_path, capsys):
    out = tmp_path / "class.html"
    assert cli.main(["check", str(SOLUTION), "--mission", "stateless", "--json", "--report", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["passed"] is True
    assert "1 passed" in out.read_text(encoding="utf-8")


def test_rows_that_could_not_finish_are_counted_apart_and_signed_not_only_coloured():
    rows = [{"file": "slow.json", "mission": "m", "passed": False, "reasons": [],
             "not_finished": "slow.json: its real Redis went away"},
            {"file": "ok.json", "mission": "m", "passed": True, "reasons": ["Survives."], "report": {}}]
    html = html_report(rows, "m", "Title")
    assert "1 could not finish" in html and "1 passed" in html and "0 unreadable" in html
    assert "its real Redis went away" in html
    assert re.search(r'<tr class="unfinished"[^>]*><td class="status"><span class="sign"[^>]*>…</span> '
                     r"Could not finish", html)
