"""Small modules with one job: no source file over 500 lines. A file that grows past it is split by job (as the
command line's check output, the web shop's journeys and a mission rule's fields were), not trimmed to fit."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "statediagram"
MAX_LINES = 500


def test_no_source_file_is_over_500_lines():
    long = {str(p.relative_to(SRC)): n for p in sorted(SRC.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these by job: {long}"
