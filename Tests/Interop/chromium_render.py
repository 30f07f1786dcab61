"""Headless Chromium and poppler for the report tests: screenshots and PDFs on a machine made to look as
if it had no Korean font, and a measure of how alike two renderings are.

- ``chromium()``: ``/usr/bin/chromium`` (Debian's ``chromium``), or ``$HAECHI_CHROMIUM``; ``None`` when absent.
- ``latin_only_fontconfig(folder)``: a ``fonts.conf`` that offers DejaVu only, so that text without an
  embedded font falls back to boxes ("tofu") where it is Korean. Passed as ``FONTCONFIG_FILE``.
- ``render_png(...)``: a page printed by Chromium and rasterised by poppler's ``pdftoppm``;
  ``ink_distance(a, b)``: how different two renderings are, after 4×4 box averaging (so anti-aliasing
  alone hardly counts), relative to the ink of ``a``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
CHROMIUM_TIMEOUT_S = 120


def chromium() -> Path | None:
    named = os.environ.get("HAECHI_CHROMIUM")
    for candidate in ([named] if named else []) + ["/usr/bin/chromium"]:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def poppler(tool: str) -> Path | None:
    found = shutil.which(tool)
    return Path(found) if found else None


def latin_only_fontconfig(folder: Path) -> dict:
    """Environment variables that make Chromium see DejaVu and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{DEJAVU_DIR}</dir>
  <cachedir>{folder / "cache"}</cachedir>
</fontconfig>
""")
    return {"FONTCONFIG_FILE": str(conf)}


def render_png(browser: Path, page: Path, png: Path, profile: Path, *, env: dict | None = None) -> Path:
    """``page`` printed by Chromium to PDF (its own ``@page`` size) and its first page rasterised at
    100 dpi by ``pdftoppm`` to ``png``. (A PDF rather than ``--screenshot``: in headless mode this
    Chromium's screenshots of small windows come out blank or cut off.)"""
    pdf = png.with_suffix(".pdf")
    argv = [str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}", page.resolve().as_uri()]
    result = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=CHROMIUM_TIMEOUT_S,
                            env=dict(os.environ, **(env or {})))
    assert result.returncode == 0 and pdf.is_file(), f"chromium --print-to-pdf failed ({result.returncode}):\n{result.stderr[-2000:]}"
    subprocess.run([str(poppler("pdftoppm")), "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png.with_suffix(""))],
                   check=True, timeout=CHROMIUM_TIMEOUT_S)
    return png


def ink_distance(a: Path, b: Path) -> float:
    """Sum of absolute grey differences of the two images averaged over 4×4 boxes, divided by the ink
    (darkness) of ``a``: about 0.1–0.3 for the same glyphs rasterised a little differently, 1 against a
    blank image, more against boxes."""
    from PIL import Image

    first, second = (Image.open(p).convert("L") for p in (a, b))
    assert first.size == second.size, (first.size, second.size)
    size = (first.size[0] // 4, first.size[1] // 4)
    x, y = (im.resize(size, Image.BOX).tobytes() for im in (first, second))
    ink = sum(255 - p for p in x)
    assert ink > 0, f"{a} is blank"
    return sum(abs(p - q) for p, q in zip(x, y)) / ink
