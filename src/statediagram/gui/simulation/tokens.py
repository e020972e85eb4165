"""What the canvas shows at time t: where every token is, which badges and link flashes are on.

Tokens travel along the link's own path: a request's hops (from, to, start, end) come from the trace, and a
token's place is the link's polyline at the hop's progress. Real hops last a few milliseconds, too quick
to follow, so each request's trip is drawn in slow motion: stretched to last at least ``MIN_TRIP_US`` of
simulated time. The clock, the counters and the outcomes are the engine's own.

A frame is computed 60 times a second for a thousand tokens or more, so the work per token per frame is a
dictionary lookup and one multiply-add: each trip's straight pieces are worked out once, and the failure
badges are counted by bisection per badge rather than by visiting every failed request.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from dataclasses import dataclass, field
from math import hypot
from operator import le

from ...core.routes import pieces
from ...sim.nodes import OK
from ...sim.replay import NodeState, Replay
from ...sim.wording import badge_node, badge_text
from .chatlines import FANOUT_US, ChatLine, ChatMark, ChatPlanner
from .geometry import SceneGeometry
from .style import MESSAGE, REQUEST

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
    lines: list[ChatLine] = field(default_factory=list)  # journey chat: the open connections
    marks: list[ChatMark] = field(default_factory=list)  # ... and what just happened to them


class _Path:
    """A link's route as straight parts: (from, to) as fractions of its length, start point, step, end point; the
    parts ``core.routes.along`` walks, so a token at progress f is where ``along(route, f)`` says."""

    __slots__ = ("parts",)

    def __init__(self, points) -> None:
        self.parts = pieces([(p.x(), p.y()) for p in points])

    @classmethod
    def of_legs(cls, legs) -> _Path:
        """A path along several polylines in turn, each taking its share by length; from the end of one to the
        start of the next (through the card between) it jumps, as a request does between two hops."""
        path = cls([])
        lengths = [sum(hypot(q.x() - p.x(), q.y() - p.y()) for p, q in zip(leg, leg[1:], strict=False)) for leg in legs]
        total, done = sum(lengths) or 1.0, 0.0
        for leg, length in zip(legs, lengths, strict=True):
            a, share = done / total, length / total
            path.parts += [(a + share * fa, a + share * fb, *rest) for fa, fb, *rest in cls(leg).parts]
            done += length
        return path

    def pieces(self, vs: float, ve: float) -> list[tuple[float, ...]]:
        """The path travelled from time ``vs`` to ``ve`` as straight pieces (start, end, x, y, dx, dy, x_end,
        y_end), each taking its share of the time by length, so a token's place is one multiply-add per frame."""
        span = ve - vs
        # One comprehension, no max() call: a trip's pieces were two thirds of making a trip (27 new trips a
        # frame of the 1,000-token run). The same floats as ``max(vs + span * fb, a + 1e-6)``.
        return [(a, b if b >= a + 1e-6 else a + 1e-6, x0, y0, dx, dy, x1, y1)
                for fa, fb, x0, y0, dx, dy, x1, y1 in self.parts
                for a, b in ((vs + span * fa, vs + span * fb),)]


class _Trip:
    """One request's trip on screen, in stretched time."""

    __slots__ = ("rid", "v_end", "v_done", "segs", "starts", "ordered", "outcome", "calls", "calls_from", "calls_to",
                 "v_last", "fan", "unheard")

    def __init__(self, rid, v_end, v_done, segs, outcome, calls) -> None:
        # Pieces, starts and commands are tuples of numbers and words, which Python's cyclic collector stops
        # tracking: a trip lives a few hundred ms, long enough to reach the collector's oldest generation, and as
        # lists they were most of the objects that made a full collection come every few seconds of play.
        self.rid, self.v_end, self.v_done, self.segs = rid, v_end, v_done, tuple(segs)
        self.starts = starts = tuple([seg[0] for seg in segs])
        # Each piece ends before the next begins (all but degenerate trips): the piece under way at t is then found
        # by bisection, with the same result as walking the pieces in turn (see TokenPlanner.frame).
        self.ordered = all(map(le, [seg[1] for seg in segs], starts[1:]))
        self.outcome, self.calls = outcome, tuple(calls)
        # when any of its store commands flashes: most frames look at no command of most trips
        if calls:
            times = [c[0] for c in calls]
            self.calls_from, self.calls_to = min(times), max(times) + FLASH_US
        else:
            self.calls_from = self.calls_to = 0
        self.v_last = v_end  # when nothing of it is on screen any more (a message's fan-out lasts longer)
        self.fan: list[list[tuple[float, ...]]] | None = None  # journey chat: a message's tokens fanning out
        self.unheard: list[tuple] | tuple = ()  # ... and the servers it never reached


def _place(segs, t: float) -> tuple[float, float] | None:
    """Where a token walking ``segs`` is at ``t``: None before it starts and once it has arrived."""
    if not segs or t >= segs[-1][1]:  # arrived: most of a message's fan-out tokens, most frames
        return None
    for vs, ve, x0, y0, dx, dy, _x1, _y1 in segs:
        if t < vs:
            return None
        if t < ve:
            f = (t - vs) / (ve - vs)
            return x0 + dx * f, y0 + dy * f
    return None


def _stretch(r) -> float:
    """How much a request's trip is slowed down on screen (to last at least ``MIN_TRIP_US`` to the reply)."""
    return max(1.0, MIN_TRIP_US / max(1, r.t_reply - r.t_send))


def _done_at(r, stretch: float) -> float:
    """When, in stretched time, the token reaches the moment its outcome was decided."""
    t0 = r.t_send
    return t0 + ((r.t_done if r.t_done is not None else r.t_reply) - t0) * stretch


class TokenPlanner:
    """Computes frames from a replay and a scene geometry; caches link paths and trips."""

    def __init__(self, geometry: SceneGeometry, replay: Replay | None = None) -> None:
        self.geometry = geometry
        self._paths: dict[tuple[str, str], _Path | None] = {}
        self.set_replay(replay)

    def set_replay(self, replay: Replay | None) -> None:
        self.replay = replay
        self._trips: dict[int, _Trip] = {}
        self._badge_times: dict[tuple[str, str, str], list[float]] = {}  # (node, text, outcome) -> shown from
        self._settled_seen = 0
        self.chat = ChatPlanner(self.geometry, replay, _Path.of_legs) if replay and replay.connections else None

    def geometry_changed(self) -> None:
        self._paths.clear()
        self._trips.clear()
        if self.chat is not None:
            self.chat.geometry_changed()

    def _path(self, a: str, b: str) -> _Path | None:
        key = (a, b)
        if key not in self._paths:
            pts = self.geometry.link_points(a, b)
            self._paths[key] = _Path(pts) if len(pts) >= 2 else None
        return self._paths[key]

    def _trip(self, r) -> _Trip:
        t0 = r.t_send
        s = _stretch(r)
        segs: list[tuple[float, ...]] = []
        paths = self._paths
        for a, b, st, en in r.hops():
            path = paths[(a, b)] if (a, b) in paths else self._path(a, b)
            if path is not None:
                vs, ve = t0 + (st - t0) * s, t0 + (en - t0) * s
                segs += path.pieces(vs, max(ve, vs + 1))
        calls = [(t0 + (tc - t0) * s, (r.server, node), text) for tc, node, text in (r.calls or ())
                 if node != r.server]  # (when, the link it flashes on, the command)
        trip = _Trip(r.id, t0 + (r.t_reply - t0) * s, _done_at(r, s), segs, r.outcome, calls)
        if r.fanout is not None and r.outcome == OK and self.chat is not None and r.id % self.chat.every == 0:
            trip.fan, trip.unheard = self.chat.fanout(r, trip.v_done, self._path)
            trip.v_last = max(trip.v_end, trip.v_done + FANOUT_US)
        return trip

    def frame(self, t: int, states: dict[str, NodeState] | None = None) -> Frame:
        replay = self.replay
        out = Frame(t, states=states if states is not None else {})
        if replay is None:
            return out
        now = min(t, replay.horizon)
        plain = max(MIN_TRIP_US, replay.max_trip)  # no trip but a message's fan-out lasts longer on screen
        trips = self._trips
        add = out.tokens.append
        flashes = out.flashes
        unheard: dict[tuple[str, str, str], int] = {}
        make = self._trip
        get = trips.get
        sent = replay.sent_between(t - plain, now)
        if self.chat is not None:  # and the messages whose fan-out may still be on its way (one in ``every``):
            # the 40-server drill went through 573 requests a frame, 330 of them long done
            every = self.chat.every
            sent = [r for r in replay.sent_between(t - plain - FANOUT_US, t - plain - 1) if r.id % every == 0] + sent
        for r in sent:
            trip = get(r.id)
            if trip is None:
                if r.outcome is None or r.t_reply is None:
                    continue
                trip = trips[r.id] = make(r)
            if t >= trip.v_last:
                continue
            if trip.fan is not None:
                for segs in trip.fan:
                    pos = _place(segs, t)
                    if pos is not None:
                        add((pos[0], pos[1], MESSAGE, trip.rid))
                for room, server, origin, va, vb in trip.unheard:
                    if va <= t < vb:
                        unheard[(room, server, origin)] = unheard.get((room, server, origin), 0) + 1
                if t >= trip.v_end:
                    continue
            if trip.calls_from <= t < trip.calls_to:
                for vc, link, text in trip.calls:
                    if vc <= t < vc + FLASH_US:
                        flashes[link] = text
            # Why bisection: walking a trip's 8 pieces in turn took about half of a 1,000-token frame's computation.
            if trip.ordered:
                i = bisect_right(trip.starts, t)
                if i:
                    vs, ve, x0, y0, dx, dy, x1, y1 = trip.segs[i - 1]
                    look = REQUEST if t < trip.v_done else trip.outcome
                    if t < ve:
                        f = (t - vs) / (ve - vs)
                        add((x0 + dx * f, y0 + dy * f, look, r.id))
                    else:
                        add((x1, y1, look, r.id))
                continue
            at = None
            for vs, ve, x0, y0, dx, dy, x1, y1 in trip.segs:
                if t < vs:
                    break
                if t < ve:
                    f = (t - vs) / (ve - vs)
                    at = (x0 + dx * f, y0 + dy * f)
                    break
                at = (x1, y1)
            if at is not None:
                add((at[0], at[1], REQUEST if t < trip.v_done else trip.outcome, trip.rid))
        if len(trips) > 4 * len(sent) + 4000:  # forget the trips far from the play head
            keep = {r.id for r in sent}
            self._trips = {rid: trip for rid, trip in trips.items() if rid in keep}
        out.badges = self._badges(t)
        if self.chat is not None:
            out.lines = self.chat.lines(t)
            out.marks = self.chat.marks(t, unheard)
        return out

    def _badges(self, t: int) -> list[tuple[str, str, str, int]]:
        """The failure badges on screen at ``t``: a failed request's badge shows for ``BADGE_US`` from the moment
        its token reaches the failure, on the node where it failed."""
        replay = self.replay
        settled = replay.settled
        times = self._badge_times
        for r in settled[self._settled_seen :]:
            if r.outcome != OK:
                node = badge_node(r)
                if node:
                    key = (node, badge_text(r.outcome, r.status, r.cause, replay.labels), r.outcome)
                    insort(times.setdefault(key, []), _done_at(r, _stretch(r)))
        self._settled_seen = len(settled)
        since = t - BADGE_US
        out = []
        for (node, text, outcome), shown in times.items():
            if shown[-1] <= since:  # all of them over (a third of a 200-node run's, most frames): no bisection
                continue
            n = bisect_right(shown, t) - bisect_right(shown, since)
            if n:
                out.append((node, text, outcome, n))
        return out
