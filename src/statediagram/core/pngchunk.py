"""Read and add PNG text chunks with the standard library only.

An exported PNG carries the diagram JSON under the key ``statediagram`` so the picture is also the
submission. We write an ``iTXt`` chunk (UTF-8, any label survives) and read ``tEXt``, ``zTXt`` and ``iTXt``.
"""

from __future__ import annotations

import struct
import zlib

from .limits import MAX_TEXT_CHUNK_BYTES

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngError(ValueError):
    pass


def make_chunk(ctype: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, body and the CRC of type and body."""
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(ctype)))


def chunks(data: bytes):
    """``(position, type, body)`` of each chunk of a PNG, up to its IEND; ``PngError`` if it is not one."""
    if not data.startswith(SIGNATURE):
        raise PngError("is not a PNG image")
    pos = len(SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise PngError("is a damaged PNG (a chunk is cut short)")
        yield pos, ctype, body
        pos += 12 + length
        if ctype == b"IEND":
            return
    raise PngError("is a damaged PNG (no end chunk)")


def _text_key(ctype: bytes, body: bytes) -> bytes | None:
    """The keyword of a tEXt, zTXt or iTXt chunk; None for any other chunk."""
    if ctype not in (b"tEXt", b"zTXt", b"iTXt"):
        return None
    return body.partition(b"\0")[0]


def inflate(compressed: bytes, limit: int, key: str) -> bytes:
    """``compressed`` inflated to at most ``limit`` bytes; ``PngError`` when it holds more (a zip bomb: a 1 MB
    chunk can inflate to 1 GB) or is damaged. Stops at ``limit + 1`` bytes, so a bomb costs little time and memory."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(compressed, limit + 1)
    if len(out) > limit:
        raise PngError(f"has a '{key}' text chunk that inflates to more than {limit // (1024 * 1024)} MB, "
                       "more than any diagram needs")
    if not inflater.eof:
        raise PngError(f"has a damaged '{key}' text chunk (its compressed text is cut short)")
    return out


def read_text_chunk(data: bytes, key: str, limit: int = MAX_TEXT_CHUNK_BYTES) -> str | None:
    """The text stored under ``key`` (at most ``limit`` bytes once inflated), or None when the PNG has none."""
    want = key.encode("latin-1")
    for pos, ctype, body in chunks(data):
        if _text_key(ctype, body) != want:
            continue
        # Only our own chunk's checksum is checked: a damaged picture elsewhere is the viewer's business.
        (crc,) = struct.unpack(">I", data[pos + 8 + len(body) : pos + 12 + len(body)])
        if crc != zlib.crc32(ctype + body) & 0xFFFFFFFF:
            raise PngError(f"has a damaged '{key}' text chunk (checksum mismatch)")
        try:
            rest = body.partition(b"\0")[2]
            if ctype == b"tEXt":
                return rest.decode("latin-1")
            if ctype == b"zTXt":
                return inflate(rest[1:], limit, key).decode("latin-1")
            flag, _method = rest[0], rest[1]
            rest = rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _tkey, _, text = rest.partition(b"\0")
            return (inflate(text, limit, key) if flag else text).decode("utf-8")
        except (zlib.error, UnicodeDecodeError, IndexError) as exc:
            raise PngError(f"has a damaged '{key}' text chunk ({exc})") from None
    return None


def add_text_chunk(data: bytes, key: str, text: str) -> bytes:
    """Return the PNG with a compressed ``iTXt`` chunk holding ``text`` under ``key``, before IEND.

    Text chunks already stored under ``key`` are dropped, so the picture carries one diagram, the new one.
    """
    want = key.encode("latin-1")
    body = want + b"\0" + b"\1\0" + b"\0" + b"\0" + zlib.compress(text.encode("utf-8"), 9)
    chunk = make_chunk(b"iTXt", body)
    out = [data[: len(SIGNATURE)]]
    for pos, ctype, old_body in chunks(data):
        if ctype == b"IEND":
            out.append(chunk)
        if _text_key(ctype, old_body) != want:
            out.append(data[pos : pos + 12 + len(old_body)])
    return b"".join(out)
