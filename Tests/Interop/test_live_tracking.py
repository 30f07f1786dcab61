"""The live tracking stage of `haechi ingest`: a pyzmq subscriber receives `json/tracks` while
`haechi simulate` pushes the quickstart scenario; every message validates against the track schema,
the count equals the summary's `published`, each drone of the scenario gets a track, and the
recording's `haechi/tracks` channel holds exactly the published lines."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import yaml
import zmq

import recordings
from conftest import RECORDINGS, REPO_ROOT, check_recordings
from test_track_interop import track_validator


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_live_tracks_are_published(haechi_bin, tmp_path):
    pull, pub = free_port(), free_port()
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    config["endpoints"] = [{"name": "sensors", "address": f"tcp://127.0.0.1:{pull}", "socket": "pull", "mode": "bind"}]
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml"),
                          "publish": f"tcp://127.0.0.1:{pub}"}
    config_path = tmp_path / "ingest.yaml"
    config_path.write_text(yaml.safe_dump(config))
    summary_path = tmp_path / "summary.json"
    record_dir = tmp_path / RECORDINGS
    ingest = subprocess.Popen([str(haechi_bin), "ingest", "--config", str(config_path), "--idle-timeout", "3",
                               "--summary", str(summary_path), "--record-dir", str(record_dir)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"json/tracks")
    sub.setsockopt(zmq.RCVTIMEO, 500)
    sub.connect(f"tcp://127.0.0.1:{pub}")
    received: list[tuple[bytes, bytes]] = []
    done = threading.Event()

    def listen():
        while not done.is_set():
            try:
                received.append(tuple(sub.recv_multipart()))
            except zmq.Again:
                continue

    listener = threading.Thread(target=listen)
    listener.start()
    try:
        time.sleep(1.0)   # the subscription reaches the PUB socket before the first track
        subprocess.run([str(haechi_bin), "simulate", "--scenario", str(REPO_ROOT / "Config/scenarios/quickstart.yaml"),
                        "--speed", "20", "--socket", "push", "--publish", f"tcp://127.0.0.1:{pull}", "--quiet"],
                       check=True, timeout=120, stdin=subprocess.DEVNULL)
        out, err = ingest.communicate(timeout=60)
        assert ingest.returncode == 0, err.decode()
        time.sleep(0.5)
    finally:
        done.set()
        listener.join()
        sub.close()
        context.term()
        if ingest.poll() is None:
            ingest.kill()
    summary = json.loads(summary_path.read_text())
    tracking = summary["tracking"]
    assert tracking["published"] == len(received) > 0
    assert tracking["publish_failures"] == 0
    validator = track_validator()
    ids = set()
    for topic, payload in received:
        assert topic == b"json/tracks"
        record = json.loads(payload)
        assert not list(validator.iter_errors(record)), record
        ids.add(record["track_id"])
    scenario = yaml.safe_load((REPO_ROOT / "Config/scenarios/quickstart.yaml").read_text())
    drones = len(scenario["drones"])
    assert tracking["tracker"]["confirmed"] == len(ids) >= drones
    assert tracking["tracker"]["detections_used"] == summary["totals"]["records"]["detection"]
    [recording] = check_recordings(record_dir)
    assert recordings.read_recording(recording).track_lines == [payload for _, payload in received]
