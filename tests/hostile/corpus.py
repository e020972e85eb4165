"""Hostile student files: one case per defect of issue 9, made at test time (big ones are never committed).

Every command (``simulate``, ``check``, ``export``) and the app's open path run these. A case knows how to
make its file in a folder and what each command may answer::

    for case in CASES:
        path = case.make(tmp_path)          # a Path to open (a special file for some: FIFO, /dev/zero, folder)
        case.opens                          # True: the loader accepts it; False: it is unreadable (an error)

Exit statuses a case allows are in ``case.simulate``, ``case.check`` and ``case.export``: 0/1 a verdict (or
written), 2 unreadable, 3 the run could not finish (here: stopped by ``--timeout``, see ``TIMEOUT_S``).
"""

from __future__ import annotations

import copy
import json
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

# Commands run on the corpus pass --timeout TIMEOUT_S, so a valid but long run ends as "could not finish" (3).
TIMEOUT_S = 4
VERDICT = frozenset({0, 1})
UNREADABLE = frozenset({2})
WRITTEN = frozenset({0})

# Text a hostile writer hides in labels and ids.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b1m"
MARKUP = "<img src='/dev/zero'>"
FORGED = "<h1>grade A</h1><b>PASS</b>"
RTL_MARK = "\u200f"


def starter() -> dict[str, Any]:
    """The lesson's starter, solved: two session servers sharing one Redis behind a load balancer."""
    return {
        "format": "statediagram",
        "version": 1,
        "title": "Hostile",
        "nodes": [
            {"id": "users", "kind": "client", "label": "Users", "x": 0, "y": 120, "props": {"users": 3}},
            {"id": "lb", "kind": "load_balancer", "label": "Load balancer", "x": 220, "y": 120},
            {"id": "a", "kind": "server", "label": "Server A", "x": 440, "y": 40},
            {"id": "b", "kind": "server", "label": "Server B", "x": 440, "y": 200},
            {"id": "redis", "kind": "redis", "label": "Redis", "x": 660, "y": 120},
        ],
        "edges": [
            {"source": "users", "target": "lb"},
            {"source": "lb", "target": "a"},
            {"source": "lb", "target": "b"},
            {"source": "a", "target": "redis"},
            {"source": "b", "target": "redis"},
        ],
        "scenario": {"name": "standard", "journey": "sessions", "seed": 1},
    }


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    record = copy.deepcopy(starter())
    change(record)
    return record


def node(record: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in record["nodes"] if n["id"] == node_id)


@dataclass(frozen=True)
class Case:
    """One hostile file. ``content`` is the file's bytes, or a function making the path in a folder."""

    name: str
    defect: str
    content: bytes | Callable[[Path], Path]
    opens: bool
    simulate: frozenset[int] = VERDICT
    check: frozenset[int] = VERDICT
    export: frozenset[int] = WRITTEN
    file_name: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)

    def make(self, folder: Path) -> Path:
        """The case's file (or special path) in ``folder``."""
        if callable(self.content):
            return self.content(folder)
        path = folder / (self.file_name or f"{self.name}.statediagram.json")
        path.write_bytes(self.content)
        return path


def diagram(name: str, defect: str, record: dict[str, Any], **kw: Any) -> Case:
    return Case(name, defect, json.dumps(record, ensure_ascii=False).encode("utf-8"), **kw)


def unreadable(name: str, defect: str, content: bytes | Callable[[Path], Path], **kw: Any) -> Case:
    return Case(name, defect, content, opens=False, simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, **kw)


def too_big_to_run(name: str, defect: str, record: dict[str, Any]) -> Case:
    """Opens (the editor can show it) but no run simulates it: simulate and check say why (2)."""
    return diagram(name, defect, record, opens=True, simulate=UNREADABLE, check=UNREADABLE)


# --- makers of big or special files -----------------------------------------------------------------


def fifo(folder: Path) -> Path:
    path = folder / "fifo.statediagram.json"
    os.mkfifo(path)
    return path


def dev_zero(_folder: Path) -> Path:
    return Path("/dev/zero")


def a_folder(folder: Path) -> Path:
    path = folder / "folder.statediagram.json"
    path.mkdir()
    return path


def oversize(folder: Path) -> Path:
    """A valid diagram of 21 MB (its title is the padding)."""
    path = folder / "oversize.statediagram.json"
    record = starter()
    record["title"] = "x" * (21 * 1024 * 1024)
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def non_utf8_name(folder: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(str(folder)) + b"/\xff\xfe-student.statediagram.json"))
    path.write_text(json.dumps(starter()), encoding="utf-8")
    return path


def formula_name(folder: Path) -> Path:
    path = folder / "=HYPERLINK(1)+cmd.statediagram.json"
    record = starter()
    node(record, "a")["label"] = "=1+2"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


@cache
def zeros_deflated(megabytes: int) -> bytes:
    """A zlib stream of ``megabytes`` MB of zero bytes (about 1 KB a MB), made in milliseconds.

    A full flush makes each MB's deflate blocks independent of what came before, so one MB's blocks are
    repeated rather than compressing a GB; the stream ends with the checksum of the whole.
    """
    block = bytes(1024 * 1024)
    deflate = zlib.compressobj(9)
    head = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    middle = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()[:-4]  # the final empty block, without the checksum of two MB
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(block, checksum)
    return head + middle * (megabytes - 1) + end + struct.pack(">I", checksum)


def png_bomb(chunk_type: bytes, megabytes: int) -> bytes:
    """A 1x1 PNG whose 'statediagram' text chunk inflates to ``megabytes`` MB."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    if chunk_type == b"zTXt":
        body = b"statediagram\0\0" + zeros_deflated(megabytes)
    else:
        body = b"statediagram\0\1\0\0\0" + zeros_deflated(megabytes)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00\x80"))
            + _chunk(chunk_type, body) + _chunk(b"IEND", b""))


def png_bomb_file(file_name: str, chunk_type: bytes, megabytes: int) -> Callable[[Path], Path]:
    """A maker of :func:`png_bomb` (made when a test asks for it, not when the corpus is imported)."""

    def make(folder: Path) -> Path:
        path = folder / file_name
        path.write_bytes(png_bomb(chunk_type, megabytes))
        return path

    return make


def many_servers(count: int) -> dict[str, Any]:
    """``count`` servers behind one load balancer, all sharing one Redis."""
    record = starter()
    record["nodes"] = [n for n in record["nodes"] if n["kind"] not in ("server",)]
    record["edges"] = [e for e in record["edges"] if e["source"] == "users"]
    for i in range(count):
        record["nodes"].append({"id": f"s{i}", "kind": "server", "x": 440 + i % 50 * 10, "y": i // 50 * 10})
        record["edges"] += [{"source": "lb", "target": f"s{i}"}, {"source": f"s{i}", "target": "redis"}]
    return record


def users(per_client: list[int], **scenario: Any) -> dict[str, Any]:
    record = starter()
    record["nodes"] = [n for n in record["nodes"] if n["kind"] != "client"]
    record["edges"] = [e for e in record["edges"] if e["source"] != "users"]
    for i, count in enumerate(per_client):
        record["nodes"].append({"id": f"c{i}", "kind": "client", "props": {"users": count}})
        record["edges"].append({"source": f"c{i}", "target": "lb"})
    record["scenario"].update(scenario)
    return record


def faults(*fault_list: tuple[Any, str, str], **scenario: Any) -> dict[str, Any]:
    record = starter()
    record["scenario"] = {"journey": "sessions", "faults": [
        {"at": at, "node": n, "action": action} for at, n, action in fault_list], **scenario}
    return record


def with_storage(record: dict[str, Any]) -> dict[str, Any]:
    record["nodes"].append({"id": "s3", "kind": "object_storage", "label": "Bucket", "x": 660, "y": 300})
    record["edges"] += [{"source": "a", "target": "s3"}, {"source": "b", "target": "s3"}]
    record["scenario"] = {"journey": "full", "duration_s": 30, "faults": [{"at": 5, "node": "s3", "action": "crash"}]}
    return record


def behind_more_servers(record: dict[str, Any], count: int) -> dict[str, Any]:
    """The record with ``count`` more servers behind its load balancer, each sharing its Redis: a crash drill
    crashes every server in turn, so a mission's run grows with them (1.2 s more work a server, measured)."""
    for i in range(1, count + 1):
        record["nodes"].append({"id": f"extra{i}", "kind": "server", "label": f"Server {i}", "x": 900, "y": 60 * i})
        record["edges"] += [{"source": "lb", "target": f"extra{i}"}, {"source": f"extra{i}", "target": "redis"}]
    return record


def labelled(a: str, b: str | None = None) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        node(record, "a")["label"] = a
        node(record, "b")["label"] = b if b is not None else a

    return change


def with_id(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    """Rename node ``old`` to ``new`` everywhere it is named."""

    def change(record: dict[str, Any]) -> None:
        node(record, old)["id"] = new
        for e in record["edges"]:
            for end in ("source", "target"):
                if e[end] == old:
                    e[end] = new

    return change


def set_kind(record: dict[str, Any], node_id: str, kind: str) -> None:
    node(record, node_id)["kind"] = kind


def set_xy(node_id: str, x: Any, y: Any = 0) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        node(record, node_id).update(x=x, y=y)

    return change


def _two(change_a: Callable[[dict[str, Any]], None], change_b: Callable[[dict[str, Any]], None]):
    def change(record: dict[str, Any]) -> None:
        change_a(record)
        change_b(record)

    return change


TEN_MB_ID = "i" * (10 * 1024 * 1024)

CASES: tuple[Case, ...] = (
    # Numbers that crash or hang.
    diagram("coordinate-at-1e308", "coordinates near 1e308 crash the canvas, export raises OverflowError",
            changed(set_xy("a", 1.7976931348623157e308, -1e308)), opens=False, simulate=UNREADABLE,
            check=UNREADABLE, export=UNREADABLE, tags=frozenset({"numbers"})),
    diagram("coordinate-beyond-limit", "coordinates are bounded on load", changed(set_xy("b", 0, -1_000_001)),
            opens=False, simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, tags=frozenset({"numbers"})),
    diagram("far-apart-19000", "a canvas of two nodes at 0 and 19,000 used 2.6 GB to export",
            changed(_two(set_xy("users", 0, 0), set_xy("redis", 19_000, 19_000))), opens=True,
            tags=frozenset({"numbers", "export-size"})),
    diagram("far-apart-1e6", "export is robust to any scene size", changed(
        _two(set_xy("users", -1_000_000, -1_000_000), set_xy("redis", 1_000_000, 1_000_000))), opens=True,
        tags=frozenset({"numbers", "export-size"})),
    diagram("fault-at-max-float", "a fault at 1.8e308 raises OverflowError", faults(
        (1.7976931348623157e308, "a", "crash")), opens=False, simulate=UNREADABLE, check=UNREADABLE,
        export=UNREADABLE, tags=frozenset({"numbers"})),
    diagram("fault-at-1e7", "a fault at 1e7 s never ends and takes 4+ GB", faults((1e7, "a", "crash")),
            opens=False, simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, tags=frozenset({"numbers"})),
    diagram("duration-1e300", "duration_s beyond 3600 s", faults((12, "a", "crash"), duration_s=1e300),
            opens=False, simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, tags=frozenset({"numbers"})),
    diagram("duration-3601", "duration_s beyond 3600 s", faults((12, "a", "crash"), duration_s=3601),
            opens=False, simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, tags=frozenset({"numbers"})),
    diagram("fault-after-the-end", "a fault at or after the run's end was counted in servers.*.crashes",
            faults((12, "a", "crash"), (17, "a", "restart"), (50, "b", "crash"), duration_s=40), opens=True,
            tags=frozenset({"numbers"})),
    diagram("object-storage-crashed", "object storage crashed by a fault list failed over as if replicated",
            with_storage(starter()), opens=True, simulate=frozenset({1}), tags=frozenset({"numbers"})),
    # Valid but enormous designs.
    diagram("servers-4000", "4,000 servers behind one load balancer stall a batch", many_servers(4000), opens=True,
            simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE),
    too_big_to_run("users-20000", "users summed over clients are bounded", users([10_000, 10_000])),
    # `check` runs the mission's own drill (35 s): 10,000 users for 35 s is within the limits, and slow.
    diagram("two-hour-run", "an 11 KB file that would simulate for about 2 hours",
            users([10_000], duration_s=3600, faults=[{"at": 1, "node": "a", "action": "crash"}]), opens=True,
            simulate=UNREADABLE, check=frozenset({3}), tags=frozenset({"slow"})),
    # The mission's own drill (not the file's 900 s) is what check runs: with two servers it took 3.5-4.5 s,
    # either side of the 4-s bound; with 14 more it takes about 20 s, far past it on any machine.
    diagram("long-but-within-limits", "one file cannot stall a class: check --timeout",
            behind_more_servers(users([2000], duration_s=900, faults=[{"at": 1, "node": "a", "action": "crash"}]), 14),
            opens=True, simulate=frozenset({3}), check=frozenset({3}), tags=frozenset({"slow"})),
    # Special files and bombs.
    unreadable("fifo", "a FIFO blocks simulate/check/export forever", fifo),
    unreadable("dev-zero", "/dev/zero is read to 5 GB", dev_zero),
    unreadable("folder", "a folder is not a diagram", a_folder),
    unreadable("oversize-21mb", "files are read with a size cap", oversize),
    unreadable("png-ztxt-bomb", "a zTXt chunk inflating to 1 GB takes 2 GB and 6-17 s",
               png_bomb_file("ztxt-bomb.png", b"zTXt", 1024)),
    unreadable("png-itxt-bomb", "an iTXt chunk inflating far beyond the file size cap",
               png_bomb_file("itxt-bomb.png", b"iTXt", 256)),
    # Text into terminals, CSV, SVG, and (for the app) markup.
    diagram("escapes-in-labels", "escape sequences in labels reach the terminal raw",
            changed(_two(labelled(ESCAPES), with_id("a", "a" + ESCAPES))), opens=True,
            tags=frozenset({"text"})),
    diagram("escapes-in-error", "escape sequences in an error message reach the terminal raw",
            changed(lambda r: set_kind(r, "a", "\x1b[2J\x1b]0;owned\x07")), opens=False, simulate=UNREADABLE,
            check=UNREADABLE, export=UNREADABLE, tags=frozenset({"text"})),
    diagram("ten-mb-id", "a 10 MB id is echoed twice in the error", changed(
        lambda r: r["nodes"].append({"id": TEN_MB_ID, "kind": "nope"})),
        opens=False, simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, tags=frozenset({"text"})),
    diagram("ten-mb-unknown-kind", "a 10 MB value is echoed in the error", changed(
        lambda r: set_kind(r, "b", "k" * (10 * 1024 * 1024))), opens=False, simulate=UNREADABLE,
        check=UNREADABLE, export=UNREADABLE, tags=frozenset({"text"})),
    diagram("markup-in-labels-and-ids", "the app renders file text as HTML", changed(
        _two(labelled(MARKUP, FORGED), with_id("b", MARKUP))), opens=True, tags=frozenset({"text", "markup"})),
    diagram("markup-in-kind", "a kind of <img src='/dev/zero'> in the load error", changed(
        lambda r: set_kind(r, "a", MARKUP)), opens=False, simulate=UNREADABLE, check=UNREADABLE,
        export=UNREADABLE, tags=frozenset({"text", "markup"})),
    diagram("forged-heading-in-error", "a forged heading shown in an error dialog", changed(
        lambda r: node(r, "b").update(props={"users": 3, "auth": FORGED})), opens=False,
        simulate=UNREADABLE, check=UNREADABLE, export=UNREADABLE, tags=frozenset({"text", "markup"})),
    Case("formula-in-name-and-label", "check --csv cells starting with = + - @", formula_name, opens=True,
         tags=frozenset({"text", "csv"})),
    diagram("control-characters-for-svg", "exported SVG with control characters is not well-formed XML",
            changed(labelled("A\x01\x02\x08\x0b\x0c\x1f" + RTL_MARK + "B", "\x1b[1mBold" + RTL_MARK)),
            opens=True, tags=frozenset({"text", "svg"})),
    Case("file-name-not-utf8", "check on a file name that is not UTF-8 prints nothing for the other files",
         non_utf8_name, opens=True, tags=frozenset({"text"})),
)


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)
