"""The committed geodesy fixtures (Tests/GeodesyTests/Fixtures/geodesy-pymap3d.json) still match a fresh
run of their generator, gen_geodesy_fixtures.py, with this environment's pymap3d."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "GeodesyTests/Fixtures"
GENERATOR = FIXTURES / "gen_geodesy_fixtures.py"
COMMITTED = FIXTURES / "geodesy-pymap3d.json"


def test_committed_geodesy_fixtures_are_current(tmp_path: Path):
    fresh = tmp_path / COMMITTED.name
    result = subprocess.run([sys.executable, str(GENERATOR), "--out", str(fresh)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, f"{GENERATOR.name} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    committed, regenerated = COMMITTED.read_text(encoding="utf-8"), fresh.read_text(encoding="utf-8")
    if committed != regenerated:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(keepends=True), regenerated.splitlines(keepends=True),
                                                 "committed", "regenerated", n=0))[:40])
        raise AssertionError(
            f"{COMMITTED.name} differs from what {GENERATOR.name} writes now. If the change is intended, run "
            f"`.venv/bin/python {GENERATOR.relative_to(FIXTURES.parents[2])}` and commit the fixtures with it.\n{diff}")
