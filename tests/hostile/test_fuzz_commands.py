"""Mutated student files through the command line: the attack on issue 9 used 4,000 of them.

Each example takes a valid diagram, changes a few values anywhere in it (huge, negative or odd numbers, text with
escape sequences or markup, long text, wrong types, missing keys), sometimes breaks its bytes, and runs
`simulate`, `check --csv` and `export` (SVG) on it in this process. Every answer is an exit status of 0, 1, 2 or 3
with clear stderr lines: no traceback, no raw control character, no long echo; JSON stays JSON.

`make test` tries FUZZ_EXAMPLES files (a few seconds); the attack's full run:
``STATEDIAGRAM_FUZZ_EXAMPLES=4000 pytest tests/hostile/test_fuzz_commands.py``.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from corpus import ESCAPES, FORGED, MARKUP, starter, with_storage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statediagram import cli

FUZZ_EXAMPLES = int(os.environ.get("STATEDIAGRAM_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=FUZZ_EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RAW_CONTROLS = "\x1b\x07\x9b"


def bases() -> list[dict[str, Any]]:
    with_faults = starter()
    with_faults["scenario"] = {"journey": "full", "faults": [{"at": 3, "node": "a", "action": "crash"},
                                                             {"at": 6, "node": "a", "action": "restart"}]}
    return [starter(), with_storage(starter()), with_faults]


hostile_numbers = st.sampled_from([
    -1, 0, 1, 3600, 3601, 10**6, 10**6 + 1, 10**7, 2**53 + 1, 10**400, -(10**308), 1e308,
    1.7976931348623157e308, 5e-324, -0.0, 0.5, 10_000, 10_001, 1e-300,
])
hostile_text = st.one_of(
    st.sampled_from([ESCAPES, MARKUP, FORGED, "=1+2", "@SUM(A1)", "\u200fRTL", "", "a" * 500, "\ud7ff", "\x00",
                     "server", "redis", "client", "crash", "replace", "standard", "chaos", "sticky", "jwt"]),
    st.text(max_size=30),
)
hostile_values = st.one_of(
    hostile_numbers, hostile_text, st.none(), st.booleans(), st.lists(hostile_numbers, max_size=3),
    st.dictionaries(st.sampled_from(["x", "users", "at", "id"]), hostile_numbers, max_size=2),
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON record."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


@st.composite
def mutated_files(draw) -> bytes:
    record = copy.deepcopy(draw(st.sampled_from(bases())))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(record)))
        *parents, last = where
        holder = record
        for step in parents:
            holder = holder[step]
        how = draw(st.sampled_from(["replace", "replace", "replace", "delete", "copy"]))
        if how == "delete":
            if isinstance(holder, dict):
                del holder[last]
            else:
                holder.pop(last)
        elif how == "copy" and isinstance(holder, list):
            holder.append(copy.deepcopy(holder[last]))
        else:
            holder[last] = draw(hostile_values)
    data = json.dumps(record, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then the bytes themselves are broken
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + bytes([draw(st.integers(0, 255))]) + data[cut + 1 :]
    return data


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def assert_clear(status: int, out: str, err: str) -> None:
    assert status in (0, 1, 2, 3), (status, err)
    assert "Traceback" not in err and not any(c in err + out for c in RAW_CONTROLS), err[:500]
    assert all(len(line) < 1200 for line in err.splitlines()), err[:500]


@FUZZ
@given(mutated_files())
def test_mutated_files_end_in_an_exit_status_with_clear_lines(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "student.statediagram.json"
        path.write_bytes(data)
        status, out, err = run("simulate", str(path), "--json", "--timeout", "10")
        assert_clear(status, out, err)
        if status in (0, 1):
            assert set(json.loads(out)) >= {"survives", "totals", "servers", "findings"}
        else:
            assert out == "" and len(err.splitlines()) <= 1
        status, out, err = run("check", str(path), "--mission", "stateless", "--csv", "--timeout", "10")
        assert_clear(status, out, err)
        assert len(out.splitlines()) == 2
        picture = Path(folder) / "student.svg"
        status, out, err = run("export", str(path), "-o", str(picture))
        assert_clear(status, out, err)
        assert picture.exists() == (status == 0)
