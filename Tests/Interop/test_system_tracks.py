"""A system under test's own tracks, reported during the run, scored in the certification report
(issue 15, item 5): a C2 system sends `track` records on `json/c2-system` while `haechi simulate`
runs the quickstart scenario into `haechi ingest`; `haechi report --system-tracks c2-system` scores
exactly those tracks, as recorded, against the run's truth, giving every figure that
`haechi report --tracks` gives on a file of the same lines; the report says whose tracks it scored;
a system that reported nothing is refused with the names of those that did. A Remote ID receiver
(pymavlink's OPEN_DRONE_ID_BASIC_ID and _LOCATION, as an ASTM F3411 receiver relays them over MAVLink)
is scored the same way: its reports are the drones' claimed positions, named by their declared ids."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import yaml
import zmq

from conftest import REPO_ROOT, now_epoch, simulate_into_ingest
from test_report_interop import PLAN, _figures, haechi

SCENARIO = "Config/scenarios/quickstart.yaml"
BIAS_M = 3.0


def truth_records(haechi_bin: Path, tmp_path: Path, *epoch: str) -> list[dict]:
    """The quickstart scenario's truth, as the simulator renders it (the same seed publishes the same)."""
    truth_file = tmp_path / "scenario.jsonl"
    written = subprocess.run([str(haechi_bin), "simulate", "--scenario", SCENARIO, "--write", str(truth_file), "--quiet", *epoch],
                             cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    return [r for r in map(json.loads, truth_file.read_text().splitlines()) if r.get("type") == "truth"]


def run_with_a_system(haechi_bin: Path, tmp_path: Path, messages: list[tuple[bytes, bytes]], *epoch: str,
                      identities: dict[str, str] | None = None):
    """The quickstart scenario simulated into `haechi ingest`; then a system under test sends `messages`
    over the same endpoint (the order of receipt does not matter: records carry their own times).
    Returns the recording and the summary."""
    def system(address: str) -> None:
        context = zmq.Context()
        push = context.socket(zmq.PUSH)
        push.connect(address)
        for topic, payload in messages:
            push.send_multipart([topic, payload])
        push.close(linger=10_000)
        context.term()

    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    if identities:
        config["truth"] = {"identities": identities}
    summary, _, recording = simulate_into_ingest(haechi_bin, tmp_path, SCENARIO, config=config, simulate_args=epoch, then=system)
    return recording, summary


def reporter(haechi_bin: Path, tmp_path: Path, recording: Path):
    key = tmp_path / "keys" / "signing.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(key)).returncode == 0
    (tmp_path / "logs").mkdir()

    def report(name: str, *args: str) -> dict:
        out = tmp_path / name
        result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json,md", "--lang", "both",
                        "--out", str(out), "--log", str(tmp_path / "logs" / f"{name}.sqlite"), "--key", str(key), *args)
        assert result.returncode == 0, result.stdout + result.stderr
        return {"figures": _figures(json.loads((out / "report.json").read_text())), "md": (out / "report.both.md").read_text()}
    return report, key


def test_a_systems_reported_tracks_are_scored_as_a_track_file_would_be(haechi_bin, tmp_path):
    lines = []
    for record in truth_records(haechi_bin, tmp_path):
        east, north, up = record["enu"]
        lines.append(json.dumps({"type": "track", "t_ns": record["t_ns"], "track_id": f"C2-{record['drone_id']}",
                                 "enu": [east + BIAS_M, north, up], "vel": record["vel_enu"], "status": "updated",
                                 "sensor_id": "c2-system"}))
    assert len(lines) > 100
    track_file = tmp_path / "c2.jsonl"
    track_file.write_text("\n".join(lines) + "\n")
    recording, summary = run_with_a_system(haechi_bin, tmp_path, [(b"json/c2-system", line.encode()) for line in lines])
    assert summary["sources"]["json/c2-system"]["records"] == {"track": len(lines)}
    report, key = reporter(haechi_bin, tmp_path, recording)
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


def test_a_remote_id_receivers_reports_are_scored_as_its_tracks(haechi_bin, tmp_path):
    """pymavlink encodes what a Remote ID receiver relays: each drone's OPEN_DRONE_ID_BASIC_ID (its
    serial number) and, at every truth sample, an OPEN_DRONE_ID_LOCATION with the drone's own
    position (1e-7 degree, float metres above the ellipsoid, seconds after the hour to 0.1 s). Ingest
    counts each message by kind, never takes it for truth, and the report scores the receiver's
    reports as its tracks: one per drone, named by its serial number, within centimetres of truth.
    Simulated at the present time: the reports carry only seconds after the hour."""
    from pymavlink.dialects.v20 import common as mavlink2

    class Sink:
        def write(self, data):  # pymavlink wants a file to send to; the frames are taken from its buffer
            pass

    epoch = now_epoch()
    truth = truth_records(haechi_bin, tmp_path, *epoch)
    link = mavlink2.MAVLink(Sink(), srcSystem=200, srcComponent=236)   # MAV_COMP_ID_ODID_TXRX_1
    drones = sorted({r["drone_id"] for r in truth})
    macs = {d: bytes([0x02, 0xAA, 0x00, 0x00, 0x00, i + 1]) + bytes(14) for i, d in enumerate(drones)}
    serials = {d: f"1596SIM{d.upper()}".encode().ljust(20, b"\0") for d in drones}
    frames = [link.open_drone_id_basic_id_encode(0, 0, list(macs[d]), 1, 2, list(serials[d])).pack(link) for d in drones]
    for record in truth:
        seconds = (record["t_ns"] / 1e9) % 3600
        east, north, up = record["vel_enu"]
        course = round(math.degrees(math.atan2(east, north)) * 100) % 36000
        speed = min(25425, round((east * east + north * north) ** 0.5 * 100))
        frames.append(link.open_drone_id_location_encode(
            target_system=0, target_component=0, id_or_mac=list(macs[record["drone_id"]]), status=2, direction=course,
            speed_horizontal=speed, speed_vertical=round(up * 100), latitude=round(record["lat"] * 1e7),
            longitude=round(record["lon"] * 1e7), altitude_barometric=-1000.0, altitude_geodetic=float(record["alt"]),
            height_reference=0, height=-1000.0, horizontal_accuracy=10, vertical_accuracy=4, barometer_accuracy=0,
            speed_accuracy=3, timestamp=round(seconds, 1), timestamp_accuracy=1).pack(link))
    # The range registered drone-1's and drone-2's serial numbers; drone-3 is registered as another.
    registered = {d: serials[d].rstrip(b"\0").decode() for d in drones[:2]} | {drones[2]: "1596SIM-NOT-THIS-ONE"}
    recording, summary = run_with_a_system(haechi_bin, tmp_path, [(b"mavlink/rid-1", frame) for frame in frames], *epoch,
                                           identities=registered)
    receiver = summary["sources"]["mavlink/rid-1"]
    assert receiver["frames_malformed"] == 0
    assert receiver["records"] == {"open_drone_id_basic_id": len(drones), "open_drone_id_location": len(truth)}
    assert receiver["truth_fixes"] == {}

    report, _ = reporter(haechi_bin, tmp_path, recording)
    scored = report("remote-id", "--system-tracks", "rid-1")
    figures = scored["figures"]
    assert "the tracks system rid-1 reported during the run (from the recording)" in scored["md"]
    for serial in serials.values():
        assert serial.rstrip(b"\0").decode() in scored["md"]
    # Positions to 1e-7 degree (about a centimetre) and float heights, times to 0.1 s of the 2 Hz truth.
    assert figures["horizontal_rmse_m"]["value"] < 0.05, figures["horizontal_rmse_m"]
    assert figures["completeness"]["value"] > 0.95, figures["completeness"]
    # The claimed identities against the registered ones: right for two drones of three, all the time.
    identity = figures["claimed_identity_correct"]
    matched = {d: sum(1 for r in truth if r["drone_id"] == d) for d in drones}
    assert abs(identity["value"] - (matched[drones[0]] + matched[drones[1]]) / sum(matched.values())) < 0.05, identity
    assert identity["method"] == "moving-block-bootstrap" and identity["lower"] < identity["value"] < identity["upper"]
    assert f"Tracks matched with drone {drones[2]} (registered as 1596SIM-NOT-THIS-ONE) claimed other identities" in scored["md"]
    # Haechi's own tracker claims no identity: the figure is not there.
    assert "claimed_identity_correct" not in report("haechi-tracker")["figures"]
