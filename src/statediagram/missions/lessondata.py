"""Reading the lesson's and the quiz's data files: bounded, and every mistake named (where, rule, fix).

A teacher may replace these files, so they are read like a student's diagram: size-capped, strict about
types, plain text only (the GUI never shows their text as markup).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.fileio import DiagramError

MAX_FILE_BYTES = 512 * 1024  # the built-in lesson is about 20 KB
MAX_TEXT = 4000  # characters in one paragraph, question or explanation
MAX_ITEMS = 300  # sections, blocks, questions, rows, choices: any list


class LessonFileError(DiagramError):
    """A lesson or quiz file that cannot be used. The message names where, the rule, and the fix."""


def read_record(path: str | Path, fmt: str) -> dict[str, Any]:
    """The JSON object in ``path``, checked for its ``format`` and ``version``."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LessonFileError(str(p), f"cannot be read ({exc.strerror or exc})", "Check the file name.") from None
    if len(data) > MAX_FILE_BYTES:
        raise LessonFileError(p.name, f"is bigger than {MAX_FILE_BYTES // 1024} KB",
                              "Split it, or check that it is the right file.")
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise LessonFileError(p.name, "is not UTF-8 text", "Save it as UTF-8 JSON.") from None
    except json.JSONDecodeError as exc:
        raise LessonFileError(f"{p.name}, line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})",
                              "Fix the JSON syntax (a missing comma or quote is the usual cause).") from None
    except (ValueError, RecursionError):
        raise LessonFileError(p.name, "holds a number too long or lists nested too deeply",
                              "Use plain numbers and the documented layout.") from None
    if not isinstance(record, dict):
        raise LessonFileError(p.name, "must be one JSON object", f'Start it with {{"format": "{fmt}", ...}}.')
    if record.get("format") != fmt:
        raise LessonFileError(f"{p.name}: format", f"must be {fmt!r}, not {record.get('format')!r}",
                              f'Write "format": "{fmt}" (is this the right file?).')
    if record.get("version") != 1:
        raise LessonFileError(f"{p.name}: version", f"must be 1, not {record.get('version')!r}",
                              'Write "version": 1 (the only version this program knows).')
    return record


def text(record: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    """A non-empty text field (or ``default`` when absent and a default is given)."""
    value = record.get(key, default)
    if value is None:
        raise LessonFileError(f"{where}", f'needs "{key}"', f'Add "{key}": "..." (text).')
    if not isinstance(value, str) or (not value.strip() and default is None):
        raise LessonFileError(f"{where}: {key}", "must be non-empty text", f'Write it in quotes: "{key}": "...".')
    if len(value) > MAX_TEXT:
        raise LessonFileError(f"{where}: {key}", f"is longer than {MAX_TEXT} characters", "Shorten it.")
    return value


def items(record: dict[str, Any], key: str, where: str, required: bool = True) -> list[Any]:
    """A list field, at most ``MAX_ITEMS`` long (empty when absent and not required)."""
    value = record.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise LessonFileError(f"{where}", f'"{key}" must be a non-empty list', f'Write "{key}": [ ... ].')
    if len(value) > MAX_ITEMS:
        raise LessonFileError(f"{where}: {key}", f"has more than {MAX_ITEMS} entries", "Split it.")
    return value


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LessonFileError(where, "must be an object", "Write it as { ... } with its keys.")
    return value
