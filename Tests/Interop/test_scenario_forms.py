"""`--scenario` means a scenario in every command: `track` and `evaluate` take its description (YAML,
simulated first with its own seed and epoch) as well as its JSON lines, with the same result."""

from __future__ import annotations

import json
import subprocess

from conftest import REPO_ROOT

SCENARIO = "Config/scenarios/quickstart.yaml"


def haechi(binary, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


def test_track_and_evaluate_take_a_description_as_its_lines(haechi_bin, tmp_path):
    lines = tmp_path / "quickstart.jsonl"
    written = haechi(haechi_bin, "simulate", "--scenario", SCENARIO, "--write", str(lines), "--quiet")
    assert written.returncode == 0, written.stderr
    for form, scenario in (("lines", str(lines)), ("description", SCENARIO)):
        tracked = haechi(haechi_bin, "track", "--scenario", scenario, "-o", str(tmp_path / f"{form}.tracks.jsonl"), "--quiet")
        assert tracked.returncode == 0, tracked.stderr
        scored = haechi(haechi_bin, "evaluate", "--scenario", scenario, "--tracks", str(tmp_path / f"{form}.tracks.jsonl"),
                        "-o", str(tmp_path / f"{form}.metrics.json"), "--quiet")
        assert scored.returncode == 0, scored.stderr
    assert (tmp_path / "lines.tracks.jsonl").read_bytes() == (tmp_path / "description.tracks.jsonl").read_bytes()
    assert (tmp_path / "lines.tracks.jsonl").stat().st_size > 0
    metrics = [json.loads((tmp_path / f"{form}.metrics.json").read_text()) for form in ("lines", "description")]
    # The metrics name what the user gave (the description, not a temporary file); the figures are the same.
    assert metrics[1]["scenario"] == SCENARIO and metrics[0]["scenario"] == str(lines)
    for m in metrics:
        for key in ("scenario", "tracks", "out"):
            m.pop(key, None)
    assert json.dumps(metrics[0], sort_keys=True) == json.dumps(metrics[1], sort_keys=True)
    # A description that does not exist is an error naming it, and no temporary file is left to name.
    missing = haechi(haechi_bin, "track", "--scenario", "Config/scenarios/nothing.yaml", "-o", str(tmp_path / "x.jsonl"), "--quiet")
    assert missing.returncode != 0 and "Config/scenarios/nothing.yaml" in missing.stderr, missing.stderr
