"""Truth that cannot be spoofed unseen, against real pymavlink and pyzmq peers over tcp://127.0.0.1.

- Two MAVLink publishers for one drone id (same topic, same system id): the second one's fixes, 22 km
  away, never become the drone's truth. They are decoded, counted and recorded, and flagged per
  drone in the summary (JSON and text), in the regenerated replay summary, and in the report's
  deviations. Each connection keeps its own 8-bit counter, so the interleaving is not taken for
  loss (the issue's 12,750 phantom "missing" frames).
- A JSON intruder without ``seq``, at positions the drone could have flown to: kept out all the
  same (who sent it decides, not where it says the drone is).
- MAVLink loss beyond the 8-bit counter: 1000 frames never sent at 50 Hz read as 232 on the
  counter; the time base (``time_boot_ms``) says 1000, exactly.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
import zmq
from pymavlink.dialects.v20 import common as mavlink2

import recordings
from conftest import REPO_ROOT, ingest_config, launch_haechi, replayed_summary

PLAN = REPO_ROOT / "Config/plans/radar-acceptance.yaml"
T0_US = 1_800_000_000_000_000  # the drones' UTC at boot + 60 s, microseconds
LAT0, LON0 = 35.85, 126.55
METRE = 1 / 111_000  # about a metre of latitude, in degrees


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def haechi(binary: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


class Autopilot:
    """One MAVLink system as pymavlink packs it: its own 8-bit counter and boot clock."""

    def __init__(self, system: int, boot_ms: int):
        self.mav = mavlink2.MAVLink(None, srcSystem=system, srcComponent=1)
        self.boot_ms = boot_ms

    def pack(self, message) -> bytes:
        """The frame, numbered with the next sequence number (pymavlink's ``pack`` alone does not advance it)."""
        frame = message.pack(self.mav)
        self.mav.seq = (self.mav.seq + 1) % 256
        return frame

    def system_time(self) -> bytes:
        return self.pack(self.mav.system_time_encode(T0_US + self.boot_ms * 1000, self.boot_ms))

    def heartbeat(self) -> bytes:
        return self.pack(self.mav.heartbeat_encode(2, 3, 81, 0, 4))

    def position(self, lat: float, lon: float, step_ms: int = 100) -> bytes:
        frame = self.pack(self.mav.global_position_int_encode(self.boot_ms, round(lat * 1e7), round(lon * 1e7), 60_000, 55_000,
                                                              100, 0, 0, 0))
        self.boot_ms += step_ms
        return frame


def connect(context: zmq.Context, kind: int, address: str) -> zmq.Socket:
    sock = context.socket(kind)
    sock.setsockopt(zmq.LINGER, 10_000)
    sock.setsockopt(zmq.SNDTIMEO, 10_000)
    if kind == zmq.XPUB:
        sock.setsockopt(zmq.XPUB_NODROP, 1)
    sock.connect(address)
    if kind == zmq.XPUB:  # publish only once Haechi's subscription has arrived (no slow-joiner loss)
        assert sock.poll(20_000, zmq.POLLIN), "no subscription from haechi within 20 s"
        assert sock.recv()[:1] == b"\x01"
    return sock


def run_ingest(haechi_bin: Path, workdir: Path, endpoint: dict, publish) -> tuple:
    """``haechi ingest`` on one bound endpoint while ``publish(address)`` sends; returns (run, summary)."""
    address = f"tcp://127.0.0.1:{free_port()}"
    config = ingest_config([{"name": "drones", "address": address, "mode": "bind", **endpoint}])
    run = launch_haechi(haechi_bin, workdir, config, ("--idle-timeout", "3", "--duration", "60"))
    try:
        time.sleep(0.5)  # the bind
        publish(address)
    except Exception:
        run.kill()
        raise
    assert run.wait() == 0, run.describe()
    run.check_recordings()
    return run, run.summary()


@pytest.fixture(scope="module")
def mavlink_intruder(haechi_bin, tmp_path_factory):
    """The issue's attack: a second publisher with the drone's system id, 50 fixes 22 km away, interleaved."""
    work = tmp_path_factory.mktemp("mavlink-intruder")

    def publish(address: str) -> None:
        context = zmq.Context()
        drone, intruder = Autopilot(7, boot_ms=60_000), Autopilot(7, boot_ms=9_000)
        real = connect(context, zmq.XPUB, address)
        real.send_multipart([b"mavlink/drone-7", drone.system_time() + drone.position(LAT0, LON0)])
        time.sleep(0.3)  # the drone's truth is bound before the intruder appears
        fake = connect(context, zmq.XPUB, address)
        fake.send_multipart([b"mavlink/drone-7", intruder.system_time()])
        for i in range(1, 50):
            real.send_multipart([b"mavlink/drone-7", drone.position(LAT0 + i * METRE, LON0)])
            fake.send_multipart([b"mavlink/drone-7", intruder.position(LAT0 + 0.2, LON0)])  # 22 km north
        fake.send_multipart([b"mavlink/drone-7", intruder.position(LAT0 + 0.2, LON0)])
        real.close()
        fake.close()
        context.term()

    run, summary = run_ingest(haechi_bin, work, {"socket": "sub", "topics": ["mavlink/"], "receive_hwm": 0}, publish)
    return run, summary


def test_second_mavlink_publisher_is_kept_out_of_the_truth(mavlink_intruder):
    run, summary = mavlink_intruder
    source = summary["sources"]["mavlink/drone-7"]
    assert source["records"] == {"global_position_int": 100, "system_time": 2}, source
    assert source["truth_fixes"] == {"system_time": 100}  # both senders' fixes are decoded and counted
    # Each connection keeps its own counter: no phantom loss from the interleaving.
    assert source["sequence"] == {"checked": 102, "gaps": 0, "missing": 0, "out_of_order": 0, "restarts": 0}
    assert source["mavlink_loss"]["estimated"] == 0
    truth = summary["truth"]
    assert truth["flagged_drones"] == ["drone-7"]
    drone = truth["drones"]["drone-7"]
    assert (drone["fixes_accepted"], drone["other_sender_fixes"], drone["other_senders"]) == (50, 50, 1), drone
    assert drone["bound_sender"].startswith("connection ") and "from 127.0.0.1 on 'drones', topic mavlink/drone-7, system 7" in drone["bound_sender"]
    assert drone["other_sender_names"][0] != drone["bound_sender"] and "system 7" in drone["other_sender_names"][0]
    assert drone["flagged"] is True and drone["first_flag_receive_ns"] is not None
    assert "truth: 1 drone(s), 1 FLAGGED (drone-7)" in run.stdout
    assert "50 fix(es) from 1 other sender(s) excluded" in run.stdout


def test_the_recording_keeps_every_frame_and_only_the_drones_truth(mavlink_intruder):
    run, _ = mavlink_intruder
    (path,) = run.recordings()
    rec = recordings.read_recording(path)
    frames = [f for f in rec.frames if f.source == "mavlink/drone-7"]
    assert len(frames) == 50 + 51  # every message of both senders is kept
    fixes = [json.loads(m.data) for topic, m in rec.messages if topic == "/truth/drone-7"]
    assert len(fixes) == 50 and all(abs(f["latitude"] - LAT0) < 0.001 for f in fixes)
    senders = [json.loads(m.data) for topic, m in rec.messages if topic == "haechi/senders"]
    assert {s["connection"] for s in senders} == {1, 2} and all(s["address"] == "127.0.0.1" for s in senders)
    assert rec.schemas[rec.channels[next(i for i, c in rec.channels.items() if c.topic == "haechi/senders")].schema_id].name \
        == "haechi.FrameSender"


def test_replay_and_report_find_the_same(haechi_bin, mavlink_intruder, tmp_path):
    run, summary = mavlink_intruder
    (path,) = run.recordings()
    again = replayed_summary(haechi_bin, path, tmp_path)
    assert again["truth"] == summary["truth"]
    assert again["sources"]["mavlink/drone-7"]["sequence"] == summary["sources"]["mavlink/drone-7"]["sequence"]

    # The key outside the run log's folder: a signing key beside the log is refused.
    key, log, out = tmp_path / "keys" / "signing.key", tmp_path / "log" / "runlog.sqlite", tmp_path / "report"
    key.parent.mkdir()
    log.parent.mkdir()
    assert haechi(haechi_bin, "keys", "generate", "--out", str(key)).returncode == 0
    report = haechi(haechi_bin, "report", str(path), "--plan", str(PLAN), "--lang", "both", "--format", "json",
                    "--out", str(out), "--log", str(log), "--key", str(key))
    assert report.returncode == 0, report.stdout + report.stderr
    text = (out / "report.json").read_text()
    data = json.loads(text)
    deviations = [d for d in data["deviations"] if "drone-7" in json.dumps(d, ensure_ascii=False)]
    assert len(deviations) == 1, data["deviations"]
    english = json.dumps(deviations[0], ensure_ascii=False)
    assert "Drone drone-7's truth is bound to connection" in english
    assert "50 fix(es) from 1 other sender(s) were excluded" in english
    assert "드론 drone-7의 실제 위치(기준)" in english


def test_json_intruder_without_seq_is_flagged(haechi_bin, tmp_path):
    """The issue's second case: truth for a drone from a sender that numbers nothing gave no signal at all."""
    t0_ns = 1_800_000_000_000_000_000

    def truth(i: int, north_m: float, seq: int | None) -> bytes:
        record = {"type": "truth", "t_ns": t0_ns + i * 100_000_000, "drone_id": 3,
                  "lat": LAT0 + north_m * METRE, "lon": LON0, "alt": 60.0}
        if seq is not None:
            record["seq"] = seq
        return json.dumps(record).encode()

    def publish(address: str) -> None:
        context = zmq.Context()
        drone = connect(context, zmq.PUSH, address)
        drone.send_multipart([b"json/truth", truth(0, 0, 0)])
        time.sleep(0.3)
        intruder = connect(context, zmq.PUSH, address)
        for i in range(1, 30):
            drone.send_multipart([b"json/truth", truth(i, i * 2.0, i)])
            # Plausible positions, no seq: geometry would not catch it; the sender does.
            intruder.send_multipart([b"json/truth", truth(i, i * 2.0 + 5, None)])
        drone.close()
        intruder.close()
        context.term()

    run, summary = run_ingest(haechi_bin, tmp_path, {"socket": "pull"}, publish)
    source = summary["sources"]["json/truth"]
    assert source["records"] == {"truth": 59}
    assert source["sequence"] == {"checked": 30, "gaps": 0, "missing": 0, "out_of_order": 0, "restarts": 0}
    drone = summary["truth"]["drones"]["3"]
    assert (drone["fixes_accepted"], drone["other_sender_fixes"], drone["jumps"]) == (30, 29, 0), drone
    assert summary["truth"]["flagged_drones"] == ["3"]
    (path,) = run.recordings()
    fixes = [json.loads(m.data) for topic, m in recordings.read_recording(path).messages if topic == "/truth/3"]
    assert len(fixes) == 30


def test_mavlink_loss_beyond_the_counter_from_the_time_base(haechi_bin, tmp_path):
    """1000 frames packed and never sent (the counter moves on), at 50 Hz on the boot clock."""

    def publish(address: str) -> None:
        context = zmq.Context()
        push = connect(context, zmq.PUSH, address)
        drone = Autopilot(7, boot_ms=10_000)
        quiet = Autopilot(8, boot_ms=0)
        for i in range(3000):
            frame = drone.position(LAT0, LON0, step_ms=20)
            if not 1000 <= i < 2000:
                push.send_multipart([b"mavlink/drone-7", frame])
        # Heartbeats carry no time: a gap among them has no upper bound.
        for i in range(10):
            frame = quiet.heartbeat()
            if i != 5:
                push.send_multipart([b"mavlink/drone-8", frame])
        push.close()
        context.term()

    run, summary = run_ingest(haechi_bin, tmp_path, {"socket": "pull", "receive_hwm": 0}, publish)
    source = summary["sources"]["mavlink/drone-7"]
    assert source["sequence"]["gaps"] == 1 and source["sequence"]["missing"] == 1000 % 256
    assert source["mavlink_loss"] == {"estimated": 1000, "minimum": 1000, "maximum": 1000, "unbounded_gaps": 0,
                                      "unchecked_frames": 0}
    quiet = summary["sources"]["mavlink/drone-8"]
    assert quiet["mavlink_loss"] == {"estimated": 1, "minimum": 1, "maximum": None, "unbounded_gaps": 1, "unchecked_frames": 0}
    assert "mavlink/drone-7: MAVLink loss estimated at 1000 frame(s) (exact to the time base); the 8-bit counter alone shows 232" \
        in run.stdout
