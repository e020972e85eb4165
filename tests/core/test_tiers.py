"""Tidy Up's layout: tiers left to right, each column ordered so links do not cross, nodes level with their links."""

from __future__ import annotations

from statediagram.core.tiers import Box, tier_layout

CLIENT, LB, SERVER, STORE = 0, 1, 2, 3


def layout(boxes, links):
    return tier_layout(boxes, links, 300.0, 40.0, 20.0)


def test_each_server_s_own_store_ends_up_level_with_it_and_in_its_order():
    # Redis 1 belongs to Server A (drawn on top), Redis 2 to Server B; the stores were drawn the other way round.
    boxes = [Box("lb", LB, 58, 0, 0), Box("a", SERVER, 124, 300, -100), Box("b", SERVER, 124, 300, 100),
             Box("r1", STORE, 58, 600, 200), Box("r2", STORE, 58, 600, -200)]
    places = layout(boxes, [("lb", "a"), ("lb", "b"), ("a", "r1"), ("b", "r2")])
    assert places["a"][1] < places["b"][1]
    assert places["r1"][1] == places["a"][1] and places["r2"][1] == places["b"][1]  # level: straight links
    assert [places[n][0] for n in ("lb", "a", "r1")] == [0.0, 300.0, 600.0]


def test_a_store_shared_by_two_servers_sits_between_them():
    boxes = [Box("a", SERVER, 124, 0, 0), Box("b", SERVER, 124, 0, 300), Box("redis", STORE, 58, 300, 900)]
    places = layout(boxes, [("a", "redis"), ("b", "redis")])
    assert places["a"][1] < places["redis"][1] < places["b"][1]


def test_crowded_columns_keep_their_gaps_and_the_layout_is_the_same_every_time():
    boxes = [Box(f"s{i}", SERVER, 124, 0, i * 10) for i in range(5)]
    boxes += [Box(f"r{i}", STORE, 58, 300, -i * 10) for i in range(5)]
    links = [(f"s{i}", f"r{j}") for i in range(5) for j in range(5) if (i + j) % 2 == 0]
    places = layout(boxes, links)
    assert places == layout(list(reversed(boxes)), list(reversed(links)))
    for column, height in (("s", 124), ("r", 58)):
        ys = sorted(places[f"{column}{i}"][1] for i in range(5))
        assert all(b - a >= height + 40 - 20 for a, b in zip(ys, ys[1:], strict=False))  # less at most a grid step
