"""Builders for the diagrams the lesson talks about."""

from __future__ import annotations

import json

from statediagram.core import Diagram, parse_diagram


def diagram(nodes: list[dict], edges: list[tuple[str, str]], scenario: dict | None = None) -> Diagram:
    record = {
        "format": "statediagram",
        "version": 1,
        "nodes": nodes,
        "edges": [{"source": a, "target": b} for a, b in edges],
    }
    if scenario is not None:
        record["scenario"] = scenario
    return parse_diagram(json.dumps(record)).diagram


def two_servers(
    policy: str = "round_robin",
    auth: tuple[str, str] = ("session", "session"),
    stores: tuple[dict, ...] = (),
    users: int = 3,
    scenario: dict | None = None,
) -> Diagram:
    """Users -> load balancer -> Server A and Server B, each server linked to every store given."""
    nodes = [
        {"id": "users", "kind": "client", "label": "Users", "props": {"users": users}},
        {"id": "lb", "kind": "load_balancer", "label": "Load balancer", "props": {"policy": policy}},
        {"id": "a", "kind": "server", "label": "Server A", "props": {"auth": auth[0]}},
        {"id": "b", "kind": "server", "label": "Server B", "props": {"auth": auth[1]}},
        *stores,
    ]
    edges = [("users", "lb"), ("lb", "a"), ("lb", "b")]
    edges += [(s, store["id"]) for store in stores for s in ("a", "b")]
    return diagram(nodes, edges, scenario)


REDIS = {"id": "redis", "kind": "redis", "label": "Redis"}
POSTGRES = {"id": "pg", "kind": "postgres", "label": "PostgreSQL"}
BUCKET = {"id": "s3", "kind": "object_storage", "label": "Object storage"}
