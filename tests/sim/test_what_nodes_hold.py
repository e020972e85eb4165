"""What an inspector shows of a node comes from the node's own kind: a server lists what it keeps in its RAM and
on its disk (or says a crash loses nothing), a store lists its keys, rows or files."""

from __future__ import annotations

from sim_builders import two_servers

from statediagram.sim.replay import RunSetup, engine_at
from statediagram.sim.stores import Seen

REDIS = {"id": "r", "kind": "redis", "label": "Redis"}
PG = {"id": "pg", "kind": "postgres", "label": "PostgreSQL"}
S3 = {"id": "s3", "kind": "object_storage", "label": "Object storage"}


def test_a_stateful_server_shows_the_sessions_carts_and_files_it_keeps_itself():
    engine = engine_at(RunSetup(two_servers(), scenario="calm", journey="full"), 8_000_000)
    what, headers, rows = engine.servers["a"].table(Seen(8_000_000))
    assert what.startswith("up, ") and headers == ["where", "what", "value"]
    assert {row[0] for row in rows} == {"RAM", "disk"}
    assert any(row[1].startswith("session:") for row in rows) and any(row[1].startswith("cart:") for row in rows)
    assert any(row[1].startswith("avatars/") for row in rows)
    engine.close()


def test_a_stateless_server_says_its_crash_loses_nothing_and_the_stores_hold_it_all():
    engine = engine_at(RunSetup(two_servers(stores=(REDIS, PG, S3)), scenario="calm", journey="full"), 8_000_000)
    seen = Seen(8_000_000)
    what, _headers, rows = engine.servers["a"].table(seen)
    assert rows == [] and what.endswith("nothing in its own RAM or on its disk, so a crash loses nothing")
    keys, _, key_rows = engine.stores["r"].store.table(seen)
    assert keys == f"{len(key_rows)} keys" and any(row[0].startswith("session:") for row in key_rows)
    table, _, pg_rows = engine.stores["pg"].store.table(seen)
    assert table == f"table cart_items, {len(pg_rows)} rows" and pg_rows
    files, _, s3_rows = engine.stores["s3"].store.table(seen)
    assert files == f"{len(s3_rows)} files" and all(row[0].startswith("avatars/") for row in s3_rows)
    engine.close()
