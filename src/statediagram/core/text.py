"""Text from a student's file, made safe to show: in a terminal, and quoted briefly inside a message.

Two helpers, used by everything that prints or quotes what a file holds (ids, labels, kinds, file names):

- :func:`terminal_safe` shows control characters as visible escapes, so a label holding ``ESC [2J`` cannot
  clear a teacher's screen or set the terminal's title, and a line of output stays one line;
- :func:`quoted` puts a value in double quotes, cut to about 80 characters, so a 10 MB id is never echoed.
"""

from __future__ import annotations

import re
from typing import Any

QUOTE_LIMIT = 80

# C0 controls (newline and tab included: one message is one line), DEL and the C1 controls (U+0080-U+009F,
# which some terminals read as escape sequences: U+009B starts one like ESC [ does). Lone surrogates stand
# for bytes of a file name that are not UTF-8; they cannot be printed as they are.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character (and every undecodable file-name byte) shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def safe_lines(text: str) -> str:
    """Several lines of output, each made :func:`terminal_safe`; the line breaks between them are kept."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def quoted(value: Any, limit: int = QUOTE_LIMIT, mark: str = '"') -> str:
    """A value from a file as a message quotes it: text between ``mark``s, cut to ``limit`` characters with an
    ellipsis and safe for a terminal; numbers, true, false and null as JSON writes them; "a list", "an object".
    Names (an id: ``node "a"``) take double quotes, values a learner wrote (``not 'random'``) single ones."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"{mark}{brief(value, limit)}{mark}"
    if isinstance(value, int) and abs(value) >= 10**40:
        return "a number with too many digits"
    if isinstance(value, int | float):
        return brief(repr(value), limit)
    return {list: "a list", dict: "an object"}.get(type(value), "a value of another type")


def show_value(value: Any) -> str:
    """A value a learner wrote, quoted briefly in single quotes (``quoted`` with its other mark)."""
    return quoted(value, mark="'")


def brief(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (unquoted), safe for a terminal."""
    return terminal_safe(text if len(text) <= limit else text[: limit - 1] + "…")


# Characters XML 1.0 does not allow (most C0 controls, lone surrogates, U+FFFE/U+FFFF), and DEL and the C1
# controls it discourages: an SVG holding one is not well-formed and no viewer opens it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document may not hold; right-to-left marks and the rest stay."""
    return _NOT_XML.sub("", text)
