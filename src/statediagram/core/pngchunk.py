"""Read and add PNG text chunks with the standard library only.

An exported PNG carries the diagram JSON under the key ``statediagram`` so the picture is also the
submission. We write an ``iTXt`` chunk (UTF-8, any label survives) and read ``tEXt``, ``zTXt`` and ``iTXt``.
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngError(ValueError):
    pass


def _chunks(data: bytes):
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


def read_text_chunk(data: bytes, key: str) -> str | None:
    """The text stored under ``key``, or None when the PNG has no such chunk."""
    want = key.encode("latin-1")
    for _pos, ctype, body in _chunks(data):
        try:
            if ctype == b"tEXt":
                k, _, v = body.partition(b"\0")
                if k == want:
                    return v.decode("latin-1")
            elif ctype == b"zTXt":
                k, _, rest = body.partition(b"\0")
                if k == want:
                    return zlib.decompress(rest[1:]).decode("latin-1")
            elif ctype == b"iTXt":
                k, _, rest = body.partition(b"\0")
                if k == want:
                    flag, _method = rest[0], rest[1]
                    rest = rest[2:]
                    _lang, _, rest = rest.partition(b"\0")
                    _tkey, _, text = rest.partition(b"\0")
                    return (zlib.decompress(text) if flag else text).decode("utf-8")
        except (zlib.error, UnicodeDecodeError, IndexError) as exc:
            raise PngError(f"has a damaged '{key}' text chunk ({exc})") from None
    return None


def add_text_chunk(data: bytes, key: str, text: str) -> bytes:
    """Return the PNG with a compressed ``iTXt`` chunk holding ``text`` under ``key``, before IEND."""
    body = key.encode("latin-1") + b"\0" + b"\1\0" + b"\0" + b"\0" + zlib.compress(text.encode("utf-8"), 9)
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    for pos, ctype, _body in _chunks(data):
        if ctype == b"IEND":
            return data[:pos] + chunk + data[pos:]
    raise PngError("is a damaged PNG (no end chunk)")
