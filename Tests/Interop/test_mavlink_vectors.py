"""The committed MAVLink golden vectors (Tests/TelemetryModelTests/Fixtures/mavlink-golden.json) still
match a fresh generation by pymavlink: ``gen_mavlink_vectors.py --check``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent / "gen_mavlink_vectors.py"


def test_committed_mavlink_vectors_are_current():
    result = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, (
        f"{GENERATOR.name} --check exited {result.returncode}: the committed golden vectors differ from what "
        f"pymavlink generates now. If the change is intended, run `.venv/bin/python Tests/Interop/"
        f"{GENERATOR.name}` and commit the vectors with it.\n{result.stdout}{result.stderr}")
