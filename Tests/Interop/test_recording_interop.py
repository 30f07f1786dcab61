"""Interop tests of session recording, replay and recovery (docs/recording.md) against real Python peers.

Every recording is read with the PyPI ``mcap`` readers (``recordings.py``) and checked by the shared
validator (``../shared/peers/mcap/validate_mcap.py --foxglove --expect-json``; see conftest). The
tests:

- a simulated live run (``haechi simulate`` pushing the quickstart scenario into ``haechi ingest`` with
  tracking): the recording is valid and finalised, each channel holds exactly the frames the summary
  counted for its source, in receive order, with the run's provenance and the live tracker's lines;
- the interop run (``interop_run``, every kind of defect from the Python publisher): the frames of each
  endpoint are, byte for byte and in order, the messages the publisher sent to it;
- replay: the tracks equal the live run's byte for byte at ``--speed max`` and ``--speed 50``, and the
  regenerated summary's counters equal the live summary's; a ``--from``/``--to`` window replays exactly
  the frames inside it; ``--publish`` re-emits exactly the recorded frames to a pyzmq subscriber;
- malformed frames land on ``malformed/<source>`` with a ``haechi/frame_flags`` reason each, and a
  replay counts them as the live run did;
- ``kill -9`` at seeded random moments while a pyzmq sender streams numbered frames: ``haechi recover``
  rebuilds a valid file whose frames are exactly a prefix of what was sent, missing nothing sent more
  than 2.5 s before the kill; the next ingest lists the unfinished file; recover never overwrites;
- a damaged chunk in the middle of a recording (bytes flipped in its compressed records, its CRC or its
  length broken): ``haechi recover`` skips it, keeps every message of the chunks before and after it
  (read back with the PyPI reader), and says how many chunks, bytes and messages it skipped;
- never overwrite: a run whose name is taken writes ``-2``; two runs started together write two files;
- the run log: a run killed with SIGKILL keeps its ``run-start`` entry, and ``haechi runs list`` shows it
  as never ended (``running`` while it runs); a clean run adds its ``recording`` entry, found by id;
- a write failure (``RLIMIT_FSIZE``): exit 1, a message naming the file and ``haechi recover``, stop
  reason ``recording_failure``, a ``run-failed`` entry in the run log, and a recoverable file.

No assertion depends on how fast the machine is: timeouts are generous and only orders and counts
are compared.
"""

from __future__ import annotations

import hashlib
from collections import Counter
import io
import json
import random
import re
import signal
import socket
import sqlite3
import struct
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
import zmq
from mcap.reader import make_reader
from mcap.records import Chunk, Message
from mcap.stream_reader import StreamReader, breakup_chunk

import haechi_peer as peer
import recordings
from quickstart_run import run_quickstart
from conftest import (EXIT_TIMEOUT_S, feeding_push, LOCALHOST_ANY_PORT, RECORDINGS, REPO_ROOT, HaechiRun, check_recordings,
                      ingest_config, launch_haechi, mcap_peer_present, pull_endpoint,
                      validate_recording)
from test_ingest_interop import assert_sources_match
from test_schemas import SUMMARY

REPLAY_TIMEOUT_S = 300  # a replay of a few thousand frames takes about a second; this is for a loaded machine
RECOVER_TIMEOUT_S = 120
RUN_NAME = re.compile(r"^run-\d{8}T\d{6}Z(-\d+)?\.mcap$")
#: Counters of a source that replay must regenerate exactly (every key of SourceStatistics; the receive
#: times are the recorded ones, so they are compared too).
SOURCE_KEYS = ("frames_received", "bytes_received", "frames_malformed", "frames_shed", "records", "malformed",
               "sequence", "truth_fixes", "first_t_ns", "last_t_ns", "first_receive_ns", "last_receive_ns")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary_errors(summary: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in SUMMARY.iter_errors(summary)]


def status_payload(source: str, i: int) -> bytes:
    """A valid status record with seq ``i`` (docs/wire-formats.md), distinct for every ``i``."""
    return json.dumps({"type": "status", "t_ns": peer.T0_NS + i * 500_000, "sensor_id": source, "lat": 35.85,
                       "lon": 126.55, "alt": 5.0, "state": "ok", "seq": i}, separators=(",", ":")).encode()


def only_recording(run: HaechiRun) -> Path:
    files = run.recordings()
    assert len(files) == 1, f"expected one recording in {run.record_dir}, found {files}\n{run.describe()}"
    return files[0]


@dataclass
class Replay:
    """One finished ``haechi replay``."""

    result: subprocess.CompletedProcess
    summary: dict
    tracks: Path | None


def replay(binary: Path, recording: Path, workdir: Path, name: str, *args: str, tracks: bool = True) -> Replay:
    """Run ``haechi replay RECORDING --summary <name>.json [--tracks-out <name>.jsonl] ARGS`` to the end."""
    summary = workdir / f"{name}.json"
    tracks_out = workdir / f"{name}.jsonl" if tracks else None
    argv = [str(binary), "replay", str(recording), "--summary", str(summary), "--quiet", *args]
    if tracks_out:
        argv += ["--tracks-out", str(tracks_out)]
    result = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=REPLAY_TIMEOUT_S)
    assert result.returncode == 0, f"{' '.join(argv)} exited {result.returncode}\n{result.stderr}"
    return Replay(result, json.loads(summary.read_text()), tracks_out)


def recover(binary: Path, path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), "recover", str(path), *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=RECOVER_TIMEOUT_S)


def recovered_path(path: Path) -> Path:
    """Where ``haechi recover`` writes by default: ``x.mcap`` -> ``x.recovered.mcap``."""
    return path.with_name(path.name.removesuffix(".mcap") + ".recovered.mcap")


def assert_counters_regenerated(replayed: dict, live: dict) -> None:
    """The regenerated summary's per-source and total counters, and its endpoints' frame counts, equal
    the live summary's."""
    assert sorted(replayed["sources"]) == sorted(live["sources"])
    diff = {name: {key: (replayed["sources"][name].get(key), source.get(key)) for key in SOURCE_KEYS
                   if replayed["sources"][name].get(key) != source.get(key)}
            for name, source in live["sources"].items()}
    diff = {name: d for name, d in diff.items() if d}
    assert not diff, f"replayed sources differ from the live run's (replayed, live):\n{json.dumps(diff, indent=1)}"
    assert replayed["totals"] == live["totals"]
    assert ([(e["name"], e["frames_received"]) for e in replayed["endpoints"]]
            == [(e["name"], e["frames_received"]) for e in live["endpoints"]])
    assert replayed["config_file"] == live["config_file"]


# --------------------------------------------------------------------------------------------------
# A simulated live run: haechi simulate pushes the quickstart scenario into haechi ingest, which tracks


@dataclass
class LiveSession:
    workdir: Path
    run: HaechiRun
    recording: Path
    summary: dict
    tracks: Path  # --tracks-out of the live run
    simulated: dict  # simulate's summary
    config_text: str
    validation: str  # the validator's report


@pytest.fixture(scope="module")
def live_session(haechi_bin, tmp_path_factory) -> LiveSession:
    workdir = tmp_path_factory.mktemp("live")
    quickstart = run_quickstart(haechi_bin, workdir, record=True, receive_hwm=100000)
    run, tracks = quickstart.run, quickstart.tracks
    simulate_summary = quickstart.simulated
    recording = only_recording(run)
    validation = validate_recording(recording)
    return LiveSession(workdir, run, recording, run.summary(), tracks, simulate_summary, run.config.read_text(),
                       validation)


@pytest.fixture(scope="module")
def live_recording(live_session) -> recordings.Recording:
    return recordings.read_recording(live_session.recording)


def test_live_run_is_recorded_and_finalised(live_session):
    summary, path = live_session.summary, live_session.recording
    assert RUN_NAME.match(path.name), path.name
    assert path.parent == live_session.run.record_dir
    if mcap_peer_present():
        assert f"RESULT {path}: OK" in live_session.validation, live_session.validation
    assert summary["stop_reason"] == "idle"
    assert not summary_errors(summary), summary_errors(summary)
    total = summary["totals"]["frames_received"]
    assert total == live_session.simulated["messages_sent"] > 0
    assert summary["recording"] == {"path": str(path), "run_id": path.stem, "frames_recorded": total, "frames_lost": 0,
                                    "finalised": True, "frames_overflowed": 0, "fixes_overflowed": 0, "sites_left_out": 0}
    assert recordings.is_finalised(path)


def test_live_channels_hold_exactly_the_counted_frames(live_session, live_recording):
    """Per source: the decoded, malformed and shed channels together hold frames_received messages, the
    malformed channel frames_malformed and the shed channel frames_shed; and each topic holds as many
    as the simulator says it sent."""
    counts = live_recording.counts()
    sources = live_session.summary["sources"]
    frame_topics = {f.topic for f in live_recording.frames}
    for name, source in sources.items():
        decoded, malformed, shed = counts[name], counts[f"malformed/{name}"], counts[f"shed/{name}"]
        assert (decoded + malformed + shed, malformed, shed) == (
            source["frames_received"], source["frames_malformed"], source["frames_shed"]), name
    assert frame_topics <= set(sources) | {f"malformed/{s}" for s in sources} | {f"shed/{s}" for s in sources}
    assert {topic: counts[topic] for topic in live_session.simulated["topics"]} == {
        topic: t["messages"] for topic, t in live_session.simulated["topics"].items()}
    for channel in live_recording.channels.values():
        if channel.metadata.get("frames") is None:
            continue
        assert dict(channel.metadata) == {"endpoint": "sensors", "endpoint_index": "0", "source": channel.topic,
                                          "frames": "decoded"}, channel
        schema = live_recording.schemas.get(channel.schema_id)
        if channel.topic.startswith("json/"):
            assert channel.message_encoding == "json" and schema.encoding == "jsonschema"
        else:
            assert channel.topic.startswith("mavlink/")
            assert (channel.message_encoding, channel.schema_id) == ("mavlink", 0)


def test_live_frames_are_in_receive_order(live_session, live_recording):
    """sequence = the global receive sequence (0, 1, 2, ... in file order), log_time = publish_time =
    receive time, and the first and last receive times equal the summary's. (Receive times come from
    the wall clock, so they are not asserted to be non-decreasing: a clock step would break that.)"""
    frames = live_recording.frames
    assert [f.sequence for f in frames] == list(range(len(frames)))
    assert all(f.log_time == f.publish_time for f in frames)
    totals = live_session.summary["totals"]
    assert (frames[0].log_time, frames[-1].log_time) == (totals["first_receive_ns"], totals["last_receive_ns"])
    for name, group in live_recording.frames_by_source().items():
        source = live_session.summary["sources"][name]
        assert (group[0].log_time, group[-1].log_time) == (source["first_receive_ns"], source["last_receive_ns"])


def test_live_recording_metadata(live_session, live_recording):
    run, end = live_recording.metadata["haechi.run"], live_recording.metadata["haechi.run_end"]
    summary = live_session.summary
    assert live_recording.profile == "haechi"
    assert run["run_id"] == live_session.recording.stem
    assert run["config_file"] == summary["config_file"]
    assert run["config"] == live_session.config_text
    assert run["tracker_config"] == (REPO_ROOT / "Config/tracker.yaml").read_text()
    assert (run["software"], run["version"]) == ("haechi", summary["software"]["version"])
    assert run["site_name"] == "Saemangeum counter-UAS demonstration testbed"
    origin = json.loads(run["site_origin"])
    assert (origin["lat"], origin["lon"]) == (35.85, 126.55)
    assert int(run["started_ns"]) > 0 and run["started_utc"].endswith("Z")
    assert "commit" in run
    total = summary["totals"]["frames_received"]
    assert end["stop_reason"] == "idle"
    assert (int(end["frames_received"]), int(end["frames_recorded"])) == (total, total)
    assert (int(end["first_frame_ns"]), int(end["last_frame_ns"])) == (
        summary["totals"]["first_receive_ns"], summary["totals"]["last_receive_ns"])
    assert int(run["started_ns"]) <= int(end["first_frame_ns"]) <= int(end["last_frame_ns"]) <= int(end["ended_ns"])


def test_live_recording_holds_tracks_truth_and_sites(live_session, live_recording):
    live_lines = live_session.tracks.read_bytes().splitlines()
    assert len(live_lines) > 0
    assert live_recording.track_lines == live_lines
    counts = live_recording.counts()
    per_track = {t: n for t, n in counts.items() if t.startswith("/tracks/")}
    assert sum(per_track.values()) == len(live_lines)
    assert len(per_track) == live_session.summary["tracking"]["tracker"]["confirmed"]
    truth = {t: n for t, n in counts.items() if t.startswith("/truth/")}
    scenario = yaml.safe_load((REPO_ROOT / "Config/scenarios/quickstart.yaml").read_text())
    assert sorted(truth) == sorted(f"/truth/{d['id']}" for d in scenario["drones"])
    assert sum(truth.values()) == sum(live_session.summary["totals"]["truth_fixes"].values())
    assert counts["/sites"] >= 1
    schemas = {c.topic: live_recording.schemas[c.schema_id].name for c in live_recording.channels.values()
               if c.schema_id != 0}
    assert schemas["/sites"] == "foxglove.GeoJSON"
    assert schemas["haechi/tracks"] == "haechi.Track"
    assert {schemas[t] for t in (*per_track, *truth)} == {"foxglove.LocationFix"}
    assert schemas["/tracks"] == "foxglove.LocationFixes"
    assert schemas["/scene/tracks"] == schemas["/scene/sensors"] == "foxglove.SceneUpdate"


def test_live_recording_foxglove_messages_are_valid_and_distinct(live_session, live_recording):
    """Every foxglove.* message parses as Foxglove's own message (foxglove-schemas-protobuf, strictly:
    no unknown field, no mistyped value). Truth and tracks differ in colour; track fixes carry their
    velocity and heading; /tracks holds every step's tracks in one LocationFixes, and the 3D scene
    has the tracks and the sensors (with their coverage rings) in the site's ENU frame."""
    import math
    import foxglove_check
    schemas = {c.id: live_recording.schemas[c.schema_id].name for c in live_recording.channels.values() if c.schema_id != 0}
    by_topic: dict[str, list[dict]] = {}
    checked = Counter()
    for topic, message in live_recording.messages:
        name = schemas.get(message.channel_id, "")
        if not name.startswith("foxglove."):
            continue
        body = json.loads(message.data)
        foxglove_check.parse(name, body)
        checked[name] += 1
        by_topic.setdefault(topic, []).append(body)
    assert set(checked) == {"foxglove.LocationFix", "foxglove.LocationFixes", "foxglove.SceneUpdate", "foxglove.GeoJSON"}, checked

    truth_colours = {json.dumps(m["color"], sort_keys=True) for t, ms in by_topic.items() if t.startswith("/truth/") for m in ms}
    track_fixes = [m for t, ms in by_topic.items() if t.startswith("/tracks/") for m in ms]
    track_colours = {json.dumps(m["color"], sort_keys=True) for m in track_fixes}
    assert len(truth_colours) == 1 and len(track_colours) == 1 and truth_colours != track_colours
    assert all("velocity" in m for m in track_fixes)
    moving = [m for m in track_fixes if math.hypot(m["velocity"]["x"], m["velocity"]["y"]) > 1]
    assert moving
    for m in moving:  # heading: clockwise from north, from the ENU velocity
        want = math.atan2(m["velocity"]["x"], m["velocity"]["y"]) % (2 * math.pi)
        assert abs((m["heading"] - want + math.pi) % (2 * math.pi) - math.pi) < 1e-3, m

    # One LocationFixes per tracker step: together they hold every per-track fix, in the same order.
    pictures = by_topic["/tracks"]
    def key(fix: dict) -> str:
        return json.dumps(fix, sort_keys=True)
    assert Counter(key(f) for p in pictures for f in p["fixes"]) == Counter(key(m) for m in track_fixes)
    assert all(len({json.dumps(f["timestamp"]) for f in p["fixes"]}) <= 1 for p in pictures)  # one step each
    assert sum(len(p["fixes"]) for p in pictures) == len(live_session.tracks.read_bytes().splitlines())

    scenes = by_topic["/scene/tracks"]
    assert len(scenes) == len(pictures)
    entities = [e for s in scenes for e in s["entities"]]
    assert entities and all(e["frame_id"] == "site_enu" and e["id"].startswith("track/") and e["spheres"] for e in entities)
    sensors = [e for s in by_topic["/scene/sensors"] for e in s["entities"]]
    sites = json.loads(by_topic["/sites"][-1]["geojson"])["features"]
    assert sites and {e["id"] for e in sensors} >= {f"sensor/{f['properties']['name']}" for f in sites}
    assert any(e["lines"] and len(e["lines"][0]["points"]) == 73 for e in sensors), "no coverage ring"


# --------------------------------------------------------------------------------------------------
# The interop run: what the Python publisher sent, per endpoint, is what was recorded


def test_interop_recording_holds_exactly_what_the_publisher_sent(interop_run):
    """Each endpoint has one sender, so its frames arrive in send order: the recorded frames of the
    ``sensors`` (PUSH) and ``drones`` (XPUB) endpoints are the plan's messages to each, part for part."""
    [path] = interop_run.run.recordings()
    rec = recordings.read_recording(path)
    sent = {"sensors": [m.parts for m in interop_run.plan if not m.is_mavlink],
            "drones": [m.parts for m in interop_run.plan if m.is_mavlink]}
    recorded = {name: [f.parts for f in rec.frames if f.endpoint == name] for name in sent}
    for name in sent:
        assert len(recorded[name]) == len(sent[name]), name
        first = next((i for i, (a, b) in enumerate(zip(recorded[name], sent[name])) if a != b), None)
        assert first is None, f"{name}: frame {first} recorded as {recorded[name][first]!r}, sent {sent[name][first]!r}"
    summary = interop_run.run.summary()
    assert summary["recording"]["finalised"] and summary["recording"]["frames_recorded"] == len(rec.frames)
    malformed = sum(1 for f in rec.frames if f.kind == "malformed")
    assert malformed == summary["totals"]["frames_malformed"] > 0
    assert len(rec.flags) == malformed and not rec.stray_flags


def test_interop_recording_replays_to_the_same_counters(haechi_bin, interop_run, tmp_path):
    [path] = interop_run.run.recordings()
    result = replay(haechi_bin, path, tmp_path, "replay", tracks=False)
    assert_counters_regenerated(result.summary, interop_run.run.summary())
    assert not summary_errors(result.summary), summary_errors(result.summary)


# --------------------------------------------------------------------------------------------------
# Replay determinism


@dataclass
class Replays:
    full: Replay  # --speed max
    paced: Replay  # --speed 50


@pytest.fixture(scope="module")
def replays(haechi_bin, live_session) -> Replays:
    workdir = live_session.workdir / "replays"
    workdir.mkdir()
    return Replays(replay(haechi_bin, live_session.recording, workdir, "r1"),
                   replay(haechi_bin, live_session.recording, workdir, "r2", "--speed", "50"))


def test_replay_tracks_equal_the_live_tracks_byte_for_byte(live_session, replays):
    live = live_session.tracks.read_bytes()
    assert live
    assert replays.full.tracks.read_bytes() == live
    assert replays.paced.tracks.read_bytes() == live


def test_replay_summary_regenerates_the_live_counters(live_session, replays):
    live = live_session.summary
    for result in (replays.full, replays.paced):
        summary = result.summary
        assert not summary_errors(summary), summary_errors(summary)
        assert summary["format"] == "haechi-ingest-summary/1"
        assert summary["stop_reason"] == "end_of_recording"
        assert_counters_regenerated(summary, live)
        assert summary["tracking"]["tracker"] == live["tracking"]["tracker"]
        assert summary["tracking"]["incomplete_scans"] == live["tracking"]["incomplete_scans"]
        assert "recording" not in summary


def test_replay_object(live_session, replays):
    total = live_session.summary["totals"]["frames_received"]
    lines = len(live_session.tracks.read_bytes().splitlines())
    for result, speed in ((replays.full, "max"), (replays.paced, "50")):
        r = result.summary["replay"]
        assert r["recording"] == str(live_session.recording)
        assert r["run_id"] == live_session.recording.stem
        assert r["speed"] == speed
        assert (r["frames_replayed"], r["frames_skipped"], r["frames_published"]) == (total, 0, 0)
        assert r["track_lines"] == r["recorded_track_lines"] == lines
        assert r["tracks_match_recording"] is True
        assert r.get("first_track_difference") is None
        assert r["recording_finalised"] is True
        totals = live_session.summary["totals"]
        assert r["recorded_seconds"] == pytest.approx((totals["last_receive_ns"] - totals["first_receive_ns"]) / 1e9)
        assert r["wall_seconds"] >= 0


def test_replay_window_replays_only_the_frames_inside_it(haechi_bin, live_session, live_recording, tmp_path):
    """--from/--to (seconds after the first frame) replay exactly the frames inside the window; frames
    before it are skipped, reading stops after it, and the tracks are not compared (null)."""
    frames = live_recording.frames
    t0 = frames[0].log_time
    span = (frames[-1].log_time - t0) / 1e9
    start, end = round(span * 0.25, 3), round(span * 0.6, 3)
    offsets = [(f.log_time - t0) / 1e9 for f in frames]  # the same double arithmetic as the replayer
    expect_skipped = sum(1 for o in offsets if o < start)
    expect_replayed = sum(1 for o in offsets if start <= o <= end)
    result = replay(haechi_bin, live_session.recording, tmp_path, "window", "--from", str(start), "--to", str(end))
    r = result.summary["replay"]
    assert (r["frames_replayed"], r["frames_skipped"]) == (expect_replayed, expect_skipped)
    assert 0 < r["frames_replayed"] and r["frames_replayed"] + r["frames_skipped"] <= len(frames)
    assert r.get("tracks_match_recording") is None
    assert r.get("first_track_difference") is None
    assert result.summary["totals"]["frames_received"] == expect_replayed
    assert not summary_errors(result.summary), summary_errors(result.summary)


def test_replay_publish_reemits_the_recorded_frames(haechi_bin, live_session, live_recording, tmp_path):
    """A pyzmq SUB (connected first, subscribed to everything) receives every recorded frame's parts, in
    order: replay --publish waits a second for subscribers before the first frame."""
    port = free_port()
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 0)
    sub.setsockopt(zmq.RECONNECT_IVL, 20)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(f"tcp://127.0.0.1:{port}")
    summary = tmp_path / "publish.json"
    process = subprocess.Popen([str(haechi_bin), "replay", str(live_session.recording), "--publish",
                                f"tcp://127.0.0.1:{port}", "--summary", str(summary), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    received: list[tuple[bytes, ...]] = []
    try:
        deadline = time.monotonic() + REPLAY_TIMEOUT_S
        while time.monotonic() < deadline:
            if sub.poll(100, zmq.POLLIN):
                while True:
                    try:
                        received.append(tuple(sub.recv_multipart(zmq.NOBLOCK)))
                    except zmq.Again:
                        break
            elif process.poll() is not None and not sub.poll(2000, zmq.POLLIN):
                break
        else:
            pytest.fail(f"replay --publish did not finish within {REPLAY_TIMEOUT_S} s")
    finally:
        sub.close(linger=0)
        context.term()
        if process.poll() is None:
            process.kill()
        stderr = process.communicate()[1].decode(errors="replace")
    assert process.returncode == 0, stderr
    expected = [f.parts for f in live_recording.frames]
    assert len(received) == len(expected)
    assert received == expected
    r = json.loads(summary.read_text())["replay"]
    assert r["frames_published"] == r["frames_replayed"] == len(expected)


# --------------------------------------------------------------------------------------------------
# Malformed frames


#: (parts, the reason Haechi gives, the source it counts them under); sent between good frames.
BAD_FRAMES = [
    ((b"json/bad-json", b"{not json"), "malformed_json", "json/bad-json"),
    ((b"json/three", b'{"type": "meta", "format": "x"}', b"extra"), "bad_envelope", "json/three"),
    ((b"xml/radar-9", b"<scan sensor='9'/>"), "unknown_format", "xml/radar-9"),
    ((b"not a topic", b"{}"), "bad_topic", "!bad-topic@sensors"),
    ((b"json/schema", b'{"type": "status"}'), "schema_invalid", "json/schema"),
    ((b"json/empty", b""), "empty_frame", "json/empty"),
    ((b"json/lonely",), "bad_envelope", "json/lonely"),
]


@dataclass
class MalformedSession:
    run: HaechiRun
    sent: list[tuple[bytes, ...]]
    expected: list[tuple[str, str | None, str]]  # per sent message: (kind, reason, source)
    tally: dict
    recording: Path


def record_messages(binary: Path, workdir: Path, messages: list[peer.WireMessage],
                    *args: str) -> tuple[HaechiRun, dict, Path]:
    """One ingest run (PULL, connecting to the publisher's PUSH) that receives ``messages`` in order and
    stops when idle: the run, the publisher's tally and the run's one recording (validated)."""
    with peer.Publisher(LOCALHOST_ANY_PORT, bind=True) as publisher:
        run = launch_haechi(binary, workdir, ingest_config([pull_endpoint("sensors", publisher.push_endpoint)]),
                            ("--idle-timeout", "3", "--duration", "120", "--quiet", *args))
        publisher.publish(messages)
    assert run.wait() == 0, run.describe()
    [path] = run.check_recordings()
    return run, publisher.tally.as_dict(), path


def good_and_bad_messages(rounds: int) -> tuple[list[peer.WireMessage], list[tuple[str, str | None, str]]]:
    """A good status frame, then one of BAD_FRAMES, ``rounds`` times; and per message (kind, reason, source)."""
    messages, expected = [], []
    for i in range(rounds):
        messages.append(peer.record_message("json/good-1", json.loads(status_payload("good-1", i))))
        expected.append(("decoded", None, "json/good-1"))
        parts, reason, source = BAD_FRAMES[i % len(BAD_FRAMES)]
        messages.append(peer.defect_message(parts, reason, usable_topic=not source.startswith("!")))
        expected.append(("malformed", reason, source))
    return messages, expected


@pytest.fixture(scope="module")
def malformed_session(haechi_bin, tmp_path_factory) -> MalformedSession:
    messages, expected = good_and_bad_messages(3 * len(BAD_FRAMES))
    run, tally, path = record_messages(haechi_bin, tmp_path_factory.mktemp("malformed"), messages)
    return MalformedSession(run, [m.parts for m in messages], expected, tally, path)


def test_malformed_frames_are_recorded_whole_and_flagged(malformed_session):
    rec = recordings.read_recording(malformed_session.recording)
    assert_sources_match(malformed_session.run.summary(), malformed_session.tally)
    assert [f.parts for f in rec.frames] == malformed_session.sent
    assert not rec.stray_flags
    for i, (frame, (kind, reason, source)) in enumerate(zip(rec.frames, malformed_session.expected)):
        assert (frame.kind, frame.source) == (kind, source), i
        if kind == "decoded":
            assert frame.topic == source and i not in rec.flags
            continue
        assert frame.topic == f"malformed/{source}"
        channel = next(c for c in rec.channels.values() if c.topic == frame.topic)
        assert channel.message_encoding == "haechi.zmq-multipart" and channel.schema_id == 0
        assert rec.flags[i] == {"seq": frame.sequence, "endpoint": 0, "reason": reason, "truncated": False}, i
    counts = rec.counts()
    assert counts["haechi/frame_flags"] == sum(1 for kind, _, _ in malformed_session.expected if kind == "malformed")


def test_replay_counts_malformed_frames_as_the_live_run_did(haechi_bin, malformed_session, tmp_path):
    live = malformed_session.run.summary()
    result = replay(haechi_bin, malformed_session.recording, tmp_path, "replay", tracks=False)
    assert_counters_regenerated(result.summary, live)
    assert result.summary["totals"]["malformed"] == live["totals"]["malformed"]
    assert live["totals"]["frames_malformed"] == len(BAD_FRAMES) * 3
    assert not summary_errors(result.summary), summary_errors(result.summary)


@pytest.mark.parametrize("compression", ["zstd", "lz4"])
def test_compressed_recording_validates_and_replays(haechi_bin, tmp_path, compression):
    """--compression zstd/lz4: the Python readers (zstandard, lz4) decompress every chunk, the frames are
    the ones sent, and a replay regenerates the counters."""
    messages, _ = good_and_bad_messages(400)
    run, tally, path = record_messages(haechi_bin, tmp_path, messages, "--compression", compression)
    with open(path, "rb") as f:
        chunks = [r for r in recordings.StreamReader(f, emit_chunks=True).records
                  if isinstance(r, recordings.Chunk)]
    assert chunks and {c.compression for c in chunks} == {compression}
    assert [f.parts for f in recordings.read_recording(path).frames] == [m.parts for m in messages]
    assert_sources_match(run.summary(), tally)
    assert_counters_regenerated(replay(haechi_bin, path, tmp_path, "replay", tracks=False).summary, run.summary())


# --------------------------------------------------------------------------------------------------
# kill -9, and haechi recover

KILL_SEEDS = (11, 23, 37)
SEND_RATE_HZ = 2000
#: The recorder closes a chunk once its first frame is 1 s old (checked at least every 200 ms), so a
#: kill loses at most about 1.2 s of frames; everything sent before this margin must survive.
KILL_SAFE_MARGIN_S = 2.5
CRASH_SOURCE = "crash-test"


@dataclass
class Sent:
    payload: bytes
    at: float  # time.monotonic() after the send returned


def stream_until_kill(push: zmq.Socket, run: HaechiRun, kill_after_s: float) -> tuple[list[Sent], float]:
    """Send numbered status frames at SEND_RATE_HZ from the first one Haechi takes; SIGKILL Haechi
    ``kill_after_s`` later. Returns what was sent and the (monotonic) time of the kill."""
    topic = f"json/{CRASH_SOURCE}".encode()
    sent: list[Sent] = []
    push.send_multipart([topic, payload := status_payload(CRASH_SOURCE, 0)])  # blocks until Haechi connects
    started = time.monotonic()
    sent.append(Sent(payload, started))
    kill_at = started + kill_after_s
    while (now := time.monotonic()) < kill_at:
        due = min(int((now - started) * SEND_RATE_HZ) + 1, int(kill_after_s * SEND_RATE_HZ) + 1)
        while len(sent) < due:
            push.send_multipart([topic, payload := status_payload(CRASH_SOURCE, len(sent))])
            sent.append(Sent(payload, time.monotonic()))
        assert run.process.poll() is None, f"haechi exited before the kill\n{run.describe()}"
        time.sleep(0.002)
    killed_at = time.monotonic()
    run.process.send_signal(signal.SIGKILL)
    run.process.wait(timeout=30)
    return sent, killed_at


@pytest.mark.parametrize("seed", KILL_SEEDS)
def test_kill_9_then_recover_keeps_a_prefix_of_what_was_sent(haechi_bin, tmp_path, seed):
    kill_after_s = random.Random(seed).uniform(2.0, 5.0)
    context = zmq.Context()
    push, config = feeding_push(context)
    record_dir = tmp_path / RECORDINGS
    run = launch_haechi(haechi_bin, tmp_path / "killed", config,
                        ("--record-dir", str(record_dir), "--duration", "120", "--quiet"))
    try:
        sent, killed_at = stream_until_kill(push, run, kill_after_s)
    finally:
        run.kill()
        push.close(linger=0)
        context.term()
    assert run.process.returncode == -signal.SIGKILL
    assert not run.summary_path.exists()
    path = only_recording(run)
    assert not recordings.is_finalised(path)
    validate_recording(path, allow_truncated=True)  # everything before the cut reads

    # the next ingest on that folder lists the unfinished recording, and records anew
    following = launch_haechi(haechi_bin, tmp_path / "next", config,
                              ("--record-dir", str(record_dir), "--duration", "0.5", "--quiet"))
    assert following.wait(timeout=60) == 0, following.describe()
    assert "1 unfinished recording(s) in" in following.stderr and f"haechi recover {path}" in following.stderr, following.stderr

    # recover: a valid, indexed copy beside it
    result = recover(haechi_bin, path)
    out = recovered_path(path)
    assert result.returncode == 0, result.stderr
    assert re.match(rf"recovered (\d+) messages from {re.escape(str(path))} into {re.escape(str(out))}\n", result.stdout), \
        result.stdout
    validate_recording(out)
    rec = recordings.read_recording(out)
    messages = int(result.stdout.split()[1])
    assert messages == len(rec.messages)
    assert "haechi.run" in rec.metadata and "haechi.run_end" not in rec.metadata

    # the frames: exactly a prefix of what was sent, with nothing older than the margin missing
    frames = [f.data for f in rec.frames]
    assert all(f.topic == f"json/{CRASH_SOURCE}" for f in rec.frames)
    sent_payloads = [s.payload for s in sent]
    assert frames == sent_payloads[:len(frames)], "the recovered frames are not a prefix of the sent frames"
    must_survive = sum(1 for s in sent if s.at < killed_at - KILL_SAFE_MARGIN_S)
    assert len(frames) >= must_survive, (
        f"kill after {kill_after_s:.2f} s: {len(frames)} of {len(sent)} frames recovered, but {must_survive} were "
        f"sent more than {KILL_SAFE_MARGIN_S} s before the kill")
    assert [f.sequence for f in rec.frames] == list(range(len(frames)))

    # recover never overwrites
    before = out.read_bytes()
    again = recover(haechi_bin, path)
    assert again.returncode == 1, again.stdout + again.stderr
    assert str(out) in again.stderr and "exists" in again.stderr, again.stderr
    assert out.read_bytes() == before
    elsewhere = tmp_path / "elsewhere.mcap"
    quiet = recover(haechi_bin, path, "--out", str(elsewhere), "--quiet")
    assert (quiet.returncode, quiet.stdout) == (0, ""), quiet.stderr
    assert [f.data for f in recordings.read_recording(elsewhere).frames] == frames

    # a replay of the unfinished file reads up to its last complete chunk: the same frames
    unfinished = replay(haechi_bin, path, tmp_path, "unfinished", tracks=False)
    assert unfinished.summary["replay"]["recording_finalised"] is False
    assert unfinished.summary["replay"]["frames_replayed"] == len(frames)
    assert unfinished.summary["totals"]["frames_received"] == len(frames)

    # once recovered, it is no longer listed (nor is the recovered copy)
    after = launch_haechi(haechi_bin, tmp_path / "after", config,
                          ("--record-dir", str(record_dir), "--duration", "0.5", "--quiet"))
    assert after.wait(timeout=60) == 0, after.describe()
    assert "unfinished recording" not in after.stderr, after.stderr
    assert len(check_recordings(record_dir, allow_unfinished=True)) == 4  # killed, recovered, two new


# --------------------------------------------------------------------------------------------------
# The run log: a run is logged as it starts and as it ends, so a killed run is still in it

PLAN = REPO_ROOT / "Config/plans/radar-acceptance.yaml"


def run_log_rows(log: Path) -> list[tuple]:
    """(sequence, kind, run_id, recording_path, recording_sha256, metrics) of every entry, read with
    Python's sqlite3 (read-only); [] while the log does not exist yet."""
    if not log.exists():
        return []
    try:
        with sqlite3.connect(f"file:{log}?mode=ro", uri=True, timeout=30) as db:
            return db.execute("SELECT sequence, kind, run_id, recording_path, recording_sha256, metrics FROM runs "
                              "ORDER BY sequence").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):   # the file is made a moment before its table
            return []
        raise


def haechi_cli(binary: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=RECOVER_TIMEOUT_S)


def list_line(listing: str, sequence: int) -> str:
    return next((line for line in listing.splitlines() if line.split()[:1] == [str(sequence)]), "")


def test_a_killed_run_stays_in_the_run_log_as_never_ended(haechi_bin, tmp_path):
    record_dir = tmp_path / RECORDINGS
    log = record_dir / "runlog.sqlite"
    context = zmq.Context()
    push, config = feeding_push(context)
    run = launch_haechi(haechi_bin, tmp_path / "killed", config,
                        ("--record-dir", str(record_dir), "--duration", "120", "--quiet"))
    try:
        topic = f"json/{CRASH_SOURCE}".encode()
        push.send_multipart([topic, status_payload(CRASH_SOURCE, 0)])  # blocks until Haechi connects
        deadline = time.monotonic() + 60
        while not run_log_rows(log):  # the start is logged once the run is under way
            assert run.process.poll() is None and time.monotonic() < deadline, run.describe()
            time.sleep(0.05)
        for i in range(1, 200):
            push.send_multipart([topic, status_payload(CRASH_SOURCE, i)])
        running = haechi_cli(haechi_bin, "runs", "list", "--log", str(log))
        run.process.send_signal(signal.SIGKILL)
        run.process.wait(timeout=30)
    finally:
        run.kill()
        push.close(linger=0)
        context.term()
    assert run.process.returncode == -signal.SIGKILL
    path = only_recording(run)
    assert not recordings.is_finalised(path)

    # One entry: the run's start, naming its (unfinished) recording, with no SHA-256 yet.
    rows = run_log_rows(log)
    assert [row[:5] for row in rows] == [(1, "run-start", path.stem, path.name, None)], rows
    started = recordings.read_recording(path, up_to_cut=True).metadata["haechi.run"]["started_utc"]
    assert json.loads(rows[0][5]) == {"started_utc": started}
    assert running.returncode == 0 and list_line(running.stdout, 1).endswith(" running"), running.stdout

    listed = haechi_cli(haechi_bin, "runs", "list", "--log", str(log))
    assert listed.returncode == 0, listed.stderr
    line = list_line(listed.stdout, 1)
    assert "run-start" in line and path.stem in line and "NEVER ENDED (killed or crashed" in line, listed.stdout
    shown = haechi_cli(haechi_bin, "runs", "show", path.stem, "--log", str(log))
    assert shown.returncode == 0, shown.stderr
    assert [(e["kind"], e["recording_path"], e.get("recording_sha256")) for e in json.loads(shown.stdout)] == \
        [("run-start", path.name, None)]
    # The JSON a column holds is shown as JSON, not as a string inside JSON; --raw shows the stored text.
    assert json.loads(shown.stdout)[0]["metrics"] == {"started_utc": started}
    raw = haechi_cli(haechi_bin, "runs", "show", path.stem, "--log", str(log), "--raw")
    assert json.loads(json.loads(raw.stdout)[0]["metrics"]) == {"started_utc": started}
    verified = haechi_cli(haechi_bin, "runs", "verify", "--log", str(log))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    refused = haechi_cli(haechi_bin, "report", path.stem, "--plan", str(PLAN), "--format", "json",
                         "--out", str(tmp_path / "report-killed"), "--log", str(log))
    assert refused.returncode == 1 and "never ended" in refused.stderr and "haechi recover" in refused.stderr, \
        refused.stderr
    assert not (tmp_path / "report-killed").exists()
    assert [row[:2] for row in run_log_rows(log)] == [(1, "run-start")]

    # A run that stops cleanly: its start, then its recording; the killed run is still never ended.
    following = launch_haechi(haechi_bin, tmp_path / "next", config,
                              ("--record-dir", str(record_dir), "--duration", "0.5", "--quiet"))
    assert following.wait(timeout=60) == 0, following.describe()
    second = Path(following.summary()["recording"]["path"])
    rows = run_log_rows(log)
    assert [row[:4] for row in rows] == [(1, "run-start", path.stem, path.name),
                                         (2, "run-start", second.stem, second.name),
                                         (3, "recording", second.stem, second.name)], rows
    assert rows[2][4] == hashlib.sha256(second.read_bytes()).hexdigest()
    listed = haechi_cli(haechi_bin, "runs", "list", "--log", str(log))
    assert "NEVER ENDED" in list_line(listed.stdout, 1), listed.stdout
    assert list_line(listed.stdout, 2).endswith(" ended (entry 3)"), listed.stdout
    assert haechi_cli(haechi_bin, "runs", "verify", "--log", str(log)).returncode == 0
    # A report by run id still finds the run's recording through its `recording` entry.
    reported = haechi_cli(haechi_bin, "report", second.stem, "--plan", str(PLAN), "--format", "json",
                          "--out", str(tmp_path / "report"), "--log", str(log))
    assert reported.returncode == 0, reported.stderr
    assert json.loads((tmp_path / "report" / "report.json").read_text())["recordingSHA256"] == rows[2][4]


# --------------------------------------------------------------------------------------------------
# A damaged chunk in the middle: haechi recover skips it and carries on

DAMAGE_SEND_S = 3.6
DAMAGE_RATE_HZ = 500
DAMAGE_SOURCE = "damage-test"
#: Ways a chunk is damaged: bytes flipped inside its stored (compressed) records, its uncompressed CRC
#: changed, its record length made longer (still inside the file) or absurd (past the end).
DAMAGES = ("flipped_records", "broken_crc", "longer_length", "huge_length")


@pytest.fixture(scope="module", params=["none", "zstd"])
def chunked_recording(request, haechi_bin, tmp_path_factory) -> Path:
    """A finalised recording of numbered status frames sent for DAMAGE_SEND_S: a chunk closes each
    second, so it has four or five chunks."""
    workdir = tmp_path_factory.mktemp(f"chunks-{request.param}")
    context = zmq.Context()
    push, config = feeding_push(context, linger_ms=5_000)
    run = launch_haechi(haechi_bin, workdir, config,
                        ("--compression", request.param, "--idle-timeout", "1", "--duration", "120", "--quiet"))
    try:
        topic = f"json/{DAMAGE_SOURCE}".encode()
        push.send_multipart([topic, status_payload(DAMAGE_SOURCE, 0)])  # blocks until Haechi connects
        started, sent = time.monotonic(), 1
        while (now := time.monotonic()) < started + DAMAGE_SEND_S:
            while sent < int((now - started) * DAMAGE_RATE_HZ) + 1:
                push.send_multipart([topic, status_payload(DAMAGE_SOURCE, sent)])
                sent += 1
            time.sleep(0.005)
        assert run.wait(timeout=60) == 0, run.describe()
    finally:
        run.kill()
        push.close(linger=0)
        context.term()
    assert run.summary()["totals"]["frames_received"] == sent
    path = only_recording(run)
    assert recordings.is_finalised(path)
    return path


def chunk_messages(data: bytes, chunk) -> list[tuple]:
    """The messages of the chunk a ChunkIndex points at, read from its own records with the PyPI reader:
    (channel id, sequence, log time, publish time, data)."""
    record = data[chunk.chunk_start_offset:chunk.chunk_start_offset + chunk.chunk_length]
    stream = StreamReader(io.BytesIO(record), skip_magic=True, emit_chunks=True, validate_crcs=True)
    only = next(iter(stream.records))  # the stream has no end records: take the one record there is
    assert isinstance(only, Chunk)
    return [(m.channel_id, m.sequence, m.log_time, m.publish_time, bytes(m.data))
            for m in breakup_chunk(only, validate_crc=True) if isinstance(m, Message)]


def damage_chunk(data: bytearray, chunk, how: str) -> None:
    start = chunk.chunk_start_offset
    payload = start + chunk.chunk_length - chunk.compressed_size
    length = chunk.chunk_length - 9
    if how == "flipped_records":
        for at in (payload + 3, payload + chunk.compressed_size // 2, payload + chunk.compressed_size - 2):
            data[at] ^= 0x5A
    elif how == "broken_crc":
        data[start + 9 + 24] ^= 0xFF  # after message_start_time, message_end_time, uncompressed_size
    elif how == "longer_length":
        data[start + 1:start + 9] = struct.pack("<Q", length + 4096)
    elif how == "huge_length":
        data[start + 1:start + 9] = struct.pack("<Q", 0x7F00_0000_0000_0000)
    else:
        raise ValueError(how)


@pytest.mark.parametrize("how", DAMAGES)
def test_recover_skips_a_damaged_chunk_and_keeps_the_rest(haechi_bin, chunked_recording, tmp_path, how):
    data = chunked_recording.read_bytes()
    summary = make_reader(io.BytesIO(data), validate_crcs=True).get_summary()
    chunks = sorted(summary.chunk_indexes, key=lambda c: c.chunk_start_offset)
    assert len(chunks) >= 3, f"{len(chunks)} chunks: the sender should have spanned at least three"
    damaged_index = len(chunks) // 2
    victim = chunks[damaged_index]
    per_chunk = [chunk_messages(data, c) for c in chunks]
    lost = per_chunk[damaged_index]
    kept = [m for k, messages in enumerate(per_chunk) if k != damaged_index for m in messages]
    assert lost and kept and len(lost) + len(kept) == summary.statistics.message_count

    damaged = bytearray(data)
    damage_chunk(damaged, victim, how)
    path = tmp_path / chunked_recording.name
    path.write_bytes(bytes(damaged))
    result = recover(haechi_bin, path)
    out = recovered_path(path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"recovered {len(kept)} messages from {path} into {out}", result.stdout
    assert lines[1] == (f"skipped 1 damaged chunk(s) in 1 damaged region(s): {victim.chunk_length} byte(s), "
                        f"{len(lost)} message(s) lost"), result.stdout

    # The Python reader: every message of the intact chunks before and after, in order, nothing else.
    validate_recording(out)
    with open(out, "rb") as f:
        reader = make_reader(f, validate_crcs=True)
        recovered = [(m.channel_id, m.sequence, m.log_time, m.publish_time, bytes(m.data))
                     for _, _, m in reader.iter_messages(log_time_order=False)]
        channels = reader.get_summary().channels
    assert recovered == kept
    assert {c.id: c.topic for c in channels.values()} == {c.id: c.topic for c in summary.channels.values()}
    rec = recordings.read_recording(out)
    assert "haechi.run" in rec.metadata and "haechi.run_end" in rec.metadata
    payloads = [f.data for f in rec.frames if f.topic == f"json/{DAMAGE_SOURCE}"]
    numbers = [json.loads(p)["seq"] for p in payloads]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    missing = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
    assert missing and missing == list(range(missing[0], missing[-1] + 1)), "exactly one run of frames is lost"
    assert len(missing) == sum(1 for m in lost if m[0] == next(c.id for c in channels.values()
                                                                 if c.topic == f"json/{DAMAGE_SOURCE}"))


# --------------------------------------------------------------------------------------------------
# Never overwrite


def run_ids(start: datetime, seconds: int) -> list[str]:
    return [f"run-{(start + timedelta(seconds=k)):%Y%m%dT%H%M%SZ}" for k in range(seconds)]


def test_a_taken_name_gets_the_next_suffix(haechi_bin, tmp_path):
    """Every name the run could take in the next minute is taken (by files that are not MCAP): the
    recording is written as ``<run-id>-2.mcap`` and none of them is touched."""
    record_dir = tmp_path / RECORDINGS
    record_dir.mkdir()
    decoys = {}
    for run_id in run_ids(datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1), 62):
        decoys[record_dir / f"{run_id}.mcap"] = f"not a recording: {run_id}\n".encode()
    for path, content in decoys.items():
        path.write_bytes(content)
    run = launch_haechi(haechi_bin, tmp_path / "run", ingest_config([pull_endpoint("sensors", "tcp://127.0.0.1:9")]),
                        ("--record-dir", str(record_dir), "--duration", "0.5", "--quiet"))
    assert run.wait(timeout=60) == 0, run.describe()
    assert all(path.read_bytes() == content for path, content in decoys.items())
    new = sorted(set(record_dir.glob("*.mcap")) - set(decoys))
    assert len(new) == 1 and new[0].name.endswith("-2.mcap"), new
    assert record_dir / (new[0].name.removesuffix("-2.mcap") + ".mcap") in decoys
    assert run.summary()["recording"]["path"] == str(new[0])
    assert "unfinished" not in run.stderr, run.stderr  # files that are not MCAP are not reported
    validate_recording(new[0])
    assert recordings.read_recording(new[0]).metadata["haechi.run"]["run_id"] == new[0].stem


def test_two_runs_started_together_write_two_files(haechi_bin, tmp_path):
    record_dir = tmp_path / RECORDINGS
    config = ingest_config([pull_endpoint("sensors", "tcp://127.0.0.1:9")])
    time.sleep(1.05 - time.time() % 1)  # just after a second boundary, so both most likely start in it
    runs = [launch_haechi(haechi_bin, tmp_path / f"run{i}", config,
                          ("--record-dir", str(record_dir), "--duration", "1", "--quiet")) for i in range(2)]
    for run in runs:
        assert run.wait(timeout=60) == 0, run.describe()
    paths = [Path(run.summary()["recording"]["path"]) for run in runs]
    assert paths[0] != paths[1]
    assert sorted(paths) == check_recordings(record_dir)
    run_id = paths[0].name[:len("run-20260101T000000Z")]
    if paths[1].name.startswith(run_id):  # the same second: one takes the plain name, the other -2
        assert sorted(p.name for p in paths) == [f"{run_id}-2.mcap", f"{run_id}.mcap"]
    for p in paths:
        assert recordings.read_recording(p).metadata["haechi.run"]["run_id"] == p.stem


def test_a_run_that_cannot_start_leaves_no_recording(haechi_bin, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = "tcp://127.0.0.1:%d" % taken.getsockname()[1]
        run = launch_haechi(haechi_bin, tmp_path / "run", ingest_config([
            {"name": "sensors", "address": address, "socket": "pull", "mode": "bind"}]), ("--duration", "5", "--quiet"))
        assert run.wait(timeout=60) == 1, run.describe()
    assert "Address already in use" in run.stderr, run.stderr
    assert run.recordings() == []


# --------------------------------------------------------------------------------------------------
# A write failure: the file size limit (RLIMIT_FSIZE) stands in for a full disk

FILE_SIZE_LIMIT = 300_000
#: About 150 KB a second on disk: the first chunk (closed after a second) fits under the limit, a later
#: one does not, so the failure cuts the file after at least one complete chunk.
FILL_RATE_HZ = 800


#: Files may grow to FILE_SIZE_LIMIT bytes; past it write(2) fails with EFBIG (Haechi ignores SIGXFSZ,
#: so the write error is what it sees). prlimit (util-linux) sets the limit and execs Haechi.
LIMIT_FILE_SIZE = ("prlimit", f"--fsize={FILE_SIZE_LIMIT}", "--")


@dataclass
class WriteFailure:
    run: HaechiRun
    status: int
    sent: list[bytes]
    recording: Path


@pytest.fixture(scope="module")
def write_failure(haechi_bin, tmp_path_factory) -> WriteFailure:
    """An ingest run whose files may not grow past FILE_SIZE_LIMIT, fed at FILL_RATE_HZ until it stops."""
    workdir = tmp_path_factory.mktemp("write-failure")
    context = zmq.Context()
    push, config = feeding_push(context)
    run = launch_haechi(haechi_bin, workdir / "run", config,
                        ("--record-dir", str(workdir / RECORDINGS), "--duration", "120", "--quiet"),
                        wrapper=LIMIT_FILE_SIZE)
    topic = b"json/fill"
    sent: list[bytes] = []
    try:
        push.send_multipart([topic, payload := status_payload("fill", 0)])  # blocks until Haechi connects
        sent.append(payload)
        started = time.monotonic()
        # At FILL_RATE_HZ until Haechi gives up (the limit is reached after 2 s or so).
        while run.process.poll() is None and (now := time.monotonic()) < started + EXIT_TIMEOUT_S:
            while len(sent) < int((now - started) * FILL_RATE_HZ) + 1:
                try:
                    push.send_multipart([topic, payload := status_payload("fill", len(sent))], zmq.NOBLOCK)
                except zmq.Again:  # Haechi has stopped reading
                    break
                sent.append(payload)
            time.sleep(0.005)
        status = run.wait(timeout=60)
    finally:
        run.kill()
        push.close(linger=0)
        context.term()
    return WriteFailure(run, status, sent, only_recording(run))


def test_write_failure_stops_ingest_and_leaves_a_recoverable_file(haechi_bin, write_failure):
    run, path = write_failure.run, write_failure.recording
    assert write_failure.status == 1, run.describe()
    assert path.stat().st_size <= FILE_SIZE_LIMIT
    stderr = run.stderr
    assert str(path) in stderr and "haechi recover" in stderr, stderr
    if run.summary_path.exists():
        summary = run.summary()
        assert summary["stop_reason"] == "recording_failure"
        assert not summary_errors(summary), summary_errors(summary)
        recording = summary["recording"]
        assert recording["path"] == str(path) and recording["finalised"] is False
        assert recording.get("failure"), recording
        assert recording["frames_recorded"] + recording["frames_lost"] == summary["totals"]["frames_received"]
    assert not recordings.is_finalised(path)
    validate_recording(path, allow_truncated=True)

    # The run log: its start, and its end as a failed run (the file is unfinished, so no SHA-256).
    rows = run_log_rows(path.parent / "runlog.sqlite")
    assert [row[:5] for row in rows] == [(1, "run-start", path.stem, path.name, None),
                                         (2, "run-failed", path.stem, path.name, None)], rows
    failed = json.loads(rows[1][5])
    assert "failed" in failed["failure"] and failed["frames_recorded"] > 0, failed
    if run.summary_path.exists():
        assert failed["frames_recorded"] == run.summary()["recording"]["frames_recorded"]
    listed = haechi_cli(haechi_bin, "runs", "list", "--log", str(path.parent / "runlog.sqlite"))
    assert list_line(listed.stdout, 1).endswith(" failed (entry 2)"), listed.stdout

    result = recover(haechi_bin, path)
    assert result.returncode == 0, result.stderr
    out = recovered_path(path)
    validate_recording(out)
    frames = [f.data for f in recordings.read_recording(out).frames]
    assert len(frames) > 0, "the first chunk (closed after a second, under the limit) should have survived"
    assert frames == write_failure.sent[:len(frames)]


def test_write_failure_counts_only_frames_on_disk_as_recorded(haechi_bin, write_failure):
    summary = write_failure.run.summary()
    out = recovered_path(write_failure.recording)
    if not out.exists():
        assert recover(haechi_bin, write_failure.recording).returncode == 0
    frames = recordings.read_recording(out).frames
    assert summary["recording"]["frames_recorded"] == len(frames)
