"""A diagram's neighbour index: answers as a scan of every link would, after any change to the links."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statediagram.core.model import Diagram, Link, LinkList, Node, link_key

IDS = ("users", "lb", "a", "b", "redis")


def scanned(d: Diagram, node_id: str) -> list[str]:
    """What ``neighbours`` answered before it had an index: every link looked at, in list order."""
    return [lk.other(node_id) for lk in d.links if node_id in (lk.source, lk.target)]


def assert_fresh(d: Diagram) -> None:
    for node_id in (*IDS, "nobody"):
        assert d.neighbours(node_id) == scanned(d, node_id)
        for other in IDS:
            want = next((lk for lk in d.links if lk.ends == link_key(node_id, other)), None)
            assert d.find_link(node_id, other) is want


def lesson() -> Diagram:
    nodes = [Node("users", "client"), Node("lb", "load_balancer"), Node("a", "server"), Node("b", "server"),
             Node("redis", "redis")]
    return Diagram(nodes=nodes, links=[Link("users", "lb"), Link("lb", "a"), Link("b", "lb"), Link("a", "redis")])


def test_neighbours_are_the_other_ends_in_link_order() -> None:
    d = lesson()
    assert d.neighbours("lb") == ["users", "a", "b"]
    assert d.neighbours("nobody") == []
    assert d.find_link("lb", "b") is d.links[2]


def test_a_plain_list_given_or_assigned_becomes_a_link_list() -> None:
    d = lesson()
    assert isinstance(d.links, LinkList) and isinstance(Diagram().links, LinkList)
    d.neighbours("lb")
    d.links = [Link("users", "b")]
    assert isinstance(d.links, LinkList)
    assert d.neighbours("lb") == [] and d.neighbours("b") == ["users"]
    d.links += [Link("b", "redis")]
    assert isinstance(d.links, LinkList) and d.neighbours("b") == ["users", "redis"]


def test_removing_a_link_then_undoing_it_as_the_editor_does_is_seen_at_once() -> None:
    d = lesson()
    assert d.neighbours("a") == ["lb", "redis"]
    index = next(i for i, lk in enumerate(d.links) if lk.ends == link_key("lb", "a"))
    removed = d.links.pop(index)  # the delete command
    assert d.neighbours("a") == ["redis"] and d.find_link("lb", "a") is None
    d.links.insert(index, removed)  # its undo
    assert d.neighbours("a") == ["lb", "redis"] and d.find_link("a", "lb") is removed


def test_a_link_is_rewired_by_replacing_it_never_in_place() -> None:
    d = lesson()
    assert d.neighbours("b") == ["lb"]
    with pytest.raises(AttributeError, match="ends are fixed"):
        d.links[2].source = "users"
    assert d.links[2].source == "b" and d.neighbours("b") == ["lb"]
    d.links[2] = Link("users", "lb")  # the way to rewire: the list sees it
    assert d.neighbours("b") == []
    assert d.neighbours("users") == ["lb", "lb"]
    assert_fresh(d)
    d.links[2].id = "kept"  # what is not an end may change
    assert_fresh(d)


def test_copies_and_pickles_answer_for_their_own_links() -> None:
    d = lesson()
    d.neighbours("lb")
    for twin in (d.copy(), copy.deepcopy(d), pickle.loads(pickle.dumps(d))):
        assert twin == d and isinstance(twin.links, LinkList)
        twin.links.append(Link("users", "a"))
        assert twin.neighbours("users") == ["lb", "a"]
        assert d.neighbours("users") == ["lb"]


def test_link_lists_compare_equal_to_plain_lists() -> None:
    links = [Link("users", "lb"), Link("lb", "a")]
    assert LinkList(links) == links
    assert Diagram(links=links) == Diagram(links=list(links))


Change = Callable[[LinkList], object]
ends = st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)).map(lambda pair: Link(*pair))
changes: st.SearchStrategy[Change] = st.one_of(
    ends.map(lambda lk: lambda links: links.append(lk)),
    st.tuples(st.integers(-3, 6), ends).map(lambda a: lambda links: links.insert(a[0], a[1])),
    st.lists(ends, max_size=3).map(lambda more: lambda links: links.extend(more)),
    st.integers(0, 6).map(lambda i: lambda links: links.pop(i % len(links)) if links else None),
    st.integers(0, 6).map(lambda i: lambda links: links.remove(links[i % len(links)]) if links else None),
    st.tuples(st.integers(0, 6), ends).map(lambda a: lambda links: links.__setitem__(a[0] % len(links), a[1])
                                           if links else None),
    st.tuples(st.integers(0, 4), st.lists(ends, max_size=3)).map(
        lambda a: lambda links: links.__setitem__(slice(a[0], a[0] + 2), a[1])),
    st.integers(0, 4).map(lambda i: lambda links: links.__delitem__(slice(i, i + 2))),
    st.just(lambda links: links.sort(key=lambda lk: (lk.target, lk.source))),
    st.just(lambda links: links.reverse()),
    st.lists(ends, max_size=2).map(lambda more: lambda links: links.__iadd__(more)),
    st.integers(0, 2).map(lambda n: lambda links: links.__imul__(n)),
    st.just(lambda links: links.clear()),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(changes, max_size=12))
def test_neighbours_match_a_full_scan_after_any_changes(steps: list[Change]) -> None:
    d = lesson()
    assert_fresh(d)
    for step in steps:
        step(d.links)  # type: ignore[arg-type]
        assert_fresh(d)
