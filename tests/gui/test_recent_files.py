"""The recent files list is written whole (a rename) but without waiting for the disk: opening a file wrote it
with two syncs on the GUI thread (40 ms of the step that shows a big file, measured). A saved diagram still
waits for them."""

from __future__ import annotations

import os

from statediagram.core.files import atomic_write
from statediagram.gui.files.open_save import read_recent, remember_recent


def test_the_recent_files_list_is_written_without_a_sync_and_a_saved_file_with_one(tmp_path, monkeypatch):
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    remember_recent(str(tmp_path / "alice.statediagram.json"))
    remember_recent(str(tmp_path / "bob.statediagram.json"))
    assert [os.path.basename(p) for p in read_recent()[:2]] == ["bob.statediagram.json", "alice.statediagram.json"]
    assert synced == []
    atomic_write(tmp_path / "saved.statediagram.json", b"{}")
    assert len(synced) == 2  # the file, then its folder (the rename)
