"""What the canvas shows at time t: where every token is, which badges and link flashes are on.

Tokens travel along the link's own path: a request's hops (from, to, start, end) come from the trace, and a
token's place is the link's polyline at the hop's progress. Real hops last a few milliseconds, too quick
to follow, so each request's trip is drawn in slow motion: stretched to last at least ``MIN_TRIP_US`` of
simulated time. The clock, the counters and the outcomes are the engine's own.
"""

from __future__ import annotations

from bisect import bisect_right
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
    """A link's polyline with cumulative lengths, for 'the point at progress p'."""

    __slots__ = ("xs", "ys", "cum", "total", "straight")

    def __init__(self, points) -> None:
        self.xs = [p.x() for p in points]
        self.ys = [p.y() for p in points]
        self.cum = [0.0]
        for i in range(1, len(points)):
            self.cum.append(self.cum[-1] + hypot(self.xs[i] - self.xs[i - 1], self.ys[i] - self.ys[i - 1]))
        self.total = self.cum[-1] or 1.0
        self.straight = len(points) == 2

    def at(self, p: float) -> tuple[float, float]:
        xs, ys = self.xs, self.ys
        if self.straight:
            return xs[0] + (xs[1] - xs[0]) * p, ys[0] + (ys[1] - ys[0]) * p
        d = p * self.total
        i = min(max(bisect_right(self.cum, d), 1), len(xs) - 1)
        seg = (self.cum[i] - self.cum[i - 1]) or 1.0
        f = (d - self.cum[i - 1]) / seg
        return xs[i - 1] + (xs[i] - xs[i - 1]) * f, ys[i - 1] + (ys[i] - ys[i - 1]) * f

    def end(self) -> tuple[float, float]:
        return self.xs[-1], self.ys[-1]


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
        segs = []
        for a, b, st, en in r.hops():
            path = self._path(a, b)
            if path is not None:
                segs.append((t0 + (st - t0) * s, t0 + (en - t0) * s, path))
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
        longest = max(MIN_TRIP_US, replay.max_trip)
        window = replay.sent_between(t - longest - BADGE_US, min(t, replay.horizon))
        trips = self._trips
        kept: dict[int, _Trip] = {}
        tokens = out.tokens
        badges: Counter[tuple[str, str, str]] = Counter()
        flashes = out.flashes
        for r in window:
            if r.t_reply is None or r.outcome is None:
                continue
            trip = trips.get(r.id)
            if trip is None:
                trip = self._trip(r)
            kept[r.id] = trip
            if trip.badge is not None and trip.v_done <= t < trip.v_done + BADGE_US:
                badges[(*trip.badge, trip.outcome)] += 1
            if t >= trip.v_end:
                continue
            for vc, server, store, text in trip.calls:
                if vc <= t < vc + FLASH_US:
                    flashes[(server, store)] = text
            pos = None
            for vs, ve, path in trip.segs:
                if t < vs:
                    break
                if t < ve:
                    pos = path.at((t - vs) / (ve - vs) if ve > vs else 1.0)
                    break
                pos = path.end()
            if pos is not None:
                tokens.append((pos[0], pos[1], REQUEST if t < trip.v_done else trip.outcome, trip.rid))
        self._trips = kept
        out.badges = [(node, text, outcome, n) for (node, text, outcome), n in badges.items() if node]
        return out
