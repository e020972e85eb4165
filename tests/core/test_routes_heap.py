"""The router keeps what it works out as plain numbers and strings, which Python's cyclic collector lets go of.

A full collection looks at every object the collector tracks, holding every thread meanwhile; a big diagram's
router lives as long as the diagram is open. Counted, not timed: the count does not depend on the machine's load
(benchmarks/bench_open_big.py times the collections).
"""

from __future__ import annotations

import gc

from statediagram.core.routes import Router

WIDTH, SERVER_H, OTHER_H = 196.0, 124.0, 58.0  # the canvas's card sizes


def card(x: float, y: float, height: float = OTHER_H) -> tuple[float, float, float, float]:
    return x - WIDTH / 2, y - height / 2, x + WIDTH / 2, y + height / 2


def web_tiers(rows: int) -> tuple[dict[str, tuple[float, float, float, float]], list[tuple[str, str]]]:
    """``rows`` web tiers one under the other (users, a load balancer, three servers, a Redis and a PostgreSQL):
    the servers' links to the stores share the gap between the columns, and some bend round the servers."""
    cards: dict[str, tuple[float, float, float, float]] = {}
    pairs: list[tuple[str, str]] = []
    for r in range(rows):
        y = r * 480.0
        cards.update({f"users{r}": card(0.0, y), f"lb{r}": card(260.0, y), f"redis{r}": card(840.0, y - 150),
                      f"pg{r}": card(840.0, y + 150)})
        pairs.append((f"lb{r}", f"users{r}"))
        for s in range(3):
            server = f"s{r}.{s}"
            cards[server] = card(540.0, y + (s - 1) * 150, SERVER_H)
            pairs += [(f"lb{r}", server), (f"redis{r}", server), (f"pg{r}", server)]
    return cards, pairs


def tracked() -> int:
    gc.collect()
    gc.collect()  # a tuple of tuples is let go of a collection after its parts
    return len(gc.get_objects())


def test_a_routed_big_diagram_keeps_almost_nothing_for_the_collector():
    cards, pairs = web_tiers(40)  # 280 cards, 400 links
    routed = Router()  # what a first router makes once is not counted
    routed.set_card("x", card(0.0, 0.0))
    routed.update()
    before = tracked()
    router = Router()
    for node, rect in cards.items():
        router.set_card(node, rect)
    for a, b in pairs:
        router.add_link((a, b), a, b)
    router.update("full")
    assert len(router.routes) == len(pairs) and not router.provisional
    kept = tracked() - before
    items = len(cards) + len(pairs)
    # Measured: 13 objects (the router and its maps), 0.02 an item, the same for 170 and 1,360 items. Before, 847
    # (1.25 an item): a set of links per card, a set of keys per cell of its spatial indexes and per shared gap, and
    # an object per link whose middle piece runs in a shared gap (the big diagram of benchmarks/bench_gui.py: about
    # 5,500 objects). Anything kept per card or per link as an object the collector tracks makes at least 0.4 an
    # item.
    assert kept < 0.05 * items, (
        f"the router of {len(cards)} cards and {len(pairs)} links keeps {kept} objects Python's cyclic collector "
        "tracks, each looked at by every full collection: keep what it holds per card and per link as tuples of "
        "numbers and strings, or dicts of them, not as sets, lists or class instances")
