"""Where reports go: regular files replaced atomically with the umask's permissions; devices,
FIFOs and symlink targets written in place; `-o -` on stdout; a full disk a clear message."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctionscan import atomic
from sanctionscan.atomic import atomic_writer, write_text_atomic
from sanctionscan.cli import cli

EVENT = "Russia delivered 40 heavy trucks to North Korea in March 2024.\n"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_new_file_follows_the_umask(tmp_path: Path, umask_027: None) -> None:
    target = tmp_path / "sub" / "report.json"
    write_text_atomic(target, "{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "{}"


def test_replaced_file_keeps_its_permissions_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    target.chmod(0o604)
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_symlink_target_is_written_and_the_link_stays(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so opening for writing does not block
    try:
        write_text_atomic(fifo, "through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_device_is_written_in_place_not_replaced() -> None:
    # /dev/null is only opened for writing here; the rename path must never be taken for it
    assert not atomic.replaces_atomically(Path("/dev/null"))
    with atomic_writer(Path("/dev/null")) as handle:
        handle.write("discarded")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_scan_to_a_symlink_and_to_stdout(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(EVENT)
    real = tmp_path / "real.json"
    link = tmp_path / "out.json"
    link.symlink_to(real)
    result = run("scan", str(doc), "-q", "-o", str(link))
    assert result.exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text())["documents"]
    result = run("scan", str(doc), "-q", "-f", "json", "-o", "-")
    assert json.loads(result.stdout)["documents"][0]["findings"]
    assert not Path("-").exists()


def test_full_disk_is_a_message_not_a_traceback_nor_half_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(EVENT)
    target = tmp_path / "report.json"
    target.write_text("previous report")
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    for fmt in ("json", "jsonl"):
        result = CliRunner().invoke(cli, ["scan", str(doc), "-q", "-f", fmt, "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "cannot write report" in result.stderr and "no space left" in result.stderr
        assert "Traceback" not in result.output
        assert target.read_text() == "previous report"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "report.json"]
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
