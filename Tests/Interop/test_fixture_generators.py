"""Committed fixtures computed by independent libraries still match a fresh run of their generators in
this environment: the geodesy fixtures (pymap3d), the interval fixtures (scipy) and the ASTERIX datagrams (libasterix). Each generator is
committed beside its fixture; if the change is intended, re-run it and commit both."""

from __future__ import annotations

import difflib
import json
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Fixture:
    folder: str
    generator: str
    committed: str
    #: Floats agree to this relative tolerance, and this absolute one (0: relative only, for values that
    #: span many decades and exact ends such as 0 and 1).
    rel_tol: float
    abs_tol: float
    timeout_s: float


FIXTURES = {
    # numpy's vectorised maths may round the last digit differently on another CPU. ENU east is a
    # difference of ECEF coordinates near 6.4e6 m, whose last bit is about 1e-9 m, so after the
    # cancellation a few such bits (seen: 3e-9 m, and 1.5e-9 in an azimuth 84 m away) move between
    # machines: the absolute tolerance is a few ulps of an ECEF coordinate, not of the result.
    "geodesy-pymap3d": Fixture("GeodesyTests/Fixtures", "gen_geodesy_fixtures.py", "geodesy-pymap3d.json", 1e-12, 1e-8, 120),
    # Boost's root finders (inside scipy) may round the last digit differently on another CPU; the
    # bounds run from 1e-13 to 4e6, so relative only.
    "intervals-scipy": Fixture("EvaluationTests/Fixtures", "gen_interval_fixtures.py", "intervals-scipy.json", 1e-12, 0.0, 300),
    # Korn-Graubard bounds at non-integer beta shapes (scipy), Clopper-Pearson rows cross-checked with statsmodels.
    "korn-graubard-scipy": Fixture("EvaluationTests/Fixtures", "gen_korn_graubard_fixtures.py", "korn-graubard-scipy.json",
                                   1e-12, 0.0, 300),
    # A Python replica of the bootstrap's random stream and scipy.stats.bootstrap references.
    "bootstrap-scipy": Fixture("EvaluationTests/Fixtures", "gen_bootstrap_fixtures.py", "bootstrap-scipy.json", 1e-12, 1e-12, 300),
    # ASTERIX datagrams libasterix encodes and what it decodes from them: exact (binary fractions).
    "asterix-libasterix": Fixture("AsterixTests/Fixtures", "gen_asterix_fixtures.py", "asterix_fixtures.json", 0.0, 0.0, 300),
}


@pytest.mark.parametrize("fixture", FIXTURES.values(), ids=FIXTURES.keys())
def test_committed_fixtures_are_current(tmp_path: Path, fixture: Fixture):
    folder = TESTS / fixture.folder
    generator, committed_path = folder / fixture.generator, folder / fixture.committed
    fresh = tmp_path / committed_path.name
    result = subprocess.run([sys.executable, str(generator), "--out", str(fresh)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=fixture.timeout_s)
    assert result.returncode == 0, f"{generator.name} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    committed, regenerated = committed_path.read_text(encoding="utf-8"), fresh.read_text(encoding="utf-8")
    # Equal to the last bits of a double, not byte for byte (see the tolerances above).
    if same_values(json.loads(committed), json.loads(regenerated), fixture):
        return
    diff = "".join(list(difflib.unified_diff(committed.splitlines(keepends=True), regenerated.splitlines(keepends=True),
                                             "committed", "regenerated", n=0))[:40])
    raise AssertionError(
        f"{committed_path.name} differs from what {generator.name} writes now. If the change is intended, run "
        f"`.venv/bin/python {generator.relative_to(TESTS.parent)}` and commit the fixtures with it.\n{diff}")


def same_values(a, b, fixture: Fixture) -> bool:
    """Whether two decoded JSON values are equal, floats within the fixture's tolerances."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_values(a[k], b[k], fixture) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_values(x, y, fixture) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=fixture.rel_tol, abs_tol=fixture.abs_tol))
    return a == b
