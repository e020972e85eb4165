"""An exported PNG carries the diagram, so the picture is also the submission. No Qt: PNGs built by hand."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from core_samples import SPEC_EXAMPLE

from statediagram.core.fileio import DiagramError, load_diagram, parse_diagram
from statediagram.core.pngchunk import SIGNATURE, PngError, add_text_chunk, read_text_chunk

KEY = "statediagram"


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def minimal_png(*extra_chunks: bytes) -> bytes:
    """A valid 1x1 grey PNG; ``extra_chunks`` go between the image data and the end."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x80")  # filter byte 0, one grey pixel
    return SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + b"".join(extra_chunks) + chunk(b"IEND", b"")


def chunk_types(data: bytes) -> list[bytes]:
    out, pos = [], len(SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        out.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return out


def test_minimal_png_is_well_formed() -> None:
    assert chunk_types(minimal_png()) == [b"IHDR", b"IDAT", b"IEND"]


def test_added_text_chunk_reads_back_the_same_text() -> None:
    with_text = add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE)
    assert read_text_chunk(with_text, KEY) == SPEC_EXAMPLE


def test_added_chunk_is_a_checksummed_itxt_before_the_end_and_the_image_is_untouched() -> None:
    png = minimal_png()
    with_text = add_text_chunk(png, KEY, "{}")
    assert chunk_types(with_text) == [b"IHDR", b"IDAT", b"iTXt", b"IEND"]
    assert with_text.startswith(png[: -len(chunk(b"IEND", b""))])
    (length,) = struct.unpack(">I", with_text[len(png) - 12 : len(png) - 8])
    start = len(png) - 12
    body = with_text[start + 8 : start + 8 + length]
    (crc,) = struct.unpack(">I", with_text[start + 8 + length : start + 12 + length])
    assert crc == zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF


def test_any_unicode_label_survives_the_png() -> None:
    text = '{"label": "Serveur Ä 東京 🚀"}'
    assert read_text_chunk(add_text_chunk(minimal_png(), KEY, text), KEY) == text


def test_adding_again_replaces_the_old_diagram_instead_of_hiding_the_new_one() -> None:
    once = add_text_chunk(minimal_png(), KEY, "old design")
    twice = add_text_chunk(once, KEY, "new design")
    assert read_text_chunk(twice, KEY) == "new design"
    assert chunk_types(twice).count(b"iTXt") == 1


def test_adding_keeps_text_chunks_under_other_keys() -> None:
    png = minimal_png(chunk(b"tEXt", b"Software\x00statediagram"))
    with_text = add_text_chunk(png, KEY, "{}")
    assert read_text_chunk(with_text, "Software") == "statediagram"
    assert read_text_chunk(with_text, KEY) == "{}"


def test_plain_text_chunk_is_read() -> None:
    png = minimal_png(chunk(b"tEXt", KEY.encode() + b"\x00" + b'{"x": 1}'))
    assert read_text_chunk(png, KEY) == '{"x": 1}'


def test_compressed_text_chunk_is_read() -> None:
    png = minimal_png(chunk(b"zTXt", KEY.encode() + b"\x00\x00" + zlib.compress(b'{"x": 2}')))
    assert read_text_chunk(png, KEY) == '{"x": 2}'


def test_uncompressed_international_text_chunk_is_read() -> None:
    body = KEY.encode() + b"\x00" + b"\x00\x00" + b"fr\x00" + b"\x00" + "Serveur Ä".encode()
    assert read_text_chunk(minimal_png(chunk(b"iTXt", body)), KEY) == "Serveur Ä"


def test_text_under_another_key_is_not_taken_for_the_diagram() -> None:
    png = minimal_png(chunk(b"tEXt", b"Comment\x00hello"), chunk(b"tEXt", b"statediagramX\x00no"))
    assert read_text_chunk(png, KEY) is None


def test_png_without_the_chunk_gives_none() -> None:
    assert read_text_chunk(minimal_png(), KEY) is None


@pytest.mark.parametrize("cut", [9, 20, 33, 40, 60, -40])
def test_truncated_png_raises_png_error(cut: int) -> None:
    data = add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE)
    with pytest.raises(PngError, match="damaged PNG"):
        read_text_chunk(data[:cut], KEY)


def test_every_cut_of_a_png_raises_png_error_until_the_diagram_chunk_is_whole() -> None:
    data = add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE)
    diagram_end = len(data) - len(chunk(b"IEND", b""))
    for cut in range(diagram_end):
        with pytest.raises(PngError):
            read_text_chunk(data[:cut], KEY)
    # Lost bytes after a whole, checksummed diagram chunk do not cost the learner their submission.
    for cut in range(diagram_end, len(data)):
        assert read_text_chunk(data[:cut], KEY) == SPEC_EXAMPLE


def test_png_cut_short_without_the_chunk_raises_png_error_rather_than_saying_no_diagram() -> None:
    data = minimal_png()
    for cut in range(len(data)):
        with pytest.raises(PngError):
            read_text_chunk(data[:cut], KEY)


def test_data_that_is_not_a_png_raises_png_error() -> None:
    with pytest.raises(PngError, match="not a PNG"):
        read_text_chunk(b"GIF89a....", KEY)


def test_damaged_compressed_diagram_raises_png_error() -> None:
    body = KEY.encode() + b"\x00\x01\x00\x00\x00" + b"not zlib at all"
    with pytest.raises(PngError, match="damaged 'statediagram' text chunk"):
        read_text_chunk(minimal_png(chunk(b"iTXt", body)), KEY)


def test_diagram_chunk_with_a_wrong_checksum_raises_png_error() -> None:
    good = chunk(b"tEXt", KEY.encode() + b"\x00" + b'{"x": 1}')
    flipped = good[:-5] + b"2" + good[-4:]  # one byte of the text changed after the checksum was made
    with pytest.raises(PngError, match="checksum"):
        read_text_chunk(minimal_png(flipped), KEY)


def test_adding_to_a_truncated_png_raises_png_error() -> None:
    with pytest.raises(PngError):
        add_text_chunk(minimal_png()[:-12], KEY, "{}")


# --- load_diagram on PNG files ----------------------------------------------------------------------


def test_load_diagram_reads_the_diagram_out_of_an_exported_png(tmp_path: Path) -> None:
    path = tmp_path / "drawing.png"
    path.write_bytes(add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE))
    assert load_diagram(path).diagram == parse_diagram(SPEC_EXAMPLE).diagram


def test_load_diagram_does_not_depend_on_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "submission.statediagram.json"  # a PNG saved under the wrong name still loads
    path.write_bytes(add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE))
    assert load_diagram(path).diagram.title == "Make it stateless"


def test_png_without_a_diagram_is_unreadable_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "screenshot.png"
    path.write_bytes(minimal_png())
    with pytest.raises(DiagramError) as caught:
        load_diagram(path)
    message = str(caught.value)
    assert "screenshot.png" in message
    assert "carries no diagram" in message
    assert "Export the PNG from statediagram" in message


def test_truncated_png_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    path.write_bytes(add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE)[:60])
    with pytest.raises(DiagramError) as caught:
        load_diagram(path)
    assert "cut.png" in str(caught.value) and "damaged PNG" in str(caught.value)
    assert caught.value.fix


def test_png_carrying_a_broken_diagram_is_unreadable_by_the_usual_rules(tmp_path: Path) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(add_text_chunk(minimal_png(), KEY, SPEC_EXAMPLE.replace('"kind": "redis"', '"kind": "memcached"')))
    with pytest.raises(DiagramError, match='node "redis": unknown kind'):
        load_diagram(path)
