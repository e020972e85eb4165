"""Reports, traces and the app's sentences are the same, byte for byte, as the committed digests say.

The whole proof (every example, starter and 300 random diagrams, a few minutes) is
``python benchmarks/same_reports.py``; this runs a sample of it in a few seconds.
"""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "same_reports.py"
SAMPLE = ("example/stateful-round-robin", "starter/stateless", "random/004", "random/151", "random/298")


@pytest.fixture(scope="module")
def same_reports():
    spec = importlib.util.spec_from_file_location("same_reports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_sample_of_reports_and_traces_matches_the_committed_digests(same_reports, tmp_path):
    expected = same_reports.load_digests()["cases"]
    texts = dict(same_reports.cases(same_reports.RANDOM_DIAGRAMS))
    actual = {}
    with contextlib.chdir(tmp_path):
        for name in SAMPLE:
            actual.update(same_reports.record_case(name, texts[name], tmp_path))
    assert len(actual) > 40  # every scenario x journey of each, and the starter graded by every mission
    assert same_reports.differences(expected, actual) == []


def test_a_changed_report_is_named_with_the_part_that_changed(same_reports):
    expected = {"example/a/calm/full": {"report": "1", "trace": "2"}}
    assert same_reports.differences(expected, {"example/a/calm/full": {"report": "1", "trace": "2"}}) == []
    assert same_reports.differences(expected, {"example/a/calm/full": {"report": "9", "trace": "2"}}) == [
        "example/a/calm/full: report changed"]
    assert same_reports.differences(expected, {"example/b/calm/full": {"report": "1"}}) == [
        "example/b/calm/full: new case"]
