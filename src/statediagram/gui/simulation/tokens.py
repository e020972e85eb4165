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

import math
from bisect import bisect_right, insort
from dataclasses import dataclass, field
from itertools import chain
from math import hypot

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


# A request's trip on screen, in stretched time, is one flat tuple of numbers and words, which Python's cyclic
# collector stops tracking at the first collection it meets. A trip is kept while the play head is near it (a few
# seconds), long enough to reach the collector's oldest generation, where each tracked object brings the next full
# collection nearer: as an object with tuples in it each trip was 2 of the 59 objects a frame of 8x play moved
# there, three quarters of them (bench_promotions.py --where). Flat, because a collection lets go of a tuple only
# once the tuples in it are let go, and it looks at the tuples inside a kept one after that one: a trip of tuples
# in tuples was still tracked when it reached the oldest generation. Laid out as:
#   [V_LAST] when nothing of it is on screen any more (a message's fan-out lasts longer than its trip)
#   [V_END] when its token is back with the user; [V_DONE] when it reaches the moment its outcome was decided
#   [OUTCOME]; [ENDS] where the stretches' starts end; [BASE]: the numbers of the stretch under way at t are at
#   4 * i + [BASE], i = bisect_right(trip, t, STARTS, [ENDS])
#   [CALLS_FROM], [CALLS_TO] when any of its store commands flashes
#   [FAN] journey chat: a message's tokens fanning out (see message_leg), or None; [UNHEARD] the servers it never
#   reached (room, server, origin, from, to)
#   then the stretches' starts, in order; then each stretch's place as a line in time from its start s,
#   x = a + b * (t - s) and y = c + d * (t - s) (a, b, c, d: a token waiting at a card between two hops is a
#   stretch with b = d = 0); then each store command flashing on its link: when, server, store, command.
# A token's place at t is then one bisection of the starts and two multiply-adds: a 1,000-token frame ran about
# 150 Python instructions a token when each of a trip's pieces kept its start, end, place and step (the piece
# under way found, then its share of the time worked out).
V_LAST, V_END, V_DONE, OUTCOME, ENDS, BASE, CALLS_FROM, CALLS_TO, FAN, UNHEARD = range(10)
STARTS = 10
LINE, CALL = 4, 4
LEG_STARTS = 2  # a message's leg: when it arrives, how many stretches, then their starts (see message_leg)


def stretches(segs: list[tuple[float, ...]], wait: bool = True) -> tuple[list[float], list[float]]:
    """The pieces ``segs`` (start, end, x, y, dx, dy, x_end, y_end, walked in turn) as the stretches of time a
    token spends on one line: their starts s, and each one's a, b, c, d (x = a + b * (t - s), y = c + d * (t - s):
    from the stretch's own start, as a piece a microsecond long, whose b is huge, stays exact late in a long run).

    A token walks the pieces in turn: the first piece not yet over is the one it is on, or, if that one has not
    begun, it waits at the end of the piece before (with ``wait``; else it is not shown meanwhile: its a is
    None). Pieces overlapping in time (a hop shorter than the microsecond a piece lasts at least) are walked the
    same way: a piece over before those before it end is never under way. With ``wait``, the token stays where
    the last piece ended once all are over."""
    starts: list[float] = []
    lines: list = []
    over = -math.inf  # when every piece walked so far is over
    end = None  # where the piece walked last ends
    for vs, ve, x0, y0, dx, dy, x1, y1 in segs:
        if ve > over:
            if vs > over and end is not None:  # between two pieces
                starts.append(over)
                lines += (end[0], 0.0, end[1], 0.0) if wait else (None, 0.0, 0.0, 0.0)
            bx, by = dx / (ve - vs), dy / (ve - vs)
            start = max(vs, over)
            starts.append(start)
            lines += (x0 + bx * (start - vs), bx, y0 + by * (start - vs), by)
            over = ve
        end = (x1, y1)
    if end is not None and wait:  # arrived: at the end of the last piece, until the trip is over
        starts.append(over)
        lines += (end[0], 0.0, end[1], 0.0)
    return starts, lines


def make_trip(v_end: float, v_done: float, segs: list[tuple[float, ...]], outcome: str,
              calls: list[tuple], fan=None, unheard=(), v_last: float | None = None) -> tuple:
    """A trip as the tuple laid out above, from its pieces and its (when, server, store, command)s."""
    starts, lines = stretches(segs)
    n = len(starts)
    if calls:  # most frames look at no command of most trips
        times = [c[0] for c in calls]
        calls_from, calls_to = min(times), max(times) + FLASH_US
    else:
        calls_from = calls_to = 0
    return (v_end if v_last is None else v_last, v_end, v_done, outcome, STARTS + n, n - 3 * STARTS - LINE,
            calls_from, calls_to, fan, unheard, *starts, *lines, *chain.from_iterable(calls))


def trip_calls(trip: tuple) -> list[tuple]:
    """The trip's store commands flashing, each (when, server, store, command)."""
    ends = trip[ENDS]
    return [trip[k : k + CALL] for k in range(ends + LINE * (ends - STARTS), len(trip), CALL)]


def trip_place(trip: tuple, t: float) -> tuple[float, float] | None:
    """Where the trip's token is at ``t`` (None before it sets off; after its trip, where it arrived)."""
    i = bisect_right(trip, t, STARTS, trip[ENDS])
    if i == STARTS:
        return None
    k = LINE * i + trip[BASE]
    u = t - trip[i - 1]
    return trip[k] + trip[k + 1] * u, trip[k + 2] + trip[k + 3] * u


def message_leg(segs: list[tuple[float, ...]]) -> tuple:
    """A message's token fanning out along ``segs`` as one flat tuple: when it arrives (the last piece's end; it
    is gone then), how many stretches, their starts, their lines (see :func:`stretches`; not shown between
    pieces). A busy chat frame walked 400-odd such tokens' pieces one by one: a third of its Python work."""
    starts, lines = stretches(segs, wait=False)
    return (segs[-1][1] if segs else -math.inf, len(starts), *starts, *lines)


def leg_place(leg: tuple, t: float) -> tuple[float, float] | None:
    """Where a message's token is at ``t``: None before it sets off, between pieces, and once it has arrived."""
    if t >= leg[0]:
        return None
    n = leg[1]
    i = bisect_right(leg, t, LEG_STARTS, LEG_STARTS + n)
    if i == LEG_STARTS:
        return None
    k = LINE * (i - LEG_STARTS - 1) + LEG_STARTS + n  # the numbers of the stretch under way, after the n starts
    a = leg[k]
    u = t - leg[i - 1]
    return None if a is None else (a + leg[k + 1] * u, leg[k + 2] + leg[k + 3] * u)


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
        self._trips: dict[int, tuple] = {}
        self._badge_times: dict[tuple[str, str, str], list[float]] = {}  # (node, text, outcome) -> shown from
        self._failed_seen = 0
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

    def pieces(self, r) -> list[tuple[float, ...]]:
        """The straight pieces request ``r``'s token walks in turn, in stretched time: (start, end, x, y, dx, dy,
        x_end, y_end) each."""
        t0 = r.t_send
        s = _stretch(r)
        segs: list[tuple[float, ...]] = []
        paths = self._paths
        for a, b, st, en in r.hops():
            path = paths[(a, b)] if (a, b) in paths else self._path(a, b)
            if path is not None:
                vs, ve = t0 + (st - t0) * s, t0 + (en - t0) * s
                segs += path.pieces(vs, max(ve, vs + 1))
        return segs

    def _trip(self, r) -> tuple:
        t0 = r.t_send
        s = _stretch(r)
        segs = self.pieces(r)
        server = r.server
        calls = [(t0 + (tc - t0) * s, server, node, text) for tc, node, text in (r.calls or ())
                 if node != server]  # (when, the link it flashes on, the command)
        v_end, v_done = t0 + (r.t_reply - t0) * s, _done_at(r, s)
        if r.fanout is not None and r.outcome == OK and self.chat is not None and r.id % self.chat.every == 0:
            fan, unheard = self.chat.fanout(r, v_done, self._path)
            return make_trip(v_end, v_done, segs, r.outcome, calls, tuple(map(message_leg, fan)), tuple(unheard),
                             max(v_end, v_done + FANOUT_US))
        return make_trip(v_end, v_done, segs, r.outcome, calls)

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
        request = replay.request
        # Request ids, not requests: a request whose trip is made is not read again (reading one makes an object
        # that lives as long as the list it is in).
        sent = replay.ids_sent_between(t - plain, now)
        if self.chat is not None:  # and the messages whose fan-out may still be on its way (one in ``every``):
            # the 40-server drill went through 573 requests a frame, 330 of them long done
            every = self.chat.every
            sent = [rid for rid in replay.ids_sent_between(t - plain - FANOUT_US, t - plain - 1)
                    if rid % every == 0] + list(sent)
        for rid in sent:
            trip = get(rid)
            if trip is None:
                r = request(rid)
                if r.outcome is None or r.t_reply is None:
                    continue
                trip = trips[rid] = make(r)
            if t >= trip[V_LAST]:
                continue
            fan = trip[FAN]
            if fan is not None:
                for leg in fan:
                    if t < leg[0]:  # most of a message's legs have arrived, most frames
                        pos = leg_place(leg, t)
                        if pos is not None:
                            add((pos[0], pos[1], MESSAGE, rid))
                for room, server, origin, va, vb in trip[UNHEARD]:
                    if va <= t < vb:
                        unheard[(room, server, origin)] = unheard.get((room, server, origin), 0) + 1
                if t >= trip[V_END]:
                    continue
            if trip[CALLS_FROM] <= t < trip[CALLS_TO]:
                ends = trip[ENDS]
                for k in range(ends + LINE * (ends - STARTS), len(trip), CALL):
                    vc = trip[k]
                    if vc <= t < vc + FLASH_US:
                        flashes[trip[k + 1], trip[k + 2]] = trip[k + 3]
            # As trip_place, written out: this line runs for every token of every frame.
            i = bisect_right(trip, t, STARTS, trip[ENDS])
            if i != STARTS:
                k = LINE * i + trip[BASE]
                u = t - trip[i - 1]
                add((trip[k] + trip[k + 1] * u, trip[k + 2] + trip[k + 3] * u,
                     REQUEST if t < trip[V_DONE] else trip[OUTCOME], rid))
        if len(trips) > 4 * len(sent) + 4000:  # forget the trips far from the play head
            keep = set(sent)
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
        # The failures only: reading every settled request, the first frame after a hand fault's run took over read
        # the 14k settled so far at once (made as objects, 100-160 ms at 8x play).
        failed = replay.settled_failures
        times = self._badge_times
        for r in failed[self._failed_seen :]:
            node = badge_node(r)
            if node:
                key = (node, badge_text(r.outcome, r.status, r.cause, replay.labels), r.outcome)
                insort(times.setdefault(key, []), _done_at(r, _stretch(r)))
        self._failed_seen = len(failed)
        since = t - BADGE_US
        out = []
        for (node, text, outcome), shown in times.items():
            if shown[-1] <= since:  # all of them over (a third of a 200-node run's, most frames): no bisection
                continue
            n = bisect_right(shown, t) - bisect_right(shown, since)
            if n:
                out.append((node, text, outcome, n))
        return out
