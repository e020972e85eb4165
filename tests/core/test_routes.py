"""Routed links: around every card, ports of their own, the same routes however the diagram got where it is."""

from __future__ import annotations

import random

import pytest

from statediagram.core.routes import Router, along, choose_sides, segment_crosses

SERVER_H, OTHER_H, WIDTH = 124.0, 58.0, 196.0  # the canvas's card sizes (a server's card holds its badges)


def card(x: float, y: float, height: float = OTHER_H) -> tuple[float, float, float, float]:
    return x - WIDTH / 2, y - height / 2, x + WIDTH / 2, y + height / 2


def random_diagram(seed: int, nodes: int = 14, links: int = 24):
    """Cards at random places on the grid, never closer than 24 units (as near as Tidy Up's tiers); random links."""
    rng = random.Random(seed)
    cards: dict[str, tuple[float, float, float, float]] = {}
    while len(cards) < nodes:
        r = card(rng.randrange(-12, 12) * 60, rng.randrange(-12, 12) * 50, rng.choice((SERVER_H, OTHER_H)))
        if all(r[2] + 24 <= o[0] or o[2] + 24 <= r[0] or r[3] + 24 <= o[1] or o[3] + 24 <= r[1]
               for o in cards.values()):
            cards[f"n{len(cards)}"] = r
    ids = sorted(cards)
    pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(links)}
    return cards, sorted(pairs)


def routed(cards, pairs, effort: str = "full") -> Router:
    router = Router()
    for node, rect in cards.items():
        router.set_card(node, rect)
    for a, b in pairs:
        router.add_link((a, b), a, b)
    router.update(effort)
    return router


def through_cards(router: Router, cards) -> list[tuple]:
    """(link, card) for every piece of a route that runs through a card; a link's own cards count too, except
    for the first and last piece (out of its port)."""
    found = []
    for (a, b), route in router.routes.items():
        pieces = list(zip(route, route[1:], strict=False))
        for i, (p, q) in enumerate(pieces):
            for node, rect in cards.items():
                own_end = (node == a and i == 0) or (node == b and i == len(pieces) - 1)
                if not own_end and segment_crosses(p, q, rect):
                    found.append(((a, b), node))
    return found


@pytest.mark.parametrize("seed", range(100))
def test_random_diagrams_route_every_link_around_every_card(seed):
    cards, pairs = random_diagram(seed)
    router = routed(cards, pairs)
    assert set(router.routes) == set(pairs)
    assert through_cards(router, cards) == []
    for (a, b), route in router.routes.items():
        assert len(route) >= 2
        assert all(p[0] == q[0] or p[1] == q[1] for p, q in zip(route, route[1:], strict=False))  # orthogonal
        assert _on_edge(route[0], cards[a]) and _on_edge(route[-1], cards[b])


def _on_edge(p, r) -> bool:
    inside = r[0] - 1e-6 <= p[0] <= r[2] + 1e-6 and r[1] - 1e-6 <= p[1] <= r[3] + 1e-6
    return inside and min(abs(p[0] - r[0]), abs(p[0] - r[2]), abs(p[1] - r[1]), abs(p[1] - r[3])) < 1e-6


def test_a_link_whose_straight_line_crosses_a_card_goes_round_it():
    cards = {"a": card(0, 0), "b": card(300, 0), "c": card(600, 0)}
    router = routed(cards, [("a", "c")])
    route = router.routes[("a", "c")]
    assert not any(segment_crosses(p, q, cards["b"]) for p, q in zip(route, route[1:], strict=False))
    assert len(route) > 2  # it bends


def test_parallel_links_to_one_card_get_ports_of_their_own_in_the_order_of_their_other_ends():
    cards = {"lb": card(0, 0), "s1": card(300, -200, SERVER_H), "s2": card(300, 0, SERVER_H),
             "s3": card(300, 200, SERVER_H), "r": card(600, 0)}
    pairs = [("lb", "s1"), ("lb", "s2"), ("lb", "s3"), ("r", "s1"), ("r", "s2"), ("r", "s3")]
    router = routed(cards, pairs)
    at_lb = [router.routes[(a, b)][0] for a, b in pairs[:3]]
    at_r = [router.routes[(a, b)][0] for a, b in pairs[3:]]
    for ports, side_x in ((at_lb, cards["lb"][2]), (at_r, cards["r"][0])):
        assert len(set(ports)) == 3  # distinct
        assert all(x == side_x for x, _ in ports)  # on the side facing the servers
        assert [y for _, y in ports] == sorted(y for _, y in ports)  # top port to the top server
    # and no two routes share a stretch of line
    for k1, r1 in router.routes.items():
        for k2, r2 in router.routes.items():
            if k1 < k2:
                assert not _overlap(r1, r2), (k1, k2)


def _overlap(r1, r2) -> bool:
    """Whether two orthogonal routes run along the same line for more than a point."""
    for p, q in zip(r1, r1[1:], strict=False):
        for s, t in zip(r2, r2[1:], strict=False):
            if p[0] == q[0] == s[0] == t[0]:
                lo, hi = max(min(p[1], q[1]), min(s[1], t[1])), min(max(p[1], q[1]), max(s[1], t[1]))
                if hi - lo > 1e-6:
                    return True
            if p[1] == q[1] == s[1] == t[1]:
                lo, hi = max(min(p[0], q[0]), min(s[0], t[0])), min(max(p[0], q[0]), max(s[0], t[0]))
                if hi - lo > 1e-6:
                    return True
    return False


def test_links_sharing_a_gap_run_on_tracks_of_their_own():
    """Two servers each linked to three stores: six links through one gap, none on top of another."""
    cards = {"a": card(0, 0, SERVER_H), "b": card(0, 180, SERVER_H), "redis": card(320, -40), "pg": card(320, 80),
             "s3": card(320, 200)}
    pairs = [(s, t) for s in ("a", "b") for t in ("pg", "redis", "s3")]
    router = routed(cards, pairs)
    assert through_cards(router, cards) == []
    for k1, r1 in router.routes.items():
        for k2, r2 in router.routes.items():
            if k1 < k2:
                assert not _overlap(r1, r2), (k1, k2)


@pytest.mark.parametrize("seed", range(20))
def test_moving_cards_reroutes_to_what_routing_afresh_gives(seed):
    cards, pairs = random_diagram(seed)
    router = routed(cards, pairs)
    rng = random.Random(seed)
    for _ in range(12):
        node = rng.choice(sorted(cards))
        left, top, right, bottom = cards[node]
        dx, dy = rng.randrange(-300, 300), rng.randrange(-300, 300)
        cards[node] = (left + dx, top + dy, right + dx, bottom + dy)
        router.set_card(node, cards[node])
        router.update()
    fresh = routed(cards, pairs)
    assert router.routes == fresh.routes


def test_a_drag_reroutes_only_what_the_move_reaches():
    """Far apart groups: moving a card in one leaves the other's routes alone (not even looked at again)."""
    cards = {"a": card(0, 0), "b": card(300, 100), "x": card(5000, 0), "y": card(5300, 100)}
    router = routed(cards, [("a", "b"), ("x", "y")])
    router.set_card("a", card(0, 40))
    assert router.update() == {("a", "b")}


def test_provisional_routes_end_as_full_routing():
    cards, pairs = random_diagram(7, nodes=30, links=60)
    full = routed(cards, pairs)
    quick = routed(cards, pairs, "none")
    assert quick.provisional
    while quick.provisional:
        quick.refine(9)
    assert quick.routes == full.routes
    shapes = routed(cards, pairs, "shapes")
    shapes.update()
    assert not shapes.provisional and shapes.routes == full.routes


def test_removing_cards_and_links_forgets_their_routes():
    cards, pairs = random_diagram(3)
    router = routed(cards, pairs)
    gone = pairs[0][0]
    router.remove_card(gone)
    router.remove_link(pairs[-1])
    router.update()
    left = {p for p in pairs if gone not in p and p != pairs[-1]}
    assert set(router.routes) == left
    rest = {n: r for n, r in cards.items() if n != gone}
    assert router.routes == routed(rest, sorted(left)).routes


def test_along_walks_a_route_by_length():
    route = [(0.0, 0.0), (30.0, 0.0), (30.0, 10.0)]  # 30 across, 10 down
    assert along(route, 0.0) == (0.0, 0.0)
    assert along(route, 0.5) == (20.0, 0.0)
    assert along(route, 0.875) == (30.0, 5.0)
    assert along(route, 1.0) == (30.0, 10.0)
    assert along(route, 7.0) == (30.0, 10.0)  # clamped


def test_cards_side_by_side_link_across_and_cards_one_above_the_other_link_up_and_down():
    assert choose_sides(card(0, 0), card(300, 40)) == ("right", "left")
    assert choose_sides(card(300, 40), card(0, 0)) == ("left", "right")
    assert choose_sides(card(0, 0), card(20, 300)) == ("bottom", "top")
    assert choose_sides(card(20, 300), card(0, 0)) == ("top", "bottom")
