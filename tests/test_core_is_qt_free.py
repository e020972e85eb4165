"""The core, the simulation and the missions run without Qt: the command line grades a class headless."""

from __future__ import annotations

import json
import subprocess
import sys

QT_FREE_PACKAGES = ("statediagram.core", "statediagram.sim", "statediagram.missions")

# Runs in a fresh interpreter: this test process may already have imported PySide6 for the GUI tests.
PROBE = """
import importlib, json, pkgutil, sys
imported = []
for name in {plain!r}:
    importlib.import_module(name)
for name in {packages!r}:
    package = importlib.import_module(name)
    imported.append(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
qt = sorted(m for m in sys.modules if m == "PySide6" or m.startswith("PySide6."))
print(json.dumps({{"imported": imported, "qt": qt}}))
"""


def run_probe(packages: tuple[str, ...], plain: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Import every module of ``packages`` (and the ``plain`` modules) in a fresh interpreter."""
    code = PROBE.format(packages=packages, plain=plain)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_sim_and_missions_load_no_pyside6_module() -> None:
    report = run_probe(QT_FREE_PACKAGES)
    assert set(QT_FREE_PACKAGES) <= set(report["imported"])
    assert "statediagram.core.fileio" in report["imported"]  # submodules were imported too, not only packages
    assert report["qt"] == []


def test_the_probe_would_see_pyside6_if_it_were_loaded() -> None:
    # Guards the test above against passing for the wrong reason (a probe that never sees Qt).
    report = run_probe(("statediagram.core",), plain=("PySide6.QtCore",))
    assert "PySide6.QtCore" in report["qt"]
