"""The committed interval fixtures (Tests/EvaluationTests/Fixtures/intervals-scipy.json) still match a fresh
run of their generator, gen_interval_fixtures.py, with this environment's scipy."""

from __future__ import annotations

import difflib
import json
import math
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "EvaluationTests/Fixtures"
GENERATOR = FIXTURES / "gen_interval_fixtures.py"
COMMITTED = FIXTURES / "intervals-scipy.json"


def test_committed_interval_fixtures_are_current(tmp_path: Path):
    fresh = tmp_path / COMMITTED.name
    result = subprocess.run([sys.executable, str(GENERATOR), "--out", str(fresh)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=300)
    assert result.returncode == 0, f"{GENERATOR.name} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    committed, regenerated = COMMITTED.read_text(encoding="utf-8"), fresh.read_text(encoding="utf-8")
    # Equal to the last bits of a double, not byte for byte: Boost's root finders may round the last
    # digit differently on another CPU, which is no drift of the script.
    if same_values(json.loads(committed), json.loads(regenerated)):
        return
    if committed != regenerated:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(keepends=True), regenerated.splitlines(keepends=True),
                                                 "committed", "regenerated", n=0))[:40])
        raise AssertionError(
            f"{COMMITTED.name} differs from what {GENERATOR.name} writes now. If the change is intended, run "
            f"`.venv/bin/python {GENERATOR.relative_to(FIXTURES.parents[2])}` and commit the fixtures with it.\n{diff}")


def same_values(a, b) -> bool:
    """Whether two decoded JSON values are equal, floats to 1e-12 relative. Relative only: the bounds run
    from 1e-13 to 4e6, and the exact ends 0 and 1 must stay exact."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_values(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    return a == b
