"""The example diagrams shipped for learners and teachers give the verdicts the README promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from statediagram.core import diagram_to_json, load_diagram
from statediagram.sim import simulate

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

VERDICTS = {
    "stateful-round-robin": (False, "lost_sessions"),
    "sticky-sessions": (False, "lost_sessions"),
    "shared-redis": (True, None),
    "jwt": (True, None),
    "stateless-full": (True, None),
    "cattle-not-pets": (False, "lost_files"),
    "single-server": (False, "outages"),
    "carts-in-ram": (False, "lost_data"),
    "chat-stateful": (False, "lost_messages"),
    "chat-redis": (True, None),
}


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_example_verdict(name):
    path = EXAMPLES / f"{name}.statediagram.json"
    loaded = load_diagram(path)
    assert loaded.warnings == []
    assert diagram_to_json(loaded.diagram) == path.read_text(encoding="utf-8")  # saved by statediagram itself
    report = simulate(loaded.diagram).report
    survives, loss = VERDICTS[name]
    assert report["survives"] is survives
    if report["journey"] == "chat" and survives:  # the exception's price: connections dropped and made again
        assert report["totals"]["reconnects"] > 0
    if loss:
        assert report["totals"][loss] > 0
        assert any(f["code"] == loss for f in report["findings"])


def test_every_example_is_listed():
    assert {p.name.removesuffix(".statediagram.json") for p in EXAMPLES.glob("*.statediagram.json")} == set(VERDICTS)
