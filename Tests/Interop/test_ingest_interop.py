"""Interop tests of ``haechi ingest`` against real Python peers over tcp://127.0.0.1.

The publisher (haechi_peer.py, pyzmq and pymavlink, no Haechi code) streams a scenario with
injected defects and keeps an exact tally; the summary Haechi writes must match it exactly, per
source and in total. Further tests: configuration and command-line errors, SIGTERM and SIGINT (a clean
stop within 1 s), --duration, an unwritable --summary, and a flood on one source that must not
starve another.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest
import zmq

import haechi_peer as peer
import yaml
from conftest import (FIXTURE_SCENARIO, LOCALHOST_ANY_PORT, RECORDINGS, STONESOUP_SCENARIO, check_recordings,
                      generate_scenario, ingest_config, peers_present, pull_endpoint, run_publishing)

COUNTED_DICTS = ("records", "malformed", "truth_fixes")


def normalized(counters: dict) -> dict:
    """A summary's counters with zero entries of records/malformed/truth_fixes left out, like the tally's."""
    out = dict(counters)
    for key in COUNTED_DICTS:
        if isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in sorted(out[key].items()) if v}
    return out


def mismatches(actual: dict, expected: dict) -> dict:
    """{key: {"haechi": ..., "expected": ...}} for every key of ``expected`` that ``actual`` gets wrong."""
    actual = normalized(actual)
    return {key: {"haechi": actual.get(key, "<missing>"), "expected": want}
            for key, want in expected.items() if actual.get(key, "<missing>") != want}


def assert_sources_match(summary: dict, tally: dict) -> None:
    """Every source of the tally, exactly, and no other source."""
    sources = summary["sources"]
    problems = {}
    for name in sorted(set(sources) | set(tally["sources"])):
        if name not in sources:
            problems[name] = "missing from the summary"
        elif name not in tally["sources"]:
            problems[name] = {"unexpected source": sources[name]}
        elif diff := mismatches(sources[name], tally["sources"][name]):
            problems[name] = diff
    assert not problems, "summary sources differ from the publisher's tally:\n" + json.dumps(problems, indent=1)


# --------------------------------------------------------------------------------------------------
# The publisher alone (no Haechi): the transport loses nothing and keeps order


def test_publisher_delivers_every_message_in_order(scenario_file):
    plan = peer.build_plan(scenario_file, inject_malformed=True, inject_extras=True)
    context = zmq.Context()
    try:
        with peer.Publisher(LOCALHOST_ANY_PORT, pub=LOCALHOST_ANY_PORT, bind=True) as publisher:
            pull = context.socket(zmq.PULL)
            sub = context.socket(zmq.SUB)
            for sock in (pull, sub):
                sock.setsockopt(zmq.RCVHWM, 0)  # nobody reads until the publisher has closed
            pull.connect(publisher.push_endpoint)
            sub.connect(publisher.pub_endpoint)
            sub.setsockopt(zmq.SUBSCRIBE, b"mavlink/")
            publisher.wait_for_subscription(timeout_s=10)
            publisher.publish(plan)
        received = {"sensors": [], "drones": []}
        for name, sock in (("sensors", pull), ("drones", sub)):
            while sock.poll(250, zmq.POLLIN):
                received[name].append(tuple(sock.recv_multipart()))
            sock.close(linger=0)
    finally:
        context.term()
    sent = {"sensors": [m.parts for m in plan if not m.is_mavlink], "drones": [m.parts for m in plan if m.is_mavlink]}
    assert received == sent
    assert publisher.tally.as_dict()["endpoints"] == {k: len(v) for k, v in sent.items()}


# --------------------------------------------------------------------------------------------------
# The full scenario with every injection


def test_ingest_stops_cleanly_when_idle(interop_run):
    run = interop_run.run
    assert run.process.returncode == 0, run.describe()
    summary = run.summary()
    assert summary["format"] == "haechi-ingest-summary/1"
    assert summary["software"]["name"] == "haechi"
    assert summary["stop_reason"] == "idle"
    assert summary["config_file"].endswith("haechi.yaml")


def test_ingest_counts_every_source_exactly(interop_run):
    assert_sources_match(interop_run.run.summary(), interop_run.tally)


def test_ingest_totals_are_exact(interop_run):
    totals = interop_run.run.summary()["totals"]
    diff = mismatches(totals, interop_run.tally["totals"])
    assert not diff, json.dumps(diff, indent=1)


def test_ingest_counts_frames_per_endpoint(interop_run):
    endpoints = interop_run.run.summary()["endpoints"]
    assert [(e["name"], e["socket"], e["mode"]) for e in endpoints] == [("sensors", "pull", "connect"),
                                                                        ("drones", "sub", "connect")]
    assert {e["name"]: e["frames_received"] for e in endpoints} == interop_run.tally["endpoints"]


def test_ingest_receive_times_are_ordered(interop_run):
    for name, source in interop_run.run.summary()["sources"].items():
        first, last = source["first_receive_ns"], source["last_receive_ns"]
        assert isinstance(first, int) and isinstance(last, int) and first <= last, (name, first, last)
        if source["first_t_ns"] is not None:
            assert source["first_t_ns"] <= source["last_t_ns"], name


# --------------------------------------------------------------------------------------------------
# Configuration errors

VALID_ENDPOINTS = """\
site:
  name: Haechi interop test
  origin: {lat: 35.85, lon: 126.55, alt: 5.0}
  geoid_separation_m: 23.0
endpoints:
  - name: sensors
    address: tcp://127.0.0.1:7001
    socket: pull
    mode: connect
  - name: drones
    address: tcp://127.0.0.1:7002
    socket: sub
    mode: connect
    topics: ["mavlink/"]
limits:
  max_frame_bytes: 65536
"""

# (id, text replaced in VALID_ENDPOINTS, its replacement, the bad value, the field path Haechi must name)
BAD_CONFIGS = [
    ("unknown_socket", "    socket: pull\n", "    socket: dealer\n", "dealer", "endpoints[0].socket"),
    ("unknown_mode", "    mode: connect\n    topics", "    mode: listen\n    topics", "listen", "endpoints[1].mode"),
    ("duplicate_name", "  - name: drones\n", "  - name: sensors\n", "sensors", "endpoints[1].name"),
]


@pytest.mark.parametrize("old,new,value,field", [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_names_file_line_column_and_field(start_haechi, old, new, value, field):
    assert VALID_ENDPOINTS.count(old) == 1
    text = VALID_ENDPOINTS.replace(old, new)
    offset = VALID_ENDPOINTS.index(old) + new.index(value)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    run = start_haechi(text, "--duration", "5")
    assert run.wait(timeout=20) == 2, run.describe()
    expected = f"{run.config}:{line}:{column}: error: {field}:"
    assert expected in run.stderr, f"expected {expected!r} in stderr\n{run.describe()}"


# --------------------------------------------------------------------------------------------------
# Stopping


def status_record(source: str, i: int, seq: int | None = None) -> dict:
    record = {"type": "status", "t_ns": peer.T0_NS + i * 1_000_000, "sensor_id": source, "lat": 35.85,
              "lon": 126.55, "alt": 5.0}
    if seq is not None:
        record["seq"] = seq
    return record


CLEAN_STOP_LIMIT_S = 1.0  # the issue: Ctrl-C or SIGTERM shuts down cleanly within 1 s


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_cleanly_within_a_second(start_haechi, signum):
    messages = [peer.record_message("json/radar-7", status_record("radar-7", i, seq=i)) for i in range(10)]
    with peer.Publisher(LOCALHOST_ANY_PORT, bind=True) as publisher:
        run = start_haechi(ingest_config([pull_endpoint("sensors", publisher.push_endpoint)]), "--duration", "120")
        publisher.publish(messages)
    # The publisher has closed, so every message reached Haechi's socket: Haechi is connected, so
    # past its signal set-up. Give it time to count them before the signal.
    time.sleep(1.0)
    assert run.process.poll() is None, f"haechi exited before {signum.name}\n{run.describe()}"
    started = time.monotonic()
    run.process.send_signal(signum)
    try:
        status = run.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail(f"haechi did not exit within 20 s of {signum.name}\n{run.describe()}")
    elapsed = time.monotonic() - started
    assert status == 0, run.describe()
    assert elapsed < CLEAN_STOP_LIMIT_S, (f"haechi took {elapsed:.3f} s from {signum.name} to exit "
                                          f"(limit {CLEAN_STOP_LIMIT_S} s)\n{run.describe()}")
    summary = run.summary()
    assert summary["stop_reason"] == "signal"
    assert_sources_match(summary, publisher.tally.as_dict())


def test_duration_stops_without_traffic(start_haechi):
    with peer.Publisher(LOCALHOST_ANY_PORT, bind=True) as publisher:
        started = time.monotonic()
        run = start_haechi(ingest_config([pull_endpoint("sensors", publisher.push_endpoint)]), "--duration", "2",
                           "--idle-timeout", "1")
        assert run.wait(timeout=30) == 0, run.describe()
        elapsed = time.monotonic() - started
    summary = run.summary()
    assert summary["stop_reason"] == "duration"  # idle needs a first frame
    assert elapsed >= 2.0
    assert summary["sources"] == {}
    assert summary["totals"]["frames_received"] == 0
    assert [e["frames_received"] for e in summary["endpoints"]] == [0]


def test_unwritable_summary_exits_1(haechi_bin, tmp_path):
    config = tmp_path / "haechi.yaml"
    config.write_text(yaml.safe_dump(ingest_config([pull_endpoint("sensors", "tcp://127.0.0.1:9")])))
    summary = tmp_path / "no-such-directory" / "summary.json"
    record_dir = tmp_path / RECORDINGS
    result = subprocess.run([str(haechi_bin), "ingest", "--config", str(config), "--duration", "0.3",
                             "--summary", str(summary), "--quiet", "--record-dir", str(record_dir)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30)
    assert result.returncode == 1, f"exit {result.returncode}\nstderr: {result.stderr}"
    assert "summary" in result.stderr and str(summary) in result.stderr, result.stderr
    assert not summary.exists()
    # The recording is finalised before the summary is written, so it is complete all the same.
    assert len(check_recordings(record_dir)) == 1


# --------------------------------------------------------------------------------------------------
# The command line

EX_USAGE = 64  # swift-argument-parser's exit status for a bad command line


@pytest.mark.parametrize("args,named", [
    (("--duration", "-1"), "--duration"),  # -1 reads as an option: --duration has no value
    (("--duration=-1",), "--duration"),  # reaches validate(): must be positive
    (("--duration", "0"), "--duration"),
    (("--idle-timeout=-2",), "--idle-timeout"),
    (("--no-such-option",), "--no-such-option"),
], ids=["duration_-1", "duration=-1", "duration_0", "idle_timeout=-2", "unknown_option"])
def test_bad_command_line_exits_64(start_haechi, args, named):
    run = start_haechi(ingest_config([pull_endpoint("sensors", "tcp://127.0.0.1:9")]), *args)
    assert run.wait(timeout=20) == EX_USAGE, run.describe()
    assert "Error:" in run.stderr and named in run.stderr, f"expected a message naming {named}\n{run.describe()}"
    assert not run.summary_path.exists(), "a bad command line must not run ingest"


# --------------------------------------------------------------------------------------------------
# Isolation


def test_flood_on_one_source_does_not_starve_another(haechi_bin, tmp_path):
    flood, every = 20_000, 100
    quiet = peer.mf.FrameSource(42, 1)
    messages = []
    for i in range(flood):
        messages.append(peer.record_message("json/flood", status_record("flood", i, seq=i)))
        # The quiet source stops halfway: its last message is followed by 10 000 of the flood's, so
        # whether ingest keeps up or lags, a fair reader takes it long before the flood's last one.
        if i % every == 0 and i < flood // 2:
            messages.append(peer.mavlink_message("mavlink/quiet", [quiet.piece(
                "HEARTBEAT", type=2, autopilot=3, base_mode=0, custom_mode=i, system_status=4)]))
    # A small receive queue on the flooded endpoint, so backpressure is exercised too.
    run, tally = run_publishing(haechi_bin, tmp_path, messages, pull_extra={"receive_hwm": 1000})
    assert run.process.returncode == 0, run.describe()
    summary = run.summary()
    assert_sources_match(summary, tally)
    assert summary["sources"]["json/flood"]["records"]["status"] == flood
    assert summary["sources"]["mavlink/quiet"]["records"]["heartbeat"] == flood // 2 // every
    # Not starved: the quiet source's messages, sent among the flood's, were all taken before the
    # flood's backlog was drained (a starved endpoint would be read only once the flood stops).
    quiet_last = summary["sources"]["mavlink/quiet"]["last_receive_ns"]
    flood_last = summary["sources"]["json/flood"]["last_receive_ns"]
    assert quiet_last < flood_last, (
        f"the quiet source's last message was received {(quiet_last - flood_last) / 1e6:.1f} ms after the "
        f"flood's last one: the flooded endpoint starved it")


# --------------------------------------------------------------------------------------------------
# The scenario input


def test_committed_scenario_fixture_is_current(tmp_path):
    if not peers_present():
        pytest.skip(f"shared peers absent ({STONESOUP_SCENARIO} not found): the interop tests use the committed "
                    f"{FIXTURE_SCENARIO.name} instead of a fresh scenario")
    fresh = generate_scenario(tmp_path / "fresh.jsonl")
    assert fresh.read_bytes() == FIXTURE_SCENARIO.read_bytes(), (
        "Replays/fixtures/interop-scenario.jsonl differs from a fresh run of the generator: "
        "regenerate it as Replays/fixtures/README.md says")


def test_summary_every_rewrites_the_summary_while_running(start_haechi, tmp_path):
    """--summary-every: an interim summary (stop_reason running) appears during the run, counts what
    has arrived so far, and the final one replaces it at the end."""
    context = zmq.Context.instance()
    push = context.socket(zmq.PUSH)
    port = push.bind_to_random_port("tcp://127.0.0.1")
    run = start_haechi(ingest_config([pull_endpoint("in", f"tcp://127.0.0.1:{port}", mode="connect")]),
                       "--duration", "4", "--summary-every", "0.3", "--quiet")
    try:
        interim = None
        deadline = time.monotonic() + 3.5
        sent = 0
        while time.monotonic() < deadline:
            push.send_multipart([b"json/radar-9", b'{"type":"status","sensor_id":"radar-9","t_ns":1,"seq":%d,"state":"ok"}' % sent])
            sent += 1
            time.sleep(0.05)
            if run.summary_path.is_file():
                document = json.loads(run.summary_path.read_text())
                if document["stop_reason"] == "running" and document["totals"]["frames_received"] > 0:
                    interim = document
                    break
        assert interim is not None, run.describe()
        assert interim["totals"]["frames_received"] <= sent
        assert run.wait() == 0, run.describe()
        final = run.summary()
        assert final["stop_reason"] == "duration" and final["totals"]["frames_received"] == sent
    finally:
        push.close(linger=0)


def test_ingest_fails_when_no_frame_ever_arrives(haechi_bin, tmp_path):
    """--startup-timeout: a run whose sender never started fails (exit status 1), says what it waited
    on, and leaves a summary whose stop_reason says why; --idle-timeout alone would wait for ever."""
    with zmq.Context() as context:
        probe = context.socket(zmq.PULL)
        port = probe.bind_to_random_port("tcp://127.0.0.1")
        probe.close(linger=0)
    config = tmp_path / "quiet.yaml"
    config.write_text(yaml.safe_dump(ingest_config([pull_endpoint("sensors", f"tcp://127.0.0.1:{port}")])))
    summary = tmp_path / "summary.json"
    started = time.monotonic()
    result = subprocess.run([str(haechi_bin), "ingest", "--config", str(config), "--idle-timeout", "1", "--startup-timeout", "1.5",
                             "--summary", str(summary), "--no-record", "--quiet"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "no frame arrived in the first 1.5 s" in result.stderr and f"tcp://127.0.0.1:{port}" in result.stderr
    assert json.loads(summary.read_text())["stop_reason"] == "no_frames"
    assert time.monotonic() - started < 30
