"""The mixed sample scenario (Config/scenarios/mixed.yaml): an ASTERIX radar, a SAPIENT radar node, a
JSON RF direction finder and a Remote ID receiver, as `haechi simulate` presents them, through `haechi ingest`
with live tracking: every source's frames and records equal the simulator's own tally, the tracker
tracks every drone from the mixed feeds, and the certification report scores Haechi's tracks and, with
`--system-tracks rid-1`, the Remote ID receiver's reports against the truth. Simulated at the present
time (ASTERIX and Remote ID carry only the time of day, of the hour)."""

from __future__ import annotations

import json

import yaml

from conftest import REPO_ROOT, now_epoch, simulate_into_ingest
from test_report_interop import PLAN, _figures, haechi

SCENARIO = REPO_ROOT / "Config/scenarios/mixed.yaml"
SAPIENT_NODE = "5a9e6d3c-7b1f-4c2a-9e4d-3f6b8a1c2d01"


def test_the_mixed_scenario_is_counted_tracked_and_scored(haechi_bin, tmp_path):
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    config["sensors"] = [{"id": "radar-asterix", "kind": "radar", "asterix": {"sac": 7, "sic": 1}},
                         {"id": "radar-1", "kind": "radar", "sapient": {"node_id": SAPIENT_NODE}}]
    summary, simulated, recording = simulate_into_ingest(haechi_bin, tmp_path, SCENARIO, config=config, simulate_args=now_epoch())
    sent = simulated["topics"]
    assert {"asterix/7-1", f"sapient/{SAPIENT_NODE}", "json/rf-1", "mavlink/rid-1"} <= set(sent)
    for topic, counts in sent.items():
        got = summary["sources"][topic]
        assert (got["frames_received"], got["frames_malformed"], got["records"]) == (counts["messages"], 0, counts["records"]), topic
    assert sent["mavlink/rid-1"]["records"].keys() == {"open_drone_id_basic_id", "open_drone_id_location"}
    assert summary["sources"]["mavlink/rid-1"]["truth_fixes"] == {}
    tracker = summary["tracking"]["tracker"]
    scenario = yaml.safe_load(SCENARIO.read_text())
    assert tracker["confirmed"] >= len(scenario["drones"])
    assert tracker["detections_rejected"] == {}

    key = tmp_path / "keys" / "signing.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(key)).returncode == 0
    (tmp_path / "logs").mkdir()
    scored = {}
    for name, extra in (("haechi", ()), ("remote-id", ("--system-tracks", "rid-1")), ("sapient", ("--system-tracks", "radar-1"))):
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
    # The SAPIENT node's own tracks (its object ids), placed from its range-bearing reports.
    assert scored["sapient"]["completeness"]["value"] > 0.3
    # Beside them, Haechi's own tracker on the same recording, as the reference: the same figures as
    # the report on Haechi's tracks, under reference_tracker_<key>, deciding nothing.
    for key in ("completeness", "horizontal_rmse_m", "ospa_mean_m", "idf1"):
        assert scored["sapient"][f"reference_tracker_{key}"]["value"] == scored["haechi"][key]["value"], key
    assert not any(k.startswith("reference_tracker_") for k in scored["haechi"])
    assert scored["sapient"]["reference_tracker_completeness"]["name"] == {
        "ko": "참조 추적기(Haechi)의 항적 완전성 (SIAP)", "en": "Track completeness (SIAP), reference tracker (Haechi)"}
    # Its classes, scored where the report shows them: the simulated node calls a drone "UAV" nine
    # times in ten (else "Bird") and clutter "Bird" or "Unknown" half the time each.
    report = scored["haechi"]
    drone = report["class_drone_as_drone_radar-1"]
    assert drone["lower"] <= 0.9 <= drone["upper"] and drone["method"] == "korn-graubard-ar1", drone
    # Each row of the matrix sums to one; a clutter plot inside a drone's gate is associated with it,
    # so a few "Unknown"s land in the drone row.
    classes = ("drone", "bird", "manned_aircraft", "other", "unknown")
    assert abs(sum(report[f"class_drone_as_{c}_radar-1"]["value"] for c in classes) - 1) < 1e-9
    assert abs(sum(report[f"class_false_alarm_as_{c}_radar-1"]["value"] for c in classes) - 1) < 1e-9
    assert report["class_drone_as_unknown_radar-1"]["value"] < 0.02
    clutter = report["class_false_alarm_as_bird_radar-1"]
    assert clutter["method"] == "clopper-pearson" and clutter["lower"] <= 0.5 <= clutter["upper"], clutter
    assert report["class_false_alarm_as_drone_radar-1"]["value"] < 0.1
    assert 0 <= report["time_to_first_correct_classification_s"]["value"] < 30
    assert report["first_correct_classification_range_m"]["value"] > 0
    # The ASTERIX radar reports no classes: no classification figure names it.
    assert not any(k.startswith("class_") and k.endswith("radar-asterix") for k in report)

    # A replay of the mixed session counts every source as the live run did and makes the same tracks,
    # byte for byte (the replay compares them with the recording's haechi/tracks channel).
    replayed = tmp_path / "replay.json"
    result = haechi(haechi_bin, "replay", str(recording), "--speed", "max", "--quiet", "--summary", str(replayed))
    assert result.returncode == 0, result.stdout + result.stderr
    again = json.loads(replayed.read_text())
    assert again["replay"]["tracks_match_recording"] is True
    assert again["sources"] == summary["sources"]
