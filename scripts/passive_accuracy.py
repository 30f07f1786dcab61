#!/usr/bin/env python3
"""Horizontal accuracy of tracks against truth, beside the bearing geometry's bound.

    passive_accuracy.py SCENARIO.jsonl TRACKS.jsonl [--json]

SCENARIO is a `cuas-scenario/1` file (`haechi simulate --write`), TRACKS a `haechi track` output.
For every updated track line, the truth of the drone nearest to it at that time (linear between
truth points; a line farther than 500 m from every drone is counted as unmatched) gives a horizontal
error. Beside it, the bound: the Cramér-Rao bound of one snapshot fix from every direction finder and
camera within its range, (Jᵀ R⁻¹ J)⁻¹ with Jᵢ = [dN, −dE] / ρᵢ² and Rᵢ = σᵢ² (the azimuth noise the
sensor record declares), as an RMS horizontal distance √tr. A tracker that filters over time should
come in below it; one that merely triangulated each scan would meet it at best.

Prints the RMS and median errors and the RMS bound over the same points (docs/tracking.md, "Passive
initiation"). Needs only the Python standard library.
"""
from __future__ import annotations

import argparse
import bisect
import json
import math
import statistics
from collections import defaultdict


def load(scenario: str):
    truth, sensors = defaultdict(list), []
    with open(scenario) as f:
        for line in f:
            record = json.loads(line)
            if record.get("type") == "truth":
                truth[record["drone_id"]].append((record["t_ns"], record["enu"]))
            elif record.get("type") == "sensor" and record.get("measures") in ("azimuth", "azimuth_elevation"):
                sensors.append(record)
    for path in truth.values():
        path.sort(key=lambda item: item[0])
    return truth, sensors


def position_at(path, t_ns):
    times = [t for t, _ in path]
    i = bisect.bisect_right(times, t_ns)
    if i == 0 or i == len(path) and times[-1] != t_ns:
        return None
    if i == len(path):
        return path[-1][1]
    (t0, p0), (t1, p1) = path[i - 1], path[i]
    w = (t_ns - t0) / (t1 - t0) if t1 > t0 else 0.0
    return [a + w * (b - a) for a, b in zip(p0, p1)]


def snapshot_bound(point, sensors) -> float:
    """√tr of the horizontal Cramér-Rao bound of one fix from every angle-only sensor in range."""
    ee = en = nn = 0.0
    for s in sensors:
        d_e, d_n = point[0] - s["enu"][0], point[1] - s["enu"][1]
        rho2 = d_e * d_e + d_n * d_n
        if rho2 <= 1 or math.sqrt(rho2) > s.get("max_range_m", math.inf):
            continue
        weight = 1 / math.radians(s["sigma_azimuth_deg"]) ** 2
        j_e, j_n = d_n / rho2, -d_e / rho2
        ee += weight * j_e * j_e
        en += weight * j_e * j_n
        nn += weight * j_n * j_n
    determinant = ee * nn - en * en
    return math.sqrt((ee + nn) / determinant) if determinant > 0 else math.inf


def accuracy(scenario: str, tracks: str) -> dict:
    truth, sensors = load(scenario)
    errors, bounds, unmatched = [], [], 0
    with open(tracks) as f:
        for line in f:
            record = json.loads(line)
            if record.get("type", "track") != "track" or record.get("status") != "updated":
                continue
            best = None
            for path in truth.values():
                p = position_at(path, record["t_ns"])
                if p is None:
                    continue
                error = math.hypot(record["enu"][0] - p[0], record["enu"][1] - p[1])
                if best is None or error < best[0]:
                    best = (error, p)
            if best is None or best[0] > 500:
                unmatched += 1
                continue
            errors.append(best[0])
            bounds.append(snapshot_bound(best[1], sensors))
    rms = lambda xs: math.sqrt(sum(x * x for x in xs) / len(xs)) if xs else math.nan
    finite = [b for b in bounds if math.isfinite(b)]
    return {"points": len(errors), "unmatched": unmatched, "rms_error_m": rms(errors),
            "median_error_m": statistics.median(errors) if errors else math.nan,
            "rms_snapshot_bound_m": rms(finite), "points_without_bound": len(bounds) - len(finite)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario")
    parser.add_argument("tracks")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = accuracy(args.scenario, args.tracks)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['points']} updated track points ({result['unmatched']} unmatched): horizontal error RMS "
              f"{result['rms_error_m']:.1f} m, median {result['median_error_m']:.1f} m; one-snapshot bound RMS "
              f"{result['rms_snapshot_bound_m']:.1f} m")


if __name__ == "__main__":
    main()
