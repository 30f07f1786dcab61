"""A system under test's own tracks, reported during the run, scored in the certification report
(issue 15, item 5): a C2 system sends `track` records on `json/c2-system` while `haechi simulate`
runs the quickstart scenario into `haechi ingest`; `haechi report --system-tracks c2-system` scores
exactly those tracks, as recorded, against the run's truth, giving every figure that
`haechi report --tracks` gives on a file of the same lines; the report says whose tracks it scored;
a system that reported nothing is refused with the names of those that did."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import yaml
import zmq

from conftest import REPO_ROOT, launch_haechi, launch_simulate
from test_report_interop import PLAN, _figures, haechi
from test_truth_integrity import free_port

SCENARIO = "Config/scenarios/quickstart.yaml"
BIAS_M = 3.0


def test_a_systems_reported_tracks_are_scored_as_a_track_file_would_be(haechi_bin, tmp_path):
    # The truth, as the simulator renders it (deterministic: the same seed publishes the same).
    truth_file = tmp_path / "scenario.jsonl"
    written = subprocess.run([str(haechi_bin), "simulate", "--scenario", SCENARIO, "--write", str(truth_file), "--quiet"],
                             cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    lines = []
    for record in map(json.loads, truth_file.read_text().splitlines()):
        if record.get("type") != "truth":
            continue
        east, north, up = record["enu"]
        lines.append(json.dumps({"type": "track", "t_ns": record["t_ns"], "track_id": f"C2-{record['drone_id']}",
                                 "enu": [east + BIAS_M, north, up], "vel": record["vel_enu"], "status": "updated",
                                 "sensor_id": "c2-system"}))
    assert len(lines) > 100
    track_file = tmp_path / "c2.jsonl"
    track_file.write_text("\n".join(lines) + "\n")

    port = free_port()
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    config["endpoints"] = [{"name": "sensors", "address": f"tcp://127.0.0.1:{port}", "socket": "pull", "mode": "bind",
                            "receive_hwm": 100000}]
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    run = launch_haechi(haechi_bin, tmp_path / "ingest", config, ("--idle-timeout", "3", "--duration", "300", "--quiet"))
    simulate = launch_simulate(haechi_bin, tmp_path / "simulate", (
        "--scenario", SCENARIO, "--speed", "20", "--socket", "push", "--publish", f"tcp://127.0.0.1:{port}", "--quiet"))
    context = zmq.Context()
    try:
        assert simulate.wait(timeout=180) == 0, simulate.describe()
        # The C2 system reports its tracks over the same endpoint (after the sensors: order of receipt
        # does not matter, the records carry their own times).
        push = context.socket(zmq.PUSH)
        push.connect(f"tcp://127.0.0.1:{port}")
        for line in lines:
            push.send_multipart([b"json/c2-system", line.encode()])
        push.close(linger=10_000)
        assert run.wait(timeout=180) == 0, run.describe()
    finally:
        context.term()
        simulate.kill()
        run.kill()
    (recording,) = run.recordings()
    summary = run.summary()
    assert summary["sources"]["json/c2-system"]["records"] == {"track": len(lines)}

    key = tmp_path / "keys" / "signing.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(key)).returncode == 0

    (tmp_path / "logs").mkdir()

    def report(name: str, *args: str) -> dict:
        out = tmp_path / name
        result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json,md", "--lang", "both",
                        "--out", str(out), "--log", str(tmp_path / "logs" / f"{name}.sqlite"), "--key", str(key), *args)
        assert result.returncode == 0, result.stdout + result.stderr
        return {"figures": _figures(json.loads((out / "report.json").read_text())), "md": (out / "report.both.md").read_text()}

    system = report("system", "--system-tracks", "c2-system")
    from_file = report("file", "--tracks", str(track_file))
    assert system["figures"].keys() == from_file["figures"].keys()
    for name, figure in system["figures"].items():
        assert figure == from_file["figures"][name], name
    # The C2's tracks are truth moved 3 m east: their error is that, within a millimetre.
    rmse = system["figures"]["horizontal_rmse_m"]["value"]
    assert abs(rmse - BIAS_M) < 0.01, rmse
    assert "the tracks system c2-system reported during the run (from the recording)" in system["md"]
    assert "시험 중 시험 대상 체계가 보고한 항적 (체계 c2-system, 기록에서)" in system["md"]

    nobody = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json", "--out", str(tmp_path / "none"),
                    "--log", str(tmp_path / "logs" / "none.sqlite"), "--key", str(key), "--system-tracks", "nobody")
    assert nobody.returncode != 0
    assert "no tracks reported by 'nobody'" in nobody.stderr and "c2-system" in nobody.stderr
    both = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--out", str(tmp_path / "both"),
                  "--tracks", str(track_file), "--system-tracks", "c2-system")
    assert both.returncode == 64 and "give one" in both.stderr
