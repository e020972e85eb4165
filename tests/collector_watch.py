"""What the cyclic garbage collector does while a test runs (shared by the tests that watch it)."""

from __future__ import annotations

import gc


class Promoted:
    """The objects moved to the oldest generation by the middle-generation collections in a ``with`` block (the
    survivors are put at the end of the oldest generation), and how many such collections ran."""

    def __init__(self) -> None:
        self.count = self.collections = 0
        self._before = 0

    def __enter__(self) -> Promoted:
        gc.callbacks.append(self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        gc.callbacks.remove(self._seen)

    def _seen(self, phase: str, info: dict) -> None:
        if info["generation"] == 1:
            old = len(gc.get_objects(generation=2))
            if phase == "start":
                self._before = old
            else:
                self.count += old - self._before
                self.collections += 1
