"""One small registry of kinds that each layer keeps its own entries in: the core's ``KINDS`` (what a kind is),
the simulation's (what it does in a run), the app's (how it looks) and the live runner's (what runs it for real).

A registry maps a kind's name to that layer's entry for it. Adding an entry twice is a mistake said at once;
removing one that is not there is harmless (a test's throwaway kind is removed whatever the test did); asking for
a kind with no entry gets the layer's fallback (a grey "?" in the app, "takes part as its role says" in a run),
or a ``LookupError`` that names the registry's file when a layer cannot do without one.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


E = TypeVar("E", bound=Named)
R = TypeVar("R")


class Registry(Mapping[str, E], Generic[E]):
    """A layer's entries by kind name, read like a read-only dict (``reg[kind]``, ``kind in reg``, ``reg.values()``);
    changed only by ``register`` and ``unregister``."""

    def __init__(self, layer: str, where: str, fallback: Callable[[str], E] | None = None) -> None:
        self.name = f"the {layer}'s registry ({where})"  # in a message: "the simulation's registry (sim/kinds.py)"
        self._fallback = fallback
        self._entries: dict[str, E] = {}

    def register(self, entry: E) -> E:
        """Add ``entry`` under its kind's name; a kind may have one entry per layer."""
        if entry.name in self._entries:
            raise ValueError(f"kind {entry.name!r} already has an entry in {self.name}")
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def of(self, name: str) -> E:
        """The entry of ``name``, or the layer's fallback for a kind without one."""
        entry = self._entries.get(name)
        if entry is not None:
            return entry
        if self._fallback is None:
            raise LookupError(f"kind {name!r} has no entry in {self.name}")
        return self._fallback(name)

    def needed(self, name: str, get: Callable[[E], R | None], what: str) -> R:
        """``get`` of the entry of ``name``, which this layer cannot do without: a kind whose entry lacks it is a
        programming error, said plainly rather than found as a missing node halfway through."""
        entry = self._entries.get(name)
        made = get(entry) if entry is not None else None
        if made is None:
            raise LookupError(f"kind {name!r} has no {what} in {self.name}")
        return made

    # Asked for thousands of times when a big file opens: straight to the dict, not Mapping's generic paths.
    def __getitem__(self, name: str) -> E:
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str, default: E | None = None) -> E | None:  # type: ignore[override]
        return self._entries.get(name, default)

    def values(self) -> ValuesView[E]:
        return self._entries.values()

    def items(self) -> ItemsView[str, E]:
        return self._entries.items()

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<{self.name}: {', '.join(self._entries)}>"
