"""The geometry under the links' routes (no Qt): a polyline walked by length, rectangles and segments, a spatial
index of rectangles, free places between cards, and the cheapest path on a grid laid along the cards' edges."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable
from math import hypot

Rect = tuple[float, float, float, float]  # left, top, right, bottom
Point = tuple[float, float]

CLEAR = 4.0  # a route keeps this far from a card it does not end at
GAP = 10.0  # the detour grid's lines run this far outside the cards
BEND = 30.0  # a bend costs as much as this many units of length
THROUGH = 1e6  # running through a card: only when there is no other way (cards on top of each other)
CELL = 512.0  # side of the spatial index's cells
CROWD = 400  # cards near a link's ends: beyond this (a pile, hostile files) it takes a plain Z at once


# --- a polyline walked by fraction of its length (tokens ride on this) ------------------------------------


def pieces(points: list[Point]) -> list[tuple[float, float, float, float, float, float, float, float]]:
    """The polyline's straight pieces: (from, to) as fractions of its length, start x, y, step dx, dy, end x, y."""
    cum = [0.0]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        cum.append(cum[-1] + hypot(x1 - x0, y1 - y0))
    total = cum[-1] or 1.0
    return [(cum[i - 1] / total, cum[i] / total, x0, y0, x1 - x0, y1 - y0, x1, y1)
            for i, ((x0, y0), (x1, y1)) in enumerate(zip(points, points[1:], strict=False), start=1)]


def along(points: list[Point], fraction: float) -> Point:
    """The point at ``fraction`` (0 at the first point, 1 at the last) of the polyline's length."""
    if not points:
        raise ValueError("a route has at least one point")
    f = min(1.0, max(0.0, fraction))
    for f0, f1, x0, y0, dx, dy, _x1, _y1 in pieces(points):
        if f <= f1:
            t = (f - f0) / (f1 - f0) if f1 > f0 else 0.0
            return x0 + dx * t, y0 + dy * t
    return points[-1]


# --- small geometry -----------------------------------------------------------------------------------


def inflate(r: Rect, d: float) -> Rect:
    return r[0] - d, r[1] - d, r[2] + d, r[3] + d


def segment_crosses(p: Point, q: Point, r: Rect) -> bool:
    """Whether the segment from ``p`` to ``q`` runs through the open rectangle ``r`` (its inside, not its edge)."""
    x0, y0 = p
    x1, y1 = q
    lo, hi = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for pp, qq in ((-dx, x0 - r[0]), (dx, r[2] - x0), (-dy, y0 - r[1]), (dy, r[3] - y0)):
        if pp == 0:
            if qq <= 0:
                return False
            continue
        t = qq / pp
        if pp < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo >= hi:
            return False
    return True


def simplified(points: list[Point]) -> list[Point]:
    """Without repeated points and without points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-9 and abs(out[-1][1] - p[1]) < 1e-9:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if abs((bx - ax) * (p[1] - by) - (by - ay) * (p[0] - bx)) < 1e-9:
                out[-1] = p
                continue
        out.append(p)
    return out


def union(r: Rect, s: Rect) -> Rect:
    return min(r[0], s[0]), min(r[1], s[1]), max(r[2], s[2]), max(r[3], s[3])


def cells_around(r: Rect) -> Rect:
    """``r`` grown to the index's cells it touches (what :meth:`SpatialIndex.crowd` counts)."""
    return ((r[0] // CELL) * CELL, (r[1] // CELL) * CELL, (r[2] // CELL + 1) * CELL, (r[3] // CELL + 1) * CELL)


class SpatialIndex:
    """A spatial index: which keys have a rectangle in which square cell. Rectangles over ``BIG`` cells (a link
    between nodes a million units apart) are kept aside in one list, as are queries that wide: filling or
    walking millions of cells took a minute.

    A cell's keys are a dict (to None), not a set: Python's cyclic collector stops tracking a dict whose keys are
    strings or tuples of them (a full collection looks, and lets it go), never a set. The big diagram of
    benchmarks/bench_gui.py kept about 1,000 such sets per index for every full collection to walk."""

    BIG = 256

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], dict[Hashable, None]] = {}
        self.rects: dict[Hashable, Rect] = {}
        self.big: set = set()

    @staticmethod
    def _box(r: Rect) -> tuple[int, int, int, int]:
        return int(r[0] // CELL), int(r[1] // CELL), int(r[2] // CELL), int(r[3] // CELL)

    def _touched(self, r: Rect) -> Iterable[dict[Hashable, None]]:
        """The key sets of the cells ``r`` touches (the big rectangles not included)."""
        i0, j0, i1, j1 = self._box(r)
        cells = self.cells
        if (i1 - i0 + 1) * (j1 - j0 + 1) > max(len(cells), 4):
            return [keys for (i, j), keys in cells.items() if i0 <= i <= i1 and j0 <= j <= j1]
        return [keys for i in range(i0, i1 + 1) for j in range(j0, j1 + 1) if (keys := cells.get((i, j)))]

    def put(self, key: Hashable, r: Rect) -> None:
        self.drop(key)
        self.rects[key] = r
        i0, j0, i1, j1 = self._box(r)
        if (i1 - i0 + 1) * (j1 - j0 + 1) > self.BIG:
            self.big.add(key)
            return
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                self.cells.setdefault((i, j), {})[key] = None

    def drop(self, key: Hashable) -> None:
        r = self.rects.pop(key, None)
        if r is None:
            return
        if key in self.big:
            self.big.discard(key)
            return
        i0, j0, i1, j1 = self._box(r)
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                keys = self.cells.get((i, j))
                if keys is not None:
                    keys.pop(key, None)
                    if not keys:
                        del self.cells[(i, j)]

    def crowd(self, r: Rect) -> int:
        """At least how many keys are near ``r`` (the keys of the cells it touches, counted once per cell)."""
        return sum(len(keys) for keys in self._touched(r)) + len(self.big)

    def any_inside(self, r: Rect, exclude: tuple) -> bool:
        """Whether a key but ``exclude`` has a rectangle whose inside overlaps the inside of ``r``; yes without
        looking among more than ``CROWD`` keys (a pile of cards, where a side has no room anyway)."""
        left, top, right, bottom = r
        rects = self.rects
        i, j = int(left // CELL), int(top // CELL)
        if i == int(right // CELL) and j == int(bottom // CELL) and not self.big:  # most strips: one cell
            keys = self.cells.get((i, j), {})
            if len(keys) > CROWD:
                return True
            for k in keys:
                x0, y0, x1, y1 = rects[k]
                if x0 < right and left < x1 and y0 < bottom and top < y1 and k not in exclude:
                    return True
            return False
        touched = self._touched(r)
        if sum(len(keys) for keys in touched) > CROWD:
            return True
        for keys in (*touched, self.big):
            for k in keys:
                x0, y0, x1, y1 = rects[k]
                if x0 < right and left < x1 and y0 < bottom and top < y1 and k not in exclude:
                    return True
        return False

    def near(self, r: Rect) -> set:
        """Keys whose rectangle overlaps ``r`` (edges touching count)."""
        left, top, right, bottom = r
        rects = self.rects
        out = set()
        for keys in (*self._touched(r), self.big):
            for k in keys:
                x0, y0, x1, y1 = rects[k]
                if x0 <= right and left <= x1 and y0 <= bottom and top <= y1:
                    out.add(k)
        return out


def free_point(lo: float, hi: float, blocked: list[tuple[float, float]], target: float) -> float | None:
    """The point of [``lo``, ``hi``] outside every open interval of ``blocked`` nearest ``target``, kept
    ``GAP - CLEAR`` from the intervals where the free stretch has room (else in its middle); None if there is none."""
    if lo > hi:
        return None
    free = [(lo, hi)]
    for b0, b1 in sorted(blocked):
        nxt = []
        for f0, f1 in free:
            if b1 <= f0 or b0 >= f1:
                nxt.append((f0, f1))
                continue
            if f0 <= b0:
                nxt.append((f0, b0))
            if b1 <= f1:
                nxt.append((b1, f1))
        free = nxt
    margin = GAP - CLEAR
    best = None
    for f0, f1 in free:
        near0 = any(b0 < f0 + 1e-9 and b1 >= f0 - 1e-9 for b0, b1 in blocked)  # f0 is a card's edge
        near1 = any(b0 <= f1 + 1e-9 and b1 > f1 - 1e-9 for b0, b1 in blocked)
        g0, g1 = f0 + (margin if near0 else 0.0), f1 - (margin if near1 else 0.0)
        if g0 > g1:
            g0 = g1 = (f0 + f1) / 2
        point = min(max(target, g0), g1)
        if best is None or (abs(point - target), point) < (abs(best - target), best):
            best = point
    return best


def runs_through(points: list[Point], cards: list[Rect]) -> bool:
    """Whether a route (level and upright pieces) runs through one of ``cards``."""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x0 > x1:
            x0, x1 = x1, x0
        if y0 > y1:
            y0, y1 = y1, y0
        for left, top, right, bottom in cards:
            if x0 < right and x1 > left and y0 < bottom and y1 > top:
                return True
    return False


def through_gap(a: Point, b: Point, stub: float, cards: list[Rect], reach: tuple[float, float]) -> list[Point] | None:
    """Out of ``a``, along to a gap between ``cards``, across, back and into ``b``, in (u, v) coordinates (u runs
    from ``a`` to ``b``, v along the gap; ``cards`` are (u0, v0, u1, v1)); v stays within ``reach``. None when
    the pieces out and in have no room or no gap is free."""
    (ua, va), (ub, vb) = a, b
    u1, u2 = ua + stub, ub - stub
    free1, free2 = list(reach), list(reach)  # the stretch of the lines u1 and u2 free around va and vb
    band = []
    for c0, w0, c1, w1 in cards:
        if (w0 < va < w1 and c0 < u1 and c1 > ua) or (w0 < vb < w1 and c0 < ub and c1 > u2):
            return None  # no room for the pieces out and in
        for u, v, free in ((u1, va, free1), (u2, vb, free2)):
            if c0 < u < c1:
                if w1 <= v:
                    free[0] = max(free[0], w1)
                elif w0 >= v:
                    free[1] = min(free[1], w0)
                else:
                    return None
        if c0 < u2 and c1 > u1:
            band.append((w0, w1))
    w = free_point(max(free1[0], free2[0]), min(free1[1], free2[1]), band, (va + vb) / 2)
    if w is None:
        return None
    return [(ua, va), (u1, va), (u1, w), (u2, w), (u2, vb), (ub, vb)]


def grid_lines(spans: list[tuple[float, float]]) -> list[float]:
    """Where a route may run past cards spanning ``spans`` (from, to) on one axis: ``GAP`` outside each, and
    in the middle of gaps narrower than that."""
    out = []
    for lo, hi in spans:
        out += [lo - GAP, hi + GAP]
    edges = sorted(e for span in spans for e in span)
    out += [(e0 + e1) / 2 for e0, e1 in zip(edges, edges[1:], strict=False) if 0 < e1 - e0 < 2 * GAP + 2]
    return out


def grid_path(p: Point, q: Point, start_dir: Point, end_dir: Point, cards: list[Rect],
               area: Rect) -> tuple[list[Point], bool]:
    """The cheapest orthogonal path from ``p`` to ``q`` on lines along the cards' edges within ``area``, leaving in
    ``start_dir`` and arriving in ``end_dir``; and whether it had to run through a card."""
    xs = {p[0], q[0], area[0], area[2], *grid_lines([(r[0], r[2]) for r in cards])}
    ys = {p[1], q[1], area[1], area[3], *grid_lines([(r[1], r[3]) for r in cards])}
    xs = sorted(x for x in xs if area[0] <= x <= area[2])
    ys = sorted(y for y in ys if area[1] <= y <= area[3])
    nx, ny = len(xs), len(ys)
    # blocked_h[j][i]: the piece from xs[i] to xs[i + 1] on line ys[j] runs through a card; blocked_v likewise.
    blocked_h = [[False] * (nx - 1) for _ in range(ny)]
    blocked_v = [[False] * (ny - 1) for _ in range(nx)]
    for left, top, right, bottom in cards:
        i0, i1 = bisect_right(xs, left), bisect_left(xs, right)  # lines strictly inside
        j0, j1 = bisect_right(ys, top), bisect_left(ys, bottom)
        ia, ib = max(0, bisect_right(xs, left) - 1), bisect_left(xs, right)  # pieces overlapping
        ja, jb = max(0, bisect_right(ys, top) - 1), bisect_left(ys, bottom)
        for j in range(j0, j1):
            row = blocked_h[j]
            for i in range(ia, min(ib, nx - 1)):
                row[i] = True
        for i in range(i0, i1):
            col = blocked_v[i]
            for j in range(ja, min(jb, ny - 1)):
                col[j] = True
    si, sj = xs.index(p[0]), ys.index(p[1])
    gi, gj = xs.index(q[0]), ys.index(q[1])
    dirs = ((1, 0), (-1, 0), (0, 1), (0, -1))
    start_d = dirs.index((int(start_dir[0]), int(start_dir[1])))
    end_d = dirs.index((int(end_dir[0]), int(end_dir[1])))
    gx, gy = q

    def h(i: int, j: int) -> float:
        return abs(xs[i] - gx) + abs(ys[j] - gy)

    best: dict[tuple[int, int, int], float] = {(si, sj, start_d): 0.0}
    came: dict[tuple[int, int, int], tuple[int, int, int] | None] = {(si, sj, start_d): None}
    heap = [(h(si, sj), 0.0, si, sj, start_d)]
    found = None
    while heap:
        _f, cost, i, j, d = heapq.heappop(heap)
        if cost > best.get((i, j, d), float("inf")):
            continue
        if i == gi and j == gj:
            found = (i, j, d)
            if d == end_d:
                break
            extra = cost + BEND
            if extra < best.get((i, j, end_d), float("inf")):
                best[(i, j, end_d)] = extra
                came[(i, j, end_d)] = (i, j, d)
                heapq.heappush(heap, (extra, extra, i, j, end_d))
            continue
        for nd, (di, dj) in enumerate(dirs):
            if (di, dj) == (-dirs[d][0], -dirs[d][1]):
                continue
            ni, nj = i + di, j + dj
            if not (0 <= ni < nx and 0 <= nj < ny):
                continue
            if di:
                step = xs[max(i, ni)] - xs[min(i, ni)]
                through = blocked_h[j][min(i, ni)]
            else:
                step = ys[max(j, nj)] - ys[min(j, nj)]
                through = blocked_v[i][min(j, nj)]
            c = cost + step + (BEND if nd != d else 0.0) + (THROUGH if through else 0.0)
            state = (ni, nj, nd)
            if c < best.get(state, float("inf")):
                best[state] = c
                came[state] = (i, j, d)
                heapq.heappush(heap, (c + h(ni, nj), c, ni, nj, nd))
    if found is None:
        return [p, (q[0], p[1]), q], True
    end = (gi, gj, end_d) if (gi, gj, end_d) in came else found
    cells = []
    state = end
    while state is not None:
        cells.append((xs[state[0]], ys[state[1]]))
        state = came[state]
    cells.reverse()
    return cells, best[end] >= THROUGH
