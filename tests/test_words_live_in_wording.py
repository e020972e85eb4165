"""The words a learner reads about a run live in Qt-free wording modules (``sim/wording.py``, and its sibling
``sim/loss_wording.py`` for the findings): the report only assembles data (totals, figures, findings with their
causes) and asks them for every sentence. A sentence written in ``report.py`` would be a second place to keep the
lesson's wording in step."""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "statediagram"
ASSEMBLERS = (SRC / "sim" / "report.py",)


def sentences_in(text: str) -> list[tuple[int, str]]:
    """(line, text) of every string or f-string in code (docstrings left out) that reads as words: three or more."""
    found = []
    previous = tokenize.NEWLINE
    fstring: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if sys.version_info >= (3, 12) and tok.type == tokenize.FSTRING_START:
            fstring = [tok.string]
            continue
        if sys.version_info >= (3, 12) and tok.type in (tokenize.FSTRING_MIDDLE, tokenize.FSTRING_END) and fstring:
            fstring.append(tok.string)
            if tok.type == tokenize.FSTRING_END:
                words = "".join(fstring)
                if len(words.split()) >= 3:
                    found.append((tok.start[0], words))
                fstring = []
            continue
        if tok.type == tokenize.STRING:
            docstring = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
            if not docstring and len(tok.string.split()) >= 3:
                found.append((tok.start[0], tok.string))
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            previous = tok.type
    return found


def test_the_scanner_sees_sentences_but_not_docstrings_or_keys():
    text = ('def f(n):\n    """A docstring of many words."""\n    key = "lost_sessions"\n'
            '    return f"{n} sessions lost: keep them in Redis"\n'
            'why = "users logged in on {a} were sent to {b}"\n')
    assert [line for line, _ in sentences_in(text)] == [4, 5]


def test_the_report_assembles_data_and_leaves_the_sentences_to_wording():
    offenders = [f"{path.relative_to(SRC)}:{line}: {words}" for path in ASSEMBLERS
                 for line, words in sentences_in(path.read_text(encoding="utf-8"))]
    assert offenders == [], "write the words in sim/wording.py or sim/loss_wording.py:\n" + "\n".join(offenders)
