"""Constants shared by every section of run_bench.py (paths, sizes, presets, targets, timeouts), RunError and log."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent  # this file is Benchmarks/benchlib/common.py

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
    {"id": "e2e_latency", "description": "frame receipt to track publication p99 < 1 ms at 100 k frames/s, no loss"},
]
# The end-to-end latency bench's scene and tracker (haechi-bench e2e; docs/performance.md).
E2E_SCENARIO = "Benchmarks/scenarios/e2e.yaml"
E2E_TRACKER = "Config/tracker.yaml"
E2E_TARGET_RATE = 100_000
E2E_TARGET_P99_US = 1000.0

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


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
