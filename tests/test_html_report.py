"""The HTML report in a real browser: headless Chromium renders it, the filter script runs, and
the screenshot shows the evidence highlighted. Skipped when no Chromium is installed."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from feedkit import make_report
from sanctionscan.formatters import RenderOptions, get_formatter

BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "headless_shell",
)
GOODS_RGB = (0xFF, 0xE0, 0x8A)  # --goods in the page's stylesheet
TARGET_RGB = (0xFF, 0xB3, 0xB3)  # --target


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


BROWSER = find_browser()
needs_browser = pytest.mark.skipif(BROWSER is None, reason="headless Chromium is not installed")


def browser(*args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-dev-shm-usage", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def write_report(tmp_path: Path) -> Path:
    report, texts = make_report()
    page = tmp_path / "report.html"
    page.write_text(get_formatter("html")(report, RenderOptions(texts=texts)), encoding="utf-8")
    return page


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into pixel rows."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        filter_type, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = prev[i]
            up_left = prev[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    # normalise to RGB
    if channels == 4:
        rows = [bytes(b for i, b in enumerate(r) if i % 4 != 3) for r in rows]
    return width, height, rows


def count_color(rows: list[bytes], rgb: tuple[int, int, int], tolerance: int = 6) -> int:
    count = 0
    for row in rows:
        for i in range(0, len(row), 3):
            if all(abs(row[i + k] - rgb[k]) <= tolerance for k in range(3)):
                count += 1
    return count


@needs_browser
def test_report_opens_with_evidence_highlighted(tmp_path: Path) -> None:
    page = write_report(tmp_path)
    shot = tmp_path / "report.png"
    result = browser("--window-size=1200,1400", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    width, height, rows = read_png(shot)
    assert (width, height) == (1200, 1400)
    assert count_color(rows, GOODS_RGB) > 200, "goods evidence is not highlighted"
    assert count_color(rows, TARGET_RGB) > 200, "target evidence is not highlighted"


@needs_browser
def test_filter_script_runs_and_preset_filters_apply(tmp_path: Path) -> None:
    page = write_report(tmp_path)
    shown = browser("--dump-dom", page.as_uri()).stdout
    assert re.search(r'<b id="shown">2</b>', shown), shown[-2000:]
    filtered = browser("--dump-dom", page.as_uri() + "#category=yemen.arms").stdout
    assert re.search(r'<b id="shown">1</b>', filtered)
    # the hidden finding's card is hidden and its evidence no longer highlighted
    assert re.search(r'class="finding sev-high open hidden"', filtered)
    assert re.search(r'<mark class="goods dim" data-f="f1"', filtered)


@needs_browser
def test_search_and_confidence_presets_filter_cards_and_rows(tmp_path: Path) -> None:
    page = write_report(tmp_path)
    searched = browser("--dump-dom", page.as_uri() + "#q=rifles").stdout
    assert re.search(r'<b id="shown">1</b>', searched), searched[-2000:]
    assert re.search(r'<tr data-for="f1" class="hidden">', searched)
    none = browser("--dump-dom", page.as_uri() + "#confidence=1").stdout
    assert re.search(r'<b id="shown">0</b>', none)
