"""SIGTERM stops a command as Ctrl-C does, even when Python loses the exception its handler raises."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from statediagram import cli, termination
from statediagram.live.runner import _watch


class _LosesItsException:
    """An object whose ``__del__`` runs when the SIGTERM is handled: Python prints an exception raised there
    ("Exception ignored in ...") and goes on, as it does in a weak reference's callback."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10_000):  # the handler runs at one of these instructions, inside __del__
            pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the lost exception, as expected
def test_a_command_whose_sigterm_was_lost_in_a_callback_still_exits_143(monkeypatch):
    ran_on = []

    def command(args) -> int:
        if not ran_on:
            _LosesItsException()  # made and dropped at once: its __del__ runs here
        ran_on.append(True)  # the handler's exception did not reach the command: it went on
        return 0

    monkeypatch.setattr(cli, "_missions", command)
    assert cli.main(["missions"]) == 128 + signal.SIGTERM
    assert ran_on == [True]
    assert cli.main(["missions"]) == 0  # the next command, with no signal, is not stopped by the last one's
    assert ran_on == [True, True]


def test_live_modes_watch_stops_the_run_when_a_sigterm_was_lost():
    class Children:
        checked = 0

        def check_children(self) -> None:
            self.checked += 1

    children = Children()
    with pytest.raises(termination.Terminated):
        termination.on_sigterm(signal.SIGTERM, None)  # as the signal does; say its exception got lost
    try:
        with pytest.raises(termination.Terminated):
            asyncio.run(asyncio.wait_for(_watch(children), timeout=5))
        assert children.checked == 1
    finally:
        termination.forget()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_signal_during_live_modes_cleanup_waits_for_it_to_finish(tmp_path, monkeypatch, sig):
    """A second Ctrl-C, or the SIGTERM ``timeout`` sends twice, came while the run's processes were being stopped
    and its folders removed: the cleanup stopped half-way and left the run's folder behind. It finishes now, and
    the signal is raised after it."""
    import shutil

    from statediagram.live import supervisor

    sup = supervisor.Supervisor()
    extra = tmp_path / "postgres-tmp"
    extra.mkdir()
    sup.extra_dirs.append(extra)
    (sup.dir / "redis.log").write_text("kept while the run went")
    real_rmtree, removed = shutil.rmtree, []

    def rmtree(path, ignore_errors=False):
        if not removed:
            os.kill(os.getpid(), sig)  # the second signal, as the cleanup begins to remove the folders
            for _ in range(10_000):  # the handler runs at one of these instructions
                pass
        removed.append(path)
        real_rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(supervisor.shutil, "rmtree", rmtree)
    expected = termination.Terminated if sig == signal.SIGTERM else KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, termination.on_sigterm)  # as the command line sets it
    try:
        with pytest.raises(expected):
            sup.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
        termination.forget()
    assert not sup.dir.exists() and not extra.exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is given back
