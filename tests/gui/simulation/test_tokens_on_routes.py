"""Tokens ride on the links' routes: mid-run, every token in flight lies on the route its link is drawn along."""

from __future__ import annotations

import random
from pathlib import Path

from simgui import run_to, show_diagram

from statediagram.core.fileio import load_diagram
from statediagram.core.model import link_key
from statediagram.core.routes import along
from statediagram.gui.simulation.style import REQUEST
from statediagram.gui.simulation.tokens import V_LAST, leg_place, make_trip, message_leg, trip_calls, trip_place
from statediagram.sim.scenario import SECOND

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "stateless-full.statediagram.json"


def distance_to_route(x: float, y: float, route) -> float:
    best = float("inf")
    for p, q in zip(route, route[1:], strict=False):
        (x0, y0), (x1, y1) = (p.x(), p.y()), (q.x(), q.y())
        dx, dy = x1 - x0, y1 - y0
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
        best = min(best, ((x0 + dx * t - x) ** 2 + (y0 + dy * t - y) ** 2) ** 0.5)
    return best


def test_tokens_mid_run_lie_on_their_links_routes(window):
    show_diagram(window, load_diagram(EXAMPLE).diagram)
    routes = [item.points() for item in window.scene.link_items.values()]
    assert any(len(r) > 2 for r in routes)  # some routes bend: a token on a straight line would miss them
    window.simulation.ui.simulate()
    in_flight = 0
    for t in range(2 * SECOND, 14 * SECOND, 370_000):
        run_to(window, t)
        for x, y, look, _rid in window.simulation.controller.layer.frame.tokens:
            if look == REQUEST:
                in_flight += 1
                assert min(distance_to_route(x, y, r) for r in routes) < 0.5, (t, x, y)
    assert in_flight >= 20


def test_the_canvas_geometry_walks_a_link_as_the_route_function_does(window):
    show_diagram(window, load_diagram(EXAMPLE).diagram)
    geometry = window.simulation.controller.geometry
    points = geometry.link_points("a", "pg")
    drawn = window.scene.link_items[link_key("a", "pg")].points()
    assert points in (drawn, drawn[::-1])
    assert window.scene.node_items["a"].sceneBoundingRect().contains(points[0])  # from a's side
    half = along([(p.x(), p.y()) for p in points], 0.5)
    assert distance_to_route(*half, points) < 1e-6


def walked(pieces, t: float) -> tuple[float, float] | None:
    """Where a token is at ``t`` walking its pieces in turn, as the canvas placed tokens before trips were kept as
    stretches: the first piece not yet over is under way; if it has not begun, the token waits where the piece
    before it ended (none before the first); once all are over, it is where the last one ended."""
    at = None
    for vs, ve, x0, y0, dx, dy, x1, y1 in pieces:
        if t < vs:
            break
        if t < ve:
            f = (t - vs) / (ve - vs)
            return x0 + dx * f, y0 + dy * f
        at = (x1, y1)
    return at


def test_a_token_is_where_walking_its_trip_piece_by_piece_puts_it(window):
    """The planner keeps a trip as stretches of time on one line each, found by bisection (a frame's computation,
    1,000 tokens): every token of a run is where walking the trip's pieces in turn puts it."""
    show_diagram(window, load_diagram(EXAMPLE).diagram)
    window.simulation.ui.simulate()
    run_to(window, 14 * SECOND)
    planner = window.simulation.controller.planner
    replay = window.simulation.controller.replay
    checked = 0
    for t in range(SECOND, 14 * SECOND, 137_000):
        tokens = planner.frame(t).tokens
        for x, y, _look, rid in tokens:
            wx, wy = walked(planner.pieces(replay.request(rid)), t)
            assert abs(x - wx) < 1e-6 and abs(y - wy) < 1e-6, (t, rid)
            checked += 1
        expected = {rid for rid, trip in planner._trips.items()
                    if t < trip[V_LAST] and walked(planner.pieces(replay.request(rid)), t) is not None}
        assert {rid for _x, _y, _look, rid in tokens} == expected
    assert checked >= 100


def test_a_token_waits_between_pieces_and_walks_overlapping_pieces_in_turn():
    """Hops a microsecond long overlap the next one; the walk decides where the token is (the pieces' own
    numbers, not a run's: each case at once)."""
    pieces = [(10.0, 20.0, 0.0, 0.0, 100.0, 0.0, 100.0, 0.0),  # right, 10-20
              (30.0, 40.0, 100.0, 0.0, 0.0, 50.0, 100.0, 50.0),  # down after a wait at (100, 0), 30-40
              (35.0, 38.0, 7.0, 7.0, 1.0, 1.0, 8.0, 8.0),  # over before the one under way ends: never walked
              (39.0, 60.0, 100.0, 50.0, -100.0, 0.0, 0.0, 50.0)]  # begun while the one before was under way
    trip = make_trip(60.0, 60.0, pieces, "ok", [])
    for t in [0, 9.99, 10, 15, 19.999, 20, 25, 30, 35, 39, 39.5, 40, 41, 50, 59.9, 60, 70]:
        want, got = walked(pieces, t), trip_place(trip, t)
        assert (want is None) == (got is None), t
        if want is not None:
            assert abs(want[0] - got[0]) < 1e-9 and abs(want[1] - got[1]) < 1e-9, (t, want, got)
    assert trip_place(trip, 25) == (100.0, 0.0)  # waiting at the corner
    assert trip_place(trip, 40.5) != (8.0, 8.0)  # the piece never under way left no trace


def fanned(pieces, t: float) -> tuple[float, float] | None:
    """Where a message's token fanning out is at ``t``, as the canvas placed them before legs were kept as
    stretches: the first piece not yet over, if it has begun; nothing between pieces, before, or once the last
    piece is over."""
    if not pieces or t >= pieces[-1][1]:
        return None
    for vs, ve, x0, y0, dx, dy, _x1, _y1 in pieces:
        if t < vs:
            return None
        if t < ve:
            f = (t - vs) / (ve - vs)
            return x0 + dx * f, y0 + dy * f
    return None


def test_trips_and_message_legs_put_tokens_where_walking_their_pieces_does():
    """Random pieces: in turn, with gaps, overlapping, a microsecond long; both kinds of token at many times."""
    rng = random.Random(11)
    for _case in range(300):
        pieces, t0 = [], rng.uniform(0, 5e6)
        for _ in range(rng.randint(1, 7)):
            vs = t0 + rng.choice([0.0, rng.uniform(-3e4, 1e5)])
            ve = vs + rng.choice([1e-6, 1.0, rng.uniform(1, 2e5)])
            x0, y0, dx, dy = (rng.uniform(-500, 500) for _ in range(4))
            pieces.append((vs, ve, x0, y0, dx, dy, x0 + dx, y0 + dy))
            t0 = ve
        trip, leg = make_trip(t0 + 1e5, t0, pieces, "ok", []), message_leg(pieces)
        moments = [p[0] for p in pieces] + [p[1] for p in pieces] + [rng.uniform(-1e4, t0 + 1e4) for _ in range(30)]
        for t in moments:
            for want, got in ((walked(pieces, t), trip_place(trip, t)), (fanned(pieces, t), leg_place(leg, t))):
                assert (want is None) == (got is None), (pieces, t, want, got)
                if want is not None:
                    assert abs(want[0] - got[0]) < 1e-6 * (1 + abs(want[0])), (pieces, t, want, got)
                    assert abs(want[1] - got[1]) < 1e-6 * (1 + abs(want[1])), (pieces, t, want, got)


def test_a_trip_on_screen_is_no_object_for_the_cyclic_collector(window):
    """A trip is kept while the play head is near it (seconds), long enough to reach the collector's oldest
    generation; every tracked object there brings the next full collection (a stop of the window of 50-200 ms)
    nearer. A trip is one tuple of numbers and words, which the collector stops tracking at the first collection."""
    import gc

    show_diagram(window, load_diagram(EXAMPLE).diagram)
    window.simulation.ui.simulate()
    run_to(window, 9 * SECOND)
    planner = window.simulation.controller.planner
    for t in range(8 * SECOND, 9 * SECOND + 1, 50_000):  # the frames of the second before, as played
        planner.frame(t)
    trips = list(planner._trips.items())
    assert len(trips) >= 3 and any(trip_calls(trip) for _rid, trip in trips)
    gc.collect(0)  # the youngest generation's collection: the first a new trip meets
    assert [rid for rid, trip in trips if gc.is_tracked(trip)] == []
