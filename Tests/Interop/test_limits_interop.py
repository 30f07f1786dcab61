"""What a hostile or broken sender cannot do to ``haechi ingest`` (issue 14: no remote crash, bounded memory).

- 100,000 distinct valid topics: the process survives, the summary counts every frame, the recorder
  caps its frame channels at ``limits.max_sources`` and puts the rest on the overflow channels, the
  run log gets its row, and the PyPI ``mcap`` reader reads every frame back (in order, with its topic).
- Frames of several hundred MiB: libzmq refuses them (``ZMQ_MAXMSGSIZE``, twice ``max_frame_bytes`` by
  default) before allocating them; the summary shows only the endpoint's disconnects; the peak
  resident memory (``VmHWM``) stays under the bound docs/config.md gives, far below one such frame.
- A connect endpoint that libzmq gives up after a refusal is connected again by Haechi.
- A frame larger than the arena keeps (with ``max_message_bytes`` raised) is counted with the size it
  arrived with, live and in replay.

Memory bounds are asserted; timings never are.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
import zmq

import recordings
from conftest import ingest_config, pull_endpoint, replayed_summary

TOPICS = 100_000
#: The bound docs/config.md states for the peak resident memory of an ingest with the default limits
#: that is sent frames far over its limit ("What a sender can cost in memory").
PEAK_RSS_BOUND = 128 << 20
HUGE_FRAME = 300 << 20
DETECTION = b'{"type":"detection","t_ns":1795640400000000000,"sensor_id":"s","scan_id":1,"azimuth_deg":1}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss(pid: int) -> int:
    """``VmHWM`` (the peak resident set) of process ``pid``, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM in /proc/{pid}/status")


def wait_for_event(monitor: zmq.Socket, wanted: int, timeout_s: float = 60) -> None:
    """Read a pyzmq socket monitor until event ``wanted`` arrives."""
    from zmq.utils.monitor import recv_monitor_message
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if monitor.poll(100):
            if recv_monitor_message(monitor)["event"] == wanted:
                return
    raise AssertionError(f"no socket event {zmq.Event(wanted).name} within {timeout_s} s")


def test_100k_invented_topics(start_haechi, haechi_bin, tmp_path):
    context = zmq.Context()
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.SNDHWM, 0)
    push.setsockopt(zmq.LINGER, 5000)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    config = ingest_config([pull_endpoint("sensors", f"tcp://127.0.0.1:{port}", receive_hwm=0)])
    run = start_haechi(config, "--idle-timeout", "3", "--duration", "120")
    try:
        sent = [f"json/s{n}".encode() for n in range(TOPICS)]
        for topic in sent:
            push.send_multipart([topic, DETECTION])
        assert run.wait() == 0, run.describe()
    finally:
        push.close(linger=0)
        context.term()

    summary = run.summary()
    assert summary["totals"]["frames_received"] == TOPICS
    assert summary["totals"]["records"] == {"detection": TOPICS}
    assert summary["endpoints"][0]["frames_received"] == TOPICS
    assert len(summary["sources"]) == 4096 + 1  # max_sources, then !overflow@sensors
    assert summary["sources"]["!overflow@sensors"]["frames_received"] == TOPICS - 4096
    recording = summary["recording"]
    assert recording["finalised"] and recording["frames_recorded"] == TOPICS and recording["frames_lost"] == 0
    assert recording["frames_overflowed"] == TOPICS - 4096

    [path] = run.recordings()  # start_haechi validates it afterwards (the shared validator, or both PyPI readers)
    rec = recordings.read_recording(path)
    assert [f.parts for f in rec.frames] == [(topic, DETECTION) for topic in sent]
    frame_channels = {c.id for c in rec.channels.values() if c.metadata.get("frames")}
    assert len(frame_channels) == 4096 + 1
    overflow = [f for f in rec.frames if f.source == "!overflow@sensors"]
    assert len(overflow) == TOPICS - 4096
    assert {f.topic for f in overflow} == {"!overflow@sensors"}
    assert rec.metadata[recordings.END_METADATA]["frames_overflowed"] == str(TOPICS - 4096)

    # The run log has the run's row.
    log = path.parent / "runlog.sqlite"
    listed = subprocess.run([str(haechi_bin), "runs", "list", "--log", str(log)], capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0 and path.stem in listed.stdout, listed.stdout + listed.stderr


def test_huge_frames_are_refused_with_bounded_memory(start_haechi):
    """Four 300 MiB frames to an ingest with the default limits (max_frame_bytes 1 MiB, so
    max_message_bytes 2 MiB): none is received, each drops the sender's connection, the sender's PUSH
    reconnects, and small frames between them all arrive. Peak RSS stays under the documented bound."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    config = ingest_config([{"name": "sensors", "address": address, "socket": "pull", "mode": "bind"}])
    del config["limits"]  # the defaults
    run = start_haechi(config, "--idle-timeout", "5", "--duration", "300")
    context = zmq.Context()
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 0)
    monitor = push.get_monitor_socket(zmq.EVENT_CONNECTED | zmq.EVENT_DISCONNECTED)
    huge = b"\x20" * HUGE_FRAME
    try:
        push.connect(address)
        wait_for_event(monitor, zmq.EVENT_CONNECTED)
        push.send_multipart([b"json/small", DETECTION])
        for _ in range(4):
            push.send_multipart([b"json/huge", huge], copy=False)
            wait_for_event(monitor, zmq.EVENT_DISCONNECTED)
            wait_for_event(monitor, zmq.EVENT_CONNECTED)
            push.send_multipart([b"json/small", DETECTION])
        peak = peak_rss(run.process.pid)  # every huge frame has been refused by now
        assert run.wait() == 0, run.describe()
    finally:
        monitor.close(linger=0)
        push.close(linger=0)
        context.term()

    assert peak < PEAK_RSS_BOUND, f"peak RSS {peak / 2**20:.0f} MiB"
    summary = run.summary()
    assert set(summary["sources"]) == {"json/small"}
    assert summary["sources"]["json/small"]["frames_received"] == 5
    assert summary["sources"]["json/small"]["records"] == {"detection": 5}
    endpoint = summary["endpoints"][0]
    assert endpoint["max_message_bytes"] == 2 << 20
    assert endpoint["frames_received"] == 5
    assert endpoint["connections"] == 5 and endpoint["disconnects"] == 4 and endpoint["reconnects"] == 0


def test_connect_endpoint_is_connected_again_after_a_refusal(start_haechi):
    """libzmq never reconnects a connect endpoint after refusing a part over ZMQ_MAXMSGSIZE; Haechi does."""
    context = zmq.Context()
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 0)
    push.setsockopt(zmq.SNDTIMEO, 60_000)
    monitor = push.get_monitor_socket(zmq.EVENT_ACCEPTED | zmq.EVENT_DISCONNECTED)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    run = start_haechi(ingest_config([pull_endpoint("sensors", f"tcp://127.0.0.1:{port}")]),
                       "--idle-timeout", "5", "--duration", "300")
    try:
        wait_for_event(monitor, zmq.EVENT_ACCEPTED)
        push.send_multipart([b"json/before", DETECTION])
        push.send_multipart([b"json/huge", b"\x20" * (8 << 20)])  # over 2 x 65536
        wait_for_event(monitor, zmq.EVENT_DISCONNECTED)
        wait_for_event(monitor, zmq.EVENT_ACCEPTED)  # Haechi's own reconnect
        push.send_multipart([b"json/after", DETECTION])
        assert run.wait() == 0, run.describe()
    finally:
        monitor.close(linger=0)
        push.close(linger=0)
        context.term()
    summary = run.summary()
    assert set(summary["sources"]) == {"json/before", "json/after"}
    endpoint = summary["endpoints"][0]
    assert endpoint["max_message_bytes"] == 2 * 65536
    assert endpoint["connections"] == 2 and endpoint["disconnects"] == 1 and endpoint["reconnects"] == 1


def test_bytes_received_is_what_arrived(start_haechi, haechi_bin, tmp_path):
    """With max_message_bytes raised above what the arena keeps, a 64 MiB frame arrives, is stored cut
    short, and is counted with its full size, live and in the replay's regenerated summary."""
    context = zmq.Context()
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 5000)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    config = ingest_config([pull_endpoint("sensors", f"tcp://127.0.0.1:{port}", max_message_bytes=128 << 20)])
    config["limits"] = {"max_frame_bytes": 1 << 20}
    run = start_haechi(config, "--idle-timeout", "3", "--duration", "120")
    try:
        push.send_multipart([b"json/big", b"\x20" * (64 << 20)])
        push.send_multipart([b"json/small", DETECTION])
        assert run.wait() == 0, run.describe()
    finally:
        push.close(linger=0)
        context.term()
    live = run.summary()
    assert live["sources"]["json/big"]["bytes_received"] == 64 << 20
    assert live["sources"]["json/big"]["malformed"] == {"oversize_frame": 1}
    assert live["sources"]["json/small"]["bytes_received"] == len(DETECTION)

    [path] = run.recordings()
    rec = recordings.read_recording(path)
    [big] = [i for i, f in enumerate(rec.frames) if f.source == "json/big"]
    assert rec.flags[big]["truncated"] is True and rec.flags[big]["bytes"] == 64 << 20
    assert len(rec.frames[big].parts[1]) < 64 << 20

    replay = replayed_summary(haechi_bin, path, tmp_path)
    assert replay["sources"] == live["sources"]
