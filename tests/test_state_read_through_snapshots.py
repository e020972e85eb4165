"""State is read through snapshots only: outside the modules that keep it (the sim's stores, a server's run-time
state, the real Redis adapter, and the app a node runs for real with its own real stores), no source file reads a
server's RAM, a bucket's or a disk's files, a store's client or its database, or runs SQL. The inspectors and the
replay ask ``entries()``, ``rows()``, ``files()``, ``sessions()`` and ``carts()`` instead."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "statediagram"
KEEPERS = {SRC / "sim" / "stores.py", SRC / "sim" / "realredis.py", SRC / "sim" / "nodes.py",
           SRC / "live" / "app.py", SRC / "live" / "chat.py"}  # live/: the app a node runs for real, its own stores
INSIDES = {
    "a server's RAM": re.compile(r"\b(ram_sessions|ram_carts|_sessions|_carts)\b"),
    "a bucket's or a disk's files": re.compile(r"\b_objects\b|\.files\.(items|get|keys|values)\(|\.files\["),
    "a store's client": re.compile(r"\bclient\.[a-z_]+\("),
    "a store's database": re.compile(r"\.db\b|\bexecute\("),
    "SQL": re.compile(r"[\"'](SELECT|INSERT|UPDATE|DELETE|CREATE TABLE) "),
}


def insides_read_in(text: str) -> list[tuple[int, str]]:
    return [(n, what) for n, line in enumerate(text.splitlines(), 1) for what, pattern in INSIDES.items()
            if pattern.search(line.split("#", 1)[0])]


def test_the_scanner_sees_what_it_is_for():
    text = ('n = len(srv.ram_sessions)\nfor k, v in st.store.disk.files.items(): pass\n'
            'v = store.client.get("session:1")\nrows = st.store.db.execute("SELECT 1")\n'
            'q = "SELECT product FROM cart_items"\nok = [f.name for f in srv.disk.files()]\n'
            'who = req.user.client  # a user\'s client node, not a store client\n')
    assert insides_read_in(text) == [
        (1, "a server's RAM"), (2, "a bucket's or a disk's files"), (3, "a store's client"),
        (4, "a store's database"), (4, "SQL"), (5, "SQL")]


def test_no_source_file_outside_the_stores_reads_their_insides():
    offenders = [f"{path.relative_to(SRC)}:{line}: reads {what}"
                 for path in sorted(SRC.rglob("*.py")) if path not in KEEPERS
                 for line, what in insides_read_in(path.read_text(encoding="utf-8"))]
    assert offenders == [], "read a snapshot (entries(), rows(), files(), sessions(), carts()):\n" + "\n".join(
        offenders)
