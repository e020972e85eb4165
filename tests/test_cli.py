"""The command line as a teacher uses it: every exit status in the contract's table, the JSON and CSV
shapes, PNG submissions, and one clear line on stderr (never a traceback) for anything unreadable."""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from statediagram import cli
from statediagram.core.pngchunk import add_text_chunk, read_text_chunk

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "src" / "statediagram" / "assets" / "missions" / "stateless.statediagram.json"
COMMAND = Path(sys.executable).with_name("statediagram")
REQUIRED_REPORT_KEYS = {"survives", "scenario", "journey", "seed", "duration_s", "totals", "servers", "findings"}
TOTAL_KEYS = {"requests", "ok", "lost_sessions", "lost_files", "lost_data", "outages", "failover_errors"}


def starter_record() -> dict:
    return json.loads(STARTER.read_text(encoding="utf-8"))


def solved_record(servers: int = 2) -> dict:
    """The starter with one Redis every server shares (and extra servers behind the load balancer)."""
    record = starter_record()
    for i in range(2, servers):
        sid = chr(ord("a") + i)
        record["nodes"].append({"id": sid, "kind": "server", "label": f"Server {sid.upper()}"})
        record["edges"].append({"source": "lb", "target": sid})
    record["nodes"].append({"id": "redis", "kind": "redis", "label": "Redis"})
    record["edges"] += [{"source": chr(ord("a") + i), "target": "redis"} for i in range(servers)]
    return record


def write(tmp_path: Path, name: str, record: dict | str) -> str:
    path = tmp_path / name
    path.write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
    return str(path)


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG, made with the standard library."""

    def chunk(ctype: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
            + chunk(b"IEND", b""))


def png_with(record: dict) -> bytes:
    return add_text_chunk(tiny_png(), "statediagram", json.dumps(record))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- simulate ----------------------------------------------------------------------------------------------


def test_simulate_starter_does_not_survive_exit_1_with_a_readable_report(capsys):
    status, out, err = run(capsys, "simulate", str(STARTER))
    assert status == 1
    assert out.startswith("DOES NOT SURVIVE: scenario standard, journey sessions, seed 1")
    assert "sessions lost" in out and "link both servers to one Redis" in out
    assert err == ""


def test_simulate_shared_redis_survives_exit_0(capsys, tmp_path):
    status, out, _ = run(capsys, "simulate", write(tmp_path, "ok.statediagram.json", solved_record()))
    assert status == 0 and out.startswith("SURVIVES")


def test_simulate_json_has_the_contracts_keys_and_the_overrides(capsys, tmp_path):
    path = write(tmp_path, "ok.statediagram.json", solved_record())
    status, out, _ = run(capsys, "simulate", path, "--json", "--scenario", "calm", "--journey", "full",
                         "--seed", "7")
    report = json.loads(out)
    assert set(report) >= REQUIRED_REPORT_KEYS and set(report["totals"]) >= TOTAL_KEYS
    assert (report["scenario"], report["journey"], report["seed"]) == ("calm", "full", 7)
    assert set(report["servers"]) == {"a", "b"} and set(report["servers"]["a"]) >= {"requests", "crashes"}
    assert report["survives"] is False and report["totals"]["lost_files"] > 0  # uploads on local disks
    assert status == 1
    for finding in report["findings"]:
        assert set(finding) >= {"severity", "code", "message", "nodes"}


def test_simulate_without_flags_runs_the_files_scenario_block(capsys, tmp_path):
    record = solved_record()
    record["scenario"] = {"faults": [{"at": 5, "node": "a", "action": "crash"}], "journey": "sessions", "seed": 4}
    _, out, _ = run(capsys, "simulate", write(tmp_path, "f.statediagram.json", record), "--json")
    report = json.loads(out)
    assert (report["scenario"], report["journey"], report["seed"]) == ("custom", "sessions", 4)


def test_simulate_unreadable_file_exit_2_one_line_on_stderr(capsys, tmp_path):
    record = starter_record()
    record["nodes"][2]["kind"] = "mainframe"
    path = write(tmp_path, "bad.statediagram.json", record)
    status, out, err = run(capsys, "simulate", path)
    assert status == 2 and out == ""
    assert err.startswith(f"statediagram: {path}: ") and "mainframe" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("target", ["missing.statediagram.json", "."])
def test_simulate_missing_file_or_folder_exit_2(capsys, tmp_path, target):
    path = str(tmp_path / target)
    status, out, err = run(capsys, "simulate", path)
    assert status == 2 and out == "" and path in err and "Traceback" not in err


def test_simulate_with_no_redis_server_at_the_url_could_not_finish_exit_3(capsys):
    status, out, err = run(capsys, "simulate", str(STARTER), "--redis-url", "redis://:hunter2@127.0.0.1:1/0")
    assert status == 3 and out == "" and "cannot use Redis at 127.0.0.1:1" in err
    assert "hunter2" not in err and err.count("\n") == 1


def test_simulate_with_a_redis_url_that_is_not_one_exit_2(capsys):
    status, out, err = run(capsys, "simulate", str(STARTER), "--redis-url", "http://teacher:hunter2@host/0")
    assert status == 2 and out == "" and "http://teacher:***@host/0 is not a Redis URL" in err
    assert "hunter2" not in err


def test_simulate_prints_load_warnings_on_stderr(capsys, tmp_path):
    record = solved_record()
    record["nodes"][2]["props"]["colour"] = "blue"
    status, out, err = run(capsys, "simulate", write(tmp_path, "w.statediagram.json", record))
    assert status == 0 and "warning" in err and "colour" in err and "colour" not in out


@pytest.mark.parametrize("argv", [["simulate"], ["simulate", "f", "--scenario", "storm"], ["simulate", "f", "--seed",
                                  "x"], ["check", "f"], ["export", "f"], ["frobnicate", "x"]])
def test_usage_errors_exit_2(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == "" and err and "Traceback" not in err


def test_help_and_version_exit_0(capsys):
    assert run(capsys, "--help")[0] == 0
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.startswith("statediagram ")


# --- check -----------------------------------------------------------------------------------------------


def test_check_all_pass_exit_0_and_text_shows_each_file_and_a_summary(capsys, tmp_path):
    files = [write(tmp_path, f"s{i}.statediagram.json", solved_record(2 + i)) for i in range(2)]
    status, out, err = run(capsys, "check", *files, "--mission", "stateless")
    lines = out.splitlines()
    assert status == 0 and err == ""
    assert lines[0].startswith("PASS") and files[0] in lines[0] and "Survives the crash drill" in lines[0]
    assert lines[-1] == ('2 files checked against mission stateless ("Make it stateless"): 2 passed, 0 failed, '
                         "0 unreadable")


def test_check_any_fail_exit_1_and_the_fail_line_teaches(capsys, tmp_path):
    ok = write(tmp_path, "ok.statediagram.json", solved_record())
    status, out, _ = run(capsys, "check", ok, str(STARTER), "--mission", "stateless")
    assert status == 1
    fail = out.splitlines()[1]
    assert fail.startswith("FAIL") and "Server A and Server B keep sessions in their own RAM" in fail


def test_check_any_unreadable_exit_2_even_with_failures_and_others_are_still_graded(capsys, tmp_path):
    bad = write(tmp_path, "bad.statediagram.json", "{not json")
    status, out, err = run(capsys, "check", str(STARTER), bad, "--mission", "stateless")
    assert status == 2
    assert out.splitlines()[0].startswith("FAIL")
    assert out.splitlines()[1].startswith(f"UNREADABLE  {bad}: ") and "not valid JSON" in out
    assert f"statediagram: {bad}: " in err and "Traceback" not in err


def test_check_json_is_one_object_per_file_with_report_or_error(capsys, tmp_path):
    ok = write(tmp_path, "ok.statediagram.json", solved_record())
    missing = str(tmp_path / "gone.statediagram.json")
    status, out, _ = run(capsys, "check", ok, str(STARTER), missing, "--mission", "stateless", "--json")
    rows = json.loads(out)
    assert status == 2
    assert [r["file"] for r in rows] == [ok, str(STARTER), missing]
    good, bad, gone = rows
    assert set(good) == {"file", "mission", "passed", "reasons", "report"}
    assert good["mission"] == "stateless" and good["passed"] is True and good["reasons"]
    assert set(good["report"]) >= REQUIRED_REPORT_KEYS and good["report"]["journey"] == "sessions"
    assert bad["passed"] is False and "keep sessions in their own RAM" in bad["reasons"][0]
    assert "report" not in gone and gone["passed"] is False and missing in gone["error"]


def test_check_csv_has_a_header_and_a_row_per_file(capsys, tmp_path):
    ok = write(tmp_path, "ok.statediagram.json", solved_record())
    bad = write(tmp_path, "bad.statediagram.json", "[]")
    status, out, _ = run(capsys, "check", ok, str(STARTER), bad, "--mission", "stateless", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 2
    assert list(rows[0]) == ["file", "mission", "passed", "reasons", "survives", "requests", "ok", "lost_sessions",
                             "lost_files", "lost_data", "outages", "failover_errors", "error"]
    assert [r["passed"] for r in rows] == ["yes", "no", "no"]
    assert int(rows[1]["lost_sessions"]) > 0 and rows[1]["survives"] == "no"
    assert "; Does not survive the crash drill" in rows[1]["reasons"]
    assert rows[2]["error"] and rows[2]["requests"] == "" and rows[0]["error"] == ""


def test_check_json_and_csv_together_is_a_usage_error(capsys):
    assert run(capsys, "check", str(STARTER), "--mission", "stateless", "--json", "--csv")[0] == 2


def test_check_unknown_mission_exit_2_lists_the_ids(capsys):
    status, out, err = run(capsys, "check", str(STARTER), "--mission", "stateles")
    assert status == 2 and out == ""
    assert "unknown mission 'stateles'" in err and "stateless, sticky, avatars, jwt, durable, cattle, realtime" in err


def test_check_grades_an_exported_png_by_its_text_chunk(capsys, tmp_path):
    passing = tmp_path / "alice.png"
    passing.write_bytes(png_with(solved_record(3)))
    failing = tmp_path / "bob.png"
    failing.write_bytes(png_with(starter_record()))
    status, out, _ = run(capsys, "check", str(passing), str(failing), "--mission", "stateless", "--json")
    rows = json.loads(out)
    assert status == 1
    assert [r["passed"] for r in rows] == [True, False]
    assert set(rows[0]["report"]["servers"]) == {"a", "b", "c"}


def test_check_png_without_a_diagram_is_unreadable(capsys, tmp_path):
    plain = tmp_path / "photo.png"
    plain.write_bytes(tiny_png())
    status, _, err = run(capsys, "check", str(plain), "--mission", "stateless")
    assert status == 2 and "carries no diagram" in err and str(plain) in err


def test_check_runs_other_missions(capsys, tmp_path):
    record = starter_record()
    for node in record["nodes"]:
        if node["kind"] == "server":
            node["props"]["auth"] = "jwt"
    path = write(tmp_path, "jwt.statediagram.json", record)
    assert run(capsys, "check", path, "--mission", "jwt")[0] == 0
    status, out, _ = run(capsys, "check", path, "--mission", "stateless")
    assert status == 1 and "--mission jwt" in out


# --- missions, the app, export ----------------------------------------------------------------------------


def test_missions_lists_ids_and_titles(capsys):
    status, out, _ = run(capsys, "missions")
    assert status == 0
    assert out.splitlines()[0].split(None, 1) == ["stateless", "Make it stateless"]
    assert {line.split()[0] for line in out.splitlines()} == {"stateless", "sticky", "avatars", "jwt", "durable",
                                                               "cattle", "realtime"}


def test_no_arguments_opens_the_app_and_a_file_opens_in_it(monkeypatch):
    import statediagram.gui.app as app

    opened: list[str | None] = []
    monkeypatch.setattr(app, "run_app", lambda path=None: opened.append(path) or 0)
    assert cli.main([]) == 0
    assert cli.main([str(STARTER)]) == 0
    assert opened == [None, str(STARTER)]


def test_opening_a_missing_file_in_the_app_exit_2_without_starting_it(capsys, monkeypatch):
    import statediagram.gui.app as app

    monkeypatch.setattr(app, "run_app", lambda path=None: pytest.fail("the app must not start"))
    status, _, err = run(capsys, "nowhere.statediagram.json")
    assert status == 2 and "nowhere.statediagram.json" in err


def test_app_that_cannot_be_imported_exit_1_with_a_message(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "statediagram.gui.app", None)  # import now raises ImportError
    status, _, err = run(capsys)
    assert status == 1 and "desktop app cannot start" in err and "Traceback" not in err


def test_export_errors_exit_2_before_any_rendering(capsys, tmp_path):
    status, _, err = run(capsys, "export", str(STARTER), "-o", str(tmp_path / "x.jpg"))
    assert status == 2 and ".png or .svg" in err
    status, _, err = run(capsys, "export", str(STARTER), "-o", str(tmp_path / "x.png"), "--scale", "0")
    assert status == 2 and "--scale" in err
    status, _, err = run(capsys, "export", str(tmp_path / "none.json"), "-o", str(tmp_path / "x.png"))
    assert status == 2 and "none.json" in err
    assert not list(tmp_path.glob("x.*"))


# --- the real command, in its own process ------------------------------------------------------------------


def command(*argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([str(COMMAND), *argv], capture_output=True, text=True, timeout=120, env=env)


def test_installed_command_simulates_and_checks(tmp_path):
    done = command("simulate", str(STARTER))
    assert done.returncode == 1 and done.stdout.startswith("DOES NOT SURVIVE")
    bad = write(tmp_path, "bad.statediagram.json", '{"format": "statediagram"}')
    done = command("check", str(STARTER), bad, "--mission", "stateless")
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"statediagram: {bad}: ") and "version" in done.stderr
    assert "Traceback" not in done.stderr


def test_installed_command_exports_a_png_without_a_display_that_check_grades(tmp_path):
    source = write(tmp_path, "ok.statediagram.json", solved_record())
    out = tmp_path / "ok.png"
    done = command("export", source, "-o", str(out), "--scale", "0.5")
    assert done.returncode == 0, done.stderr
    assert json.loads(read_text_chunk(out.read_bytes(), "statediagram"))["nodes"]
    done = command("check", str(out), "--mission", "stateless")
    assert done.returncode == 0 and done.stdout.startswith("PASS")


def test_python_dash_m_works_and_missions_loads_no_simulation_or_qt():
    probe = ("import sys\nfrom statediagram.cli import main\nstatus = main(['missions'])\n"
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'networkx', 'fakeredis', 'jwt', 'PySide6'}"
             " | {m for m in sys.modules if m.startswith('statediagram.sim')})\nprint(status, heavy)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    done = subprocess.run([sys.executable, "-m", "statediagram", "missions"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "stateless" in done.stdout
