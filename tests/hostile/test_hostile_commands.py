"""The hostile corpus through `simulate`, `check` and `export`, each a real process as a teacher runs it.

Every case ends in 0/1 (a verdict, or written), 2 (unreadable) or 3 (could not finish) as the corpus says, with at
most one clear line on stderr (no traceback, no raw escape sequence, no 10 MB echo), within 10 s and 500 MB
(the process's peak resident memory, measured by wait4)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from corpus import CASES, TIMEOUT_S, Case

ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 10
MAX_MB = 500


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "statediagram", *args]


# A small launcher between the test run and the command. A process's peak memory (ru_maxrss) counts the memory
# of the process it was forked from: measured straight from the test run, which holds every earlier test's
# objects (500 MB and more by the time these run), every command looked as big as the test run itself. The
# launcher is a few MB; the command it forks starts from that, so its peak is its own.
LAUNCHER = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # never let one case take the machine
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def run_measured(argv: list[str], cwd: Path) -> tuple[int, str, str, float, float]:
    """(exit status, stdout, stderr, wall seconds, peak resident MB) of one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "QT_QPA_PLATFORM": "offscreen"}
    fd, name = tempfile.mkstemp(prefix="statediagram-peak-")  # outside ``cwd``, whose files some cases check
    os.close(fd)
    peak_file = Path(name)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(peak_file), *argv], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    killer = threading.Timer(MAX_SECONDS * 3, lambda: os.killpg(proc.pid, signal.SIGKILL))
    killer.start()
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    killer.cancel()
    written = peak_file.read_text()
    assert written, "the launcher wrote no peak: the command was not measured"
    peak_kb = int(written) if written else 0
    peak_file.unlink(missing_ok=True)
    decode = lambda b: b.decode("utf-8", "replace")  # noqa: E731
    return proc.returncode, decode(out), decode(err), seconds, peak_kb / 1024


def assert_clear(err: str, lines: int = 1) -> None:
    """At most ``lines`` lines on stderr, each one short, none a traceback or a raw control character."""
    assert "Traceback" not in err, err[-2000:]
    assert len(err.splitlines()) <= lines, err[:2000]
    assert all(len(line) < 1200 for line in err.splitlines()), f"{max(map(len, err.splitlines()))} characters"
    assert not any(c in err for c in "\x1b\x07\x9b"), repr(err[:300])


def assert_bounded(seconds: float, peak_mb: float) -> None:
    assert seconds < MAX_SECONDS, f"{seconds:.1f} s"
    assert peak_mb < MAX_MB, f"{peak_mb:.0f} MB"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    paths = {}
    for c in CASES:
        sub = folder / c.name
        sub.mkdir()
        paths[c.name] = c.make(sub)
    return paths


def cases(test) -> list[Case]:
    return [pytest.param(c, id=c.name) for c in CASES if not (test == "export" and "slow" in c.tags)]


@pytest.mark.parametrize("case", cases("simulate"))
def test_simulate_ends_as_the_corpus_says(case, corpus_dir, tmp_path):
    status, out, err, seconds, peak = run_measured(
        command("simulate", os.fsdecode(corpus_dir[case.name]), "--timeout", str(TIMEOUT_S)), tmp_path)
    assert status in case.simulate, err
    assert_clear(err, lines=1)
    assert_bounded(seconds, peak)
    assert not any(c in out for c in "\x1b\x07\x9b")
    if status in (0, 1):
        assert out.startswith(("SURVIVES", "DOES NOT SURVIVE"))


@pytest.mark.parametrize("case", cases("export"))
def test_export_ends_as_the_corpus_says(case, corpus_dir, tmp_path):
    picture = tmp_path / "picture.png"
    status, out, err, seconds, peak = run_measured(
        command("export", os.fsdecode(corpus_dir[case.name]), "-o", str(picture)), tmp_path)
    assert status in case.export, err
    assert_clear(err, lines=1)
    assert_bounded(seconds, peak)
    assert picture.exists() == (status == 0)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_check_grades_the_whole_corpus_in_one_batch_each_file_as_the_corpus_says(corpus_dir, tmp_path):
    """One class of hostile files: every file gets its own row, the batch goes on past each, exit 2 first."""
    names = [c.name for c in CASES]
    paths = [os.fsdecode(corpus_dir[n]) for n in names]
    status, out, err, seconds, peak = run_measured(
        command("check", *paths, "--mission", "stateless", "--json", "--timeout", str(TIMEOUT_S)), tmp_path)
    rows = json.loads(out)
    assert len(rows) == len(CASES) and status == 2
    for c, row in zip(CASES, rows, strict=True):
        got = 2 if "error" in row else 3 if "not_finished" in row else (0 if row["passed"] else 1)
        assert got in c.check, (c.name, row.get("error") or row.get("not_finished"))
    assert_clear(err, lines=len(CASES))
    slow = sum(1 for c in CASES if "slow" in c.tags)
    assert seconds < MAX_SECONDS + slow * TIMEOUT_S and peak < MAX_MB
