"""A link's route before its track in a shared gap is chosen (:class:`Base`), and the flat tuple the router keeps
it as (core/routes.py)."""

from __future__ import annotations

from typing import NamedTuple

from .routegeometry import Point

Route = tuple[Point, ...]


class Base(NamedTuple):
    """A link's route before its track in a shared gap is chosen. Kept as a plain tuple (``Router._base``, see
    :meth:`kept`): as instances, 2,000 objects of a 2,000-node diagram for every full collection to look at."""

    points: Route  # for a Z: port, corner, corner, port (from the link's first end)
    channel: tuple[int, float] | None = None  # (axis, position of the gap's middle) for a Z, else None
    lo: float = 0.0  # how far the middle piece may move either way and stay out of the stubs
    hi: float = 0.0
    order: tuple[int, float] = (0, 0.0)  # where it goes among the tracks of its gap
    span: tuple[float, float] = (0.0, 0.0)  # the middle piece's extent along the gap

    def kept(self) -> tuple:
        """As the router keeps it: one flat tuple of the points' pairs and then the rest (:meth:`of` reads it).

        Why flat: Python's cyclic collector stops tracking a tuple once the tuples in it are no longer tracked, and
        a young collection looks at the inner ones after the outer one. Kept three deep (the points' tuple in the
        base's), 1,957 bases outlived a middle-generation collection while the 2,000-node file's links were routed
        for good after it opened, each counting toward the next full collection; flat, about 200."""
        return self.points + self[1:]

    @classmethod
    def of(cls, kept: tuple) -> Base:
        return cls(kept[:-5], *kept[-5:])


def base_route(points: list[Point] | Route, *rest) -> Base:
    return Base(tuple(points), *rest)
