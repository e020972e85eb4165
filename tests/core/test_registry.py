"""One generic registry of kinds, used by every layer: the core's, the simulation's, the app's and the live
runner's entries are kept, added, removed and asked for the same way."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from statediagram.core.catalog import KINDS
from statediagram.core.registry import Registry
from statediagram.live.kinds import LIVE_KINDS
from statediagram.sim.kinds import SIM_KINDS, SimKind, store_maker


@dataclass(frozen=True)
class Entry:
    name: str
    size: int = 0


def test_an_entry_is_added_once_read_like_a_dict_and_removed_harmlessly():
    reg: Registry[Entry] = Registry("test", "tests/here.py")
    reg.register(Entry("cache", 3))
    assert reg["cache"].size == 3 and "cache" in reg and list(reg) == ["cache"] and len(reg) == 1
    with pytest.raises(ValueError, match=r"kind 'cache' already has an entry in the test's registry \(tests/here.py\)"):
        reg.register(Entry("cache", 4))
    assert reg["cache"].size == 3
    with pytest.raises(TypeError):
        reg["other"] = Entry("other")  # type: ignore[index] - changed only through register
    reg.unregister("cache")
    reg.unregister("cache")  # a second time, or a kind never added: nothing to do
    assert "cache" not in reg and reg.get("cache") is None


def test_a_kind_without_an_entry_gets_the_fallback_or_a_message_naming_the_registry():
    with_fallback: Registry[Entry] = Registry("test", "tests/here.py", fallback=lambda name: Entry(name, -1))
    assert with_fallback.of("ghost") == Entry("ghost", -1)
    without: Registry[Entry] = Registry("test", "tests/here.py")
    with pytest.raises(LookupError, match=r"kind 'ghost' has no entry in the test's registry \(tests/here.py\)"):
        without.of("ghost")
    without.register(Entry("cache"))
    assert without.needed("cache", lambda e: e.name, "name") == "cache"
    with pytest.raises(LookupError, match=r"kind 'cache' has no size above zero in the test's registry"):
        without.needed("cache", lambda e: e.size or None, "size above zero")


def test_every_layer_keeps_its_kinds_in_the_one_registry():
    from statediagram.gui.kinds import GUI_KINDS

    for reg in (KINDS, SIM_KINDS, GUI_KINDS, LIVE_KINDS):
        assert isinstance(reg, Registry)
    assert set(KINDS) >= set(LIVE_KINDS)
    with pytest.raises(ValueError, match=r"already has an entry in the simulation.s registry \(sim/kinds.py\)"):
        SIM_KINDS.register(SimKind(next(iter(SIM_KINDS))))
    client = next(k.name for k in KINDS.values() if k.role == "users")
    with pytest.raises(LookupError, match=r"has no store in the simulation's registry \(sim/kinds.py\)"):
        store_maker(client)
