"""Waiting for a child process's answer to one question (a ``FindingsReader``'s or a ``TableReader``'s)."""

from __future__ import annotations

import time
from typing import Any, Protocol

ANSWER_WITHIN_S = 30.0  # the child's imports and a big diagram's work, on a loaded machine


class Answering(Protocol):
    def answer(self) -> tuple[int, Any] | None: ...


def answer_to(reader: Answering, n: int) -> Any:
    """The answer to question ``n``: what ``reader.answer()`` gives with that number (answers to other questions
    are passed over); fails the test if none comes within ``ANSWER_WITHIN_S``."""
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while time.monotonic() < deadline:
        got = reader.answer()
        if got is not None and got[0] == n:
            return got[1]
        time.sleep(0.01)
    raise AssertionError(f"no answer to question {n} within {ANSWER_WITHIN_S:.0f} s")
