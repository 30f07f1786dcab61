"""The report's figures against an independent recomputation from the recording (issue 13, item 9).

A simulated live run (``live_session``) is reported under the sample plan (``report``, as in
``test_report_interop.py``). This module then reads the same ``.mcap`` with the PyPI ``mcap`` reader
(``recordings.py``), decodes the raw frames itself (JSON records with ``json``, MAVLink with pymavlink),
puts truth and sensors into the site's ENU frame with its own WGS-84 geodesy, and recomputes the
figures from the definitions in ``docs/evaluation.md``; no Haechi code is called except the CLI that
makes the report and writes the replayed tracker's tracks (``haechi replay --tracks-out``).

What is recomputed, and from what:

- **Detection level** (per sensor, per range bin, pooled, within the criteria's ``within_m``): the
  trials, hits and false alarms, with the plan's gate half-widths (``evaluation.gate``), greedy
  nearest-first association on the normalised distance, every airborne drone a candidate, trials
  limited to the sensor's ``max_range_m``, bins from ``evaluation.range_bins_m`` (last bin closed).
  Compared exactly (numerator and denominator), and the Pd-vs-range plot series point by point.
- **Truth's own timeline** (every truth time, filled at the nominal step where the run goes on without
  truth), truth interpolated across gaps up to ``evaluation.truth_gap_s``, tracks held at constant
  velocity for at most ``evaluation.hold_s`` and never past their last record.
- **OSPA and GOSPA** (c, p from the plan) by Stone Soup's own ``OSPAMetric`` and ``GOSPAMetric``, and
  **SIAP completeness** from Stone Soup's ``TrackToTruth`` associations (the plan's ``association_m``,
  3 pairs to confirm, 2 misses to end; the sum of ``SIAPMetrics``, taken here, see ``track_figures``),
  on that timeline: the means, the number of time steps, and the OSPA plot series step by step.
- **Record association** (each record time: the most pairs within ``association_m`` of the drones
  present, then the least total distance; scipy's ``linear_sum_assignment``): horizontal, vertical and
  3-D RMSE and P95, CEP50 (numpy's linear percentiles), the bias per axis and the number of associated
  records;
  **false tracks** (at least 50 % of a track's records in the evaluated interval unassociated) and the
  evaluated duration.

The track-level figures are checked twice. Against the report itself, whose tracks are the tracker's
own states: the track file that ``haechi replay`` writes rounds positions and velocities to the
millimetre (per second), so the recomputation from it may differ by about that much (see
``TRACK_FILE``). And against ``haechi report --tracks`` on the same track file plus three
synthetic tracks (a stationary ghost, a track that stands for a drone for exactly half of its records,
one for 60 %), where the inputs are identical, so every value must agree to rounding error and the
false-track count must include the ghost and the half-and-half track (the "at least 50 %" rule) but not
the 60 % one.

Not recomputed: the confidence bounds (Korn-Graubard, bootstrap, Garwood; they have their own scipy
fixtures in ``Tests/EvaluationTests/Fixtures``), the SIAP figures other than completeness, MOTA/IDF1,
latency and the range-test figures. MAVLink truth from ``GPS_RAW_INT`` alone (a system that sends no
``GLOBAL_POSITION_INT``) is not implemented: the test asserts that the recording has none.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pymap3d
import pytest
import yaml
from pymavlink.dialects.v20 import common as mavlink2
from scipy.optimize import linear_sum_assignment
from stonesoup.dataassociator.tracktotrack import TrackToTruth
from stonesoup.measures import Euclidean
from stonesoup.metricgenerator.manager import MultiManager
from stonesoup.metricgenerator.ospametric import GOSPAMetric, OSPAMetric
from stonesoup.types.array import StateVector
from stonesoup.types.groundtruth import GroundTruthPath, GroundTruthState
from stonesoup.types.state import State
from stonesoup.types.track import Track

import recordings
from test_recording_interop import live_session  # noqa: F401 (fixture)
from test_report_interop import PLAN, haechi, report  # noqa: F401 (fixture)

#: Recomputed from the same numbers as Haechi's but in another order (sums, a different geodesy
#: formula): agreement to 1e-9 relative is rounding error, anything beyond it is a difference.
SAME_INPUTS = dict(rel=1e-9, abs=1e-9)
#: The track file holds positions to 1 mm and velocities to 1 mm/s, which the hold multiplies by up to
#: 2 s: a track state on the grid moves by at most √3 · (0.5 mm + 2 s · 0.5 mm/s) ≈ 2.6 mm from the
#: tracker's own, and a mean, RMSE or percentile of distances by no more. 3 mm, plus 1e-4 relative
#: for the sums.
TRACK_FILE = dict(rel=1e-4, abs=3e-3)
#: The false-track rule's default fraction (docs/evaluation.md, "False tracks").
FALSE_TRACK_FRACTION = 0.5
#: TrackToTruth's defaults, which the report uses (docs/evaluation.md, "Track-to-truth association").
CONSEC_PAIRS_CONFIRM, CONSEC_MISSES_END = 3, 2

# ------------------------------------------------------------------------------------------------
# Geodesy: WGS-84 geodetic -> ECEF -> local ENU (the site origin's tangent plane)

WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_E2 = WGS84_F * (2 - WGS84_F)


def geodetic_to_ecef(lat_deg: float, lon_deg: float, h: float) -> np.ndarray:
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    n = WGS84_A / math.sqrt(1 - WGS84_E2 * math.sin(lat) ** 2)  # prime vertical radius of curvature
    return np.array([(n + h) * math.cos(lat) * math.cos(lon),
                     (n + h) * math.cos(lat) * math.sin(lon),
                     (n * (1 - WGS84_E2) + h) * math.sin(lat)])


class LocalFrame:
    """East-north-up about a geodetic origin: the ECEF difference rotated into the origin's tangent plane."""

    def __init__(self, lat: float, lon: float, h: float):
        self.origin = geodetic_to_ecef(lat, lon, h)
        sl, cl = math.sin(math.radians(lat)), math.cos(math.radians(lat))
        so, co = math.sin(math.radians(lon)), math.cos(math.radians(lon))
        self.rotation = np.array([[-so, co, 0.0],
                                  [-sl * co, -sl * so, cl],
                                  [cl * co, cl * so, sl]])

    def enu(self, lat: float, lon: float, h: float) -> np.ndarray:
        return self.rotation @ (geodetic_to_ecef(lat, lon, h) - self.origin)


# ------------------------------------------------------------------------------------------------
# The recording, decoded here


def record_time_ns(record: dict) -> int:
    """``t_ns`` wins; else the nearest ns of ``t``'s decimal value (docs/wire-formats.md, "Time")."""
    if record.get("t_ns") is not None:
        return int(record["t_ns"])
    return int((Decimal(repr(float(record["t"]))) * 1_000_000_000).to_integral_value())


@dataclass
class Scan:
    sensor_id: str
    scan_id: int
    t_ns: int
    expected: int | None = None  # the header's n_detections
    detections: list[dict] = field(default_factory=list)


@dataclass
class Run:
    """What the recording holds: the site, truth per drone (t_ns, ENU, ENU velocity), sensors, scans."""

    frame: LocalFrame
    origin: dict
    truth: dict[str, list[tuple[int, np.ndarray, np.ndarray | None]]]
    sensors: dict[str, dict]  # id -> {"enu": array | None, "max_range_m": float | None}
    scans: list[Scan]
    mavlink_gps_only_fixes: int = 0  # GPS_RAW_INT fixes before a system's first GLOBAL_POSITION_INT


def read_run(path: Path) -> Run:
    rec = recordings.read_recording(path)
    run_meta = rec.metadata["haechi.run"]
    origin = json.loads(run_meta["site_origin"])
    config = yaml.safe_load(run_meta["config"])
    geoid_separation = float(config["site"]["geoid_separation_m"])
    frame = LocalFrame(origin["lat"], origin["lon"], origin["alt"])

    sensors: dict[str, dict] = {}
    for sensor in config.get("sensors") or []:
        position = sensor.get("position")
        enu = None if position is None else frame.enu(position["lat"], position["lon"], position["alt"])
        sensors[str(sensor["id"])] = {"enu": enu, "max_range_m": None}
    truth: dict[str, dict[int, tuple]] = defaultdict(dict)  # drone -> t_ns -> state; the last given at a time is kept
    scans: dict[tuple, Scan] = {}
    boot_epoch_ns: dict[tuple, int] = {}  # (source, system) -> UTC of boot, from SYSTEM_TIME
    ellipsoid_separation: dict[tuple, float] = {}  # (source, system) -> alt_ellipsoid - alt of the latest GPS_RAW_INT
    has_global_position: set[tuple] = set()
    parsers: dict[str, mavlink2.MAVLink] = {}
    gps_only = 0

    for f in rec.frames:
        if f.kind != "decoded":
            continue
        fmt, _, source_id = f.source.partition("/")
        if fmt == "json":
            r = json.loads(f.data)
            kind = r["type"]
            if kind == "sensor":
                entry = sensors.setdefault(str(r["sensor_id"]), {"enu": None, "max_range_m": None})
                if r.get("enu") is not None:
                    entry["enu"] = np.array(r["enu"], dtype=float)
                elif r.get("lat") is not None:
                    entry["enu"] = frame.enu(r["lat"], r["lon"], r["alt"])
                entry["max_range_m"] = r.get("max_range_m")
                entry["record"] = r
            elif kind == "scan":
                scan = Scan(str(r["sensor_id"]), int(r["scan_id"]), record_time_ns(r), r.get("n_detections"))
                scan.detections.extend(r.get("detections") or [])
                scans[(scan.sensor_id, scan.scan_id, scan.t_ns)] = scan
            elif kind == "detection":
                key = (str(r["sensor_id"]), int(r["scan_id"]), record_time_ns(r))
                scans.setdefault(key, Scan(*key)).detections.append(r)
            elif kind == "truth":
                enu = np.array(r["enu"], dtype=float) if r.get("enu") is not None else frame.enu(r["lat"], r["lon"], r["alt"])
                vel = None if r.get("vel_enu") is None else np.array(r["vel_enu"], dtype=float)
                truth[str(r["drone_id"])][record_time_ns(r)] = (enu, vel)
        elif fmt == "mavlink":
            parser = parsers.setdefault(f.source, mavlink2.MAVLink(None))
            parser.robust_parsing = True
            for msg in parser.parse_buffer(f.data) or []:
                name, system = msg.get_type(), (f.source, msg.get_srcSystem())
                if name == "SYSTEM_TIME" and msg.time_unix_usec:
                    boot_epoch_ns[system] = msg.time_unix_usec * 1000 - msg.time_boot_ms * 1_000_000
                elif name == "GPS_RAW_INT":
                    if getattr(msg, "alt_ellipsoid", 0):
                        ellipsoid_separation[system] = (msg.alt_ellipsoid - msg.alt) / 1000
                    if system not in has_global_position and msg.fix_type >= 2:
                        gps_only += 1
                elif name == "GLOBAL_POSITION_INT":
                    has_global_position.add(system)
                    # time_boot_ms through the latest SYSTEM_TIME, else the frame's receive time
                    t_ns = (boot_epoch_ns[system] + msg.time_boot_ms * 1_000_000 if system in boot_epoch_ns
                            else f.log_time)
                    h = msg.alt / 1000 + ellipsoid_separation.get(system, geoid_separation)
                    enu = frame.enu(msg.lat * 1e-7, msg.lon * 1e-7, h)
                    vel = np.array([msg.vy, msg.vx, -msg.vz], dtype=float) / 100  # NED cm/s -> ENU m/s
                    truth[source_id][t_ns] = (enu, vel)
    paths = {drone: [(t, *states[t]) for t in sorted(states)] for drone, states in truth.items() if states}
    ordered = sorted(scans.values(), key=lambda s: (s.t_ns, s.sensor_id, s.scan_id))
    return Run(frame, origin, paths, sensors, ordered, gps_only)


def truth_at(path: list[tuple], t_ns: int, max_gap_ns: int) -> np.ndarray | None:
    """The drone's position at ``t_ns``: its own fix, or the linear interpolation between the fixes
    either side at most ``max_gap_ns`` apart; ``None`` when it is not airborne then."""
    times = [s[0] for s in path]
    i = bisect_left(times, t_ns)
    if i < len(times) and times[i] == t_ns:
        return path[i][1]
    if i == 0 or i == len(times) or times[i] - times[i - 1] > max_gap_ns:
        return None
    (t0, p0, _), (t1, p1, _) = path[i - 1], path[i]
    return p0 + (p1 - p0) * ((t_ns - t0) / (t1 - t0))


def wrap_deg(angle: float) -> float:
    """Into [-180, 180)."""
    return (angle + 180.0) % 360.0 - 180.0


# ------------------------------------------------------------------------------------------------
# The plan


@dataclass
class PlanSettings:
    c: float
    p: float
    association_m: float
    bins: list[float]
    hold_ns: int
    gap_ns: int
    gate: dict
    within: list[float]


def plan_settings(path: Path) -> PlanSettings:
    plan = yaml.safe_load(path.read_text())
    ev = plan.get("evaluation") or {}
    gate = {"range_m": 50.0, "azimuth_deg": 2.0, "elevation_deg": 2.0, **(ev.get("gate") or {})}
    return PlanSettings(c=float(ev.get("ospa_c_m", 100)), p=float(ev.get("ospa_p", 1)),
                        association_m=float(ev.get("association_m", 50)),
                        bins=[float(b) for b in ev.get("range_bins_m", [0, 500, 1000, 2000, 3000, 5000, 8000])],
                        hold_ns=int(float(ev.get("hold_s", 2)) * 1e9), gap_ns=round(float(ev.get("truth_gap_s", 5)) * 1e9),
                        gate=gate, within=[float(c["within_m"]) for c in plan.get("criteria") or []
                                           if c.get("metric") == "pd" and c.get("within_m") is not None])


# ------------------------------------------------------------------------------------------------
# Detection level


@dataclass
class Trial:
    sensor: str
    drone: str
    range_m: float
    hit: bool


def detection_level(run: Run, plan: PlanSettings) -> tuple[list[Trial], int, int]:
    """Every trial (scan, airborne drone within the sensor's maximum range), the false alarms and
    the number of scans scored (scans of sensors with a position)."""
    trials: list[Trial] = []
    false_alarms = scored_scans = 0
    gate = plan.gate
    for scan in run.scans:
        if scan.expected is not None:
            assert len(scan.detections) == scan.expected, f"scan {scan.sensor_id}/{scan.scan_id} incomplete in the recording"
        sensor = run.sensors.get(scan.sensor_id)
        if sensor is None or sensor["enu"] is None:
            continue
        scored_scans += 1
        truths = {}
        for drone in sorted(run.truth):
            p = truth_at(run.truth[drone], scan.t_ns, plan.gap_ns)
            if p is None:
                continue
            d = p - sensor["enu"]
            r = float(np.linalg.norm(d))
            truths[drone] = (r, math.degrees(math.atan2(d[0], d[1])) % 360.0, math.degrees(math.asin(d[2] / r)))
        pairs = []
        for j, det in enumerate(scan.detections):
            for drone, (r, az, el) in truths.items():
                terms = [wrap_deg(det["azimuth_deg"] - az) / gate["azimuth_deg"]]
                if det.get("range_m") is not None:
                    terms.append((det["range_m"] - r) / gate["range_m"])
                if det.get("elevation_deg") is not None:
                    terms.append((det["elevation_deg"] - el) / gate["elevation_deg"])
                if all(abs(x) <= 1 for x in terms):  # within every half-width (k sigma = the plan's gate)
                    pairs.append((sum(x * x for x in terms), drone, j))
        used_drones, used_dets = set(), set()
        for _, drone, j in sorted(pairs):  # greedy: smallest normalised distance first; ties by drone id, then order given
            if drone not in used_drones and j not in used_dets:
                used_drones.add(drone)
                used_dets.add(j)
        false_alarms += len(scan.detections) - len(used_dets)
        max_range = sensor["max_range_m"]
        for drone, (r, _, _) in truths.items():
            if max_range is None or r <= max_range:
                trials.append(Trial(scan.sensor_id, drone, r, drone in used_drones))
    return trials, false_alarms, scored_scans


def in_bin(r: float, lower: float, upper: float, last: float) -> bool:
    return lower <= r < upper or (upper == last and r == upper)


def counts(trials: list[Trial]) -> tuple[int, int]:
    return sum(t.hit for t in trials), len(trials)


# ------------------------------------------------------------------------------------------------
# Tracks, the timeline, and the track-level figures


def read_tracks(path: Path) -> dict[str, list[tuple[int, np.ndarray, np.ndarray]]]:
    per: dict[str, dict[int, tuple]] = defaultdict(dict)
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("type", "track") != "track":
            continue
        vel = r.get("vel")
        per[str(r["track_id"])][record_time_ns(r)] = (np.array(r["enu"], dtype=float),
                                                      np.zeros(3) if vel is None else np.array(vel, dtype=float))
    return {tid: [(t, *states[t]) for t in sorted(states)] for tid, states in per.items()}


def truth_timeline(run: Run) -> list[int]:
    """Every truth time; where no drone has truth but the run (truth and scans) goes on, points at the
    nominal step d (the median interval between a drone's consecutive fixes): gaps longer than 1.5 d
    filled with a + k d up to half a step short of b, and the run's start and end reached in steps of d."""
    times = sorted({t for path in run.truth.values() for t, *_ in path})
    intervals = [b[0] - a[0] for path in run.truth.values() for a, b in zip(path, path[1:])]
    d = int(np.median(intervals)) if intervals else 1_000_000_000
    ends = [t for path in run.truth.values() for t in (path[0][0], path[-1][0])] + [s.t_ns for s in run.scans]
    start, end = min(ends), max(ends)
    grid = []
    t = times[0] - d
    while t >= start:
        grid.append(t)
        t -= d
    grid.reverse()
    for a, b in zip(times, times[1:]):
        grid.append(a)
        if b - a > 1.5 * d:
            t = a + d
            while t <= b - d / 2:
                grid.append(t)
                t += d
    grid.append(times[-1])
    t = times[-1] + d
    while t <= end:
        grid.append(t)
        t += d
    return grid


def held(track: list[tuple], grid: list[int], hold_ns: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """The track at each grid time within its first and last record: its latest record at most
    ``hold_ns`` old, moved on with its velocity."""
    times = [s[0] for s in track]
    out = []
    for g in grid:
        if g < times[0] or g > times[-1]:
            continue
        i = bisect_left(times, g + 1) - 1  # the latest record at or before g
        t, p, v = track[i]
        if g - t <= hold_ns:
            out.append((g, p + v * ((g - t) / 1e9), v))
    return out


def to_datetime(t_ns: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=round(t_ns / 1000))


def state_vector(p, v) -> StateVector:
    return StateVector([p[0], v[0], p[1], v[1], p[2], v[2]])


@dataclass
class TrackFigures:
    grid: list[int]
    ospa_steps: dict[int, float]  # t_ns -> OSPA
    ospa_mean: float
    gospa_mean: float
    truth_samples: int  # sum over the grid of the drones present
    completeness: float
    associated_records: int
    errors: np.ndarray  # track - truth, one row per associated record
    false_tracks: list[str]
    evaluated_tracks: int
    duration_s: float


def track_figures(run: Run, tracks: dict[str, list[tuple]], plan: PlanSettings) -> TrackFigures:
    grid = truth_timeline(run)
    # Truth on the timeline, and the tracks held onto it, as Stone Soup paths.
    truth_paths, samples = set(), 0
    for drone, path in sorted(run.truth.items()):
        states = []
        times = [s[0] for s in path]
        for g in grid:
            p = truth_at(path, g, plan.gap_ns)
            if p is None:
                continue
            i = bisect_left(times, g)
            v = path[i][2] if i < len(times) and times[i] == g else None
            states.append(GroundTruthState(state_vector(p, v if v is not None else np.zeros(3)), timestamp=to_datetime(g)))
        samples += len(states)
        if states:
            truth_paths.add(GroundTruthPath(states, id=drone))
    track_set = set()
    for tid, track in tracks.items():
        states = [State(state_vector(p, v), timestamp=to_datetime(g)) for g, p, v in held(track, grid, plan.hold_ns)]
        if states:
            track_set.add(Track(states, id=tid))
    position = Euclidean(mapping=(0, 2, 4))
    manager = MultiManager([OSPAMetric(c=plan.c, p=plan.p, measure=position), GOSPAMetric(c=plan.c, p=plan.p, measure=position)])
    manager.add_data({"tracks": track_set, "groundtruth_paths": truth_paths})
    metrics = manager.generate_metrics()
    epoch = datetime(1970, 1, 1)
    ospa = {round((m.timestamp - epoch) / timedelta(microseconds=1)) * 1000: float(m.value)
            for m in metrics["ospa_generator"]["OSPA distances"].value}
    gospa = [float(m.value["distance"]) for m in metrics["gospa_generator"]["GOSPA Metrics"].value]
    # SIAP completeness = sum over the timeline of the drones with an association holding (and its
    # track a state there) / the drones present. The associations are Stone Soup's TrackToTruth; the
    # sum is taken here rather than by SIAPMetrics, which stops with "timestamp not found in states"
    # where a track pauses longer than the hold inside an association (docs/evaluation.md,
    # conventions, item 3: such a time counts as not tracked).
    associations = TrackToTruth(association_threshold=plan.association_m, consec_pairs_confirm=CONSEC_PAIRS_CONFIRM,
                                consec_misses_end=CONSEC_MISSES_END, measure=position).associate_tracks(track_set, truth_paths)
    tracked = 0
    for truth in truth_paths:
        links = [(a.time_range, next(o for o in a.objects if o is not truth)) for a in associations.associations
                 if truth in a.objects]
        for state in truth.states:
            tracked += any(state.timestamp in span and any(s.timestamp == state.timestamp for s in track.states)
                           for span, track in links)
    completeness = tracked / samples

    # Record association: at each record time in the evaluated interval, the most pairs within the
    # association distance (3-D), then the least total distance.
    first, last = grid[0], grid[-1]
    by_time: dict[int, list[tuple[str, np.ndarray]]] = defaultdict(list)
    for tid, track in tracks.items():
        for t, p, _ in track:
            if first <= t <= last:
                by_time[t].append((tid, p))
    records = defaultdict(int)
    associated = defaultdict(int)
    errors = []
    for t, recs in sorted(by_time.items()):
        present = [(d, p) for d in sorted(run.truth) if (p := truth_at(run.truth[d], t, plan.gap_ns)) is not None]
        for tid, _ in recs:
            records[tid] += 1
        if not present:
            continue
        distance = np.array([[np.linalg.norm(p - q) for _, q in present] for _, p in recs])
        gated = distance <= plan.association_m
        # A gated pair costs its distance less a constant larger than any sum of distances, an ungated
        # one nothing: the least total cost is the most gated pairs, then the least total distance.
        big = 1e3 * (plan.association_m + 1) * (len(recs) + len(present))
        rows, cols = linear_sum_assignment(np.where(gated, distance - big, 0.0))
        for i, j in zip(rows, cols):
            if gated[i, j]:
                associated[recs[i][0]] += 1
                errors.append(recs[i][1] - present[j][1])
    false_tracks = sorted(tid for tid, n in records.items() if (n - associated[tid]) / n >= FALSE_TRACK_FRACTION)
    return TrackFigures(grid=grid, ospa_steps=ospa, ospa_mean=float(np.mean(list(ospa.values()))), gospa_mean=float(np.mean(gospa)),
                        truth_samples=samples, completeness=completeness, associated_records=len(errors),
                        errors=np.array(errors).reshape(-1, 3), false_tracks=false_tracks, evaluated_tracks=len(records),
                        duration_s=(last - first) / 1e9)


def error_figures(errors: np.ndarray) -> dict[str, float]:
    """docs/evaluation.md, "Position error": h = horizontal error, v = vertical, d = 3-D; percentiles linear."""
    h = np.hypot(errors[:, 0], errors[:, 1])
    v = errors[:, 2]
    d = np.linalg.norm(errors, axis=1)
    return {"horizontal_rmse_m": math.sqrt(np.mean(h ** 2)), "vertical_rmse_m": math.sqrt(np.mean(v ** 2)),
            "position_rmse_3d_m": math.sqrt(np.mean(d ** 2)), "horizontal_p95_m": float(np.percentile(h, 95)),
            "vertical_p95_m": float(np.percentile(np.abs(v), 95)), "position_p95_3d_m": float(np.percentile(d, 95)),
            "cep50_m": float(np.percentile(h, 50)), "position_bias_east_m": float(np.mean(errors[:, 0])),
            "position_bias_north_m": float(np.mean(errors[:, 1])), "position_bias_up_m": float(np.mean(errors[:, 2]))}


# ------------------------------------------------------------------------------------------------
# Fixtures


@dataclass
class Recomputed:
    run: Run
    plan: PlanSettings
    report: dict  # the report's report.json (the tracker's own tracks)
    trials: list[Trial]
    false_alarms: int
    scans: int
    tracks: TrackFigures  # from the replayed track file
    augmented_report: dict  # report.json of `report --tracks` on the track file plus the synthetic tracks
    augmented: TrackFigures
    synthetic: dict[str, bool]  # synthetic track id -> whether it should be false


def synthetic_tracks(run: Run, plan: PlanSettings) -> tuple[list[dict], dict[str, bool]]:
    """Three tracks at times no real record has (a quarter second past the truth's half seconds, so
    truth is interpolated there), one second apart: ``ghost`` far from every drone for 20 records;
    ``half`` 3 m from the longest-flying drone for 5 records, then 5 at the ghost's place (exactly
    half unassociated: false); ``most`` 6 records by the drone and 4 away (40 %: not false)."""
    drone = max(run.truth, key=lambda d: len(run.truth[d]))
    path = run.truth[drone]
    everything = np.array([p for pth in run.truth.values() for _, p, _ in pth])
    far = max((np.array([e, n, 100.0]) for e in (-6000, 6000) for n in (-6000, 6000)),
              key=lambda q: np.min(np.linalg.norm(everything - q, axis=1)))
    assert np.min(np.linalg.norm(everything - far, axis=1)) > 10 * plan.association_m
    t0 = path[0][0] + 250_000_000
    lines, expected = [], {}

    def add(tid: str, start_s: int, near: int, total: int, offset) -> None:
        for k in range(total):
            t = t0 + (start_s + k) * 1_000_000_000
            p = truth_at(path, t, plan.gap_ns)
            assert p is not None, f"{drone} has no truth at {t}"
            enu = p + np.array(offset) if k < near else far
            lines.append({"type": "track", "track_id": tid, "t_ns": t, "enu": [float(x) for x in enu], "vel": [0.0, 0.0, 0.0]})
        expected[tid] = (total - near) / total >= FALSE_TRACK_FRACTION

    add("ghost", 20, 0, 20, (0, 0, 0))
    add("half", 50, 5, 10, (3.0, 0, 0))
    add("most", 70, 6, 10, (0, 3.0, 0))
    return lines, expected


@pytest.fixture(scope="module")
def recomputed(haechi_bin, report, tmp_path_factory) -> Recomputed:  # noqa: F811 (fixture)
    work, recording, log, out, key, _ = report
    tmp = tmp_path_factory.mktemp("recompute")
    tracks_file = tmp / "tracks.jsonl"
    replayed = haechi(haechi_bin, "replay", str(recording), "--speed", "max", "--quiet", "--tracks-out", str(tracks_file),
                      "--summary", str(tmp / "replay.json"))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    run = read_run(recording)
    plan = plan_settings(PLAN)
    trials, false_alarms, scans = detection_level(run, plan)
    tracks = read_tracks(tracks_file)

    lines, expected = synthetic_tracks(run, plan)
    augmented_file = tmp / "augmented.jsonl"
    augmented_file.write_text(tracks_file.read_text() + "".join(json.dumps(line) + "\n" for line in lines))
    by_file = tmp / "augmented"
    made = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json", "--tracks", str(augmented_file),
                  "--out", str(by_file), "--log", str(tmp / "runlog.sqlite"), "--key", str(key))
    assert made.returncode == 0, made.stdout + made.stderr
    return Recomputed(run=run, plan=plan, report=json.loads((out / "report.json").read_text()), trials=trials,
                      false_alarms=false_alarms, scans=scans, tracks=track_figures(run, tracks, plan),
                      augmented_report=json.loads((by_file / "report.json").read_text()),
                      augmented=track_figures(run, read_tracks(augmented_file), plan), synthetic=expected)


def by_key(report_json: dict) -> dict[str, dict]:
    return {f["key"]: f for f in report_json["figures"]}


# ------------------------------------------------------------------------------------------------
# The inputs: geodesy and what the recording holds


def test_own_geodesy_agrees_with_pymap3d_and_the_recording(recomputed):
    """The hand-written WGS-84 chain against pymap3d (to 0.1 mm within 10 km), and the sensor record's
    own ENU against its geodetic position; the recording has truth for every drone and scans."""
    run = recomputed.run
    o = run.origin
    for lat, lon, h in [(o["lat"] + 0.05, o["lon"] - 0.07, 300.0), (o["lat"] - 0.02, o["lon"] + 0.09, -10.0),
                        (o["lat"], o["lon"], o["alt"])]:
        mine = run.frame.enu(lat, lon, h)
        theirs = np.array(pymap3d.geodetic2enu(lat, lon, h, o["lat"], o["lon"], o["alt"]))
        assert np.allclose(mine, theirs, atol=1e-4), (mine, theirs)
    for sid, sensor in run.sensors.items():
        r = sensor.get("record")
        if r and r.get("enu") is not None and r.get("lat") is not None:
            assert np.allclose(run.frame.enu(r["lat"], r["lon"], r["alt"]), r["enu"], atol=0.01), sid
    assert run.truth and run.scans
    assert run.mavlink_gps_only_fixes == 0, "GPS_RAW_INT-only truth is not recomputed here (see the module docstring)"
    drones = {t["drone"] for t in recomputed.report["timelines"]}
    assert drones == set(run.truth), (drones, set(run.truth))


# ------------------------------------------------------------------------------------------------
# Detection level


def test_pd_counts_per_sensor_bin_and_pooled(recomputed):
    """Every Pd figure's counts (hits / trials) are the recomputed ones, exactly; bins and sensors
    without a trial carry no value."""
    figs = by_key(recomputed.report)
    trials, bins = recomputed.trials, recomputed.plan.bins
    assert len(trials) > 100 and 0 < sum(t.hit for t in trials) < len(trials)
    checked = 0
    for sensor in sorted(recomputed.run.sensors):
        mine = [t for t in trials if t.sensor == sensor]
        fig = figs.get(f"pd_{sensor}")
        if not mine:
            assert fig is None or fig.get("value") is None, fig
            continue
        hits, n = counts(mine)
        assert (fig["numerator"], fig["denominator"]) == (hits, n), (
            f"pd_{sensor}: report {fig['numerator']}/{fig['denominator']}, recomputed {hits}/{n}")
        assert fig["value"] == pytest.approx(hits / n, **SAME_INPUTS)
        for lower, upper in zip(bins, bins[1:]):
            key = f"pd_{sensor}_{int(lower)}_{int(upper)}m"
            hits, n = counts([t for t in mine if in_bin(t.range_m, lower, upper, bins[-1])])
            fig = figs.get(key)
            if n == 0:
                assert fig is None or fig.get("value") is None, fig
                continue
            assert fig is not None, f"{key}: {hits}/{n} recomputed, absent from the report"
            assert (fig["numerator"], fig["denominator"]) == (hits, n), (
                f"{key}: report {fig['numerator']}/{fig['denominator']}, recomputed {hits}/{n}")
            checked += 1
    assert checked >= 2
    hits, n = counts(trials)
    assert (figs["pd"]["numerator"], figs["pd"]["denominator"]) == (hits, n)
    assert recomputed.plan.within, "the plan has a Pd criterion within a range"
    for within in recomputed.plan.within:
        key = f"pd_within_{int(within)}m"
        hits, n = counts([t for t in trials if t.range_m <= within])
        assert (figs[key]["numerator"], figs[key]["denominator"]) == (hits, n), key


def test_pd_by_range_plot_agrees_with_the_bin_counts(recomputed):
    """``pdByRange``: a point per bin with trials (all sensors pooled), at the bin's centre, with the
    bin's edges, its counts and Pd = hits / trials."""
    bins = recomputed.plan.bins
    expected = []
    for lower, upper in zip(bins, bins[1:]):
        hits, n = counts([t for t in recomputed.trials if in_bin(t.range_m, lower, upper, bins[-1])])
        if n:
            expected.append(((lower + upper) / 2, lower, upper, hits, n))
    series = recomputed.report["pdByRange"]
    got = list(zip(series["x"], series["xLower"], series["xUpper"], series["numerators"], series["denominators"]))
    assert got == expected
    assert series["y"] == pytest.approx([k / n for *_, k, n in expected], **SAME_INPUTS)
    assert all(lo <= y <= up for lo, y, up in zip(series["lower"], series["y"], series["upper"]))


def test_false_alarms_per_scan(recomputed):
    """False alarms (detections associated with no drone) over the scans of placed sensors."""
    fig = by_key(recomputed.report)["false_alarms_per_scan"]
    assert (fig["numerator"], fig["denominator"]) == (recomputed.false_alarms, recomputed.scans)
    assert fig["value"] == pytest.approx(recomputed.false_alarms / recomputed.scans, **SAME_INPUTS)


# ------------------------------------------------------------------------------------------------
# Track level: OSPA, GOSPA, completeness (Stone Soup), position error and false tracks


def check_track_figures(report_json: dict, mine: TrackFigures, tolerance: dict) -> None:
    figs = by_key(report_json)
    assert figs["ospa_mean_m"]["numerator"] == len(mine.ospa_steps), "OSPA: number of time steps"
    assert figs["ospa_mean_m"]["value"] == pytest.approx(mine.ospa_mean, **tolerance)
    assert figs["gospa_mean"]["value"] == pytest.approx(mine.gospa_mean, **tolerance)
    assert figs["completeness"]["numerator"] == mine.truth_samples, "completeness: drones present summed over the timeline"
    assert figs["completeness"]["value"] == pytest.approx(mine.completeness, **tolerance)
    assert figs["horizontal_rmse_m"]["numerator"] == mine.associated_records, "associated track records"
    for key, value in error_figures(mine.errors).items():
        assert figs[key]["value"] == pytest.approx(value, **tolerance), key
    fig = figs["false_tracks_per_hour"]
    assert fig["numerator"] == len(mine.false_tracks), mine.false_tracks
    assert fig["denominator"] == pytest.approx(mine.duration_s / 3600, **SAME_INPUTS)


def test_timeline_and_ospa_series(recomputed):
    """The timeline is truth's own (the condition line states its size), and the OSPA plot is Stone
    Soup's OSPA at each step."""
    mine = recomputed.tracks
    assert any(f"{len(mine.grid)} times" in c["en"] for c in recomputed.report["conditions"]), recomputed.report["conditions"]
    series = recomputed.report["ospaOverTime"]
    start = mine.grid[0]
    expected = sorted(((t - start) / 1e9, v) for t, v in mine.ospa_steps.items())
    assert series["x"] == pytest.approx([x for x, _ in expected], abs=1e-9)
    assert series["y"] == pytest.approx([y for _, y in expected], **TRACK_FILE)
    assert max(series["y"]) > 0


def test_track_figures_of_the_report(recomputed):
    """The report (tracker's own states) against the recomputation from the replayed track file."""
    assert recomputed.tracks.associated_records > 100
    check_track_figures(recomputed.report, recomputed.tracks, TRACK_FILE)


def test_track_figures_with_synthetic_tracks(recomputed):
    """``report --tracks`` on the track file plus the synthetic tracks: the same inputs, so the same
    figures to rounding error; the ghost and the half-associated track are false, the 60 % one not."""
    mine = recomputed.augmented
    for tid, false in recomputed.synthetic.items():
        assert (tid in mine.false_tracks) == false, (tid, mine.false_tracks)
    assert len(mine.false_tracks) >= 2
    assert mine.ospa_mean > recomputed.tracks.ospa_mean  # the ghost costs OSPA
    check_track_figures(recomputed.augmented_report, mine, SAME_INPUTS)
