"""statediagram live leaves nothing behind: not on Ctrl+C, SIGTERM, a child that dies, or a missing program."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from livehelp import (
    EXAMPLES,
    MISSIONS,
    assert_nothing_left,
    descendants,
    have_postgres,
    listening_ports,
    needs_live,
    start_live,
    wait_started,
)

pytestmark = [pytest.mark.live, needs_live]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_live_mid_run_stops_every_process_and_removes_its_folder(tmp_path: Path, sig: int) -> None:
    design = EXAMPLES / ("stateless-full.statediagram.json" if have_postgres() else "shared-redis.statediagram.json")
    proc = start_live([str(design), "--speed", "2"], tmp_path / "tmp")
    try:
        wait_started(proc)
        kids = descendants(proc.pid)
        ports = listening_ports(kids)
        assert len(kids) >= 4 and len(ports) >= 4  # servers, load balancer, stores: real processes, listening
        assert len(list((tmp_path / "tmp").iterdir())) == 1
        outside = set(Path("/tmp").glob(f"statediagram-live-{proc.pid}-*"))  # PostgreSQL's: the TMPDIR is private
        assert len(outside) == (1 if have_postgres() else 0)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == (130 if sig == signal.SIGINT else 143), err
    assert_nothing_left(kids, ports, tmp_path / "tmp")
    assert [p for p in outside if p.exists()] == []


def test_a_process_that_dies_by_itself_ends_the_run_with_its_name(tmp_path: Path) -> None:
    proc = start_live([str(EXAMPLES / "shared-redis.statediagram.json"), "--speed", "2"], tmp_path / "tmp")
    try:
        wait_started(proc)
        kids = descendants(proc.pid)
        ports = listening_ports(kids)
        redis = [p for p in kids if b"redis-server" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(redis) == 1
        os.kill(redis[0], signal.SIGKILL)  # not the drill: nobody asked for this
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 3
    assert "Redis (redis-server) exited by itself" in err
    assert_nothing_left(kids, ports, tmp_path / "tmp")


def test_a_missing_haproxy_names_the_debian_package_and_starts_nothing(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("redis-server", "setpriv"):
        found = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        if found:
            (bin_dir / tool).symlink_to(found)
    proc = start_live([str(MISSIONS / "stateless.statediagram.json")], tmp_path / "tmp", path=str(bin_dir))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3
    assert "apt-get install haproxy" in err
    assert "statediagram simulate" in err
    assert list((tmp_path / "tmp").iterdir()) == []


def test_unreadable_file_is_exit_2_and_too_many_users_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.statediagram.json"
    bad.write_text("{nope")
    run = subprocess.run([sys.executable, "-m", "statediagram", "live", str(bad)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2
    big = tmp_path / "big.statediagram.json"
    big.write_text((MISSIONS / "stateless.statediagram.json").read_text().replace('"users": 3', '"users": 5000'))
    run = subprocess.run([sys.executable, "-m", "statediagram", "live", str(big)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 3
    assert "at most 200 users" in run.stderr


def test_hostile_node_ids_run_live_under_safe_names_and_report_under_their_own(tmp_path: Path) -> None:
    from test_deploy import HOSTILE_IDS, hostile_diagram

    from statediagram.live.runner import run_live
    from statediagram.sim.scenario import resolve

    if not have_postgres():
        pytest.skip("needs postgresql (apt-get install postgresql)")
    diagram = hostile_diagram()
    report = run_live(diagram, resolve(diagram, "calm", "full"), speed=8, say=lambda text: None)
    assert report["survives"], report["totals"]
    assert set(report["servers"]) == {HOSTILE_IDS[i] for i in (0, 1, 3, 6, 7, 8)}
    assert sum(s["requests"] for s in report["servers"].values()) == report["totals"]["requests"]  # sticky: 2 used
    assert not Path("pwned").exists()
