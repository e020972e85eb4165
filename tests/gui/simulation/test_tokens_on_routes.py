"""Tokens ride on the links' routes: mid-run, every token in flight lies on the route its link is drawn along."""

from __future__ import annotations

from pathlib import Path

from simgui import run_to, show_diagram

from statediagram.core.fileio import load_diagram
from statediagram.core.model import link_key
from statediagram.core.routes import along
from statediagram.gui.simulation.style import REQUEST
from statediagram.gui.simulation.tokens import ORDERED, trip_calls
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


def test_a_token_is_where_walking_its_trip_piece_by_piece_puts_it(window):
    """The planner finds the piece under way by bisection (a frame's computation, 1,000 tokens): every token of a
    run is where walking the trip's pieces in turn puts it, at the same place to the last bit."""
    show_diagram(window, load_diagram(EXAMPLE).diagram)
    window.simulation.ui.simulate()
    run_to(window, 14 * SECOND)
    planner = window.simulation.controller.planner
    times = range(SECOND, 14 * SECOND, 137_000)
    bisected = [planner.frame(t).tokens for t in times]
    assert sum(map(len, bisected)) >= 100
    assert all(trip[ORDERED] for trip in planner._trips.values())  # the runs' trips take the bisection
    # walk every trip's pieces instead
    planner._trips = {rid: (*trip[:ORDERED], False, *trip[ORDERED + 1 :]) for rid, trip in planner._trips.items()}
    assert [planner.frame(t).tokens for t in times] == bisected


def test_a_trip_on_screen_is_no_object_for_the_cyclic_collector(window):
    """A trip is kept while the play head is near it (seconds), long enough to reach the collector's oldest
    generation; every tracked object there brings the next full collection (a stop of the window of 50-200 ms)
    nearer. A trip is one tuple of numbers and words, which the collector stops tracking at the first collection."""
    import gc

    show_diagram(window, load_diagram(EXAMPLE).diagram)
    window.simulation.ui.simulate()
    run_to(window, 9 * SECOND)
    planner = window.simulation.controller.planner
    planner.frame(9 * SECOND)
    trips = list(planner._trips.items())
    assert len(trips) >= 3 and any(trip_calls(trip) for _rid, trip in trips)
    gc.collect(0)  # the youngest generation's collection: the first a new trip meets
    assert [rid for rid, trip in trips if gc.is_tracked(trip)] == []
