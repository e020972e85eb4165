"""Kinds are asked for through their registries, never named: outside a kind's own registry entries no source
file spells a kind's name (as a string or as a constant of the core registry). A ``kind == "redis"`` elsewhere is
a missing registry field, and a new kind added by one entry per layer would silently miss that place."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from statediagram.core.catalog import KINDS

SRC = Path(__file__).resolve().parents[1] / "src" / "statediagram"
REGISTRIES = {SRC / "core" / "catalog.py", SRC / "sim" / "kinds.py", SRC / "gui" / "kinds.py",
              SRC / "live" / "kinds.py"}
CONSTANTS = {"CLIENT", "LOAD_BALANCER", "SERVER", "REDIS", "POSTGRES", "OBJECT_STORAGE", "STORE_KINDS"}
# Kinds of the contract, registered or about to be (the next one must not be prepared for by name either).
NAMES = set(KINDS) | {"client", "load_balancer", "server", "redis", "postgres", "object_storage", "websocket_server"}


def kind_names_in(text: str) -> list[tuple[int, str]]:
    """(line, token) of every string literal that is exactly a kind's name, and every registry constant used.

    ``Role.SERVER`` (a role, after a dot) and the names in ``__slots__`` (attributes) are not kinds."""
    found = []
    previous, statement = "", ""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            statement = ""
        elif tok.type == tokenize.NAME and not statement:
            statement = tok.string
        if tok.type == tokenize.STRING and statement != "__slots__":
            try:
                value = eval(tok.string, {})  # a plain literal (f-strings are FSTRING_* tokens, never here)
            except Exception:  # noqa: BLE001 - bytes or odd prefixes: not a kind name
                value = None
            if value in NAMES:
                found.append((tok.start[0], tok.string))
        elif tok.type == tokenize.NAME and tok.string in CONSTANTS and previous != ".":
            found.append((tok.start[0], tok.string))
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            previous = tok.string
    return found


def test_the_scanner_sees_the_comparisons_it_is_for():
    text = ('if node.kind == "redis":\n    pass\nfrom .catalog import SERVER\nok = "servers"  # "redis" in a comment\n'
            'role = Role.SERVER\n__slots__ = ("id", "server")\nhomes = {"client": 1}\n')
    assert kind_names_in(text) == [(1, '"redis"'), (3, "SERVER"), (7, '"client"')]


def test_no_source_file_outside_the_registries_names_a_kind():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path in REGISTRIES:
            continue
        for line, token in kind_names_in(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(SRC)}:{line}: {token}")
    assert offenders == [], "ask the kind registries instead:\n" + "\n".join(offenders)
