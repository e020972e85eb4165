"""Sample diagrams shared by the core tests."""

# The contract's own example, word for word.
SPEC_EXAMPLE = """
{
  "format": "statediagram",
  "version": 1,
  "title": "Make it stateless",
  "nodes": [
    {"id": "users", "kind": "client", "label": "Users", "x": 0, "y": 120, "props": {"users": 3}},
    {"id": "lb", "kind": "load_balancer", "label": "Load balancer", "x": 200, "y": 120,
     "props": {"policy": "round_robin"}},
    {"id": "a", "kind": "server", "label": "Server A", "x": 400, "y": 40, "props": {"auth": "session"}},
    {"id": "b", "kind": "server", "label": "Server B", "x": 400, "y": 200},
    {"id": "redis", "kind": "redis", "label": "Redis", "x": 600, "y": 120}
  ],
  "edges": [
    {"source": "users", "target": "lb"},
    {"source": "lb", "target": "a"},
    {"source": "lb", "target": "b"},
    {"source": "a", "target": "redis"},
    {"source": "b", "target": "redis"}
  ],
  "scenario": {"name": "standard", "seed": 1}
}
"""
