"""What the canvas shows at time t: where every token is, which badges and link flashes are on.

Tokens travel along the link's own path: a request's hops (from, to, start, end) come from the trace, and a
token's place is the link's polyline at the hop's progress. Real hops last a few milliseconds, too quick
to follow, so each request's trip is drawn in slow motion: stretched to last at least ``MIN_TRIP_US`` of
simulated time. The clock, the counters and the outcomes are the engine's own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from math import hypot

from ...sim.nodes import OK
from ...sim.replay import NodeState, Replay
from .geometry import SceneGeometry
from .style import REQUEST, badge_node, badge_text

MIN_TRIP_US = 600_000
BADGE_US = 1_600_000
FLASH_US = 300_000


@dataclass
class Frame:
    t: int
    tokens: list[tuple[float, float, str, int]] = field(default_factory=list)  # x, y, look, request id
    badges: list[tuple[str, str, str, int]] = field(default_factory=list)  # node, text, outcome, how many
    flashes: dict[tuple[str, str], str] = field(default_factory=dict)  # (server, store) -> last command
    states: dict[str, NodeState] = field(default_factory=dict)


class _Path:
    """A link's polyline with cumulative lengths."""

    __slots__ = ("xs", "ys", "cum", "total")

    def __init__(self, points) -> None:
        self.xs = [p.x() for p in points]
        self.ys = [p.y() for p in points]
        self.cum = [0.0]
        for i in range(1, len(points)):
            self.cum.append(self.cum[-1] + hypot(self.xs[i] - self.xs[i - 1], self.ys[i] - self.ys[i - 1]))
        self.total = self.cum[-1] or 1.0

    def pieces(self, vs: float, ve: float) -> list[tuple[float, float, float, float, float, float]]:
        """The path travelled from time ``vs`` to ``ve`` as straight pieces (start, end, x, y, dx, dy), each
        taking its share of the time by length, so a token's place is one multiply-add per frame."""
        out = []
        span = ve - vs
        for i in range(1, len(self.xs)):
            a = vs + span * self.cum[i - 1] / self.total
            b = vs + span * self.cum[i] / self.total
            out.append((a, max(b, a + 1e-6), self.xs[i - 1], self.ys[i - 1], self.xs[i] - self.xs[i - 1],
                        self.ys[i] - self.ys[i - 1]))
        return out


class _Trip:
    """One request's trip on screen, in stretched time."""

    __slots__ = ("rid", "v_end", "v_done", "segs", "outcome", "badge", "calls")

    def __init__(self, rid, v_end, v_done, segs, outcome, badge, calls) -> None:
        self.rid, self.v_end, self.v_done, self.segs = rid, v_end, v_done, segs
        self.outcome, self.badge, self.calls = outcome, badge, calls


class TokenPlanner:
    """Computes frames from a replay and a scene geometry; caches link paths and trips."""

    def __init__(self, geometry: SceneGeometry, replay: Replay | None = None) -> None:
        self.geometry = geometry
        self.replay = replay
        self._paths: dict[tuple[str, str], _Path | None] = {}
        self._trips: dict[int, _Trip] = {}

    def set_replay(self, replay: Replay | None) -> None:
        self.replay = replay
        self._trips.clear()

    def geometry_changed(self) -> None:
        self._paths.clear()
        self._trips.clear()

    def _path(self, a: str, b: str) -> _Path | None:
        key = (a, b)
        if key not in self._paths:
            pts = self.geometry.link_points(a, b)
            self._paths[key] = _Path(pts) if len(pts) >= 2 else None
        return self._paths[key]

    def _trip(self, r) -> _Trip:
        t0 = r.t_send
        s = max(1.0, MIN_TRIP_US / max(1, r.t_reply - t0))
        segs: list[tuple[float, float, float, float, float, float]] = []
        for a, b, st, en in r.hops():
            path = self._path(a, b)
            if path is not None:
                vs, ve = t0 + (st - t0) * s, t0 + (en - t0) * s
                segs += path.pieces(vs, max(ve, vs + 1))
        v_done = t0 + ((r.t_done if r.t_done is not None else r.t_reply) - t0) * s
        badge = None
        if r.outcome != OK:
            badge = (badge_node(r), badge_text(r.outcome, r.status, r.cause, self.replay.labels))
        calls = [(t0 + (tc - t0) * s, r.server, node, text) for tc, node, text in (r.calls or ())
                 if node != r.server]
        return _Trip(r.id, t0 + (r.t_reply - t0) * s, v_done, segs, r.outcome, badge, calls)

    def frame(self, t: int, states: dict[str, NodeState] | None = None) -> Frame:
        replay = self.replay
        out = Frame(t, states=states if states is not None else {})
        if replay is None:
            return out
        now = min(t, replay.horizon)
        longest = max(MIN_TRIP_US, replay.max_trip)
        trips = self._trips
        kept: dict[int, _Trip] = {}
        tokens = out.tokens
        flashes = out.flashes
        make = self._trip
        get = trips.get
        for r in replay.sent_between(t - longest, now):
            trip = get(r.id)
            if trip is None:
                if r.outcome is None or r.t_reply is None:
                    continue
                trip = make(r)
            kept[r.id] = trip
            if t >= trip.v_end:
                continue
            if trip.calls:
                for vc, server, store, text in trip.calls:
                    if vc <= t < vc + FLASH_US:
                        flashes[(server, store)] = text
            x = y = None
            for vs, ve, x0, y0, dx, dy in trip.segs:
                if t < vs:
                    break
                if t < ve:
                    f = (t - vs) / (ve - vs)
                    x, y = x0 + dx * f, y0 + dy * f
                    break
                x, y = x0 + dx, y0 + dy
            if x is not None:
                tokens.append((x, y, REQUEST if t < trip.v_done else trip.outcome, trip.rid))
        # Badges: failed requests whose failure is on screen; found through the index of failures.
        badges: Counter[tuple[str, str, str]] = Counter()
        lo = bisect_left(replay.fail_times, t - BADGE_US - longest)
        hi = bisect_right(replay.fail_times, t + longest)
        for r in replay.failures[lo:hi]:
            if r.t_send > now:
                continue
            trip = kept.get(r.id) or trips.get(r.id) or make(r)
            kept[r.id] = trip
            if trip.badge is not None and trip.v_done <= t < trip.v_done + BADGE_US:
                badges[(*trip.badge, trip.outcome)] += 1
        self._trips = kept
        out.badges = [(node, text, outcome, n) for (node, text, outcome), n in badges.items() if node]
        return out
