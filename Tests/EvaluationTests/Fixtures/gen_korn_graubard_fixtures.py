#!/usr/bin/env python3
"""Write the Korn-Graubard fixtures of Haechi's Evaluation tests (Tests/EvaluationTests/Fixtures/korn-graubard-scipy.json).

Every expected value is computed here, independently of Haechi, with numpy and scipy.stats (Boost's
ibeta_inv and students_t quantile underneath), for hand-made sets of scan sequences (one string per
cluster, '1' = detected, '0' = missed, in scan order). The sections of the file:

- ``cases``: the named sets of sequences, and whether the degrees-of-freedom adjustment is on (``adjust``).
- ``korn_graubard``: one row per (case, confidence), with
  k, n, the number C of non-empty sequences, p = k/n;
  ``rho_observed``, the pooled lag-1 autocorrelation of the 0/1 indicator around the pooled p,
  (sum over successive pairs within a sequence of (y_t - p)(y_{t+1} - p) / number of pairs) / (p (1 - p)),
  computed with numpy from the sequences themselves; 0 when p is 0 or 1 or there is no pair;
  ``rho`` = rho_observed clipped to [0, 0.99]; ``deff`` = (1 + rho) / (1 - rho); ``n_eff`` = n / deff;
  ``df`` = C - 1 (null with one cluster, or when the row's ``adjust`` is false);
  ``n_star_one`` / ``n_star_two``: n_eff (t.isf(a, n - 1) / t.isf(a, df))^2 at a = alpha (one-sided) and
  a = alpha / 2 (two-sided), alpha = 1 - confidence, or n_eff without an adjustment;
  x* = n* k / n, and the bounds at non-integer counts:
  ``lower`` = beta.ppf(alpha, x*, n* - x* + 1) (0 when k = 0), ``upper`` = beta.isf(alpha, x* + 1, n* - x*)
  (1 when k = n), and ``two_sided`` the same at alpha / 2 with n_star_two.
  Where rho = 0 and n* = n (one cluster, or one scan per cluster so that t(n - 1) = t(df)), the row also
  carries ``statsmodels``: statsmodels.stats.proportion.proportion_confint(k, n, method='beta') at
  alpha (two-sided) and 2 alpha (whose ends are the one-sided bounds), which must equal the bounds
  computed here (checked to 1e-12 by this script) and Clopper-Pearson's.
  ``further``: for the requirements Pd >= 0.9 and Pd <= 0.1 (a miss rate, say) at this confidence, the
  smallest number of further scans m after which the one-sided bound reaches the threshold, if every
  further scan is favourable (``fewest_to_pass``) or keeps the observed p (``at_observed_rate``), with the
  further scans adding m / deff effective trials in the same clusters (df unchanged, n - 1 -> n + m - 1).
  A projection whose condition lands within 1e-9 (relative) of a tie at m or m - 1, or whose count is
  beyond 10^7 scans, is left out.
- ``student_t``: t.isf(q, nu) over a grid of q and nu (nu from 1 to 10^8, not only whole).
- ``normal``: norm.isf(q).

The output is deterministic (fixed cases, sorted keys, shortest round-trip float repr): rerunning the
script with the same scipy rewrites the same file.

Usage: python Tests/EvaluationTests/Fixtures/gen_korn_graubard_fixtures.py [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

# The shared fixture layout (Tests/Interop/fixture_json.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Interop"))
from fixture_json import render  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "korn-graubard-scipy.json"
GENERATOR = "Tests/EvaluationTests/Fixtures/gen_korn_graubard_fixtures.py"
SEED = 19_980_201
MAX_RHO = 0.99
CONFIDENCES = [0.8, 0.9, 0.95, 0.99]
SCAN_LIMIT = 10_000_000


def markov(rng: random.Random, length: int, pd: float, stay: float) -> str:
    """A two-state Markov chain of hits and misses with stationary Pd `pd` and lag-1 autocorrelation `stay`."""
    # P(hit | hit) = pd + stay (1 - pd), P(hit | miss) = pd (1 - stay).
    state = rng.random() < pd
    out = []
    for _ in range(length):
        out.append("1" if state else "0")
        p_hit = pd + stay * (1 - pd) if state else pd * (1 - stay)
        state = rng.random() < p_hit
    return "".join(out)


def cases() -> list[dict]:
    rng = random.Random(SEED)
    return [
        {"name": "all hits, three drones", "sequences": ["1" * 30, "1" * 25, "1" * 40]},
        {"name": "all misses, two drones", "sequences": ["0" * 20, "0" * 15]},
        {"name": "all hits, one drone", "sequences": ["1" * 29]},
        {"name": "one cluster, alternating (negative rho clipped to 0)", "sequences": ["10" * 25]},
        {"name": "one cluster, mostly isolated misses (negative rho)", "sequences": ["1101111011110111011111101111"]},
        {"name": "one cluster, positive rho", "sequences": ["1111100111111111000111111111101111111100111111"]},
        {"name": "long runs of misses (high rho)", "sequences": ["1" * 40 + "0" * 15 + "1" * 30, "1" * 25 + "0" * 20 + "1" * 50,
                                                                "1" * 60 + "0" * 10]},
        {"name": "two halves (rho above 0.99, clipped)", "sequences": ["1" * 500 + "0" * 500, "1" * 800 + "0" * 200]},
        {"name": "two clusters (df = 1)", "sequences": ["11101111011111110111", "1111011111111011111111"]},
        {"name": "one scan per cluster (no pairs)", "sequences": ["1", "1", "0", "1", "1", "1", "0", "1"]},
        {"name": "empty sequences ignored", "sequences": ["", "1101", "", "0111", ""]},
        {"name": "few positives (Korn-Graubard's case)", "sequences": ["0" * 40, "0" * 18 + "1" + "0" * 21, "0" * 40,
                                                                       "0" * 33 + "11" + "0" * 5, "0" * 40]},
        {"name": "twelve drones, five scans each", "sequences": [markov(rng, 5, 0.8, 0.3) for _ in range(12)]},
        {"name": "twenty drones, Markov Pd 0.9 rho 0.6", "sequences": [markov(rng, 50, 0.9, 0.6) for _ in range(20)]},
        {"name": "twenty drones, Markov Pd 0.9 rho 0.6, no df adjustment", "adjust": False,
         "sequences": [markov(rng, 50, 0.9, 0.6) for _ in range(20)]},
        {"name": "four drones, Markov Pd 0.95 rho 0.8, long", "sequences": [markov(rng, 2000, 0.95, 0.8) for _ in range(4)]},
        {"name": "three hundred drones, Markov Pd 0.7 rho 0.4", "sequences": [markov(rng, 40, 0.7, 0.4) for _ in range(300)]},
    ]


def autocorrelation(sequences: list[str]) -> tuple[int, int, int, float]:
    """(k, n, clusters, rho_observed) from the sequences, with numpy, around the pooled p."""
    arrays = [np.array([c == "1" for c in s], dtype=float) for s in sequences if s]
    n = sum(len(a) for a in arrays)
    k = int(sum(a.sum() for a in arrays))
    p = k / n
    pairs = sum(len(a) - 1 for a in arrays)
    if k in (0, n) or pairs == 0:
        return k, n, len(arrays), 0.0
    cross = sum(float(np.dot(a[:-1] - p, a[1:] - p)) for a in arrays)
    return k, n, len(arrays), (cross / pairs) / (p * (1 - p))


def df_factor(alpha: float, scans: float, df: int | None) -> float:
    if df is None or scans - 1 <= df:
        return 1.0
    return (float(stats.t.isf(alpha, scans - 1)) / float(stats.t.isf(alpha, df))) ** 2


def effective(alpha: float, scans: float, hits: float, misses: float, deff: float, df: int | None) -> tuple[float, float]:
    n_star = scans / deff * df_factor(alpha, scans, df)
    x = n_star if hits == scans else n_star * hits / scans
    f = n_star if misses == scans else n_star * misses / scans
    return x, f


def bounds(alpha: float, x: float, f: float) -> tuple[float, float]:
    lower = 0.0 if x <= 0 else float(stats.beta.ppf(alpha, x, f + 1))
    upper = 1.0 if f <= 0 else float(stats.beta.isf(alpha, x + 1, f))
    return lower, upper


def further(k: int, n: int, deff: float, df: int | None, alpha: float, threshold: float, at_least: bool) -> dict:
    """The smallest further scans m for the two projections, by exponential then binary search on the
    bound's defining tail (beta.cdf / beta.sf at the threshold), without inversion."""
    p = k / n

    def value(m: int, observed: bool) -> tuple[float, float]:
        """The defining tail minus alpha for the bound on the side that matters (<= 0 means reached)."""
        scans = n + m
        if observed:
            hits, misses = (scans if k == n else k * scans / n), (n - k) * scans / n
        elif at_least:
            hits, misses = k + m, n - k
        else:
            hits, misses = k, n - k + m
        x, f = effective(alpha, scans, hits, misses, deff, df)
        return x, f

    def condition(m: int, observed: bool, verdict: str) -> float:
        x, f = value(m, observed)
        # at least t passes when L >= t: cdf(t; x, f + 1) <= alpha; fails when U < t: sf(t; x + 1, f) < alpha.
        # at most t passes when U <= t: sf(t; x + 1, f) <= alpha; fails when L > t: cdf(t; x, f + 1) < alpha.
        lower_side = (at_least and verdict == "pass") or (not at_least and verdict == "fail")
        if lower_side:
            if x <= 0:
                return 1.0
            return float(stats.beta.cdf(threshold, x, f + 1)) - alpha
        if f <= 0:
            return 1.0
        return float(stats.beta.sf(threshold, x + 1, f)) - alpha

    def holds(m: int, observed: bool, verdict: str) -> bool:
        v = condition(m, observed, verdict)
        strict = verdict == "fail"
        return v < 0 if strict else v <= 0

    def search(observed: bool, verdict: str) -> int | None:
        """The count, or None when it lies beyond SCAN_LIMIT or within 1e-9 of a tie (left out)."""
        if holds(0, observed, verdict):
            return 0
        low, high = 0, 1
        while not holds(high, observed, verdict):
            low, high = high, 2 * high
            if high > 4 * SCAN_LIMIT:
                return None
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if holds(middle, observed, verdict) else (middle, high)
        for m in (high, high - 1):
            if m >= 0 and abs(condition(m, observed, verdict)) <= 1e-9 * alpha:
                return None
        return high if high <= SCAN_LIMIT else None

    if at_least:
        point = "pass" if p > threshold else "fail" if p < threshold else "inconclusive"
    else:
        point = "pass" if p < threshold else "fail" if p > threshold else "inconclusive"
    # Thresholds strictly inside (0, 1): a PASS is always reachable with favourable scans.
    fewest = search(False, "pass")
    observed = None if point == "inconclusive" else search(True, point)
    if fewest is None or (point != "inconclusive" and observed is None):
        return None
    return {"threshold": threshold, "direction": "atLeast" if at_least else "atMost",
            "fewest_to_pass": fewest, "verdict_at_observed_rate": point, "at_observed_rate": observed}


def build_korn_graubard(all_cases: list[dict]) -> list[dict]:
    rows = []
    for case in all_cases:
        adjust = case.get("adjust", True)
        k, n, clusters, rho_observed = autocorrelation(case["sequences"])
        rho = min(max(rho_observed, 0.0), MAX_RHO)
        deff = (1 + rho) / (1 - rho)
        n_eff = n * (1 - rho) / (1 + rho)
        df = clusters - 1 if adjust and clusters >= 2 else None
        for confidence in CONFIDENCES:
            alpha = 1.0 - confidence
            x1, f1 = effective(alpha, n, k, n - k, deff, df)
            x2, f2 = effective(alpha / 2, n, k, n - k, deff, df)
            lower, upper = bounds(alpha, x1, f1)
            two = bounds(alpha / 2, x2, f2)
            row = {
                "name": case["name"], "confidence": confidence,
                "k": k, "n": n, "clusters": clusters, "p": k / n, "rho_observed": rho_observed, "rho": rho,
                "deff": deff, "n_eff": n_eff, "df": df,
                "n_star_one": n / deff * df_factor(alpha, n, df), "n_star_two": n / deff * df_factor(alpha / 2, n, df),
                "lower": lower, "upper": upper, "two_sided": list(two),
                "further": [f for f in (further(k, n, deff, df, alpha, 0.9, True), further(k, n, deff, df, alpha, 0.1, False))
                            if f is not None],
            }
            if rho == 0 and df_factor(alpha, n, df) == 1.0 and df_factor(alpha / 2, n, df) == 1.0:
                sm_two = [float(v) for v in proportion_confint(k, n, alpha=alpha, method="beta")]
                sm_one = [float(v) for v in proportion_confint(k, n, alpha=2 * alpha, method="beta")]
                for got, want in zip(list(two) + [lower, upper], sm_two + sm_one):
                    assert got == want or abs(got - want) <= 1e-12 * abs(want), (case["name"], got, want)
                row["statsmodels"] = {"two_sided": sm_two, "lower": sm_one[0], "upper": sm_one[1]}
            rows.append(row)
    return rows


def build_student_t() -> list[dict]:
    rows = []
    for nu in [1, 1.5, 2, 3, 4, 5, 7.5, 10, 19, 29, 30, 99, 299, 1000, 12_345, 99_999, 100_001, 1e6, 1e8]:
        for q in [0.45, 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 5e-4, 1e-6, 1e-10, 0.9, 0.975]:
            rows.append({"nu": float(nu), "q": q, "t": float(stats.t.isf(q, nu))})
    return rows


def build_normal() -> list[dict]:
    return [{"q": q, "z": float(stats.norm.isf(q))}
            for q in [0.45, 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 5e-4, 1e-6, 1e-10, 1e-15, 0.9, 0.975]]


def build() -> dict:
    all_cases = cases()
    return {
        "generator": GENERATOR,
        "cases": [{"name": c["name"], "sequences": c["sequences"], "adjust": c.get("adjust", True)} for c in all_cases],
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "korn_graubard": build_korn_graubard(all_cases),
        "student_t": build_student_t(),
        "normal": build_normal(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the fixtures")
    args = parser.parse_args()
    args.out.write_text(render(build()), encoding="utf-8")


if __name__ == "__main__":
    main()
