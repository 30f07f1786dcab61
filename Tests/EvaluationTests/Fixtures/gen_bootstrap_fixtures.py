#!/usr/bin/env python3
"""Write the bootstrap fixtures of Haechi's Evaluation tests (Tests/EvaluationTests/Fixtures/bootstrap-scipy.json).

Two sections:

- ``scipy_percentile``: for a few seeded data sets (one series each), the percentile bootstrap of
  scipy.stats.bootstrap(method='percentile', n_resamples=N_RESAMPLES) with its own random stream:
  ``two_sided`` (alternative='two-sided'), ``lower`` (the low end with alternative='greater') and
  ``upper`` (the high end with alternative='less'), at each confidence, with the statistic on the
  data as ``estimate``. Haechi's MovingBlockBootstrap with block length 1 and one series is the same
  i.i.d. bootstrap with another random stream, so its bounds agree with these only to Monte-Carlo
  error; the Swift test states its tolerance (5 % of the two-sided interval's width).
- ``replication``: the moving-block bootstrap itself (two stages: whole series drawn with replacement
  when there are two or more, then moving blocks within each; see MovingBlockBootstrap.swift),
  re-implemented here in pure Python with the same random stream (xoshiro256** seeded by SplitMix64,
  Lemire's unbiased bounded integers, drawn in the same order), so that the Swift bootstrap must
  reproduce ``replicates`` (sorted) and the bounds to rounding. Statistics: ``mean`` (pooled, summed
  in order), ``rmse`` (square root of that mean), ``percentile90`` (pooled, linear interpolation).

The output is deterministic (fixed seeds, sorted keys, shortest round-trip float repr).

Usage: python Tests/EvaluationTests/Fixtures/gen_bootstrap_fixtures.py [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

# The shared fixture layout (Tests/Interop/fixture_json.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Interop"))
from fixture_json import render  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "bootstrap-scipy.json"
GENERATOR = "Tests/EvaluationTests/Fixtures/gen_bootstrap_fixtures.py"
SEED = 19_890_817
N_RESAMPLES = 20_000
CONFIDENCES = [0.9, 0.95]
MASK = (1 << 64) - 1


# MARK: - scipy's percentile bootstrap

def rmse(x, axis=-1):
    return np.sqrt(np.mean(x, axis=axis))


def build_scipy(rng: np.random.Generator) -> list[dict]:
    data_sets = [
        ("mean of normal samples", "mean", rng.normal(10.0, 2.0, 200), np.mean),
        ("rmse of squared normal errors", "rmse", rng.normal(0.0, 3.0, 300) ** 2, rmse),
        ("proportion of 0/1 outcomes", "proportion", (rng.random(250) < 0.85).astype(float), np.mean),
    ]
    rows = []
    for name, statistic, data, function in data_sets:
        data = [float(v) for v in data]
        for confidence in CONFIDENCES:
            results = {}
            for alternative in ("two-sided", "greater", "less"):
                result = stats.bootstrap((np.array(data),), function, n_resamples=N_RESAMPLES, method="percentile",
                                         confidence_level=confidence, alternative=alternative, vectorized=True,
                                         rng=np.random.default_rng(SEED))
                results[alternative] = result.confidence_interval
            rows.append({
                "name": name, "statistic": statistic, "data": data, "confidence": confidence,
                "n_resamples": N_RESAMPLES, "estimate": float(function(np.array(data))),
                "two_sided": [float(results["two-sided"].low), float(results["two-sided"].high)],
                "lower": float(results["greater"].low), "upper": float(results["less"].high),
            })
    return rows


# MARK: - The same moving-block bootstrap, replicated

class Xoshiro:
    """xoshiro256** (Blackman & Vigna 2018), its state filled by SplitMix64 from the seed."""

    def __init__(self, seed: int):
        x = seed & MASK
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            state.append(z ^ (z >> 31))
        self.s = state

    @staticmethod
    def rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self) -> int:
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def index_below(self, bound: int) -> int:
        """Lemire's multiply-shift with rejection."""
        product = self.next() * bound
        if product & MASK < bound:
            threshold = ((1 << 64) - bound) % bound
            while product & MASK < threshold:
                product = self.next() * bound
        return product >> 64


def block_length(n: int) -> int:
    return max(1, round(n ** (1 / 3))) if n > 1 else 1


def pooled_mean(clusters: list[list[float]]) -> float:
    total, count = 0.0, 0
    for series in clusters:
        count += len(series)
        for v in series:
            total += v
    return total / count if count else math.nan


def linear_quantile(sorted_values: list[float], p: float) -> float:
    rank = p * (len(sorted_values) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    a, b = sorted_values[low], sorted_values[high]
    fraction = rank - low
    if fraction == 0 or a == b:
        return a
    return a + fraction * (b - a)


STATISTICS = {
    "mean": pooled_mean,
    "rmse": lambda clusters: math.sqrt(pooled_mean(clusters)),
    "percentile90": lambda clusters: linear_quantile(sorted(v for s in clusters for v in s), 0.9),
}


def moving_block_bootstrap(clusters: list[list[float]], replicates: int, seed: int, fixed: int | None, statistic) -> list[float]:
    series = [s for s in clusters if s]
    lengths = [min(max(fixed, 1), len(s)) if fixed is not None else block_length(len(s)) for s in series]
    random = Xoshiro(seed)
    count = len(series)
    values = []
    for _ in range(replicates):
        drawn = [random.index_below(count) for _ in range(count)] if count >= 2 else [0]
        rebuilt = []
        for source_index in drawn:
            source, l = series[source_index], lengths[source_index]
            n = len(source)
            out = []
            while len(out) < n:
                start = random.index_below(n - l + 1)
                out.extend(source[start:start + min(l, n - len(out))])
            rebuilt.append(out)
        values.append(statistic(rebuilt))
    return sorted(v for v in values if not math.isnan(v))


def build_replication(rng: np.random.Generator) -> list[dict]:
    # Three drones of unequal length whose errors drift (so blocks matter), and an empty series.
    three = [[float(round(v, 6)) for v in np.cumsum(rng.normal(0.0, 1.0, n)) ** 2] for n in (7, 30, 50)]
    single = [[float(round(v, 6)) for v in rng.normal(5.0, 1.0, 64)]]
    setups = [
        ("three drones, rule block lengths, mean", three + [[]], None, "mean", 20_260_001),
        ("three drones, rule block lengths, rmse", three, None, "rmse", 20_260_002),
        ("three drones, block length 5, percentile90", three, 5, "percentile90", 20_260_003),
        ("one series, rule block length, mean", single, None, "mean", 20_260_004),
        ("one series, block length 1, mean", single, 1, "mean", 20_260_005),
    ]
    rows = []
    for name, clusters, fixed, statistic, seed in setups:
        replicates = 400
        values = moving_block_bootstrap(clusters, replicates, seed, fixed, STATISTICS[statistic])
        series = [s for s in clusters if s]
        row = {
            "name": name, "clusters": clusters, "block_length": fixed, "statistic": statistic, "seed": seed,
            "replicate_count": replicates, "estimate": STATISTICS[statistic](series),
            "block_lengths": [min(max(fixed, 1), len(s)) if fixed is not None else block_length(len(s)) for s in series],
            "replicates": values, "bounds": [],
        }
        for confidence in CONFIDENCES:
            alpha = 1 - confidence
            row["bounds"].append({
                "confidence": confidence,
                "lower": linear_quantile(values, alpha), "upper": linear_quantile(values, 1 - alpha),
                "two_sided": [linear_quantile(values, alpha / 2), linear_quantile(values, 1 - alpha / 2)],
            })
            # numpy's own type-7 quantile agrees with the one written out above.
            assert math.isclose(row["bounds"][-1]["lower"], float(np.quantile(values, alpha)), rel_tol=1e-13)
        rows.append(row)
    return rows


def build() -> dict:
    rng = np.random.default_rng(SEED)
    return {
        "generator": GENERATOR,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "scipy_percentile": build_scipy(rng),
        "replication": build_replication(rng),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the fixtures")
    args = parser.parse_args()
    args.out.write_text(render(build()), encoding="utf-8")


if __name__ == "__main__":
    main()
