"""Reading a mission rule's JSON object field by field: each value checked as it is read, with a message that
says where in the mission file it is, what is wrong and how to fix it; the keys no rule read are warned about."""

from __future__ import annotations

from typing import Any

from ..core.catalog import show_value
from ..core.fileio import DiagramError


class Fields:
    """A rule's JSON object, read field by field with messages that say where and how to fix."""

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self.raw = raw
        self.where = where
        self.used = {"rule", "hidden"}

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.raw.get(key, default)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(key, default)
        if value is None:
            raise DiagramError(self.where, f'needs "{key}"', f"Add \"{key}\": one of {', '.join(choices)}")
        if not isinstance(value, str) or value not in choices:
            raise DiagramError(self.where, f'"{key}" is {show_value(value)}', f"Use one of: {', '.join(choices)}")
        return value

    def number(self, key: str, lo: int, hi: int, default: int | None = None) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise DiagramError(self.where, f'"{key}" must be a whole number from {lo} to {hi}, not '
                               f"{show_value(value)}", f'Write e.g. "{key}": {max(lo, 1)}')
        return value

    def choices(self, key: str, choices: tuple[str, ...], default: list[str] | None = None) -> tuple[str, ...]:
        value = self.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DiagramError(self.where, f'"{key}" must be a list of names, not {show_value(value)}',
                               f"Write e.g. \"{key}\": [\"{choices[0]}\"]; names: {', '.join(choices)}")
        for v in value:
            if v not in choices:
                raise DiagramError(self.where, f'"{key}" names {show_value(v)}', f"Use only: {', '.join(choices)}")
        return tuple(dict.fromkeys(value))

    def text(self, key: str) -> str | None:
        value = self.get(key)
        if value is not None and not isinstance(value, str):
            raise DiagramError(self.where, f'"{key}" must be text, not {show_value(value)}', "Write it in quotes")
        return value

    def unknown(self) -> list[str]:
        return [k for k in self.raw if k not in self.used and not k.startswith("_") and k != "help"]
