"""Fixtures for the simulation tests."""

import pytest


@pytest.fixture
def codes():
    def _codes(report: dict, severity: str | None = None) -> list[str]:
        return [f["code"] for f in report["findings"] if severity is None or f["severity"] == severity]

    return _codes
