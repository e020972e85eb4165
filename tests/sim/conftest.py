"""Fixtures for the simulation tests."""

import pytest

from statediagram.sim.child_run import SPARES


@pytest.fixture
def codes():
    def _codes(report: dict, severity: str | None = None) -> list[str]:
        return [f["code"] for f in report["findings"] if severity is None or f["severity"] == severity]

    return _codes


@pytest.fixture(scope="module")
def no_spare_left():
    """For a module whose tests start child processes: once they are done, the child started ahead for a next
    run is stopped (none comes)."""
    yield
    SPARES.drop()
