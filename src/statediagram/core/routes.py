"""Where links run: orthogonal routes around the cards, pure geometry on rectangles and points (no Qt).

A link leaves its card through a port on the side that faces the other end. Links sharing one side of a card get
ports of their own, spread along it in the order of their other ends (so they do not cross at the card). Between
the two ports the route is a Z (out, across, in) when that runs clear of every card, else the cheapest path on
a grid laid along the cards' edges (length, bends, and a prohibitive cost for running through a card).

Links whose Z runs its middle piece in the same gap between two columns (or rows) of cards would lie on one line;
they are given tracks of their own in that gap, ordered so that they cross as little as the ends allow.

Every route is a function of the cards and the links alone, not of the order of changes, so :meth:`Router.update`
re-routes only what a change can reach (the moved card's links, the links sharing its neighbours' sides, the links
whose search area it entered or left) and ends where routing everything again would.
"""

from __future__ import annotations

from collections.abc import Hashable

from .breathing import breathe
from .routebase import Base, Route, base_route
from .routegeometry import (
    CLEAR,
    CROWD,
    Point,
    Rect,
    SpatialIndex,
    along,
    cells_around,
    free_point,
    grid_path,
    inflate,
    pieces,
    runs_through,
    segment_crosses,
    simplified,
    through_gap,
    union,
)
from .routesides import BOTTOM, CORNER, LEFT, MIN_STUB, OUTWARD, RIGHT, TOP, choose_sides, side_strip

__all__ = ["Route", "Router", "along", "choose_sides", "pieces", "segment_crosses"]

STUB = 12.0  # how far a route goes straight out of its port before it turns
PORT_GAP = 14.0  # between neighbouring ports on one side
TRACK = 8.0  # between neighbouring tracks in one gap
MARGIN = 160.0  # the detour grid reaches this far beyond the two ends
MAX_ROUTED_LINKS = 6000  # beyond (hostile files: 8,001 links) every link is a plain Z: opening stays as fast
MAX_DETOUR_CARDS = 60  # at most this many cards in a grid search (60 cards: 10-40 ms); a quarter to widen it


# What is kept per link is tuples of numbers and strings, which Python's cyclic collector stops tracking: a
# 2,000-node diagram kept 4,000 routes as lists and 8,000 (link, node) keys of ports, each looked at by every full
# collection (a full collection's time grows with the objects it tracks; see benchmarks/bench_open_big.py).
class Router:
    """Routes of the links between cards, kept up to date as cards move, come and go."""

    def __init__(self) -> None:
        self.cards = SpatialIndex()  # node -> card rectangle
        self.regions = SpatialIndex()  # link -> where cards shape its route
        self.ends: dict[Hashable, tuple[str, str]] = {}
        self.routes: dict[Hashable, Route] = {}  # from the link's first end to its second
        # Node -> its links, gap -> its links: dicts to None, not sets the collector tracks (see SpatialIndex).
        self._at: dict[str, dict[Hashable, None]] = {}
        self._sides: dict[Hashable, tuple[str, str]] = {}
        self._ports: dict[Hashable, tuple[Point | None, Point | None]] = {}  # link -> its ports at its two ends
        self._base: dict[Hashable, tuple] = {}  # links whose middle piece runs in a gap others may share (Base.kept)
        self._channels: dict[tuple, dict[Hashable, None]] = {}
        self._looked: dict[Hashable, Rect] = {}  # link -> where cards decided its sides (see _pick_sides)
        self._group: dict[Hashable, tuple] = {}  # link -> the links sharing its gap's tracks, last placed
        self._dirty_nodes: set[str] = set()
        self._dirty_links: set = set()
        self._dirty_areas: list[Rect] = []
        self.provisional: set = set()  # links drawn as a plain Z until routed for good (see update's effort)
        self._queue: list | None = None  # the provisional links in the order refine takes them
        self._simple = False  # more than MAX_ROUTED_LINKS links: plain Zs only (see update)

    # --- changes ---------------------------------------------------------------------------------------

    def set_card(self, node: str, rect: Rect) -> None:
        old = self.cards.rects.get(node)
        if old == rect:
            return
        if old is not None:
            self._dirty_areas.append(old)
        self._dirty_areas.append(rect)
        self.cards.put(node, rect)
        self._at.setdefault(node, {})
        self._dirty_nodes.add(node)

    def remove_card(self, node: str) -> None:
        old = self.cards.rects.get(node)
        if old is None:
            return
        for key in list(self._at.get(node, ())):
            self.remove_link(key)
        self._dirty_areas.append(old)
        self.cards.drop(node)
        self._at.pop(node, None)
        self._dirty_nodes.discard(node)

    def add_link(self, key: Hashable, a: str, b: str) -> None:
        self.ends[key] = (a, b)
        self._at.setdefault(a, {})[key] = None
        self._at.setdefault(b, {})[key] = None
        self._dirty_nodes.update((a, b))  # their ports spread again

    def remove_link(self, key: Hashable) -> None:
        ends = self.ends.pop(key, None)
        if ends is None:
            return
        for n in ends:
            self._at.get(n, {}).pop(key, None)
        self._ports.pop(key, None)
        self._dirty_nodes.update(n for n in ends if n in self.cards.rects)
        self._sides.pop(key, None)
        self._looked.pop(key, None)
        self.routes.pop(key, None)
        self.provisional.discard(key)
        self.regions.drop(key)
        base = self._base.pop(key, None)
        if base is not None:
            self._leave(key, Base.of(base).channel)
        self._dirty_links.update(k for k in self._group.pop(key, ()) if k != key)

    def update(self, effort: str = "full") -> set:
        """Route what the changes since the last call reach; the links whose route changed (removed ones left out).

        ``effort``: "full" routes for good (and finishes what was left provisional); "shapes" tries the quick
        shapes only (a drag: a search on the grid takes 5-20 ms a link) and "none" draws a plain Z (opening a big
        diagram); the links left provisional are finished by :meth:`refine` or the next full update. A diagram
        of more than ``MAX_ROUTED_LINKS`` links gets plain Zs, final.
        """
        nodes, self._dirty_nodes = self._dirty_nodes, set()
        links, self._dirty_links = self._dirty_links, set()
        areas, self._dirty_areas = self._dirty_areas, []
        links = {k for k in links if k in self.ends}
        for area in areas:
            links |= self.regions.near(inflate(area, CLEAR))
        around = set(nodes)
        for n in nodes:
            for key in self._at.get(n, ()):
                links.add(key)
                around.update(self.ends[key])
        simple = len(self.ends) > MAX_ROUTED_LINKS
        if simple != self._simple:  # crossed the line: every link changes its way of routing
            self._simple = simple
            links |= set(self.ends)
            around |= set(self.cards.rects)
        if simple:
            effort = "plain"
        elif effort == "full":
            links |= self.provisional
        around |= self._choose_sides(links)
        for n in sorted(around):
            breathe()
            links |= self._spread_ports(n)
        return self._reroute(links, effort)

    def refine(self, count: int) -> set:
        """Route up to ``count`` of the provisional links for good; the links whose route changed."""
        if self._queue is None:  # in the links' order, last first: sorted again only when a link joins
            self._queue = sorted(self.provisional, key=self.ends.__getitem__, reverse=True)
        batch: set = set()
        while self._queue and len(batch) < count:
            key = self._queue.pop()
            if key in self.provisional:
                batch.add(key)
        return self._reroute(batch, "full")

    def _reroute(self, links: set, effort: str) -> set:
        recheck = set(links)
        for key in links:
            recheck.update(self._group.pop(key, ()))  # the tracks it left spread again
        finals: dict[Hashable, Route] = {}
        for key in links:
            breathe()
            old = self._base.pop(key, None)
            if old is not None:
                self._leave(key, Base.of(old).channel)
            base = self._route(key, effort)
            finals[key] = base.points
            if base.channel is not None:  # kept for placing its track: the others' routes are all there is
                self._base[key] = base.kept()
                self._channels.setdefault(base.channel, {})[key] = None
        kept = {k: Base.of(self._base[k]) for k in recheck if k in self._base}
        channels = {base.channel for base in kept.values()}
        finals.update((key, base.points) for key, base in kept.items() if key not in finals)
        for channel in sorted(channels):
            breathe()
            finals.update(self._tracks(channel, recheck))
        changed = set()
        for key, points in finals.items():
            if self.routes.get(key) != points:
                self.routes[key] = points
                changed.add(key)
        return changed

    def _choose_sides(self, links: set) -> set[str]:
        """Sides for ``links``; the nodes whose ports must spread again."""
        around: set[str] = set()
        for key in links:
            breathe()
            if self._simple:
                a, b = self.ends[key]
                sides = choose_sides(self.cards.rects[a], self.cards.rects[b])
            else:
                sides = self._pick_sides(key)
            if self._sides.get(key) != sides:
                self._sides[key] = sides
                around.update(self.ends[key])  # its ports move to other sides
        return around

    # --- sides and ports -------------------------------------------------------------------------------

    def _pick_sides(self, key: Hashable) -> tuple[str, str]:
        """The sides facing each other (:func:`choose_sides`), unless a card stands right against one of them
        (no room to leave it there): then the other pair facing, or both from the top or both from the bottom
        (left or right)."""
        a, b = self.ends[key]
        ra, rb = self.cards.rects[a], self.cards.rects[b]
        first = choose_sides(ra, rb)
        if first[0] in (RIGHT, LEFT):
            across = (BOTTOM, TOP) if rb[1] + rb[3] >= ra[1] + ra[3] else (TOP, BOTTOM)
            options = [first, across, (TOP, TOP), (BOTTOM, BOTTOM)]
        else:
            across = (RIGHT, LEFT) if rb[0] + rb[2] >= ra[0] + ra[2] else (LEFT, RIGHT)
            options = [first, across, (RIGHT, RIGHT), (LEFT, LEFT)]
        looked = None
        for sa, sb in options:
            strips = (side_strip(ra, sa), side_strip(rb, sb))
            for strip in strips:
                looked = strip if looked is None else union(looked, strip)
            if not any(self.cards.any_inside(strip, (a, b)) for strip in strips):
                self._looked[key] = looked
                return sa, sb
        self._looked[key] = looked
        return first

    def _put_region(self, key: Hashable, area: Rect) -> None:
        """Where a card coming or going changes ``key``'s route: ``area`` and where its sides were looked at."""
        looked = self._looked.get(key)
        self.regions.put(key, area if looked is None else union(area, looked))


    def _spread_ports(self, node: str) -> set:
        """Place the ports of ``node``'s links, each side's in the order of their other ends; the links whose
        port moved."""
        rect = self.cards.rects[node]
        by_side: dict[str, list] = {}
        for key in self._at.get(node, ()):
            if key not in self._sides:
                self._sides[key] = self._pick_sides(key)
            a, b = self.ends[key]
            side = self._sides[key][0 if a == node else 1]
            other = self.cards.rects[b if a == node else a]
            along_y = side in (RIGHT, LEFT)
            cx, cy = (other[0] + other[2]) / 2, (other[1] + other[3]) / 2
            by_side.setdefault(side, []).append(((cy, cx) if along_y else (cx, cy), b if a == node else a, key))
        moved = set()
        for side, group in by_side.items():
            group.sort(key=lambda g: (g[0], g[1]))
            along_y = side in (RIGHT, LEFT)
            lo, hi = (rect[1], rect[3]) if along_y else (rect[0], rect[2])
            usable = max(0.0, hi - lo - 2 * CORNER)
            k = len(group)
            step = min(PORT_GAP, usable / (k - 1)) if k > 1 else 0.0
            mid = (lo + hi) / 2
            for i, (_, _, key) in enumerate(group):
                at = mid + (i - (k - 1) / 2) * step
                x = rect[2] if side == RIGHT else rect[0] if side == LEFT else at
                y = rect[3] if side == BOTTOM else rect[1] if side == TOP else at
                if self._set_port(key, node, (x, y)):
                    moved.add(key)
        return moved

    def _set_port(self, key: Hashable, node: str, port: Point) -> bool:
        """``key``'s port at its end ``node`` is ``port``; whether it moved."""
        a, b = self.ends[key]
        old = self._ports.get(key, (None, None))
        new = (port if node == a else old[0], port if node == b else old[1])
        if new == old:
            return False
        self._ports[key] = new
        return True

    # --- one link ----------------------------------------------------------------------------------

    def _route(self, key: Hashable, effort: str) -> Base:
        a, b = self.ends[key]
        sa, sb = self._sides[key]
        pa, pb = self._ports[key]
        if effort == "plain":
            self.provisional.discard(key)
            return self._plain(key, sa, sb, pa, pb)
        if effort != "none":
            z = self._z(key, a, b, sa, sb, pa, pb)
            if z is not None:
                self.provisional.discard(key)
                return z
            if effort == "full":
                self.provisional.discard(key)
                return self._detour(key, a, b, sa, sb, pa, pb)
        if key not in self.provisional:
            self.provisional.add(key)
            self._queue = None
        return self._plain(key, sa, sb, pa, pb)

    def _plain(self, key: Hashable, sa: str, sb: str, pa: Point, pb: Point, looked: Rect | None = None) -> Base:
        """A Z (or an L between sides at right angles) whatever is in the way; ``looked``: where the cards made
        it choose this (they are watched as its region)."""
        (dax, day), (dbx, dby) = OUTWARD[sa], OUTWARD[sb]
        p = (pa[0] + dax * STUB, pa[1] + day * STUB)
        q = (pb[0] + dbx * STUB, pb[1] + dby * STUB)
        if sa in (RIGHT, LEFT) and sb in (RIGHT, LEFT):
            mid = (p[0] + q[0]) / 2
            corners = [(mid, pa[1]), (mid, pb[1])]
        elif sa in (TOP, BOTTOM) and sb in (TOP, BOTTOM):
            mid = (p[1] + q[1]) / 2
            corners = [(pa[0], mid), (pb[0], mid)]
        else:
            corners = [p, (q[0], p[1]) if sa in (RIGHT, LEFT) else (p[0], q[1]), q]
        area = inflate((min(pa[0], pb[0]), min(pa[1], pb[1]), max(pa[0], pb[0]), max(pa[1], pb[1])), CLEAR)
        if self._simple:  # other cards change nothing of it
            self.regions.drop(key)
        else:
            self._put_region(key, area if looked is None else union(area, cells_around(looked)))
        return base_route(simplified([pa, *corners, pb]))

    def _others(self, area: Rect, ends: tuple[str, str]) -> list[Rect]:
        rects = self.cards.rects
        return [inflate(rects[n], CLEAR) for n in sorted(self.cards.near(area)) if n not in ends]

    def _z(self, key, a, b, sa, sb, pa, pb) -> Base | None:
        """Out, across, in, when the ports face each other and that runs clear of the other cards."""
        if {sa, sb} == {RIGHT, LEFT}:
            axis = 0
        elif {sa, sb} == {TOP, BOTTOM}:
            axis = 1
        else:
            return None
        (dax, day), (dbx, dby) = OUTWARD[sa], OUTWARD[sb]
        if (pb[0] - pa[0]) * dax + (pb[1] - pa[1]) * day <= 0 or (pa[0] - pb[0]) * dbx + (pa[1] - pb[1]) * dby <= 0:
            return None  # the sides look away from each other (one card above the other, linked round them)
        # In (u, v) coordinates: u runs from one card to the other, v along the gap between them.
        def uv(p: Point) -> Point:
            return (p[0], p[1]) if axis == 0 else (p[1], p[0])

        (ua, va), (ub, vb) = uv(pa), uv(pb)
        flip = ua > ub
        if flip:
            (ua, va), (ub, vb) = (ub, vb), (ua, va)
        if ub - ua < 2 * MIN_STUB:
            return None
        area = (min(pa[0], pb[0]), min(pa[1], pb[1]), max(pa[0], pb[0]), max(pa[1], pb[1]))
        if self.cards.crowd(inflate(area, CLEAR)) > CROWD:  # a pile of cards: no way round, and looking takes long
            return self._plain(key, sa, sb, pa, pb, inflate(area, CLEAR))
        self._put_region(key, inflate(area, CLEAR))
        others = self._others(inflate(area, CLEAR), (a, b))

        def points(m: float) -> list[Point]:
            pts = [(ua, va), (m, va), (m, vb), (ub, vb)]
            if flip:
                pts.reverse()
            return [uv(p) for p in pts]

        # The cards in the way, in (u, v) too; a piece runs through one when it enters its open inside.
        cards = [r if axis == 0 else (r[1], r[0], r[3], r[2]) for r in others]
        if abs(va - vb) < 1e-9:
            blocked = any(w0 < va < w1 and c0 < ub and c1 > ua for c0, w0, c1, w1 in cards)
            return None if blocked else base_route([pa, pb])
        mid = (ua + ub) / 2
        lo, hi = ua + MIN_STUB, ub - MIN_STUB
        # Where the piece across may run: the pieces out and in stay clear up to it, and it runs clear itself.
        first, last = hi, lo
        for c0, w0, c1, w1 in cards:
            if w0 < va < w1 and c1 > ua:
                first = min(first, c0)
            if w0 < vb < w1 and c0 < ub:
                last = max(last, c1)
        vlo, vhi = min(va, vb), max(va, vb)
        m = free_point(last, first, [(c0, c1) for c0, w0, c1, w1 in cards if w0 < vhi and w1 > vlo], mid)
        if m == mid:
            # Tracks in a shared gap, from near to far u: links heading to smaller v, the one starting nearest
            # first, then links heading to larger v, the one starting farthest first (they then do not cross).
            order = (0, va) if vb < va else (1, -va)
            return base_route(points(mid), (axis, round(mid, 1)), lo, hi, order, (vlo, vhi))
        if m is not None:
            return base_route(points(m))
        # Through a gap between the cards in the way: out, along to the gap, across, back, in.
        v0, v1 = vlo - MARGIN, vhi + MARGIN
        window = (area[0], v0, area[2], v1) if axis == 0 else (v0, area[1], v1, area[3])
        if self.cards.crowd(inflate(window, CLEAR)) > CROWD:
            self._put_region(key, cells_around(inflate(window, CLEAR)))
            return None
        self._put_region(key, inflate(window, CLEAR))
        others = self._others(inflate(window, CLEAR), (a, b))
        cards = [r if axis == 0 else (r[1], r[0], r[3], r[2]) for r in others]
        pts = through_gap((ua, va), (ub, vb), min(STUB, (ub - ua) / 2), cards, (v0, v1))
        if pts is None:
            return None
        if flip:
            pts.reverse()
        return base_route(simplified([uv(p) for p in pts]))

    def _detour(self, key, a, b, sa, sb, pa, pb) -> Base:
        """The cheapest path on a grid along the cards' edges: length, bends, and cards run through."""
        (dax, day), (dbx, dby) = OUTWARD[sa], OUTWARD[sb]
        p = (pa[0] + dax * STUB, pa[1] + day * STUB)
        q = (pb[0] + dbx * STUB, pb[1] + dby * STUB)
        area = (min(p[0], q[0]) - MARGIN, min(p[1], q[1]) - MARGIN, max(p[0], q[0]) + MARGIN,
                max(p[1], q[1]) + MARGIN)
        widened = False
        while True:
            if self.cards.crowd(area) > CROWD:
                return self._plain(key, sa, sb, pa, pb, area)
            cards = [inflate(self.cards.rects[n], CLEAR) for n in sorted(self.cards.near(area))]
            if len(cards) > MAX_DETOUR_CARDS:  # a pile of cards: no way round, and the search would take seconds
                return self._plain(key, sa, sb, pa, pb)
            path, through = grid_path(p, q, (dax, day), (-dbx, -dby), cards, area)
            if not through:
                break
            # Walled in: look once more, twice as wide, unless that grid would be big (it grows as cards squared).
            if len(cards) > MAX_DETOUR_CARDS / 4 or widened:
                break
            widened = True
            grown = (area[2] - area[0]) / 2
            area = (area[0] - grown, area[1] - grown, area[2] + grown, area[3] + grown)
        self._put_region(key, area)
        return base_route(simplified([pa, *path, pb]))

    # --- shared gaps ---------------------------------------------------------------------------------

    def _leave(self, key, channel) -> set:
        members = self._channels.get(channel)
        if members is None:
            return set()
        members.pop(key, None)
        if not members:
            del self._channels[channel]
            return set()
        return set(members)

    def _tracks(self, channel: tuple, recheck: set) -> dict[Hashable, Route]:
        """The routes of the links whose middle piece runs in ``channel`` next to another's, each on a track of
        its own; only the groups holding a link of ``recheck``."""
        base = {k: Base.of(self._base[k]) for k in self._channels.get(channel, ())}
        members = sorted(base, key=lambda k: (base[k].span, self.ends[k]))
        groups: list[list] = []
        reach = -float("inf")
        for key in members:  # links whose middle pieces overlap along the gap (a track apart) share it
            lo, hi = base[key].span
            if groups and lo <= reach + TRACK:
                groups[-1].append(key)
                reach = max(reach, hi)
            else:
                groups.append([key])
                reach = hi
        axis, mid = channel
        out: dict[Hashable, Route] = {}
        for group in groups:
            if recheck.isdisjoint(group):
                continue
            together = tuple(group)
            for key in group:
                self._group[key] = together
            if len(group) == 1:  # alone in its gap: nothing to keep (a 2,000-node diagram: most links)
                self._group.pop(group[0], None)
                out[group[0]] = base[group[0]].points
                continue
            group.sort(key=lambda k: (base[k].order, self.ends[k]))
            room = min(min(mid - base[k].lo, base[k].hi - mid) for k in group)
            n = len(group)
            step = min(TRACK, 2 * room / (n - 1))
            for i, key in enumerate(group):
                m = mid + (i - (n - 1) / 2) * step
                pts = base[key].points
                (x1, y1), (x2, y2) = pts[1], pts[2]
                corners = [(m, y1), (m, y2)] if axis == 0 else [(x1, m), (x2, m)]
                moved = (pts[0], *corners, pts[3])
                area = self.regions.rects[key]
                if runs_through(moved, self._others(area, self.ends[key])):
                    moved = pts
                out[key] = moved
        return out


