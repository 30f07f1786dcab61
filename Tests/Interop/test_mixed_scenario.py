"""The mixed sample scenario (Config/scenarios/mixed.yaml): an ASTERIX radar, a JSON radar, an RF
direction finder and a Remote ID receiver, as `haechi simulate` presents them, through `haechi ingest`
with live tracking: every source's frames and records equal the simulator's own tally, the tracker
tracks every drone from the mixed feeds, and the certification report scores Haechi's tracks and, with
`--system-tracks rid-1`, the Remote ID receiver's reports against the truth. Simulated at the present
time (ASTERIX and Remote ID carry only the time of day, of the hour)."""

from __future__ import annotations

import datetime
import json
import subprocess

import yaml

from conftest import REPO_ROOT, RECORDINGS
from test_report_interop import PLAN, _figures, haechi
from test_truth_integrity import free_port

SCENARIO = REPO_ROOT / "Config/scenarios/mixed.yaml"


def test_the_mixed_scenario_is_counted_tracked_and_scored(haechi_bin, tmp_path):
    pull = free_port()
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    config["endpoints"] = [{"name": "sensors", "address": f"tcp://127.0.0.1:{pull}", "socket": "pull", "mode": "bind",
                            "receive_hwm": 100000}]
    config["sensors"] = [{"id": "radar-asterix", "kind": "radar", "asterix": {"sac": 7, "sic": 1}}]
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    config_path = tmp_path / "ingest.yaml"
    config_path.write_text(yaml.safe_dump(config))
    summary_path, simulated_path, record_dir = tmp_path / "summary.json", tmp_path / "simulate.json", tmp_path / RECORDINGS
    ingest = subprocess.Popen([str(haechi_bin), "ingest", "--config", str(config_path), "--idle-timeout", "3", "--quiet",
                               "--summary", str(summary_path), "--record-dir", str(record_dir)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        epoch = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        subprocess.run([str(haechi_bin), "simulate", "--scenario", str(SCENARIO), "--epoch", epoch, "--speed", "20",
                        "--socket", "push", "--publish", f"tcp://127.0.0.1:{pull}", "--quiet", "--summary", str(simulated_path)],
                       check=True, timeout=180, stdin=subprocess.DEVNULL)
        _, err = ingest.communicate(timeout=60)
        assert ingest.returncode == 0, err.decode()
    finally:
        if ingest.poll() is None:
            ingest.kill()
    summary, simulated = json.loads(summary_path.read_text()), json.loads(simulated_path.read_text())
    sent = simulated["topics"]
    assert {"asterix/7-1", "json/radar-1", "json/rf-1", "mavlink/rid-1"} <= set(sent)
    for topic, counts in sent.items():
        got = summary["sources"][topic]
        assert (got["frames_received"], got["frames_malformed"], got["records"]) == (counts["messages"], 0, counts["records"]), topic
    assert sent["mavlink/rid-1"]["records"].keys() == {"open_drone_id_basic_id", "open_drone_id_location"}
    assert summary["sources"]["mavlink/rid-1"]["truth_fixes"] == {}
    tracker = summary["tracking"]["tracker"]
    scenario = yaml.safe_load(SCENARIO.read_text())
    assert tracker["confirmed"] >= len(scenario["drones"])
    assert tracker["detections_rejected"] == {}

    (recording,) = sorted(record_dir.glob("*.mcap"))
    key = tmp_path / "keys" / "signing.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(key)).returncode == 0
    (tmp_path / "logs").mkdir()
    scored = {}
    for name, extra in (("haechi", ()), ("remote-id", ("--system-tracks", "rid-1"))):
        out = tmp_path / name
        result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json", "--out", str(out),
                        "--log", str(tmp_path / "logs" / f"{name}.sqlite"), "--key", str(key), *extra)
        assert result.returncode == 0, result.stdout + result.stderr
        scored[name] = _figures(json.loads((out / "report.json").read_text()))
    # Pd of the ASTERIX radar, under its configured name, is evaluated from its scans.
    assert any("radar-asterix" in key_ for key_ in scored["haechi"]), sorted(scored["haechi"])
    assert scored["haechi"]["completeness"]["value"] > 0.5
    # Remote ID reports the drones' own GNSS positions: centimetres from truth, all the time.
    assert scored["remote-id"]["horizontal_rmse_m"]["value"] < 0.05
    assert scored["remote-id"]["completeness"]["value"] > 0.95
