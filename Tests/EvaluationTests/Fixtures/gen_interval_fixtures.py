#!/usr/bin/env python3
"""Write the interval fixtures of Haechi's Evaluation tests (Tests/EvaluationTests/Fixtures/intervals-scipy.json).

Every expected value is computed by scipy.stats (Boost's ibeta_inv / gamma_p_inv underneath), an
independent implementation of the special functions that Haechi's Evaluation module writes from their
definitions. The sections of the file:

- ``clopper_pearson``: for (k, n, confidence), the exact Clopper-Pearson bounds on a binomial
  proportion, with alpha = 1 - confidence:
  ``two_sided`` = [beta.ppf(alpha/2, k, n-k+1), beta.isf(alpha/2, k+1, n-k)],
  ``lower`` = beta.ppf(alpha, k, n-k+1), ``upper`` = beta.isf(alpha, k+1, n-k);
  a lower bound is 0 when k = 0 and an upper bound 1 when k = n (scipy answers nan for a shape of 0).
- ``poisson``: for (k, exposure T, confidence), the exact Garwood bounds on a Poisson rate:
  ``two_sided`` = [chi2.ppf(alpha/2, 2k) / 2, chi2.isf(alpha/2, 2k+2) / 2] / T,
  ``lower`` = chi2.ppf(alpha, 2k) / 2 / T, ``upper`` = chi2.isf(alpha, 2k+2) / 2 / T; a lower bound is 0
  when k = 0.
- ``incomplete_beta``: beta.cdf and beta.sf, that is I_x(a, b) and 1 - I_x(a, b).
- ``incomplete_gamma``: gamma.cdf and gamma.sf, that is P(a, x) and Q(a, x).
- ``runs_needed``: for (required p, confidence, allowed failures f), the smallest n with
  beta.cdf(p, n-f, f+1) <= alpha, i.e. the campaign whose Clopper-Pearson lower bound with n-f
  successes reaches p. Cases that land within 1e-9 (relative) of a tie are left out, since the last
  bit of either implementation could decide them.

Every value with whole shapes (all the interval bounds, and the ``incomplete_beta`` and
``incomplete_gamma`` rows at whole a and b) is also checked in 50-digit decimal arithmetic, through
I_x(a, b) = Pr(Binomial(a + b - 1, x) >= a) and P(a, x) = Pr(Poisson(x) >= a), summed term by term.
Where scipy is off by more than 1e-12 (relative), the row gets an ``exact`` object with the same keys,
holding the 50-digit answer (a quantile by one Newton step from scipy's, rounded to a double).
scipy 1.17.1 needs this for a = 1e6 in gamma tails beyond 1e-6 (its gammainc there is off by up to
8e-8, and its quantiles by up to 1.4e-9) and for a few beta quantiles with n = 1e6 (off by up to 1e-11).
The Swift test holds Haechi to 1e-9 of scipy plus scipy's own, so established, error, and to 1e-12 of
the exact value.

Upper quantiles use ``isf(alpha, ...)`` rather than ``ppf(1 - alpha, ...)``: the two are equal in exact
arithmetic, but 1 - alpha rounds away the low digits of a tiny alpha (1 - 5e-13 keeps only 4 of them),
which moves the quantile by far more than 1e-9. The generator checks that ppf and isf agree wherever
alpha is not tiny.

The output is deterministic (fixed grids, a fixed seed, sorted keys, shortest round-trip float repr):
rerunning the script with the same scipy rewrites the same file. Tests/Interop/test_fixture_generators.py
checks that.

Usage: python Tests/EvaluationTests/Fixtures/gen_interval_fixtures.py [--out FILE]
"""

from __future__ import annotations

import argparse
import functools
import math
from decimal import Decimal, localcontext
import random
import sys
import warnings
from pathlib import Path

import scipy
from scipy import stats

# The shared fixture layout (Tests/Interop/fixture_json.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Interop"))
from fixture_json import render  # noqa: E402


HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "intervals-scipy.json"
GENERATOR = "Tests/EvaluationTests/Fixtures/gen_interval_fixtures.py"
SEED = 20_250_707

#: Confidences from a coin toss to a tiny alpha (1e-10 two-sided tails of 5e-11).
CONFIDENCES = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1 - 1e-6, 1 - 1e-10]
#: Trial counts: tiny, the success-run sizes of a campaign, range-bin sizes, and huge.
TRIALS = [1, 2, 3, 5, 10, 20, 29, 30, 46, 100, 250, 1000, 12_345, 100_000, 1_000_000]
#: Event counts of a false-alarm tally, up to a million.
EVENTS = [0, 1, 2, 3, 5, 10, 17, 50, 100, 1000, 10_000, 1_000_000]
#: Exposures in hours (a quarter hour to a day of seconds) or scans.
EXPOSURES = [0.25, 1.0, 10.5, 123.456, 3600.0, 86_400.0]


def successes_for(n: int, rng: random.Random) -> list[int]:
    """The edges (0, 1, 2, n-2, n-1, n), the middle, a tenth, and two seeded random counts."""
    ks = {0, 1, 2, n // 10, n // 2, n - 2, n - 1, n, rng.randint(0, n), rng.randint(0, n)}
    return sorted(k for k in ks if 0 <= k <= n)


def clopper_pearson(k: int, n: int, alpha: float) -> tuple[float, float]:
    """One-sided bounds at tail probability alpha each: (lower, upper)."""
    lower = 0.0 if k == 0 else float(stats.beta.ppf(alpha, k, n - k + 1))
    upper = 1.0 if k == n else float(stats.beta.isf(alpha, k + 1, n - k))
    if alpha >= 1e-6:  # ppf(1 - alpha) loses little here: it must agree with isf
        if k < n:
            assert math.isclose(upper, float(stats.beta.ppf(1 - alpha, k + 1, n - k)), rel_tol=1e-8), (k, n, alpha)
    return lower, upper


#: The working precision of the exact checks, in decimal digits, and the deviation from scipy that is recorded.
DIGITS = 50
DEVIATION = 1e-12
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494")


def log_factorial(j: int) -> Decimal:
    """ln j!, exactly below 2000 and by Stirling's series (error below 1e-30) above."""
    if j < 2000:
        return Decimal(math.factorial(j)).ln()
    n = Decimal(j)
    return ((n + Decimal("0.5")) * n.ln() - n + (2 * PI).ln() / 2 + 1 / (12 * n) - 1 / (360 * n ** 3)
            + 1 / (1260 * n ** 5) - 1 / (1680 * n ** 7))


def poisson_pmf(j: int, mu: Decimal) -> Decimal:
    return (-mu + j * mu.ln() - log_factorial(j)).exp()


def poisson_tails(a: int, mu: Decimal) -> tuple[Decimal, Decimal]:
    """(P(a, mu), Q(a, mu)) = (Pr(X >= a), Pr(X < a)) for X ~ Poisson(mu), the smaller one summed term by term."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        if mu < a:          # Pr(X >= a): a, a + 1, ... (terms fall by mu / j)
            term, j, total = poisson_pmf(a, mu), a, Decimal(0)
            while term > total * Decimal(10) ** -(DIGITS - 5):
                total += term
                j += 1
                term = term * mu / j
            return +total, 1 - total
        term, j, total = poisson_pmf(a - 1, mu), a - 1, Decimal(0)  # Pr(X <= a - 1): a - 1, a - 2, ..., 0
        while j >= 0 and term > total * Decimal(10) ** -(DIGITS - 5):
            total += term
            term = term * j / mu
            j -= 1
        return 1 - total, +total


def log_binomial_pmf(j: int, n: int, lnx: Decimal, lny: Decimal) -> Decimal:
    return log_factorial(n) - log_factorial(j) - log_factorial(n - j) + j * lnx + (n - j) * lny


def binomial_tails(k: int, n: int, x: Decimal) -> tuple[Decimal, Decimal]:
    """(Pr(X >= k), Pr(X < k)) for X ~ Binomial(n, x), 0 < x < 1, the smaller one summed term by term."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        y = 1 - x
        lnx, lny = x.ln(), y.ln()
        ratio = x / y
        if x * n < k:       # Pr(X >= k): k, k + 1, ..., n (terms fall by (n - j) x / ((j + 1) y))
            term, j, total = log_binomial_pmf(k, n, lnx, lny).exp(), k, Decimal(0)
            while j <= n and term > total * Decimal(10) ** -(DIGITS - 5):
                total += term
                term = term * (n - j) * ratio / (j + 1)
                j += 1
            return +total, 1 - total
        term, j, total = log_binomial_pmf(k - 1, n, lnx, lny).exp(), k - 1, Decimal(0)  # k - 1, ..., 0
        while j >= 0 and term > total * Decimal(10) ** -(DIGITS - 5):
            total += term
            term = term * j / ((n - j + 1) * ratio)
            j -= 1
        return 1 - total, +total


def exact_proportion_bound(k: int, n: int, tail: float, upper: bool, guess: float) -> float:
    """The p with Pr(X >= k | n, p) = tail (lower bounds) or Pr(X <= k | n, p) = tail (upper bounds), by one
    Newton step in 50 digits from scipy's guess. A bound that rounds to 1 (such as U for k = n - 1 = 999999
    at a tail of 5e-11, 1 - 5e-17) is taken as it is."""
    if not 0.0 < guess < 1.0:
        return guess
    with localcontext() as ctx:
        ctx.prec = DIGITS
        p = Decimal(guess)
        m = k + 1 if upper else k
        at_least, below = binomial_tails(m, n, p)
        # d Pr(X >= m | n, p) / dp = n Pr(Y = m - 1 | n - 1, p)
        density = n * log_binomial_pmf(m - 1, n - 1, p.ln(), (1 - p).ln()).exp()
        residual = (below - Decimal(tail)) if upper else (at_least - Decimal(tail))
        return float(p + residual / density if upper else p - residual / density)


def exact_count_bound(a: int, tail: float, upper: bool, guess: float) -> float:
    """The mu with P(a, mu) = tail (lower bounds, shape a = k) or Q(a, mu) = tail (upper, shape a = k + 1),
    by one Newton step in 50 digits from scipy's guess (whose error is far below the step's reach)."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        mu = Decimal(guess)
        p, q = poisson_tails(a, mu)
        density = poisson_pmf(a - 1, mu)  # d P(a, mu) / d mu
        residual = (q - Decimal(tail)) if upper else (p - Decimal(tail))
        return float(mu + residual / density if upper else mu - residual / density)


def deviates(value: float, exact: float) -> bool:
    return exact != value and abs(value - exact) > DEVIATION * abs(exact)


def clopper_pearson_exact(k: int, n: int, alpha: float) -> tuple[float, float]:
    """The one-sided bounds of ``clopper_pearson``, checked in 50 digits."""
    lower, upper = clopper_pearson(k, n, alpha)
    exact_lower = 0.0 if k == 0 else exact_proportion_bound(k, n, alpha, False, lower)
    exact_upper = 1.0 if k == n else exact_proportion_bound(k, n, alpha, True, upper)
    return exact_lower, exact_upper


@functools.lru_cache(maxsize=None)
def garwood_exact(k: int, alpha: float) -> tuple[float, float]:
    """The one-sided count bounds of ``garwood``, checked in 50 digits."""
    lower, upper = garwood(k, alpha)
    exact_lower = 0.0 if k == 0 else exact_count_bound(k, alpha, False, lower)
    return exact_lower, exact_count_bound(k + 1, alpha, True, upper)


@functools.lru_cache(maxsize=None)
def garwood(k: int, alpha: float) -> tuple[float, float]:
    """One-sided bounds on the expected count at tail probability alpha each: (lower, upper)."""
    lower = 0.0 if k == 0 else float(stats.chi2.ppf(alpha, 2 * k)) / 2
    upper = float(stats.chi2.isf(alpha, 2 * k + 2)) / 2
    if alpha >= 1e-6:
        assert math.isclose(upper, float(stats.chi2.ppf(1 - alpha, 2 * k + 2)) / 2, rel_tol=1e-8), (k, alpha)
    return lower, upper


def build_clopper_pearson(rng: random.Random) -> list[dict]:
    rows = []
    for n in TRIALS:
        for k in successes_for(n, rng):
            for confidence in CONFIDENCES:
                alpha = 1.0 - confidence
                two = clopper_pearson(k, n, alpha / 2)
                one = clopper_pearson(k, n, alpha)
                row = {"k": k, "n": n, "confidence": confidence, "two_sided": list(two), "lower": one[0], "upper": one[1]}
                exact_two, exact_one = clopper_pearson_exact(k, n, alpha / 2), clopper_pearson_exact(k, n, alpha)
                if any(deviates(v, e) for v, e in zip(two + one, exact_two + exact_one)):
                    row["exact"] = {"two_sided": list(exact_two), "lower": exact_one[0], "upper": exact_one[1]}
                rows.append(row)
    return rows


def build_poisson() -> list[dict]:
    rows = []
    for k in EVENTS:
        for exposure in EXPOSURES:
            for confidence in CONFIDENCES:
                alpha = 1.0 - confidence
                two, one = garwood(k, alpha / 2), garwood(k, alpha)
                row = {"k": k, "exposure": exposure, "confidence": confidence,
                       "two_sided": [two[0] / exposure, two[1] / exposure],
                       "lower": one[0] / exposure, "upper": one[1] / exposure}
                exact_two, exact_one = garwood_exact(k, alpha / 2), garwood_exact(k, alpha)
                if any(deviates(v, e) for v, e in zip(two + one, exact_two + exact_one)):
                    row["exact"] = {"two_sided": [exact_two[0] / exposure, exact_two[1] / exposure],
                                    "lower": exact_one[0] / exposure, "upper": exact_one[1] / exposure}
                rows.append(row)
    return rows


def build_incomplete_beta(rng: random.Random) -> list[dict]:
    """Shapes from 0.1 to 1e6, at quantiles from 1e-12 to 1 - 1e-12 and at random points."""
    shapes = [0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 7.5, 10.0, 30.0, 100.0, 1000.0, 12_345.0, 1e6]
    rows = []
    for a in shapes:
        for b in shapes:
            with warnings.catch_warnings():
                # Boost gives up polishing a few ppf(1e-12) below 1e-26 (a = 0.5); they are only sample points.
                warnings.simplefilter("ignore", RuntimeWarning)
                xs = {float(stats.beta.ppf(p, a, b)) for p in (1e-12, 0.025, 0.5, 0.975)}
                xs.add(float(stats.beta.isf(1e-12, a, b)))
            xs.add(rng.random())
            for x in sorted(xs):
                if not 0.0 < x < 1.0:
                    continue
                row = {"x": x, "a": a, "b": b, "cdf": float(stats.beta.cdf(x, a, b)), "sf": float(stats.beta.sf(x, a, b))}
                if a == int(a) and b == int(b):
                    p, q = (float(v) for v in binomial_tails(int(a), int(a + b) - 1, Decimal(x)))
                    if deviates(row["cdf"], p) or deviates(row["sf"], q):
                        row["exact"] = {"cdf": p, "sf": q}
                rows.append(row)
    return rows


def build_incomplete_gamma(rng: random.Random) -> list[dict]:
    """Shapes from 0.1 to 1e6, at quantiles from 1e-12 to 1 - 1e-12 and at random points."""
    shapes = [0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 7.5, 10.0, 30.0, 100.0, 1000.0, 12_345.0, 1e6]
    rows = []
    for a in shapes:
        xs = {float(stats.gamma.ppf(p, a)) for p in (1e-12, 0.025, 0.5, 0.975)}
        xs.add(float(stats.gamma.isf(1e-12, a)))
        xs.add(rng.uniform(0.0, 3.0 * a + 10.0))
        for x in sorted(xs):
            if x <= 0.0:
                continue
            row = {"a": a, "x": x, "cdf": float(stats.gamma.cdf(x, a)), "sf": float(stats.gamma.sf(x, a))}
            if a == int(a):
                p, q = (float(v) for v in poisson_tails(int(a), Decimal(x)))
                if deviates(row["cdf"], p) or deviates(row["sf"], q):
                    row["exact"] = {"cdf": p, "sf": q}
            rows.append(row)
    return rows


def lower_bound_reaches(p: float, n: int, f: int, alpha: float) -> bool:
    """Whether n - f successes in n trials give a one-sided lower bound of at least p."""
    if n - f <= 0:
        return False
    return float(stats.beta.cdf(p, n - f, f + 1)) <= alpha


def runs_needed(p: float, confidence: float, f: int) -> int | None:
    alpha = 1.0 - confidence
    low, high = max(f, 1), max(f, 1)
    if lower_bound_reaches(p, high, f, alpha):
        return high
    while not lower_bound_reaches(p, high, f, alpha):
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if lower_bound_reaches(p, middle, f, alpha) else (middle, high)
    # Leave out near-ties: the cdf at n (or n - 1) within 1e-9 of alpha.
    for m in (high, high - 1):
        if m - f > 0 and math.isclose(float(stats.beta.cdf(p, m - f, f + 1)), alpha, rel_tol=1e-9):
            return None
    return high


def build_runs_needed() -> list[dict]:
    rows = []
    for p in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]:
        for confidence in [0.8, 0.9, 0.95, 0.99]:
            for f in [0, 1, 2, 5, 20]:
                n = runs_needed(p, confidence, f)
                if n is not None:
                    rows.append({"required": p, "confidence": confidence, "allowed_failures": f, "runs": n})
    return rows


def build() -> dict:
    rng = random.Random(SEED)
    return {
        "generator": GENERATOR,
        "scipy": scipy.__version__,
        "clopper_pearson": build_clopper_pearson(rng),
        "poisson": build_poisson(),
        "incomplete_beta": build_incomplete_beta(rng),
        "incomplete_gamma": build_incomplete_gamma(rng),
        "runs_needed": build_runs_needed(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the fixtures")
    args = parser.parse_args()
    args.out.write_text(render(build()), encoding="utf-8")


if __name__ == "__main__":
    main()
