"""Test set-up shared by every test: Qt runs offscreen, never on a real display, and the user's own folders
(recent files, autosaves, mission progress and attempts) are never touched: each test has its own."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _own_user_folders(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("user")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))


@pytest.fixture(autouse=True)
def _a_run_started_is_shown_when_start_returns(monkeypatch):
    """A test reads the run it started on the next line. The app shows a run whose child is still loading its
    libraries (0.6-0.8 s, when the run before took the child started ahead) by a later tick instead of waiting
    for it (``player.START_WAIT_S``); tests/gui/simulation/test_starting.py checks that way with the app's own
    wait. Elsewhere the tests wait for the child, as the app did before."""
    from statediagram.gui.simulation import player

    monkeypatch.setattr(player, "START_WAIT_S", player.START_TIMEOUT_S)


@pytest.fixture(autouse=True, scope="session")
def _clipboard_released_at_the_end():
    """What the tests put on the clipboard is let go before the process ends, as the app does when it quits
    (``gui.app.release_clipboard``): left there, Qt's exit crashes the test run after every test passed."""
    yield
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            from statediagram.gui.app import release_clipboard

            release_clipboard()
