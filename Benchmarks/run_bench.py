#!/usr/bin/env python3
"""run_bench.py: the driver of `make bench`. Runs Haechi's benchmarks beside their baselines.

Every measurement runs REPS times, the repetitions interleaved (repetition 1 of everything, then
repetition 2, ...) so that a baseline and the Haechi figure it is compared with see the same state of
the machine. Each figure is the median of its repetitions. A table goes to standard output, and
everything (machine, configuration, every repetition's raw output, medians, ratios, the targets of
issue 4 with met or missed) to bench/results.json. The method is described in docs/performance.md.

  python3 Benchmarks/run_bench.py --bin-dir .build-bench [--haechi-bench PATH] [--reps 5] [--quick]
      [--haechi PATH] [--shared ../shared] [--peer-python .venv/bin/python]
      [--only core,tracker,recording | --tracker-only] [--no-tracker] [--no-recording]

--bin-dir holds the C programs built by `make bench`: spsc_ring, zmq_raw and malloc_count.so.
--haechi-bench is the Swift executable built from Benchmarks/HaechiBench (HAECHI_BENCH=1); without
it (or when it does not exist) only the baselines run and the Haechi figures are reported missing.

The tracker section runs `haechi track` (--haechi: a release build) on the sparse, small, medium, large
and hard scenarios of the Stone Soup peer's generator in SHARED/peers/stonesoup (seed 1; --quick: sparse
and small only; sparse and hard are the generator with TRACKER_PRESET_FLAGS), generated once into
bench/scenarios/ and reused, and sets its detections/s beside Stone Soup's: measured in this run on
sparse, small and hard, the figures recorded in the peer's README on medium and large. Each preset's
step times are given as p50, p99 and the slowest step. On medium it also
scores Haechi's tracks with the peer's scorer beside Stone Soup's scores. Without the peer the
section says it is skipped and why. Its results go under "tracker" in bench/results.json.

The recording section (issue 6) runs `haechi-bench record`: frames through the session recorder
beside a plain write(2) + fsync of the same bytes, in one process, compression none (the target:
>= 0.8x the raw write) and zstd; and `haechi replay --speed max` (--haechi) of a dense session
(Config/scenarios/dense.yaml, `haechi simulate` into `haechi ingest`), recorded once into
bench/sessions/ and reused while the binary, the scenario and the configs stay the same: x real time
(target: >= 100x), frames/s, and a check that the replayed tracks equal the live run's. It needs
neither the C programs nor SHARED. Its results go under "recording".

Standard library only. Every subprocess has a timeout and runs in its own process group, which is
killed when the timeout expires. Endpoints are tcp://127.0.0.1 on ports the kernel picks.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# What is measured. Payload sizes are bytes of the second message part (the topic comes on top).
RING_ITEM_BYTES = (8, 64)
RAW_PAYLOAD_BYTES = (64, 256)
# A Haechi JSON v1 detection record with a `seq` does not fit in 64 bytes (the shortest valid one is
# 70), so the JSON path is measured at 128 bytes (the required fields and seq) and at 256 (a full
# detection record, as a radar sends it).
JSON_PAYLOAD_BYTES = (128, 256)
#: Payload sizes of the CURVE figures (raw mode), each beside the plaintext figure of the same size.
CURVE_PAYLOAD_BYTES = (256,)
LATENCY_RATES = (10_000, 100_000)
LATENCY_PAYLOAD_BYTES = 64

FULL = {"ring_items": 50_000_000, "ingest_frames": 2_000_000, "latency_seconds": 3}
QUICK = {"ring_items": 5_000_000, "ingest_frames": 200_000, "latency_seconds": 1}

TIMEOUT_RING_S = 120
TIMEOUT_INGEST_S = 120
TIMEOUT_LATENCY_EXTRA_S = 60  # on top of the latency run's own length
PORT_RETRIES = 3              # a port picked by the kernel may be taken again before the bind

# Targets of issue 4: never asserted, only reported.
ALLOCATION_TOLERANCE = 0.001          # per frame, for the own-thread count: below 1 per 1000 frames
ALLOCATION_EXCESS_TOLERANCE = 0.01    # per frame, process-wide count above libzmq's own
TARGETS = [
    {"id": "ring", "description": "ring items/s >= 1.0x the C SPSC ring, at 8 B and 64 B"},
    {"id": "raw_ingest", "description": "raw-frame ingest frames/s >= 0.8x raw libzmq, at 64 B and 256 B"},
    {"id": "json_decode", "description": "JSON-decode ingest >= 1 M frames/s"},
    {"id": "allocations", "description": "0 heap allocations per frame on the hot path"},
]

# The tracker (`haechi track`) on the Stone Soup peer's scenario presets, seed 1. The peer lives in
# SHARED/peers/stonesoup (not part of this repository); without it the tracker section is skipped.
TRACKER_PRESETS = ("sparse", "small", "medium", "large", "hard")
TRACKER_PRESETS_QUICK = ("sparse", "small")
# The generator's flags per preset: the peer's own scales, and two scenes unlike them (issue 16): a
# sparse one (a few drones, two radars at 2 Hz: what a per-scan fixed cost shows on) and a hard one
# (60 drones, 4 radars, 30 clutter plots a scan, Pd 0.8).
TRACKER_PRESET_FLAGS = {
    "sparse": ["--targets", "4", "--sensors", "2", "--scan-rate", "2", "--clutter", "2", "--duration", "300"],
    "hard": ["--targets", "60", "--sensors", "4", "--clutter", "30", "--pd", "0.8", "--duration", "300"],
}
TRACKER_SEED = 1
TRACKER_QUALITY_PRESET = "medium"
TRACKER_METRICS = ["detections_per_second", "ms_per_scan_p50", "ms_per_scan_p99", "ms_per_scan_max", "real_time_factor",
                   "loop_seconds", "peak_rss_mib"]
# Stone Soup's detections/s. small is measured in the same run; medium and large take Stone Soup
# minutes to hours, so their figures are the ones recorded in the peer's README (seed 1, a 2-core
# machine of this project's kind), labelled as recorded wherever they are shown.
STONESOUP_RECORDED = {
    "small": {"detections_per_second": 661, "ms_per_scan_p50": 18.7, "ms_per_scan_p99": 38.7, "peak_memory": "147 MiB"},
    "medium": {"detections_per_second": 362, "ms_per_scan_p50": 171, "ms_per_scan_p99": 236, "peak_memory": "756 MiB"},
    "large": {"detections_per_second": 157, "ms_per_scan_p50": 1127, "ms_per_scan_p99": 2001, "peak_memory": "1.67 GiB",
              "note": "stopped at 600 s after 557 of 2401 scans"},
}
STONESOUP_MEASURED = ("sparse", "small", "hard")
# Stone Soup's scores on medium, seed 1 (the peer's README), and the direction of each comparison.
QUALITY_BASELINE = {"ospa_mean_m": 9.10, "completeness": 0.9983, "spuriousness": 0.0060}
QUALITY_RULES = [("ospa_mean_m", "OSPA mean (m), c=100, p=1", "<=", ".2f"),
                 ("completeness", "SIAP completeness", ">=", ".4f"),
                 ("spuriousness", "SIAP spuriousness", "<=", ".4f")]
SPEED_RATIO_TARGET = 1000.0      # Haechi detections/s over Stone Soup's, every preset
REAL_TIME_TARGET = 20.0          # scenario seconds per second of tracking, on large
RSS_TARGET_MIB = 200.0           # peak resident set of `haechi track`, every preset
HARD_P99_TARGET_MS = 1.0         # the 99th percentile of a tracker step, on hard
TIMEOUT_GENERATE_S = 1200
TIMEOUT_TRACK_S = 600
TIMEOUT_STONESOUP_S = 1200
TIMEOUT_METRICS_S = 1800
TRACKER_TARGETS = [
    {"id": "tracker_speed",
     "description": f"detections/s >= {SPEED_RATIO_TARGET:.0f}x Stone Soup on every preset, sparse and hard included"},
    {"id": "tracker_hard_p99", "description": f"p99 tracker step <= {HARD_P99_TARGET_MS:g} ms on hard"},
    {"id": "tracker_real_time", "description": f"real-time factor >= {REAL_TIME_TARGET:.0f}x on large"},
    {"id": "tracker_memory", "description": f"peak RSS < {RSS_TARGET_MIB:.0f} MiB on every preset"},
    {"id": "tracker_quality",
     "description": "medium, seed 1: OSPA <= 9.10 m, SIAP completeness >= 0.9983, spuriousness <= 0.0060"},
]

# Recording and replay (issue 6, item 7). `haechi-bench record` puts RECORD_FRAMES frames (a topic of
# 12 B and a RECORD_PAYLOAD_BYTES payload, round-robin over RECORD_SOURCES topics) through the
# recorder, and writes the same bytes with plain write(2) calls and an fsync, in one process; which
# of the two goes first alternates between repetitions. `haechi replay --speed max` replays a dense
# session: Config/scenarios/dense.yaml from `haechi simulate --speed max` into `haechi ingest`,
# recorded once into bench/sessions/ and reused while the binary, the scenario and the configs stay
# the same.
RECORD_FRAMES = 2_000_000
RECORD_FRAMES_QUICK = 200_000
RECORD_PAYLOAD_BYTES = 200
RECORD_SOURCES = 8
RECORD_COMPRESSIONS = ("none", "zstd")  # the target is judged on none; zstd is for information
RECORD_TARGET_COMPRESSION = "none"
RECORD_METRICS = ["record_frames_per_second", "record_mb_per_second", "raw_frames_per_second",
                  "raw_mb_per_second", "ratio", "record_seconds", "raw_seconds", "record_sync_seconds",
                  "raw_sync_seconds", "file_bytes", "data_bytes"]
RECORD_RATIO_TARGET = 0.8
SESSION_SCENARIO = REPO / "Config" / "scenarios" / "dense.yaml"
SESSION_CONFIG = REPO / "Config" / "ingest.yaml"
SESSION_IDLE_TIMEOUT_S = 3
REPLAY_METRICS = ["real_time_factor", "frames_per_second", "wall_seconds", "process_seconds", "peak_rss_mib"]
REPLAY_REAL_TIME_TARGET = 100.0
TIMEOUT_RECORD_S = 300
TIMEOUT_SESSION_S = 1800
TIMEOUT_REPLAY_S = 900
RECORDING_TARGETS = [
    {"id": "record_throughput",
     "description": f"record frames/s >= {RECORD_RATIO_TARGET}x a raw sequential write of the same bytes "
                    f"(compression {RECORD_TARGET_COMPRESSION})"},
    {"id": "replay_real_time", "description": f"replay >= {REPLAY_REAL_TIME_TARGET:.0f}x real time on dense"},
]

# Plots per ASTERIX datagram in the decode figures: one (as JSON sends one detection a frame) and a
# radar scan's worth.
DECODE_ASTERIX_PLOTS = (1, 16)
SECTIONS = ("core", "tracker", "recording")


class RunError(Exception):
    """One run failed: a non-zero exit, a timeout, or no JSON line on standard output."""


# ------------------------------------------------------------------------------------------------
# Running programs


def free_port() -> int:
    """A port the kernel considers free on 127.0.0.1. The socket is closed before the port is used."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    """Kills the process group of a process this driver started (and only that one)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def finish(process: subprocess.Popen, deadline: float, name: str) -> tuple[str, str]:
    """Waits for a process until the deadline; returns its output or raises RunError."""
    try:
        out, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        kill(process)
        raise RunError(f"{name}: timed out")
    if process.returncode != 0:
        tail = " | ".join(err.strip().splitlines()[-3:])
        raise RunError(f"{name}: exit status {process.returncode}" + (f": {tail}" if tail else ""))
    return out, err


def last_json(out: str, name: str) -> dict:
    """The last line of standard output that is a JSON object (a program may log before it)."""
    for line in reversed(out.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    raise RunError(f"{name}: no JSON line on standard output")


def run_one(command: list[str], timeout: float, env: dict[str, str] | None = None) -> dict:
    process = start(command, env)
    out, _ = finish(process, time.monotonic() + timeout, Path(command[0]).name)
    return last_json(out, Path(command[0]).name)


def run_pair(receiver: list[str], sender: list[str], timeout: float,
             receiver_env: dict[str, str] | None = None) -> dict:
    """Starts the receiver, then the sender; returns the receiver's JSON line. The sender's line, when
    it prints one, is kept under "sender". If the receiver fails, the sender is stopped at once: a
    sender with nobody to drain its queue would otherwise wait for its linger time."""
    deadline = time.monotonic() + timeout
    rx = start(receiver, receiver_env)
    tx = None
    try:
        tx = start(sender)
        try:
            out, _ = finish(rx, deadline, Path(receiver[0]).name + " " + receiver[1])
        except RunError:
            kill(tx)
            raise
        tx_out, _ = finish(tx, deadline, Path(sender[0]).name + " " + sender[1])
    finally:
        for process in (rx, tx):
            if process is not None and process.poll() is None:
                kill(process)
    result = last_json(out, Path(receiver[0]).name)
    if tx_out.strip():
        try:
            result["sender"] = last_json(tx_out, Path(sender[0]).name)
        except RunError:
            pass
    return result


def with_port(build, run) -> dict:
    """Runs `run(*build(endpoint))` on a fresh tcp://127.0.0.1 port, retrying when the bind loses a
    race for the port."""
    for attempt in range(PORT_RETRIES):
        endpoint = f"tcp://127.0.0.1:{free_port()}"
        try:
            return run(*build(endpoint))
        except RunError as error:
            if "Address already in use" not in str(error) or attempt == PORT_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------------------------------
# What is measured


class Measurement:
    """One program (or receiver and sender pair) run REPS times; `metrics` are the keys whose medians
    are taken. `runner` gives (command, timeout) for a single program, or, given an endpoint,
    (receiver, sender, timeout, receiver environment) for a pair."""

    def __init__(self, key: str, side: str, label: str, metrics: list[str], runner, paired: bool):
        self.key, self.side, self.label, self.metrics = key, side, label, metrics
        self.runner, self.paired = runner, paired
        self.runs: list[dict] = []
        self.command: list[str] | None = None
        self.status = "pending"  # pending, ok, failed, missing
        self.error: str | None = None

    def values(self, metric: str) -> list[float]:
        return [run[metric] for run in self.runs if isinstance(run.get(metric), (int, float))]

    def median(self, metric: str):
        values = self.values(metric)
        return statistics.median(values) if values else None

    def spread(self, metric: str):
        """The repetitions' median absolute deviation relative to their median (0.1: +-10 %). Unlike
        the range, one disturbed repetition does not dominate it."""
        values = self.values(metric)
        median = statistics.median(values) if values else None
        if not median:
            return None
        return statistics.median(abs(value - median) for value in values) / median

    def to_json(self) -> dict:
        return {"side": self.side, "label": self.label, "status": self.status, "error": self.error,
                "command": self.command, "runs": self.runs,
                "medians": {metric: self.median(metric) for metric in self.metrics},
                "spreads": {metric: self.spread(metric) for metric in self.metrics}}


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.sizes = QUICK if args.quick else FULL
        self.bin = Path(args.bin_dir)
        self.spsc_ring = str(self.bin / "spsc_ring")
        self.zmq_raw = str(self.bin / "zmq_raw")
        self.malloc_count = self.bin / "malloc_count.so"
        self.haechi = args.haechi_bench
        self.notes: list[str] = []
        self.measurements: dict[str, Measurement] = {}
        self.figures: list[dict] = []
        self.define()

    # --- definitions -----------------------------------------------------------------------------

    def add(self, key: str, side: str, label: str, metrics: list[str], runner, paired: bool = True) -> str:
        self.measurements[key] = Measurement(key, side, label, metrics, runner, paired)
        return key

    def preload_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["LD_PRELOAD"] = str(self.malloc_count.resolve())
        return env

    def define(self) -> None:
        if "core" not in self.args.sections:
            self.notes.append(f"ring, ingest, latency and allocation figures not run ({self.args.selection})")
            return
        items = self.sizes["ring_items"]
        frames = self.sizes["ingest_frames"]
        seconds = self.sizes["latency_seconds"]
        zmq, hb = self.zmq_raw, self.haechi or "haechi-bench"

        for size in RING_ITEM_BYTES:
            c = self.add(f"c_ring_{size}", "baseline", f"C SPSC ring, {size} B items", ["items_per_second"],
                         lambda size=size: ([self.spsc_ring, str(size), str(items)], TIMEOUT_RING_S),
                         paired=False)
            h = self.add(f"haechi_ring_{size}", "haechi", f"LockFreeRing, {size} B items", ["items_per_second"],
                         lambda size=size: ([hb, "ring", "--item-bytes", str(size), "--items", str(items)],
                                            TIMEOUT_RING_S),
                         paired=False)
            self.figures.append({"id": f"ring_{size}", "label": f"ring {size} B", "kind": "throughput",
                                 "metric": "items_per_second", "unit": "items/s", "haechi": h, "baseline": c,
                                 "baseline_name": "C SPSC ring", "target": "ring"})

        def zmq_pair(size: int, preload: bool, curve: bool = False):
            c = ["--curve"] if curve else []
            def pair(endpoint: str):
                return ([zmq, *c, "recv", endpoint, str(frames)], [zmq, *c, "send", endpoint, str(frames), str(size)],
                        TIMEOUT_INGEST_S, self.preload_env() if preload else None)
            return pair

        def haechi_pair(size: int, mode: str, preload: bool, curve: bool = False):
            def pair(endpoint: str):
                receiver = [hb, "ingest", "--endpoint", endpoint, "--frames", str(frames),
                            "--payload-bytes", str(size), "--mode", mode] + (["--curve"] if curve else [])
                sender = ([zmq] + (["--curve"] if curve else []) + ["send", endpoint, str(frames), str(size)]
                          + (["json"] if mode == "json" else []))
                return receiver, sender, TIMEOUT_INGEST_S, self.preload_env() if preload else None
            return pair

        ingest = [("raw", size) for size in RAW_PAYLOAD_BYTES] + [("json", size) for size in JSON_PAYLOAD_BYTES]
        baseline_sizes = sorted({size for _, size in ingest})
        for size in baseline_sizes:
            self.add(f"c_zmq_{size}", "baseline", f"raw libzmq PULL, {size} B", ["frames_per_second"],
                     zmq_pair(size, False))
        for mode, size in ingest:
            h = self.add(f"haechi_ingest_{mode}_{size}", "haechi", f"Haechi ingest {mode}, {size} B",
                         ["frames_per_second"], haechi_pair(size, mode, False))
            self.figures.append({"id": f"ingest_{mode}_{size}", "label": f"ingest {mode} {size} B",
                                 "kind": "throughput", "metric": "frames_per_second", "unit": "frames/s",
                                 "haechi": h, "baseline": f"c_zmq_{size}", "baseline_name": "raw libzmq",
                                 "target": "raw_ingest" if mode == "raw" else "json_decode"})

        # CURVE (docs/security.md): Haechi over CurveZMQ beside raw libzmq over CurveZMQ (the cost of the
        # encryption itself), and beside Haechi in plaintext (figure ingest_raw_SIZE above).
        for size in CURVE_PAYLOAD_BYTES:
            self.add(f"c_zmq_curve_{size}", "baseline", f"raw libzmq PULL over CURVE, {size} B", ["frames_per_second"],
                     zmq_pair(size, False, curve=True))
            h = self.add(f"haechi_ingest_raw_curve_{size}", "haechi", f"Haechi ingest raw over CURVE, {size} B",
                         ["frames_per_second"], haechi_pair(size, "raw", False, curve=True))
            self.figures.append({"id": f"ingest_raw_curve_{size}", "label": f"ingest raw CURVE {size} B",
                                 "kind": "throughput", "metric": "frames_per_second", "unit": "frames/s",
                                 "haechi": h, "baseline": f"c_zmq_curve_{size}", "baseline_name": "raw libzmq over CURVE",
                                 "target": None, "plaintext": f"haechi_ingest_raw_{size}"})

        for rate in LATENCY_RATES:
            count = int(rate * seconds)

            def c_latency(endpoint: str, rate=rate, count=count):
                return ([zmq, "latency", endpoint, str(count)],
                        [zmq, "send-paced", endpoint, str(rate), str(seconds), str(LATENCY_PAYLOAD_BYTES)],
                        seconds + TIMEOUT_LATENCY_EXTRA_S, None)

            def h_latency(endpoint: str, rate=rate):
                return ([hb, "latency", "--endpoint", endpoint, "--rate", str(rate), "--seconds", str(seconds)],
                        [zmq, "send-paced", endpoint, str(rate), str(seconds), str(LATENCY_PAYLOAD_BYTES)],
                        seconds + TIMEOUT_LATENCY_EXTRA_S, None)

            metrics = ["p50_us", "p99_us", "p999_us"]
            c = self.add(f"c_latency_{rate}", "baseline", f"libzmq send->recv latency at {rate}/s",
                         metrics, c_latency)
            h = self.add(f"haechi_latency_{rate}", "haechi", f"Haechi receive->consumer latency at {rate}/s",
                         metrics, h_latency)
            self.figures.append({"id": f"latency_{rate}", "label": f"latency {rate // 1000} k/s", "kind": "latency",
                                 "metric": "p50_us", "unit": "us", "haechi": h, "baseline": c,
                                 "baseline_name": "libzmq tcp send->recv (context)", "target": None})

        # Decoding alone, one core (issue 15): ASTERIX CAT048 plots beside JSON detections, both through
        # the frame processor, in detections per second; the allocations of each under malloc_count.
        decode_frames = max(frames // 4, 20_000)
        def decode(fmt: str, plots: int, preload: bool = False):
            def runner():
                argv = [hb, "decode", "--format", fmt, "--frames", str(decode_frames // plots), "--plots", str(plots)]
                return (argv, TIMEOUT_INGEST_S, self.preload_env()) if preload else (argv, TIMEOUT_INGEST_S)
            return runner
        json_decode = self.add("haechi_decode_json", "baseline", "JSON detections decoded (frame processor, one core)",
                               ["detections_per_second"], decode("json", 1), paired=False)
        for plots in DECODE_ASTERIX_PLOTS:
            h = self.add(f"haechi_decode_asterix_{plots}", "haechi",
                         f"ASTERIX CAT048 plots decoded, {plots} per datagram (frame processor, one core)",
                         ["detections_per_second"], decode("asterix", plots), paired=False)
            self.figures.append({"id": f"decode_asterix_{plots}", "label": f"decode ASTERIX x{plots}", "kind": "throughput",
                                 "metric": "detections_per_second", "unit": "detections/s", "haechi": h,
                                 "baseline": json_decode, "baseline_name": "JSON decode", "target": None})
        h = self.add("haechi_decode_sapient", "haechi", "SAPIENT DetectionReports decoded (frame processor, one core)",
                     ["detections_per_second"], decode("sapient", 1), paired=False)
        self.figures.append({"id": "decode_sapient", "label": "decode SAPIENT", "kind": "throughput",
                             "metric": "detections_per_second", "unit": "detections/s", "haechi": h,
                             "baseline": json_decode, "baseline_name": "JSON decode", "target": None})
        if self.malloc_count.exists():
            json_alloc = self.add("haechi_decode_alloc_json", "baseline", "JSON decode under malloc_count",
                                  ["allocations_per_frame"], decode("json", 1, True), paired=False)
            h = self.add("haechi_decode_alloc_sapient", "haechi", "SAPIENT decode under malloc_count",
                         ["allocations_per_frame"], decode("sapient", 1, True), paired=False)
            self.figures.append({"id": "decode_allocations_sapient", "label": "decode allocations SAPIENT",
                                 "kind": "allocations", "metric": "allocations_per_frame", "unit": "per frame",
                                 "haechi": h, "baseline": json_alloc, "baseline_name": "JSON decode (one detection per frame)",
                                 "baseline_label": "JSON decode, one detection a frame", "target": None})
            for plots in DECODE_ASTERIX_PLOTS:
                h = self.add(f"haechi_decode_alloc_asterix_{plots}", "haechi",
                             f"ASTERIX decode under malloc_count, {plots} plots per datagram",
                             ["allocations_per_frame"], decode("asterix", plots, True), paired=False)
                self.figures.append({"id": f"decode_allocations_asterix_{plots}", "label": f"decode allocations ASTERIX x{plots}",
                                     "kind": "allocations", "metric": "allocations_per_frame", "unit": "per frame",
                                     "haechi": h, "baseline": json_alloc, "baseline_name": "JSON decode (one detection per frame)",
                                     "baseline_label": "JSON decode, one detection a frame", "target": None})

        if self.malloc_count.exists():
            for size in baseline_sizes:
                self.add(f"c_zmq_alloc_{size}", "baseline", f"raw libzmq PULL under malloc_count, {size} B",
                         ["allocations_per_frame", "thread_allocations_per_frame"], zmq_pair(size, True))
            for mode, size in ingest:
                h = self.add(f"haechi_alloc_{mode}_{size}", "haechi",
                             f"Haechi ingest {mode} under malloc_count, {size} B",
                             ["allocations_per_frame", "thread_allocations_per_frame"],
                             haechi_pair(size, mode, True))
                self.figures.append({"id": f"allocations_{mode}_{size}", "label": f"allocations {mode} {size} B",
                                     "kind": "allocations", "metric": "allocations_per_frame", "unit": "per frame",
                                     "haechi": h, "baseline": f"c_zmq_alloc_{size}",
                                     "baseline_name": "raw libzmq, whole process", "target": "allocations"})
        else:
            self.notes.append(f"{self.malloc_count} not found: allocations per frame not measured")

    # --- running ---------------------------------------------------------------------------------

    def runnable(self) -> None:
        if "core" not in self.args.sections:
            return
        for program in (self.spsc_ring, self.zmq_raw):
            if not os.access(program, os.X_OK):
                sys.exit(f"run_bench: {program} is missing; build the C baselines first (make bench)")
        if not self.haechi:
            reason = "no --haechi-bench given"
        elif not os.access(self.haechi, os.X_OK):
            reason = f"{self.haechi} does not exist or is not executable"
        else:
            return
        self.notes.append(f"Haechi figures missing: {reason} (make bench builds haechi-bench from "
                          "Benchmarks/HaechiBench)")
        for m in self.measurements.values():
            if m.side == "haechi":
                m.status, m.error = "missing", reason

    def run(self) -> None:
        self.runnable()
        reps = self.args.reps
        todo = [m for m in self.measurements.values() if m.status == "pending"]
        for rep in range(1, reps + 1):
            for m in todo:
                if m.status == "failed":
                    continue  # one failure ends a measurement: its later repetitions would fail alike
                try:
                    if m.paired:
                        def go(receiver, sender, timeout, env, m=m):
                            m.command = receiver + ["<-"] + sender
                            return run_pair(receiver, sender, timeout, env)
                        result = with_port(m.runner, go)
                    else:
                        command, timeout, *env = m.runner()
                        m.command = command
                        result = run_one(command, timeout, env[0] if env else None)
                except RunError as error:
                    m.status, m.error = "failed", str(error)
                    log(f"[{rep}/{reps}] {m.label}: FAILED: {error}")
                    continue
                except OSError as error:
                    m.status, m.error = "failed", f"cannot run: {error}"
                    log(f"[{rep}/{reps}] {m.label}: FAILED: {m.error}")
                    continue
                result["rep"] = rep
                m.runs.append(result)
                log(f"[{rep}/{reps}] {m.label}: {describe_run(m, result)}")
        for m in todo:
            if m.status == "pending":
                m.status = "ok"

    # --- results ---------------------------------------------------------------------------------

    def evaluate(self) -> None:
        for figure in self.figures:
            h, c = self.measurements[figure["haechi"]], self.measurements[figure["baseline"]]
            metric = figure["metric"]
            figure["haechi_status"], figure["baseline_status"] = h.status, c.status
            figure["haechi_median"] = h.median(metric) if h.status == "ok" else None
            figure["baseline_median"] = c.median(metric) if c.status == "ok" else None
            if figure["kind"] == "latency":
                for key, m in (("haechi", h), ("baseline", c)):
                    figure[f"{key}_medians"] = ({p: m.median(p) for p in m.metrics} if m.status == "ok" else None)
            if figure["kind"] == "allocations":
                figure["haechi_thread_median"] = h.median("thread_allocations_per_frame") if h.status == "ok" else None
            hm, cm = figure["haechi_median"], figure["baseline_median"]
            figure["ratio"] = hm / cm if figure["kind"] == "throughput" and hm and cm else None
            if figure["ratio"] is not None:
                # How far the ratio could move from run-to-run variation alone: both spreads added.
                figure["ratio_noise"] = (h.spread(metric) or 0) + (c.spread(metric) or 0)
            if "plaintext" in figure:
                # A CURVE figure also stands beside Haechi's own plaintext figure of the same size.
                p = self.measurements[figure["plaintext"]]
                figure["plaintext_median"] = p.median(metric) if p.status == "ok" else None
                figure["vs_plaintext"] = (hm / figure["plaintext_median"]
                                          if hm and figure["plaintext_median"] else None)
            figure["verdict"] = verdict(figure)

        for target in TARGETS:
            verdicts = [f["verdict"] for f in self.figures if f["target"] == target["id"]]
            statuses = [v["status"] for v in verdicts]
            if not statuses:
                target["status"] = "pending"
            elif "missed" in statuses:
                target["status"] = "missed"
            elif "pending" in statuses:
                target["status"] = "pending"
            else:
                target["status"] = "met"
            target["figures"] = [f["id"] for f in self.figures if f["target"] == target["id"]]

    def errors(self) -> list[str]:
        return [f"{m.label}: {m.error}" for m in self.measurements.values() if m.status == "failed"]

    def results(self, machine: dict) -> dict:
        return {
            "schema": "haechi-bench-results/1",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine,
            "config": {
                "reps": self.args.reps, "quick": self.args.quick, **self.sizes,
                "ring_item_bytes": list(RING_ITEM_BYTES), "raw_payload_bytes": list(RAW_PAYLOAD_BYTES),
                "json_payload_bytes": list(JSON_PAYLOAD_BYTES), "latency_rates": list(LATENCY_RATES),
                "latency_payload_bytes": LATENCY_PAYLOAD_BYTES, "ring_capacity_c": 65536, "ring_batch_c": 256,
                "bin_dir": str(self.bin), "haechi_bench": self.haechi,
            },
            "targets": TARGETS,
            "figures": self.figures,
            "measurements": {key: m.to_json() for key, m in self.measurements.items()},
            "notes": self.notes,
            "errors": self.errors(),
        }


# ------------------------------------------------------------------------------------------------
# The tracker: `haechi track` beside the Stone Soup peer


def single_threaded_env() -> dict[str, str]:
    """numpy's BLAS pinned to one thread, as the peer's README asks when timing (harmless for Haechi)."""
    env = dict(os.environ)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def run_program(command: list[str], timeout: float, name: str, env: dict[str, str] | None = None) -> str:
    """Runs a program to completion (own process group, killed at the timeout); its standard output."""
    out, _ = finish(start(command, env), time.monotonic() + timeout, name)
    return out


def load_json(path: Path, name: str) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise RunError(f"{name}: cannot read {path}: {error}")
    if not isinstance(value, dict):
        raise RunError(f"{name}: {path} is not a JSON object")
    return value


def file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class TrackerBench:
    """`haechi track` on the Stone Soup peer's presets: detections/s, ms per scan, real-time factor and
    peak RSS (each the median of REPS runs, RSS the largest), beside Stone Soup's detections/s (small:
    measured once in this run; medium and large: recorded in the peer's README); and, on medium, the
    quality of Haechi's tracks scored by the peer's own scorer beside Stone Soup's scores."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.haechi = args.haechi
        self.peers = Path(args.shared) / "peers" / "stonesoup"
        self.peer_python = args.peer_python
        self.tracker_config = Path(args.tracker_config)
        self.cache = Path(args.scenario_cache)
        self.work = Path(args.out).parent / "tracker"
        if args.tracker_presets:
            self.presets = [p.strip() for p in args.tracker_presets.split(",") if p.strip()]
        else:
            self.presets = list(TRACKER_PRESETS_QUICK if args.quick else TRACKER_PRESETS)
        self.status = "pending"  # pending, ok, skipped
        self.reason: str | None = None
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.scenarios: dict[str, dict] = {}
        self.haechi_runs: dict[str, Measurement] = {
            p: Measurement(f"haechi_track_{p}", "haechi", f"haechi track, {p}", TRACKER_METRICS, None, False)
            for p in self.presets}
        self.stonesoup: dict[str, dict] = {}
        self.quality: dict = {"preset": TRACKER_QUALITY_PRESET, "seed": TRACKER_SEED, "status": "not run",
                              "baseline": QUALITY_BASELINE, "baseline_source": "stonesoup README (recorded)"}
        self.figures: list[dict] = []
        self.targets = [dict(t) for t in TRACKER_TARGETS]

    # --- preconditions ---------------------------------------------------------------------------

    def skip_reason(self) -> str | None:
        if "tracker" not in self.args.sections:
            return f"not selected ({self.args.selection})"
        unknown = [p for p in self.presets if p not in TRACKER_PRESETS]
        if unknown:
            return f"unknown preset(s) {', '.join(unknown)} (known: {', '.join(TRACKER_PRESETS)})"
        if not self.peers.is_dir():
            return (f"{self.peers} is not there; the tracker figures need the Stone Soup peer's scenario "
                    "generator, tracker and scorer from it")
        missing = [name for name in ("scenario.py", "track_stonesoup.py", "metrics_stonesoup.py")
                   if not (self.peers / name).is_file()]
        if missing:
            return f"{self.peers} lacks {', '.join(missing)}"
        if not self.haechi:
            return "no --haechi given (make bench builds it with swift build -c release --product haechi)"
        if not os.access(self.haechi, os.X_OK):
            return f"{self.haechi} does not exist or is not executable"
        if not self.tracker_config.is_file():
            return f"tracker config {self.tracker_config} not found"
        return None

    # --- running ---------------------------------------------------------------------------------

    def scenario(self, preset: str) -> Path:
        """The preset's scenario file, generated once per (preset, seed, generator, numpy) and cached."""
        name = f"{preset}-seed{TRACKER_SEED}"
        path, key_path = self.cache / f"{name}.jsonl", self.cache / f"{name}.key.json"
        flags = TRACKER_PRESET_FLAGS.get(preset, ["--scale", preset])
        key = {"scale": preset, "flags": flags, "seed": TRACKER_SEED,
               "generator_sha256": file_digest(self.peers / "scenario.py", self.peers / "geo.py"),
               "numpy": self.numpy_version()}
        entry = {"path": str(path), "key": key}
        try:
            cached = json.loads(key_path.read_text()) if path.is_file() else None
        except (OSError, json.JSONDecodeError):
            cached = None
        if cached and cached.get("key") == key:
            entry.update(cached=True, generator=cached.get("generator"), generate_s=cached.get("generate_s"))
            log(f"tracker: scenario {preset} (seed {TRACKER_SEED}) cached: {path}")
        else:
            log(f"tracker: generating scenario {preset} (seed {TRACKER_SEED}) into {path}"
                + (" (large: this takes a while)" if preset == "large" else ""))
            self.cache.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            began = time.monotonic()
            out = run_program([self.peer_python, str(self.peers / "scenario.py"), *flags,
                               "--seed", str(TRACKER_SEED), "--out", str(partial)],
                              TIMEOUT_GENERATE_S, "scenario.py", single_threaded_env())
            generate_s = round(time.monotonic() - began, 2)
            try:
                generator = last_json(out, "scenario.py")
                generator["out"] = str(path)
            except RunError:
                generator = None
            partial.replace(path)
            key_path.write_text(json.dumps({"key": key, "generator": generator, "generate_s": generate_s}, indent=1)
                                + "\n")
            entry.update(cached=False, generator=generator, generate_s=generate_s)
        entry["bytes"] = path.stat().st_size
        generator = entry.get("generator") or {}
        if isinstance(generator.get("target_detections"), int) and isinstance(generator.get("clutter_detections"), int):
            entry["detections"] = generator["target_detections"] + generator["clutter_detections"]
        self.scenarios[preset] = entry
        return path

    def numpy_version(self) -> str | None:
        if not hasattr(self, "_numpy"):
            self._numpy = quiet([self.peer_python, "-c", "import numpy; print(numpy.__version__)"])
        return self._numpy

    def track(self, preset: str, scenario: Path, rep: int) -> dict:
        tracks = self.work / (f"{preset}-seed{TRACKER_SEED}.tracks.jsonl" if rep == 1 else "scratch.tracks.jsonl")
        summary_path = self.work / f"{preset}-seed{TRACKER_SEED}.summary.json"
        command = [self.haechi, "track", "--scenario", str(scenario), "--out", str(tracks),
                   "--tracker", str(self.tracker_config), "--summary", str(summary_path), "--quiet"]
        self.haechi_runs[preset].command = command
        summary_path.unlink(missing_ok=True)
        run_program(command, TIMEOUT_TRACK_S, "haechi track", single_threaded_env())
        summary = load_json(summary_path, "haechi track")
        timing, tracker = summary.get("timing") or {}, summary.get("tracker") or {}
        result = {metric: timing.get(metric) for metric in TRACKER_METRICS if metric in timing}
        result.update(peak_rss_mib=summary.get("peak_rss_mib"), timing=timing,
                      detections_received=tracker.get("detections_received"),
                      detections_used=tracker.get("detections_used"), confirmed=tracker.get("confirmed"),
                      track_lines=summary.get("track_lines"), incomplete_scans=summary.get("incomplete_scans"),
                      bad_lines=summary.get("bad_lines"), version=summary.get("version"), rep=rep)
        if rep == 1:
            result["tracks"] = str(tracks)
        return result

    def run_stonesoup(self, preset: str, scenario: Path) -> None:
        out, summary_path = self.work / f"{preset}-seed{TRACKER_SEED}.stonesoup.tracks.jsonl", \
            self.work / f"{preset}-seed{TRACKER_SEED}.stonesoup.summary.json"
        command = [self.peer_python, str(self.peers / "track_stonesoup.py"), str(scenario), "--out", str(out),
                   "--summary", str(summary_path)]
        entry = {"source": "measured", "command": command, "env": "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1",
                 "recorded": STONESOUP_RECORDED.get(preset)}
        self.stonesoup[preset] = entry
        log(f"tracker: Stone Soup on {preset} (one run; small takes it about 15 s, hard minutes)")
        summary_path.unlink(missing_ok=True)
        try:
            run_program(command, TIMEOUT_STONESOUP_S, "track_stonesoup.py", single_threaded_env())
            summary = load_json(summary_path, "track_stonesoup.py")
        except (RunError, OSError) as error:
            entry.update(status="failed", error=str(error))
            self.errors.append(f"Stone Soup on {preset}: {error}")
            log(f"tracker: Stone Soup on {preset}: FAILED: {error}")
            return
        entry.update(status="ok", summary=summary, detections_per_second=summary.get("detections_per_s"),
                     loop_seconds=summary.get("loop_s"), ms_per_scan_p50=summary.get("step_ms_p50"),
                     ms_per_scan_p99=summary.get("step_ms_p99"))
        if summary.get("stopped_early"):
            self.notes.append(f"Stone Soup stopped early on {preset}: {summary.get('scans_processed')} of "
                              f"{summary.get('scans_total')} scans")
        log(f"tracker: Stone Soup on {preset}: {si(entry['detections_per_second'])} detections/s, "
            f"loop {entry['loop_seconds']} s")

    def score(self) -> None:
        """Scores the quality preset's tracks (repetition 1) with the peer's metrics_stonesoup.py."""
        preset = TRACKER_QUALITY_PRESET
        runs = self.haechi_runs[preset].runs
        if not runs or "tracks" not in runs[0]:
            self.quality.update(status="failed", error=f"no Haechi tracks on {preset}")
            return
        scenario, tracks = Path(self.scenarios[preset]["path"]), Path(runs[0]["tracks"])
        metrics_path = self.work / f"{preset}-seed{TRACKER_SEED}.metrics.json"
        command = [self.peer_python, str(self.peers / "metrics_stonesoup.py"), str(scenario), str(tracks),
                   "--out", str(metrics_path)]
        self.quality["command"] = command
        log(f"tracker: scoring Haechi's {preset} tracks with metrics_stonesoup.py (about 3 minutes)")
        metrics_path.unlink(missing_ok=True)
        began = time.monotonic()
        try:
            run_program(command, TIMEOUT_METRICS_S, "metrics_stonesoup.py", single_threaded_env())
            metrics = load_json(metrics_path, "metrics_stonesoup.py")
        except (RunError, OSError) as error:
            self.quality.update(status="failed", error=str(error))
            self.errors.append(f"quality on {preset}: {error}")
            log(f"tracker: scoring FAILED: {error}")
            return
        siap = metrics.get("siap") or {}
        haechi = {"ospa_mean_m": metrics.get("ospa_mean_m"), "completeness": siap.get("completeness"),
                  "spuriousness": siap.get("spuriousness")}
        verdicts = {}
        for key, label, sense, form in QUALITY_RULES:
            value, bound = haechi[key], QUALITY_BASELINE[key]
            rule = f"{sense} {bound:{form}}"
            if not isinstance(value, (int, float)):
                verdicts[key] = {"status": "pending", "rule": rule}
                continue
            ok = value <= bound if sense == "<=" else value >= bound
            verdicts[key] = {"status": "met" if ok else "missed", "rule": rule}
            if not ok:
                verdicts[key]["by"] = f"{abs(value - bound):{form}} {'over' if sense == '<=' else 'short'}"
        self.quality.update(status="ok", haechi=haechi, verdicts=verdicts, metrics=metrics,
                            score_s=round(time.monotonic() - began, 1))
        log("tracker: " + ", ".join(f"{label} {haechi[key]}" for key, label, _, _ in QUALITY_RULES))

    def run(self) -> None:
        reason = self.skip_reason()
        if reason:
            self.status, self.reason = "skipped", reason
            log(f"tracker: skipped: {reason}")
            return
        self.status = "ok"
        self.work.mkdir(parents=True, exist_ok=True)
        scenarios = {}
        for preset in self.presets:
            try:
                scenarios[preset] = self.scenario(preset)
            except (RunError, OSError) as error:
                self.errors.append(f"scenario {preset}: {error}")
                self.haechi_runs[preset].status, self.haechi_runs[preset].error = "failed", str(error)
                log(f"tracker: scenario {preset}: FAILED: {error}")

        for preset in self.presets:
            if preset in STONESOUP_MEASURED and preset in scenarios:
                self.run_stonesoup(preset, scenarios[preset])
            elif preset not in STONESOUP_MEASURED:
                self.stonesoup[preset] = {"source": "recorded", "status": "ok",
                                          "reference": str(self.peers / "README.md"),
                                          **STONESOUP_RECORDED[preset]}

        # Haechi's repetitions interleaved across the presets, as the other figures are.
        reps = self.args.reps
        for rep in range(1, reps + 1):
            for preset in self.presets:
                m = self.haechi_runs[preset]
                if preset not in scenarios or m.status == "failed":
                    continue
                try:
                    result = self.track(preset, scenarios[preset], rep)
                except (RunError, OSError) as error:
                    m.status, m.error = "failed", str(error)
                    self.errors.append(f"haechi track on {preset}: {error}")
                    log(f"[{rep}/{reps}] haechi track, {preset}: FAILED: {error}")
                    continue
                m.runs.append(result)
                log(f"[{rep}/{reps}] haechi track, {preset}: {describe_track(result)}")
        (self.work / "scratch.tracks.jsonl").unlink(missing_ok=True)
        for preset, m in self.haechi_runs.items():
            if m.status == "pending":
                m.status = "ok"
            expected = self.scenarios.get(preset, {}).get("detections")
            received = {run.get("detections_received") for run in m.runs}
            if expected is not None and received and received != {expected}:
                self.notes.append(f"haechi track on {preset} received {sorted(received)} detections; the "
                                  f"scenario holds {expected}")
            if len({run.get("track_lines") for run in m.runs}) > 1:
                self.notes.append(f"haechi track on {preset}: the track-line count differs between repetitions")

        if TRACKER_QUALITY_PRESET in self.presets and self.haechi_runs[TRACKER_QUALITY_PRESET].status == "ok":
            self.score()
        elif TRACKER_QUALITY_PRESET not in self.presets:
            self.quality["status"] = "not run"
            self.quality["reason"] = ("quick runs small only" if self.args.quick and not self.args.tracker_presets
                                      else f"{TRACKER_QUALITY_PRESET} is not among the presets run")

    # --- results ---------------------------------------------------------------------------------

    def evaluate(self) -> None:
        if self.status != "ok":
            for target in self.targets:
                target["status"] = "skipped"
            return
        for preset in self.presets:
            m, ss = self.haechi_runs[preset], self.stonesoup.get(preset, {})
            ok = m.status == "ok" and bool(m.runs)
            figure = {"preset": preset, "seed": TRACKER_SEED, "haechi_status": m.status,
                      "detections": self.scenarios.get(preset, {}).get("detections"),
                      "stonesoup_source": ss.get("source"), "stonesoup_status": ss.get("status", "failed"),
                      "stonesoup_detections_per_second": ss.get("detections_per_second")
                      if ss.get("status") == "ok" else None}
            for metric in TRACKER_METRICS:
                figure[metric] = m.median(metric) if ok else None
                figure[f"{metric}_spread"] = m.spread(metric) if ok else None
            figure["peak_rss_mib_max"] = max(m.values("peak_rss_mib")) if ok and m.values("peak_rss_mib") else None
            hm, sm = figure["detections_per_second"], figure["stonesoup_detections_per_second"]
            figure["ratio"] = hm / sm if hm and sm else None
            figure["ratio_noise"] = figure["detections_per_second_spread"]
            figure["verdicts"] = {
                "speed": self.threshold(figure["ratio"], SPEED_RATIO_TARGET, ">=", f">= {SPEED_RATIO_TARGET:.0f}x"),
                "memory": self.threshold(figure["peak_rss_mib_max"], RSS_TARGET_MIB, "<",
                                         f"< {RSS_TARGET_MIB:.0f} MiB"),
                "real_time": (self.threshold(figure["real_time_factor"], REAL_TIME_TARGET, ">=",
                                             f">= {REAL_TIME_TARGET:.0f}x")
                              if preset == "large" else {"status": "none", "rule": "judged on large only"}),
                "hard_p99": ({"status": "pending", "rule": f"<= {HARD_P99_TARGET_MS:g} ms"} if figure["ms_per_scan_p99"] is None
                             else {"status": "met" if figure["ms_per_scan_p99"] <= HARD_P99_TARGET_MS else "missed",
                                   "rule": f"<= {HARD_P99_TARGET_MS:g} ms"})
                            if preset == "hard" else {"status": "none", "rule": "judged on hard only"},
            }
            self.figures.append(figure)

        def combine(kind: str, needed: tuple[str, ...]) -> str:
            verdicts = {f["preset"]: f["verdicts"][kind]["status"] for f in self.figures}
            statuses = [verdicts.get(p, "pending") for p in needed]
            if "missed" in statuses:
                return "missed"
            return "pending" if "pending" in statuses else "met"

        statuses = {"tracker_speed": combine("speed", TRACKER_PRESETS),
                    "tracker_real_time": combine("real_time", ("large",)),
                    "tracker_hard_p99": combine("hard_p99", ("hard",)),
                    "tracker_memory": combine("memory", TRACKER_PRESETS)}
        if self.quality.get("status") == "ok":
            values = [v["status"] for v in self.quality["verdicts"].values()]
            statuses["tracker_quality"] = ("missed" if "missed" in values else
                                           "pending" if "pending" in values else "met")
        else:
            statuses["tracker_quality"] = "pending"
        for target in self.targets:
            target["status"] = statuses[target["id"]]

    @staticmethod
    def threshold(value, bound: float, sense: str, rule: str) -> dict:
        if value is None:
            return {"status": "pending", "rule": rule}
        ok = value >= bound if sense == ">=" else value < bound
        result = {"status": "met" if ok else "missed", "rule": rule}
        if not ok:
            result["by"] = (f"{(bound - value) / bound * 100:.0f} % short" if sense == ">="
                            else f"{(value - bound) / bound * 100:.0f} % over")
        return result

    def results(self) -> dict:
        return {
            "status": self.status, "reason": self.reason,
            "config": {"presets": self.presets, "seed": TRACKER_SEED, "reps": self.args.reps,
                       "haechi": self.haechi, "tracker_config": str(self.tracker_config),
                       "peers": str(self.peers), "peer_python": self.peer_python,
                       "numpy": self.numpy_version() if self.status == "ok" else None,
                       "scenario_cache": str(self.cache), "work_dir": str(self.work),
                       "environment": "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 for every run",
                       "stonesoup_measured": [p for p in STONESOUP_MEASURED if p in self.presets],
                       "stonesoup_recorded": STONESOUP_RECORDED},
            "targets": self.targets,
            "figures": self.figures,
            "scenarios": self.scenarios,
            "haechi": {p: m.to_json() for p, m in self.haechi_runs.items()},
            "stonesoup": self.stonesoup,
            "quality": self.quality,
            "notes": self.notes,
            "errors": self.errors,
        }


# ------------------------------------------------------------------------------------------------
# Recording and replay: `haechi-bench record` beside a raw write, `haechi replay` of a dense session


class Child:
    """A program run with its output in a log file and reaped here with wait4(2), which gives its
    own peak RSS; in its own process group, killed on timeout."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None):
        self.command, self.log = command, log
        self.name = " ".join([Path(command[0]).name] + command[1:2])
        with open(log, "wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            env=env, start_new_session=True)
        self.began = time.monotonic()
        self.seconds: float | None = None
        self.returncode: int | None = None
        self.usage = None

    def poll(self) -> bool:
        """True once the process has ended (then reaped, with its resource usage)."""
        if self.returncode is not None:
            return True
        pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.seconds = time.monotonic() - self.began
        self.returncode = os.waitstatus_to_exitcode(status)
        self.process.returncode = self.returncode  # reaped here: Popen must not wait for it again
        self.usage = usage
        return True

    def wait(self, deadline: float) -> None:
        """Waits until the deadline (polling every 5 ms); raises RunError on a timeout or a failure."""
        while not self.poll():
            if time.monotonic() > deadline:
                self.kill()
                raise RunError(f"{self.name}: timed out")
            time.sleep(0.005)
        if self.returncode != 0:
            tail = self.tail()
            raise RunError(f"{self.name}: exit status {self.returncode}" + (f": {tail}" if tail else ""))

    def kill(self) -> None:
        if self.returncode is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status, self.usage = os.wait4(self.process.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        self.process.returncode = self.returncode

    def tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(lines[-3:])

    @property
    def peak_rss_mib(self) -> float | None:
        return self.usage.ru_maxrss / 1024 if self.usage is not None else None  # ru_maxrss is in KiB


def session_config(template: str, tracker_dir: Path) -> tuple[str, str]:
    """Config/ingest.yaml for a bench session: every tcp://127.0.0.1 port (the sensors' PULL endpoint,
    the drones' SUB endpoint, the tracks' PUB socket) replaced by a free one, and a relative tracker
    path made absolute (the copy lives elsewhere). Returns the text and the PULL endpoint."""
    ports: dict[str, int] = {}

    def fresh(match: re.Match) -> str:
        if match.group(1) not in ports:
            port = free_port()
            while port in ports.values():
                port = free_port()
            ports[match.group(1)] = port
        return f"tcp://127.0.0.1:{ports[match.group(1)]}"

    pull = re.search(r"address:\s*tcp://127\.0\.0\.1:(\d+)\s*\n\s*socket:\s*pull\b", template)
    if not pull:
        raise RunError(f"{SESSION_CONFIG}: no PULL endpoint on tcp://127.0.0.1 to send the session to")
    text = re.sub(r"tcp://127\.0\.0\.1:(\d+)", fresh, template)

    def absolute(match: re.Match) -> str:
        path = Path(match.group(2))
        return match.group(1) + str(path if path.is_absolute() else (tracker_dir / path).resolve())

    text = re.sub(r"^(\s+tracker:\s*)([^\s#]+)", absolute, text, flags=re.M)
    return text, f"tcp://127.0.0.1:{ports[pull.group(1)]}"


def scenario_duration(path: Path) -> float | None:
    """duration_s of a scenario file (a top-level key; read without a YAML parser)."""
    match = re.search(r"^duration_s:\s*([0-9.]+)", read(str(path)), flags=re.M)
    return float(match.group(1)) if match else None


class RecordingBench:
    """Record throughput beside a raw sequential write of the same bytes (`haechi-bench record`,
    compression none, which the target is judged on, and zstd), and the replay speed of a dense
    session (`haechi replay --speed max`): x real time = the scenario's length over the replay's wall
    time, frames/s, and, as a check, whether the replayed tracks equal the live run's byte for byte."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.haechi_bench = args.haechi_bench
        self.haechi = args.haechi
        self.cache = Path(args.session_cache)
        self.work = Path(args.out).parent / "recording"
        self.frames = RECORD_FRAMES_QUICK if args.quick else RECORD_FRAMES
        self.status = "pending"  # pending, ok, skipped
        self.reason: str | None = None
        self.record_reason: str | None = None
        self.replay_reason: str | None = None
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.record_runs = {c: Measurement(f"record_{c}", "haechi", f"record, compression {c}", RECORD_METRICS,
                                           None, False) for c in RECORD_COMPRESSIONS}
        self.replay_runs = Measurement("replay_dense", "haechi", "replay dense", REPLAY_METRICS, None, False)
        self.session: dict = {}
        self.figures: list[dict] = []
        self.checks: list[dict] = []
        self.targets = [dict(t) for t in RECORDING_TARGETS]

    # --- preconditions ---------------------------------------------------------------------------

    def missing(self) -> None:
        if not self.haechi_bench:
            self.record_reason = "no --haechi-bench given (make bench builds it from Benchmarks/HaechiBench)"
        elif not os.access(self.haechi_bench, os.X_OK):
            self.record_reason = f"{self.haechi_bench} does not exist or is not executable"
        if not self.haechi:
            self.replay_reason = "no --haechi given (make bench builds it with swift build -c release --product haechi)"
        elif not os.access(self.haechi, os.X_OK):
            self.replay_reason = f"{self.haechi} does not exist or is not executable"
        elif not SESSION_SCENARIO.is_file() or not SESSION_CONFIG.is_file():
            self.replay_reason = f"{SESSION_SCENARIO} or {SESSION_CONFIG} not found"
        for m in self.record_runs.values():
            if self.record_reason:
                m.status, m.error = "missing", self.record_reason
        if self.replay_reason:
            self.replay_runs.status, self.replay_runs.error = "missing", self.replay_reason

    # --- the dense session -----------------------------------------------------------------------

    def session_key(self) -> dict:
        return {"scenario": shown_path(SESSION_SCENARIO), "scenario_sha256": file_digest(SESSION_SCENARIO),
                "ingest_config_sha256": file_digest(SESSION_CONFIG),
                "tracker_config_sha256": file_digest(SESSION_CONFIG.parent / "tracker.yaml")
                if (SESSION_CONFIG.parent / "tracker.yaml").is_file() else None,
                "haechi_version": quiet([self.haechi, "--version"]), "haechi_sha256": file_digest(Path(self.haechi)),
                "simulate": "--speed max --socket push", "ingest": f"--idle-timeout {SESSION_IDLE_TIMEOUT_S}, "
                                                                  "recording compression none"}

    def dense_session(self) -> None:
        """The recorded dense session and the live run's track lines, made once per key and cached."""
        name = "dense"
        mcap, tracks, key_path = (self.cache / f"{name}.mcap", self.cache / f"{name}.live.tracks.jsonl",
                                  self.cache / f"{name}.key.json")
        key = self.session_key()
        try:
            cached = json.loads(key_path.read_text()) if mcap.is_file() and tracks.is_file() else None
        except (OSError, json.JSONDecodeError):
            cached = None
        if cached and cached.get("key") == key:
            self.session = dict(cached, cached=True)
            log(f"recording: dense session cached: {shown_path(mcap)} (generated in {cached.get('generate_s')} s)")
        else:
            log(f"recording: recording the dense session into {shown_path(mcap)} (haechi simulate --speed max "
                f"into haechi ingest; this takes a while)")
            self.session = dict(self.generate(name, mcap, tracks), key=key)
            key_path.write_text(json.dumps(self.session, indent=1) + "\n")
            self.session["cached"] = False
            log(f"recording: dense session recorded in {self.session['generate_s']} s (simulate "
                f"{self.session['simulate_s']} s): {self.session['frames_recorded']} frames, "
                f"{self.session['bytes'] / 1e6:.0f} MB")
        self.session.update(path=str(mcap), live_tracks=str(tracks))

    def generate(self, name: str, mcap: Path, tracks: Path) -> dict:
        partial = self.cache / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        template = SESSION_CONFIG.read_text()
        for attempt in range(PORT_RETRIES):
            config_text, pull = session_config(template, SESSION_CONFIG.parent)
            config, live, sent = partial / "ingest.yaml", partial / "live.summary.json", partial / "sent.summary.json"
            record_dir, live_tracks = partial / "rec", partial / "live.tracks.jsonl"
            config.write_text(config_text)
            shutil.rmtree(record_dir, ignore_errors=True)
            ingest = Child([self.haechi, "ingest", "--config", str(config), "--idle-timeout",
                            str(SESSION_IDLE_TIMEOUT_S), "--record-dir", str(record_dir), "--summary", str(live),
                            "--tracks-out", str(live_tracks), "--quiet"], partial / "ingest.log")
            simulate = None
            try:
                simulate = Child([self.haechi, "simulate", "--scenario", str(SESSION_SCENARIO), "--speed", "max",
                                  "--socket", "push", "--publish", pull, "--summary", str(sent), "--quiet"],
                                 partial / "simulate.log")
                deadline = time.monotonic() + TIMEOUT_SESSION_S
                while not simulate.poll():
                    if ingest.poll():  # ingest ended first: nobody drains the simulator's PUSH socket
                        simulate.kill()
                        ingest.wait(deadline)
                        raise RunError("haechi ingest: ended before the simulator had sent everything")
                    if time.monotonic() > deadline:
                        raise RunError("haechi simulate: timed out")
                    time.sleep(0.02)
                simulate.wait(deadline)
                ingest.wait(deadline)
            except RunError as error:
                if "Address already in use" in str(error) and attempt < PORT_RETRIES - 1:
                    continue
                raise
            finally:
                for child in (simulate, ingest):
                    if child is not None:
                        child.kill()
            break
        sent_summary, live_summary = load_json(sent, "haechi simulate"), load_json(live, "haechi ingest")
        recording = live_summary.get("recording") or {}
        files = sorted(record_dir.glob("*.mcap"))
        if not recording.get("finalised") or len(files) != 1:
            raise RunError(f"haechi ingest: not one finalised recording in {record_dir} ({recording})")
        recorded = files[0]
        totals = live_summary.get("totals") or {}
        if recording.get("frames_recorded") != sent_summary.get("messages_sent") or recording.get("frames_lost"):
            self.notes.append(f"dense session: {sent_summary.get('messages_sent')} messages sent, "
                              f"{recording.get('frames_recorded')} frames recorded, {recording.get('frames_lost')} lost")
        recorded.replace(mcap)
        live_tracks.replace(tracks)
        first, last = totals.get("first_t_ns"), totals.get("last_t_ns")
        entry = {"generate_s": round(ingest.seconds, 2), "simulate_s": round(simulate.seconds, 2),
                 "idle_timeout_s": SESSION_IDLE_TIMEOUT_S, "generated": datetime.datetime.now(
                     datetime.timezone.utc).isoformat(timespec="seconds"),
                 "duration_s": sent_summary.get("duration_s") or scenario_duration(SESSION_SCENARIO),
                 "data_span_s": (last - first) / 1e9 if isinstance(first, int) and isinstance(last, int) else None,
                 "messages_sent": sent_summary.get("messages_sent"),
                 "simulate_messages_per_second": sent_summary.get("messages_per_second"),
                 "frames_recorded": recording.get("frames_recorded"), "frames_lost": recording.get("frames_lost"),
                 "bytes_received": totals.get("bytes_received"), "bytes": mcap.stat().st_size,
                 "live_track_lines": (live_summary.get("tracking") or {}).get("published"),
                 "ingest_peak_rss_mib": ingest.peak_rss_mib, "config": config_text}
        shutil.rmtree(partial, ignore_errors=True)
        return entry

    # --- running ---------------------------------------------------------------------------------

    def record(self, compression: str, rep: int) -> dict:
        command = [self.haechi_bench, "record", "--directory", str(self.work / "scratch"), "--frames", str(self.frames),
                   "--payload-bytes", str(RECORD_PAYLOAD_BYTES), "--sources", str(RECORD_SOURCES),
                   "--compression", compression]
        self.record_runs[compression].command = command + ["[--baseline-first on even repetitions]"]
        if rep % 2 == 0:
            command.append("--baseline-first")
        return run_one(command, TIMEOUT_RECORD_S)

    def replay(self, rep: int) -> dict:
        summary_path, tracks = self.work / "replay.summary.json", self.work / "replay.tracks.jsonl"
        command = [self.haechi, "replay", self.session["path"], "--speed", "max", "--summary", str(summary_path),
                   "--quiet", "--tracks-out", str(tracks)]
        self.replay_runs.command = command
        summary_path.unlink(missing_ok=True)
        tracks.unlink(missing_ok=True)
        child = Child(command, self.work / "replay.log")
        child.wait(time.monotonic() + TIMEOUT_REPLAY_S)
        replay = load_json(summary_path, "haechi replay").get("replay") or {}
        wall, frames, duration = replay.get("wall_seconds"), replay.get("frames_replayed"), self.session.get("duration_s")
        if not isinstance(wall, (int, float)) or wall <= 0 or not isinstance(frames, int) or not duration:
            raise RunError(f"haechi replay: no wall_seconds or frames_replayed in {summary_path} (or no scenario length)")
        match_live = filecmp.cmp(tracks, self.session["live_tracks"], shallow=False) if tracks.is_file() else False
        tracks.unlink(missing_ok=True)
        return {"wall_seconds": wall, "frames_replayed": frames, "frames_per_second": frames / wall,
                "real_time_factor": duration / wall, "process_seconds": child.seconds,
                "peak_rss_mib": child.peak_rss_mib, "tracks_match_recording": replay.get("tracks_match_recording"),
                "tracks_match_live": match_live, "track_lines": replay.get("track_lines"),
                "recorded_track_lines": replay.get("recorded_track_lines"),
                "recorded_seconds": replay.get("recorded_seconds"),
                "summary_real_time_factor": replay.get("real_time_factor"), "rep": rep}

    def run(self) -> None:
        if "recording" not in self.args.sections:
            self.status, self.reason = "skipped", f"not selected ({self.args.selection})"
            log(f"recording: skipped: {self.reason}")
            return
        self.missing()
        if self.record_reason and self.replay_reason:
            self.status, self.reason = "skipped", f"{self.record_reason}; {self.replay_reason}"
            log(f"recording: skipped: {self.reason}")
            return
        self.status = "ok"
        self.work.mkdir(parents=True, exist_ok=True)
        self.cache.mkdir(parents=True, exist_ok=True)
        if self.replay_runs.status == "pending":
            try:
                self.dense_session()
            except (RunError, OSError) as error:
                self.replay_runs.status, self.replay_runs.error = "failed", f"dense session: {error}"
                self.errors.append(f"dense session: {error}")
                log(f"recording: dense session: FAILED: {error}")

        # Repetition 1 of each, then repetition 2, ..., as elsewhere.
        reps = self.args.reps
        todo = [(f"record, compression {c}", self.record_runs[c], lambda rep, c=c: self.record(c, rep))
                for c in RECORD_COMPRESSIONS] + [("replay dense", self.replay_runs, self.replay)]
        for rep in range(1, reps + 1):
            for label, m, measure in todo:
                if m.status != "pending":
                    continue
                try:
                    result = measure(rep)
                except (RunError, OSError) as error:
                    m.status, m.error = "failed", str(error)
                    self.errors.append(f"{label}: {error}")
                    log(f"[{rep}/{reps}] {label}: FAILED: {error}")
                    continue
                result["rep"] = rep
                m.runs.append(result)
                log(f"[{rep}/{reps}] {label}: {describe_recording(result)}")
        for _, m, _ in todo:
            if m.status == "pending":
                m.status = "ok"
        shutil.rmtree(self.work / "scratch", ignore_errors=True)

    # --- results ---------------------------------------------------------------------------------

    def evaluate(self) -> None:
        if self.status != "ok":
            for target in self.targets:
                target["status"] = "skipped"
            return
        statuses = {}
        for compression in RECORD_COMPRESSIONS:
            m = self.record_runs[compression]
            ok = m.status == "ok" and bool(m.runs)
            figure = {"id": f"record_{compression}", "compression": compression, "status": m.status,
                      "frames": self.frames, "payload_bytes": RECORD_PAYLOAD_BYTES, "sources": RECORD_SOURCES}
            for metric in RECORD_METRICS:
                figure[metric] = m.median(metric) if ok else None
                figure[f"{metric}_spread"] = m.spread(metric) if ok else None
            hm, rm = figure["record_frames_per_second"], figure["raw_frames_per_second"]
            # The ratio is the median of each run's own ratio: both sides run back to back in one
            # process, so a disturbed run disturbs both, where the ratio of the two medians could pair
            # one run's recorder with another's raw write. Its spread is that of the runs' ratios.
            # Beside it, the ratio of the medians and the median per order.
            figure["ratio"] = figure.pop("ratio") if ok else None
            figure["ratio_noise"] = figure.pop("ratio_spread")
            figure["ratio_of_medians"] = hm / rm if hm and rm else None
            figure["ratio_by_order"] = {
                order: statistics.median(values) if values else None
                for order in ("haechi_first", "baseline_first")
                for values in [[run["ratio"] for run in m.runs if run.get("order") == order
                                and isinstance(run.get("ratio"), (int, float))]]}
            if compression == RECORD_TARGET_COMPRESSION:
                figure["verdict"] = ratio_verdict(figure["ratio"], RECORD_RATIO_TARGET, figure["ratio_noise"],
                                                  f">= {RECORD_RATIO_TARGET}x raw write")
                statuses["record_throughput"] = figure["verdict"]["status"]
            else:
                figure["verdict"] = {"status": "none", "rule": "no target (for information)"}
            self.figures.append(figure)

        m = self.replay_runs
        ok = m.status == "ok" and bool(m.runs)
        figure = {"id": "replay_dense", "status": m.status, "error": m.error,
                  "scenario": shown_path(SESSION_SCENARIO), "duration_s": self.session.get("duration_s"),
                  "frames": self.session.get("frames_recorded"), "recording_bytes": self.session.get("bytes")}
        for metric in REPLAY_METRICS:
            figure[metric] = m.median(metric) if ok else None
            figure[f"{metric}_spread"] = m.spread(metric) if ok else None
        figure["peak_rss_mib_max"] = max(m.values("peak_rss_mib")) if ok and m.values("peak_rss_mib") else None
        rtf = figure["real_time_factor"]
        figure["verdict"] = ratio_verdict(rtf, REPLAY_REAL_TIME_TARGET, figure["real_time_factor_spread"],
                                          f">= {REPLAY_REAL_TIME_TARGET:.0f}x real time")
        statuses["replay_real_time"] = figure["verdict"]["status"]
        self.figures.append(figure)

        # The check of determinism: every replay's tracks equal the recording's (haechi/tracks, as
        # haechi replay compares them) and the live run's own track file, byte for byte.
        runs = m.runs if ok else []
        recording_ok = sum(1 for run in runs if run.get("tracks_match_recording") is True)
        live_ok = sum(1 for run in runs if run.get("tracks_match_live") is True)
        check = {"id": "replay_tracks_match",
                 "description": "replayed tracks equal the recording's and the live run's, byte for byte",
                 "runs": len(runs), "tracks_match_recording": recording_ok, "tracks_match_live": live_ok}
        if not runs:
            check["status"] = "not run"
        elif recording_ok == live_ok == len(runs):
            check["status"] = "passed"
        else:
            check["status"] = "failed"
            self.errors.append(f"replay: tracks differ from the live run's (matched the recording in {recording_ok}, "
                               f"the live track file in {live_ok} of {len(runs)} runs)")
        self.checks.append(check)

        for target in self.targets:
            status = statuses.get(target["id"], "pending")
            target["status"] = "pending" if status == "none" else status

    def results(self) -> dict:
        return {
            "status": self.status, "reason": self.reason,
            "config": {"reps": self.args.reps, "record_frames": self.frames, "record_payload_bytes": RECORD_PAYLOAD_BYTES,
                       "record_sources": RECORD_SOURCES, "record_compressions": list(RECORD_COMPRESSIONS),
                       "record_order": "haechi first on odd repetitions, the raw write first on even ones",
                       "haechi_bench": self.haechi_bench, "haechi": self.haechi,
                       "session_cache": str(self.cache), "work_dir": str(self.work)},
            "targets": self.targets,
            "checks": self.checks,
            "figures": self.figures,
            "session": {k: v for k, v in self.session.items() if k != "config"},
            "record": {c: m.to_json() for c, m in self.record_runs.items()},
            "replay": self.replay_runs.to_json(),
            "notes": self.notes,
            "errors": self.errors,
        }


def ratio_verdict(value, threshold: float, noise, rule: str) -> dict:
    """Met or missed against a lower bound, by how much when missed, and whether the gap lies within
    the run's spread (noise: relative, as ratio_noise)."""
    if value is None:
        return {"status": "pending", "rule": rule}
    result = {"status": "met" if value >= threshold else "missed", "rule": rule,
              "within_noise": abs(value - threshold) <= (noise or 0) * value}
    if value < threshold:
        result["by"] = f"{(threshold - value) / threshold * 100:.0f} % short"
    return result


def verdict(figure: dict) -> dict:
    """Met, missed or pending for one figure, and by how much when missed."""
    hm, cm, ratio = figure["haechi_median"], figure["baseline_median"], figure["ratio"]
    target = figure["target"]
    if target is None:
        return {"status": "none", "rule": "no target (reported for reference)"}
    if target in ("ring", "raw_ingest"):
        threshold, rule = (1.0, ">= 1.0x C ring") if target == "ring" else (0.8, ">= 0.8x libzmq")
        if ratio is None:
            return {"status": "pending", "rule": rule}
        noise = figure.get("ratio_noise") or 0
        close = abs(ratio - threshold) <= noise * ratio
        result = {"status": "met" if ratio >= threshold else "missed", "rule": rule, "within_noise": close}
        if ratio < threshold:
            result["by"] = f"{(threshold - ratio) / threshold * 100:.0f} % short"
        return result
    if target == "json_decode":
        rule = ">= 1 M frames/s"
        if hm is None:
            return {"status": "pending", "rule": rule}
        return ({"status": "met", "rule": rule} if hm >= 1e6 else
                {"status": "missed", "rule": rule, "by": f"{(1e6 - hm) / 1e4:.0f} % short"})
    if target == "allocations":
        # libzmq's own I/O thread allocates a receive buffer every few dozen frames, so the
        # process-wide count is never 0. Haechi's own threads' count (when haechi-bench reports it)
        # must be below 1 per 1000 frames; otherwise the process-wide count may exceed libzmq's own,
        # measured in the same run, by at most ALLOCATION_EXCESS_TOLERANCE.
        thread = figure.get("haechi_thread_median")
        if thread is not None:
            rule = f"own threads < {ALLOCATION_TOLERANCE}"
            return ({"status": "met", "rule": rule} if thread < ALLOCATION_TOLERANCE else
                    {"status": "missed", "rule": rule, "by": f"{thread:.3f} per frame"})
        rule = f"<= libzmq + {ALLOCATION_EXCESS_TOLERANCE}"
        if hm is None or cm is None:
            return {"status": "pending", "rule": rule}
        excess = hm - cm
        return ({"status": "met", "rule": rule} if excess <= ALLOCATION_EXCESS_TOLERANCE else
                {"status": "missed", "rule": rule, "by": f"{excess:+.3f} per frame"})
    raise AssertionError(target)


# ------------------------------------------------------------------------------------------------
# Machine and formatting


def read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def quiet(command: list[str]) -> str | None:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=REPO).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def os_name() -> str:
    for line in read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return platform.platform()


def machine_info(zmq_raw: str) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or None)
    libzmq = None
    version = quiet([zmq_raw, "version"])
    if version:
        try:
            libzmq = json.loads(version).get("libzmq")
        except json.JSONDecodeError:
            pass
    commit = quiet(["git", "rev-parse", "HEAD"])
    dirty = quiet(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu,
        "kernel": platform.release(),
        "os": os_name(),
        "python": platform.python_version(),
        "libzmq": libzmq,
        "git_commit": commit,
        "git_dirty": bool(dirty) if commit else None,
    }


def si(value) -> str:
    if value is None:
        return "-"
    for scale, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def latency_text(medians: dict | None) -> str:
    if not medians or any(medians.get(p) is None for p in ("p50_us", "p99_us", "p999_us")):
        return "-"
    return "/".join(f"{medians[p]:.0f}" if medians[p] >= 10 else f"{medians[p]:.1f}"
                    for p in ("p50_us", "p99_us", "p999_us")) + " us"


def describe_run(m: Measurement, result: dict) -> str:
    parts = []
    for metric in m.metrics:
        value = result.get(metric)
        if isinstance(value, (int, float)):
            parts.append(f"{metric}={si(value) if value >= 1000 else value}")
    return ", ".join(parts) or json.dumps(result)


def status_text(status: str, missing: str = "missing") -> str:
    return {"missing": missing, "failed": "FAILED"}.get(status, "-")


def table(bench: Bench) -> str:
    rows = [("figure", "Haechi", "baseline", "ratio", "target", "verdict")]
    for f in bench.figures:
        if f["kind"] == "throughput":
            unit = f["unit"]
            haechi = f"{si(f['haechi_median'])} {unit}" if f["haechi_median"] else status_text(f["haechi_status"])
            base = (f"{si(f['baseline_median'])} {unit} ({f['baseline_name']})" if f["baseline_median"]
                    else status_text(f["baseline_status"]))
            ratio = f"{f['ratio']:.2f}x +-{f['ratio_noise'] * 100:.0f}%" if f["ratio"] else "-"
            if f.get("vs_plaintext"):
                haechi += f" ({f['vs_plaintext']:.2f}x Haechi plaintext)"
        elif f["kind"] == "latency":
            haechi = latency_text(f.get("haechi_medians")) if f["haechi_status"] == "ok" else status_text(f["haechi_status"])
            base = (latency_text(f.get("baseline_medians")) + " (libzmq send->recv, context)"
                    if f["baseline_status"] == "ok" else status_text(f["baseline_status"]))
            ratio = "-"
        else:
            hm, thread = f["haechi_median"], f.get("haechi_thread_median")
            if f["haechi_status"] != "ok":
                haechi = status_text(f["haechi_status"])
            else:
                haechi = "-" if hm is None else f"{hm:.3f}"
                if thread is not None:
                    haechi += f" (own threads {thread:.4f})"
            base = (f"{f['baseline_median']:.3f} ({f.get('baseline_label', 'libzmq recv, whole process')})" if f["baseline_median"] is not None
                    else status_text(f["baseline_status"]))
            ratio = (f"{hm - f['baseline_median']:+.3f}" if hm is not None and f["baseline_median"] is not None
                     else "-")
        v = f["verdict"]
        rule = v["rule"] if f["target"] else ""
        verdict_text = {"none": "", "pending": "pending"}.get(v["status"], v["status"])
        if v["status"] == "missed":
            verdict_text += f" ({v['by']})"
        if v.get("within_noise"):
            verdict_text += " (within noise)"
        rows.append((f["label"], haechi, base, ratio, rule, verdict_text))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def describe_track(result: dict) -> str:
    def number(key: str, form: str) -> str:
        value = result.get(key)
        return format(value, form) if isinstance(value, (int, float)) else "-"
    return (f"{si(result.get('detections_per_second'))} detections/s, ms/scan p50 {number('ms_per_scan_p50', '.3g')} "
            f"p99 {number('ms_per_scan_p99', '.3g')} max {number('ms_per_scan_max', '.3g')}, real time {number('real_time_factor', '.0f')}x, "
            f"peak RSS {number('peak_rss_mib', '.0f')} MiB")


def shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def tracker_status_text(status: str) -> str:
    return {"missed": "not met"}.get(status, status)


def tracker_text(tb: TrackerBench) -> str:
    """The tracker section of the printout: speed table, quality table, targets."""
    if tb.status == "skipped":
        return f"Tracker (haechi track beside Stone Soup): skipped: {tb.reason}."
    rows = [("preset", "detections", "Haechi det/s", "Stone Soup det/s", "ratio", "ms/scan p50 / p99 / slowest",
             "real time", "peak RSS")]
    for f in tb.figures:
        if f["haechi_status"] != "ok" or f["detections_per_second"] is None:
            haechi = status_text(f["haechi_status"])
            rows.append((f["preset"], si(f["detections"]), haechi, "", "", "", "", ""))
            continue
        if f["stonesoup_detections_per_second"] is not None:
            stonesoup = f"{f['stonesoup_detections_per_second']:.0f} ({f['stonesoup_source']})"
        else:
            stonesoup = "FAILED" if f["stonesoup_status"] == "failed" else "-"
        ratio = f"{f['ratio']:.0f}x +-{(f['ratio_noise'] or 0) * 100:.0f}%" if f["ratio"] else "-"
        p50, p99, slowest = f["ms_per_scan_p50"], f["ms_per_scan_p99"], f["ms_per_scan_max"]
        rows.append((f["preset"], si(f["detections"]), si(f["detections_per_second"]), stonesoup, ratio,
                     f"{p50:.3g} / {p99:.3g} / {slowest:.3g} ms" if slowest is not None else f"{p50:.3g} / {p99:.3g} ms", f"{f['real_time_factor']:.0f}x",
                     f"{f['peak_rss_mib_max']:.0f} MiB"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"Tracker: haechi track ({shown_path(tb.tracker_config)}) on the Stone Soup peer's scenarios, seed "
             f"{TRACKER_SEED}; medians of {tb.args.reps} runs (peak RSS: the largest)"]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("Stone Soup det/s: measured = track_stonesoup.py run once in this run on the same file; recorded =\n"
                 "its README's figure for that preset (not measured here). ratio: Haechi / Stone Soup, +- the\n"
                 "spread of Haechi's runs. real time: scenario seconds per second of tracking.")

    q = tb.quality
    lines.append("")
    if q.get("status") == "ok":
        lines.append(f"Tracker quality on {q['preset']}, seed {q['seed']} (metrics_stonesoup.py on Haechi's tracks; "
                     "Stone Soup's recorded scores):")
        qrows = [("metric", "Haechi", "Stone Soup", "target", "verdict")]
        for key, label, sense, form in QUALITY_RULES:
            value, v = q["haechi"][key], q["verdicts"][key]
            qrows.append((label, "-" if value is None else f"{value:{form}}", f"{QUALITY_BASELINE[key]:{form}}",
                          v["rule"], tracker_status_text(v["status"]) + (f" ({v['by']})" if "by" in v else "")))
        qwidths = [max(len(row[i]) for row in qrows) for i in range(len(qrows[0]))]
        for n, row in enumerate(qrows):
            lines.append("  ".join(cell.ljust(qwidths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in qwidths))
    elif q.get("status") == "failed":
        lines.append(f"Tracker quality on {q['preset']}: FAILED: {q.get('error')}")
    else:
        lines.append(f"Tracker quality on {q['preset']}: not run ({q.get('reason') or 'see the errors'})")

    lines.append("")
    lines.append("Targets (tracker):")
    by_preset = {f["preset"]: f for f in tb.figures}
    for target in tb.targets:
        detail = ""
        if target["id"] == "tracker_speed":
            detail = ", ".join(f"{p} {by_preset[p]['ratio']:.0f}x" if by_preset.get(p, {}).get("ratio")
                               else f"{p} -" for p in TRACKER_PRESETS)
        elif target["id"] == "tracker_hard_p99":
            p99 = by_preset.get("hard", {}).get("ms_per_scan_p99")
            detail = f"hard {p99:.3g} ms" if p99 is not None else "hard not run"
        elif target["id"] == "tracker_real_time":
            rtf = by_preset.get("large", {}).get("real_time_factor")
            detail = f"large {rtf:.0f}x" if rtf else "large not run"
        elif target["id"] == "tracker_memory":
            detail = ", ".join(f"{p} {by_preset[p]['peak_rss_mib_max']:.0f} MiB"
                               if by_preset.get(p, {}).get("peak_rss_mib_max") else f"{p} -" for p in TRACKER_PRESETS)
        elif target["id"] == "tracker_quality" and q.get("status") == "ok":
            detail = ", ".join(f"{label.split(' (')[0]} {q['haechi'][key]:{form}} ({q['verdicts'][key]['by']})"
                               for key, label, _, form in QUALITY_RULES if "by" in q["verdicts"][key])
        lines.append(f"  {tracker_status_text(target['status']):<8} {target['description']}"
                     + (f": {detail}" if detail else ""))
    for note in tb.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def describe_recording(result: dict) -> str:
    if "record_frames_per_second" in result:
        return (f"Haechi {si(result['record_frames_per_second'])} frames/s {result['record_mb_per_second']:.0f} MB/s, "
                f"raw write {si(result['raw_frames_per_second'])} frames/s {result['raw_mb_per_second']:.0f} MB/s, "
                f"ratio {result['ratio']:.2f} ({result.get('order', '?').replace('_', ' ')})")
    return (f"{result['real_time_factor']:.0f}x real time ({result['wall_seconds']:.2f} s), "
            f"{si(result['frames_per_second'])} frames/s, process {result['process_seconds']:.2f} s, "
            f"peak RSS {result['peak_rss_mib']:.0f} MiB, tracks match recording {result['tracks_match_recording']}, "
            f"live {result['tracks_match_live']}")


def verdict_text(v: dict) -> str:
    text = {"none": "", "pending": "pending"}.get(v["status"], v["status"])
    if v["status"] == "missed":
        text += f" ({v['by']})"
    if v.get("within_noise"):
        text += " (within noise)"
    return text


def recording_text(rb: RecordingBench) -> str:
    """The recording section of the printout: record throughput, replay, the check, targets."""
    if rb.status == "skipped":
        return f"Recording and replay: skipped: {rb.reason}."
    lines = [f"Recording: haechi-bench record, {si(rb.frames)} frames ({RECORD_PAYLOAD_BYTES} B payloads on "
             f"{RECORD_SOURCES} topics) through the recorder, beside write(2) + fsync of the same bytes in the same "
             f"process (order alternating); medians of {rb.args.reps} runs"]
    rows = [("compression", "Haechi", "raw write", "ratio", "file", "target", "verdict")]
    by_id = {f["id"]: f for f in rb.figures}
    for compression in RECORD_COMPRESSIONS:
        f = by_id.get(f"record_{compression}")
        if f is None or f["record_frames_per_second"] is None:
            status = f["status"] if f else "missing"
            rows.append((compression, status_text(status), "", "", "", "", ""))
            continue
        rows.append((compression,
                     f"{si(f['record_frames_per_second'])} frames/s, {f['record_mb_per_second']:.0f} MB/s",
                     f"{si(f['raw_frames_per_second'])} frames/s, {f['raw_mb_per_second']:.0f} MB/s",
                     f"{f['ratio']:.2f}x +-{(f['ratio_noise'] or 0) * 100:.0f}%",
                     f"{f['file_bytes'] / 1e6:.0f} MB", f["verdict"]["rule"] if f["verdict"]["status"] != "none" else "-",
                     verdict_text(f["verdict"]) or "for information"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if rb.record_reason:
        lines.append(f"Record figures missing: {rb.record_reason}")
    lines.append("MB/s: frame bytes (topic + payload) per second, the same count on both sides; ratio: the median of\n"
                 "each run's Haechi / raw write, +- its spread; file: the recording's size (the raw file: the frame bytes).")

    lines.append("")
    f = by_id.get("replay_dense", {})
    s = rb.session
    if f.get("real_time_factor") is not None:
        made = (f"cached, recorded in {s.get('generate_s')} s on {s.get('generated', '?')[:10]}" if s.get("cached")
                else f"recorded in this run in {s.get('generate_s')} s")
        lines.append(f"Replay: haechi replay --speed max of the dense session ({s.get('duration_s'):.0f} s of "
                     f"{shown_path(SESSION_SCENARIO)}, {si(s.get('frames_recorded'))} frames, "
                     f"{s.get('bytes', 0) / 1e6:.0f} MB; {made}); medians of {len(rb.replay_runs.runs)} runs")
        lines.append(f"  {f['real_time_factor']:.0f}x real time +-{(f['real_time_factor_spread'] or 0) * 100:.0f}% "
                     f"({f['wall_seconds']:.2f} s), {si(f['frames_per_second'])} frames/s, whole process "
                     f"{f['process_seconds']:.2f} s, peak RSS {f['peak_rss_mib_max']:.0f} MiB; target "
                     f"{f['verdict']['rule']}: {verdict_text(f['verdict'])}")
        lines.append("  x real time: the scenario's length over the replay's own wall_seconds (its summary).")
    else:
        lines.append(f"Replay of the dense session: {status_text(rb.replay_runs.status)}"
                     + (f": {rb.replay_runs.error}" if rb.replay_runs.error else ""))

    for check in rb.checks:
        detail = (f": {check['tracks_match_recording']} of {check['runs']} runs equal the recording's, "
                  f"{check['tracks_match_live']} of {check['runs']} the live run's track file") if check["runs"] else ""
        lines.append(f"Check: {check['status']:<8} {check['description']}{detail}")
    lines.append("")
    lines.append("Targets (issue 6):")
    for target in rb.targets:
        figure = by_id.get("record_none" if target["id"] == "record_throughput" else "replay_dense", {})
        value = figure.get("ratio") if target["id"] == "record_throughput" else figure.get("real_time_factor")
        detail = ""
        if value is not None:
            detail = f"{value:.2f}x" if target["id"] == "record_throughput" else f"{value:.0f}x"
            if figure["verdict"].get("by"):
                detail += f", {figure['verdict']['by']}"
            if figure["verdict"].get("within_noise"):
                detail += ", within noise"
        lines.append(f"  {tracker_status_text(target['status']):<8} {target['description']}"
                     + (f": {detail}" if detail else ""))
    for note in rb.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run Haechi's benchmarks beside their baselines (make bench).")
    parser.add_argument("--bin-dir", default=str(REPO / ".build-bench"),
                        help="directory of spsc_ring, zmq_raw and malloc_count.so (default: .build-bench)")
    parser.add_argument("--haechi-bench", help="path of the Swift haechi-bench executable")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="smaller runs: ring 5 M items, ingest 200 k frames, latency 1 s, tracker on small only")
    parser.add_argument("--out", default=str(REPO / "bench" / "results.json"),
                        help="where to write the JSON results (default: bench/results.json); the tracker's "
                             "track files and summaries go to a tracker/ folder beside it")
    tracker = parser.add_argument_group("tracker (haechi track beside the Stone Soup peer)")
    tracker.add_argument("--haechi", help="path of a release build of the haechi executable "
                                          "(swift build -c release --product haechi)")
    tracker.add_argument("--shared", default=str(REPO.parent / "shared"),
                         help="the shared folder holding peers/stonesoup (default: ../shared)")
    default_python = REPO / ".venv" / "bin" / "python"
    tracker.add_argument("--peer-python", default=str(default_python) if default_python.exists() else sys.executable,
                         help="the Python with numpy and stonesoup that runs the peer's scripts "
                              "(default: .venv/bin/python when present)")
    tracker.add_argument("--tracker-config", default=str(REPO / "Config" / "tracker.yaml"),
                         help="the tracker config given to haechi track (default: Config/tracker.yaml)")
    tracker.add_argument("--tracker-presets",
                         help="comma-separated presets to run (default: small,medium,large; small with --quick); "
                              "the quality score runs when medium is among them")
    tracker.add_argument("--scenario-cache", default=str(REPO / "bench" / "scenarios"),
                         help="where generated scenario files are kept, one per preset and seed "
                              "(default: bench/scenarios)")
    recording = parser.add_argument_group("recording (haechi-bench record beside a raw write; haechi replay)")
    recording.add_argument("--session-cache", default=str(REPO / "bench" / "sessions"),
                           help="where the recorded dense session and its live track lines are kept "
                                "(default: bench/sessions)")
    sections = parser.add_argument_group("sections: core (ring, ingest, latency, allocations), tracker, recording")
    sections.add_argument("--only", metavar="SECTIONS",
                          help=f"comma-separated sections to run, of {', '.join(SECTIONS)} (default: all)")
    sections.add_argument("--tracker-only", action="store_true", help="run only the tracker section (--only tracker)")
    sections.add_argument("--no-tracker", action="store_true", help="skip the tracker section")
    sections.add_argument("--no-recording", action="store_true", help="skip the recording section")
    args = parser.parse_args()
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    if args.only and args.tracker_only:
        parser.error("--only and --tracker-only do not go together")
    if args.only:
        chosen = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in SECTIONS]
        if unknown or not chosen:
            parser.error(f"--only takes sections of {', '.join(SECTIONS)}")
        args.sections, args.selection = set(chosen), f"--only {','.join(chosen)}"
    elif args.tracker_only:
        args.sections, args.selection = {"tracker"}, "--tracker-only"
    else:
        args.sections, args.selection = set(SECTIONS), ""
    for name in ("tracker", "recording"):
        if getattr(args, f"no_{name}"):
            args.sections.discard(name)
            args.selection = " ".join(filter(None, [args.selection, f"--no-{name}"]))
    if not args.sections:
        parser.error("no section left to run")

    bench = Bench(args)
    trackers = TrackerBench(args)
    recordings = RecordingBench(args)
    machine = machine_info(bench.zmq_raw)
    log(f"==> {machine['nproc']} x {machine['cpu_model']}, Linux {machine['kernel']}, libzmq {machine['libzmq']}; "
        f"{args.reps} repetitions{' (quick)' if args.quick else ''}")
    try:
        bench.run()
        trackers.run()
        recordings.run()
    except KeyboardInterrupt:
        log("run_bench: interrupted")
        return 130
    bench.evaluate()
    trackers.evaluate()
    recordings.evaluate()

    results = bench.results(machine)
    results["tracker"] = trackers.results()
    results["recording"] = recordings.results()
    results["config"]["sections"] = [name for name in SECTIONS if name in args.sections]
    if args.tracker_only:
        results["config"]["tracker_only"] = True
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")

    print()
    print(f"Haechi benchmarks: medians of {args.reps} repetitions{' (quick sizes)' if args.quick else ''}, "
          f"{machine['nproc']} x {machine['cpu_model']}, Linux {machine['kernel']}")
    if "core" in args.sections:
        print(table(bench))
        print("ratio: Haechi / baseline, +- the run-to-run spread (median absolute deviation of the\n"
              "repetitions, both sides added); a verdict within it is marked. Allocations: per frame, whole\n"
              "process (libzmq's I/O thread included); the ratio column holds Haechi minus libzmq.")
        print()
        print("Targets (issue 4):")
        for target in TARGETS:
            print(f"  {target['status']:<8} {target['description']}")
    for note in bench.notes:
        print(f"Note: {note}")
    print()
    print(tracker_text(trackers))
    print()
    print(recording_text(recordings))
    errors = bench.errors() + trackers.errors + recordings.errors
    for error in errors:
        print(f"Error: {error}")
    try:
        shown = out.relative_to(Path.cwd())
    except ValueError:
        shown = out
    print(f"Results: {shown}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
