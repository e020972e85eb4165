"""The lesson's text as data: sections of paragraphs, lists, pictures and tables, each ending in things to do.

Read from ``assets/lesson/lesson.json`` (format described in docs/lesson.md); a teacher may replace it. A
table cell may point at a run and state claims about it ("lost sessions > 0"): the app opens that run, and the
tests check every claim against the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .lessondata import MAX_TEXT, LessonFileError, items, obj, read_record, text
from .lessonruns import Claim, RunSpec, read_claim, read_run

LESSON_FORMAT = "statediagram-lesson"
LESSON_ASSETS = Path(__file__).resolve().parents[1] / "assets" / "lesson"
LESSON_FILE = LESSON_ASSETS / "lesson.json"
SECTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # set apart in a box: a rule to remember


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Picture:
    run: RunSpec  # only its diagram is drawn
    caption: str


@dataclass(frozen=True)
class Cell:
    text: str
    run: RunSpec | None = None
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def checked_cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row if c.run is not None]


Block = Paragraph | Bullets | Picture | Table


@dataclass(frozen=True)
class SeeIt:
    label: str
    run: RunSpec


@dataclass(frozen=True)
class TryIt:
    label: str
    mission: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    see: tuple[SeeIt, ...] = ()
    try_: tuple[TryIt, ...] = ()

    def runs(self) -> list[RunSpec]:
        """Every run the section points at: pictures, table cells, "see it"."""
        out: list[RunSpec] = []
        for block in self.blocks:
            if isinstance(block, Picture):
                out.append(block.run)
            elif isinstance(block, Table):
                out += [c.run for c in block.checked_cells() if c.run is not None]
        return out + [s.run for s in self.see]


@dataclass(frozen=True)
class Lesson:
    title: str
    sections: tuple[Section, ...]
    path: Path | None = field(default=None, compare=False)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


def load_lesson(path: str | Path = LESSON_FILE) -> Lesson:
    """The lesson in ``path``, or :class:`LessonFileError` naming where, the rule and the fix."""
    p = Path(path)
    record = read_record(p, LESSON_FORMAT)
    sections: list[Section] = []
    seen: set[str] = set()
    for i, raw in enumerate(items(record, "sections", p.name)):
        section = _read_section(raw, f"section {i + 1}", p.parent)
        if section.id in seen:
            raise LessonFileError(f"section {i + 1}: id", f"{section.id!r} is used twice",
                                  "Give each section its own id.")
        seen.add(section.id)
        sections.append(section)
    return Lesson(text(record, "title", p.name, default="The lesson"), tuple(sections), p)


def _read_section(raw: Any, where: str, base: Path) -> Section:
    record = obj(raw, where)
    sid = text(record, "id", where)
    if not SECTION_ID.fullmatch(sid):
        raise LessonFileError(f"{where}: id", f"{sid!r} is not a short id",
                              "Use lowercase letters, digits, - and _, e.g. \"traps\".")
    where = f"section {sid!r}"
    blocks = tuple(_read_block(b, f"{where}, block {j + 1}", base)
                   for j, b in enumerate(items(record, "blocks", where)))
    see = tuple(SeeIt(text(obj(s, f"{where}, see {j + 1}"), "label", f"{where}, see {j + 1}"),
                      read_run(obj(s, f"{where}, see {j + 1}").get("run"), f"{where}, see {j + 1}: run", base))
                for j, s in enumerate(items(record, "see", where, required=False)))
    tries = tuple(TryIt(text(obj(t, f"{where}, try {j + 1}"), "label", f"{where}, try {j + 1}"),
                        text(obj(t, f"{where}, try {j + 1}"), "mission", f"{where}, try {j + 1}"))
                  for j, t in enumerate(items(record, "try", where, required=False)))
    return Section(sid, text(record, "title", where), blocks, see, tries)


def _read_block(raw: Any, where: str, base: Path) -> Block:
    record = obj(raw, where)
    if "text" in record:
        return Paragraph(text(record, "text", where))
    if "note" in record:
        return Paragraph(text(record, "note", where), note=True)
    if "list" in record:
        entries = items(record, "list", where)
        return Bullets(tuple(_plain(v, f"{where}: list item {k + 1}") for k, v in enumerate(entries)))
    if "picture" in record:
        return Picture(read_run(record["picture"], f"{where}: picture", base), text(record, "caption", where, ""))
    if "table" in record:
        return _read_table(obj(record["table"], f"{where}: table"), f"{where}: table", base)
    raise LessonFileError(where, "is not a known block",
                          'Write one of {"text": ...}, {"note": ...}, {"list": [...]}, {"picture": ...}, '
                          '{"table": ...}.')


def _read_table(record: dict[str, Any], where: str, base: Path) -> Table:
    columns = tuple(_plain(c, f"{where}: column {k + 1}", allow_empty=True)
                    for k, c in enumerate(items(record, "columns", where)))
    rows = []
    for r, raw_row in enumerate(items(record, "rows", where)):
        row_where = f"{where}, row {r + 1}"
        if not isinstance(raw_row, list) or len(raw_row) != len(columns):
            raise LessonFileError(row_where, f"must be a list of {len(columns)} cells, one per column",
                                  "Give every row as many cells as there are columns.")
        rows.append(tuple(_read_cell(c, f"{row_where}, cell {k + 1}", base) for k, c in enumerate(raw_row)))
    return Table(columns, tuple(rows))


def _read_cell(raw: Any, where: str, base: Path) -> Cell:
    if isinstance(raw, str):
        return Cell(_plain(raw, where, allow_empty=True))
    record = obj(raw, where)
    run = read_run(record["run"], f"{where}: run", base) if "run" in record else None
    claims = tuple(read_claim(c, f"{where}: claim {k + 1}")
                   for k, c in enumerate(items(record, "claims", where, required=False)))
    if claims and run is None:
        raise LessonFileError(where, "states claims without a run", 'Add "run": {"diagram": ...} the claims are about.')
    return Cell(text(record, "text", where), run, claims)


def _plain(value: Any, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise LessonFileError(where, "must be non-empty text" if not allow_empty else "must be text",
                              'Write it in quotes: "...".')
    if len(value) > MAX_TEXT:
        raise LessonFileError(where, f"is longer than {MAX_TEXT} characters", "Shorten it.")
    return value
