"""`haechi evaluate` against the Stone Soup scorer, ``../shared/peers/stonesoup/metrics_stonesoup.py``.

On the same scenario and track file, Haechi's OSPA, GOSPA (means and every time step, with the
localisation / missed / false split) and every SIAP figure must agree with the scorer's to 1e-6, and
the counts (truth paths, tracks, track states on the grid, time steps) exactly.

The scorer rounds its JSON summary (3 or 4 decimals) and its ``--timeseries`` CSV, so it is not run
as a program: it is imported as a module and its own ``main`` runs unchanged, with two substitutions
in the module's namespace only: ``round(x, n)`` returns ``x`` unrounded (``round(x)`` without digits,
which the scorer uses to turn nanoseconds into microseconds, is untouched), and ``MultiManager`` is a
subclass that keeps the metrics Stone Soup generated, for the values at each time.

Cases: (a) the committed fixture scenario with Haechi's own tracks (``haechi track``), at the default
c = 100 m, p = 1 and at c = 50 m, p = 2; (b) track files made from the fixture's truth: noisy tracks
at off-grid times, ``--resample none`` on tracks partly on the grid, dropouts (short ones bridged by the 2 s hold, a long
one after which the track comes back under a new id, tracks cut short), swapped ids, false tracks
and a duplicate, tracks without velocity, duplicate timestamps, and an empty file; (c) a synthetic
two-drone scenario with tracks that wander between the drones at random (seeded), which exercises
every rule of Stone Soup's TrackToTruth association.

A track that stops reporting for more than the hold (2 s) and comes back under the same id while
associated makes Stone Soup 1.9.1 fail (``IndexError: timestamp not found in states``); Haechi counts
the gap as not tracked (docs/evaluation.md). ``test_gap_inside_an_association`` checks both.

Needs ``../shared/peers/stonesoup`` (and Stone Soup in this Python); the tests skip, saying so, when
either is absent. The fixture and the inputs are small: the scorer loops in Python.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import io
import json
import math
import random
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from conftest import FIXTURE_SCENARIO, STONESOUP_DIR, STONESOUP_METRICS

TOLERANCE = 1e-6
UNIX_EPOCH = datetime(1970, 1, 1)
#: Largest difference seen per figure, over every case of the session (printed with -rP).
MAX_DIFFERENCE: dict[str, float] = {}


# --------------------------------------------------------------------------------------------------
# The Stone Soup scorer, unrounded


@pytest.fixture(scope="module")
def scorer():
    """metrics_stonesoup.py imported as a module."""
    if not STONESOUP_METRICS.is_file():
        pytest.skip(f"the Stone Soup scorer is absent ({STONESOUP_METRICS} not found; the shared peers live in "
                    f"{STONESOUP_DIR.parent}): the comparison of haechi evaluate with it is skipped")
    try:
        import stonesoup  # noqa: F401
    except ImportError:
        pytest.skip("Stone Soup is not installed in this Python (pip install stonesoup==1.9.1): "
                    "the comparison of haechi evaluate with the scorer is skipped")
    spec = importlib.util.spec_from_file_location("metrics_stonesoup", STONESOUP_METRICS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unrounded(x, ndigits=None):
    return builtins.round(x) if ndigits is None else x


def stonesoup_scores(scorer, scenario: Path, tracks: Path, tmp_path: Path, *args: str) -> dict:
    """The scorer's summary, unrounded, plus ``series``: its values at each time, keyed like Haechi's."""
    captured = {}

    class CapturingManager(scorer.MultiManager):
        def generate_metrics(self):
            captured["metrics"] = super().generate_metrics()
            return captured["metrics"]

    out = tmp_path / f"stonesoup-{tracks.stem}-{len(list(tmp_path.iterdir()))}.json"
    saved = scorer.MultiManager, scorer.__dict__.get("round")
    scorer.MultiManager, scorer.round = CapturingManager, unrounded
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            scorer.main([str(scenario), str(tracks), "--out", str(out), *args])
    finally:
        scorer.MultiManager = saved[0]
        if saved[1] is None:
            del scorer.round
        else:
            scorer.round = saved[1]
    summary = json.loads(out.read_text())
    metrics = captured["metrics"]

    def ns(timestamp) -> int:
        delta = timestamp - UNIX_EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000

    c, p = summary["eval"]["c_m"], summary["eval"]["p"]
    dummy = c ** p / 2
    ospa = metrics["ospa_generator"]["OSPA distances"].value
    gospa = metrics["gospa_generator"]["GOSPA Metrics"].value
    siap = metrics["siap_generator"]
    series = {
        "t_ns": [ns(m.timestamp) for m in ospa],
        "ospa": [float(m.value) for m in ospa],
        "gospa": [float(m.value["distance"]) for m in gospa],
        "gospa_loc": [float(m.value["localisation"]) for m in gospa],
        "gospa_missed": [float(m.value["missed"]) / dummy for m in gospa],
        "gospa_false": [float(m.value["false"]) / dummy for m in gospa],
    }
    assert [ns(m.timestamp) for m in gospa] == series["t_ns"]
    for name, key in (("SIAP Completeness at times", "siap_completeness"), ("SIAP Ambiguity at times", "siap_ambiguity"),
                      ("SIAP Spuriousness at times", "siap_spuriousness"),
                      ("SIAP Position Accuracy at times", "siap_position_accuracy_m"),
                      ("SIAP Velocity Accuracy at times", "siap_velocity_accuracy_mps")):
        values = siap[name].value
        assert [ns(m.timestamp) for m in values] == series["t_ns"], name
        series[key] = [float(m.value) for m in values]
    if summary["siap"]["velocity_accuracy_mps"] is None:
        series["siap_velocity_accuracy_mps"] = [None] * len(series["t_ns"])
    summary["series"] = series
    return summary


# --------------------------------------------------------------------------------------------------
# Haechi


def run_haechi(haechi_bin: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([str(haechi_bin), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=300)
    assert result.returncode == expect, f"haechi {' '.join(args)} exited {result.returncode}\n{result.stderr}"
    return result


def haechi_scores(haechi_bin: Path, scenario: Path, tracks: Path, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / f"haechi-{tracks.stem}-{len(list(tmp_path.iterdir()))}.json"
    run_haechi(haechi_bin, "evaluate", "--scenario", str(scenario), "--tracks", str(tracks), "--out", str(out),
               "--quiet", *args)
    return json.loads(out.read_text())


def haechi_tracks(haechi_bin: Path, tmp_path: Path) -> Path:
    out = tmp_path / "haechi_tracks.jsonl"
    if not out.exists():
        run_haechi(haechi_bin, "track", "--scenario", str(FIXTURE_SCENARIO), "--out", str(out), "--quiet")
    return out


SUMMARY_FIGURES = ["ospa_mean_m", "ospa_median_m", "ospa_p95_m", "gospa_mean", "gospa_localisation_mean",
                   "gospa_missed_mean_count", "gospa_false_mean_count"]
SIAP_FIGURES = ["completeness", "ambiguity", "spuriousness", "position_accuracy_m", "velocity_accuracy_mps",
                "rate_of_track_number_change_per_s", "longest_track_segment"]
SERIES = ["ospa", "gospa", "gospa_loc", "gospa_missed", "gospa_false", "siap_completeness", "siap_ambiguity",
          "siap_spuriousness", "siap_position_accuracy_m", "siap_velocity_accuracy_mps"]


def note(name: str, difference: float) -> None:
    MAX_DIFFERENCE[name] = max(MAX_DIFFERENCE.get(name, 0.0), difference)


def assert_close(name: str, ours, theirs) -> None:
    if theirs is None or ours is None:
        assert ours is None and theirs is None, f"{name}: haechi {ours}, Stone Soup {theirs}"
        return
    difference = abs(ours - theirs)
    note(name, difference)
    assert difference <= TOLERANCE, f"{name}: haechi {ours!r}, Stone Soup {theirs!r} (differ by {difference:.3g})"


def rank_ties(scores: dict, scenario: Path) -> list[str]:
    """Where Stone Soup's count of tracks needed per truth (NU, in the rate of track-number change)
    depends on the order of a Python set, which changes from run to run (docs/evaluation.md): at a
    truth time, two associations holding there whose last intervals end together and latest of all
    the associations holding there, with different ends of the intervals that hold there. Inputs of
    these tests must have none."""
    epoch = read_lines(scenario)[0]["epoch_ns"]
    times: dict[str, list[float]] = {}
    for r in truth_records(scenario):
        times.setdefault(str(r["drone_id"]), []).append((r["t_ns"] - epoch) / 1e9)
    found = []
    for truth, truth_times in times.items():
        assocs = [a["intervals_t_rel"] for a in scores["associations"] if a["truth_id"] == truth]
        for t in truth_times:
            holding = [(iv[-1][1], next(b for a, b in iv if a <= t <= b)) for iv in assocs
                       if any(a <= t <= b for a, b in iv)]
            if not holding:
                continue
            latest = max(end for end, _ in holding)
            if len({here for end, here in holding if end == latest}) > 1:
                found.append(f"truth {truth} at t_rel {t}")
    return found


def compare(ours: dict, theirs: dict, scenario: Path) -> None:
    """Every figure and every value over time, to TOLERANCE; the counts exactly."""
    ties = rank_ties(ours, scenario)
    assert not ties, (f"Stone Soup's rate of track-number change is not reproducible on this input (ranking ties: "
                      f"{ties[:3]}); change the input")
    for key in ("n_truth_paths", "n_tracks", "n_track_states_on_grid"):
        assert ours[key] == theirs[key], f"{key}: haechi {ours[key]}, Stone Soup {theirs[key]}"
    assert ours["eval"]["grid_points"] == theirs["eval"]["grid_points"]
    assert ours["eval"]["grid_s"] == theirs["eval"]["grid_s"]
    for key in SUMMARY_FIGURES:
        assert_close(key, ours[key], theirs[key])
    for key in SIAP_FIGURES:
        assert_close(f"siap.{key}", ours["siap"][key], theirs["siap"][key])
    series, reference = ours["timeseries"], theirs["series"]
    assert series["t_ns"] == reference["t_ns"], "the time steps differ"
    assert ours["n_time_steps"] == len(reference["t_ns"])
    for key in SERIES:
        assert len(series[key]) == len(reference[key]), key
        for t, a, b in zip(series["t_ns"], series[key], reference[key]):
            if a is None or b is None:
                assert a is None and b is None, f"{key} at t_ns {t}: haechi {a}, Stone Soup {b}"
                continue
            difference = abs(a - b)
            note(f"timeseries.{key}", difference)
            assert difference <= TOLERANCE, f"{key} at t_ns {t}: haechi {a!r}, Stone Soup {b!r}"


def agree(haechi_bin, scorer, tmp_path, scenario: Path, tracks: Path, *args: str) -> dict:
    ours = haechi_scores(haechi_bin, scenario, tracks, tmp_path, *args)
    compare(ours, stonesoup_scores(scorer, scenario, tracks, tmp_path, *args), scenario)
    return ours


# --------------------------------------------------------------------------------------------------
# Inputs


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def truth_records(scenario: Path = FIXTURE_SCENARIO) -> list[dict]:
    return [r for r in read_lines(scenario) if r["type"] == "truth"]


def oracle(records: list[dict], *, noise: float = 0.0, seed: int = 0, shift_ns: int = 0, with_velocity: bool = True,
           prefix: str = "oracle-") -> list[dict]:
    """The truth as tracks: position noise, times shifted off the grid (positions moved back along
    the velocity), integer-millimetre positions as a tracker would print them."""
    rng = random.Random(seed)
    out = []
    for r in records:
        dt = shift_ns / 1e9
        enu = [x - v * dt + (rng.gauss(0, noise) if noise else 0.0) for x, v in zip(r["enu"], r["vel_enu"])]
        track = {"type": "track", "track_id": f"{prefix}{r['drone_id']}", "t_ns": r["t_ns"] - shift_ns,
                 "enu": [round(x, 3) for x in enu], "status": "updated"}
        if with_velocity:
            track["vel"] = r["vel_enu"]
        out.append(track)
    return out


def rel(r: dict, epoch_ns: int) -> float:
    return (r["t_ns"] - epoch_ns) / 1e9


@pytest.fixture(scope="module")
def epoch_ns() -> int:
    return read_lines(FIXTURE_SCENARIO)[0]["epoch_ns"]


# --------------------------------------------------------------------------------------------------
# (a) Haechi's own tracks


@pytest.mark.parametrize("args", [(), ("--c", "50", "--p", "2")], ids=["c100-p1", "c50-p2"])
def test_haechi_tracks_on_the_fixture(haechi_bin, scorer, tmp_path, args):
    tracks = haechi_tracks(haechi_bin, tmp_path)
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks, *args)
    assert ours["n_tracks"] > 0 and ours["siap"]["completeness"] > 0.5


# --------------------------------------------------------------------------------------------------
# (b) Perturbed track files


def test_noisy_tracks_off_the_grid(haechi_bin, scorer, tmp_path):
    tracks = write_lines(tmp_path / "noisy.jsonl", oracle(truth_records(), noise=8, seed=3, shift_ns=300_000_000))
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks)
    assert 0 < ours["siap"]["position_accuracy_m"] < 30


def test_resample_none_keeps_the_states_on_the_grid(haechi_bin, scorer, tmp_path):
    """--resample none: only records exactly on the grid count (the others here are 0.2 s off it).
    Every grid time of a track must then have a record while it is associated: a missing one is a
    gap inside the association, which stops Stone Soup."""
    on_grid = oracle(truth_records(), noise=5, seed=19)
    off_grid = oracle(truth_records(), noise=5, seed=23, shift_ns=200_000_000)
    tracks = write_lines(tmp_path / "mixed.jsonl", sorted(on_grid + off_grid, key=lambda r: r["t_ns"]))
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks, "--resample", "none")
    assert ours["n_track_states_on_grid"] == len(on_grid)


def test_dropouts_fragments_and_early_ends(haechi_bin, scorer, tmp_path, epoch_ns):
    records = oracle(truth_records(), noise=3, seed=5)
    ids = sorted({r["track_id"] for r in records})
    out = []
    for r in records:
        t = rel(r, epoch_ns)
        if r["track_id"] == ids[0]:
            if 8 <= t < 9.5:       # 1.5 s without a report: bridged by the 2 s hold
                continue
            if 15 <= t < 19:       # 4 s without a report, then back under a new id
                continue
            if t >= 19:
                r = dict(r, track_id=f"{ids[0]}-again")
        if r["track_id"] == ids[1] and t > 12:  # ends early
            continue
        if r["track_id"] == ids[2] and t < 6:   # starts late
            continue
        out.append(r)
    tracks = write_lines(tmp_path / "dropouts.jsonl", out)
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks)
    assert ours["siap"]["rate_of_track_number_change_per_s"] > 0 and ours["siap"]["completeness"] < 1


def test_swapped_ids(haechi_bin, scorer, tmp_path, epoch_ns):
    records = oracle(truth_records(), noise=2, seed=7)
    ids = sorted({r["track_id"] for r in records})
    swap = {ids[0]: ids[1], ids[1]: ids[0]}
    out = [dict(r, track_id=swap.get(r["track_id"], r["track_id"])) if rel(r, epoch_ns) >= 12 else r for r in records]
    tracks = write_lines(tmp_path / "swapped.jsonl", out)
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks)
    assert ours["siap"]["rate_of_track_number_change_per_s"] > 0 and ours["siap"]["longest_track_segment"] < 1


def test_false_and_duplicate_tracks(haechi_bin, scorer, tmp_path, epoch_ns):
    records = oracle(truth_records(), noise=2, seed=11)
    first = records[0]["track_id"]
    extra = []
    for r in records:
        t = rel(r, epoch_ns)
        if r["track_id"] == first and 5 <= t <= 20:
            # A duplicate 30 m off the first drone: within the 50 m threshold, so ambiguity > 1 at times.
            extra.append(dict(r, track_id="duplicate", enu=[r["enu"][0] + 30, r["enu"][1], r["enu"][2]]))
    for k in range(0, 50):      # ghosts far from any drone, one at 150 m from one
        t_ns = epoch_ns + k * 500_000_000 + 123_000_000
        extra.append({"type": "track", "track_id": 900, "t_ns": t_ns, "enu": [5000.0 + 10 * k, -4000.0, 100.0],
                      "vel": [20.0, 0.0, 0.0]})
        if k % 3:
            extra.append({"type": "track", "track_id": "ghost-b", "t": t_ns / 1e9, "enu": [-3000.0, 2500.0 - 5 * k, 50.0],
                          "vel": [0.0, -10.0, 0.0]})
    tracks = write_lines(tmp_path / "false.jsonl", sorted(records + extra, key=lambda r: r.get("t_ns") or r["t"] * 1e9))
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks)
    assert ours["siap"]["spuriousness"] > 0 and ours["gospa_false_mean_count"] > 0


def test_tracks_without_velocity_and_repeated_times(haechi_bin, scorer, tmp_path):
    records = oracle(truth_records(), noise=4, seed=13, shift_ns=250_000_000, with_velocity=False)
    # A second report at the same time for every 4th state: the later one counts.
    out = []
    for k, r in enumerate(records):
        out.append(r)
        if k % 4 == 0:
            out.append(dict(r, enu=[r["enu"][0] + 7, r["enu"][1] - 3, r["enu"][2]]))
    tracks = write_lines(tmp_path / "novel.jsonl", out)
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks)
    assert ours["siap"]["velocity_accuracy_mps"] is None


def test_empty_track_file(haechi_bin, scorer, tmp_path):
    tracks = tmp_path / "empty.jsonl"
    tracks.write_text("")
    ours = agree(haechi_bin, scorer, tmp_path, FIXTURE_SCENARIO, tracks)
    assert ours["n_tracks"] == 0 and ours["ospa_mean_m"] == 100 and ours["siap"]["completeness"] == 0


def test_gap_inside_an_association(haechi_bin, scorer, tmp_path, epoch_ns):
    """A 4 s silence of an associated track that comes back under the same id: Stone Soup fails,
    Haechi scores the gap as not tracked (the same figures as the scorer's where it runs)."""
    records = oracle(truth_records(), noise=2, seed=17)
    first = records[0]["track_id"]
    out = [r for r in records if not (r["track_id"] == first and 10 <= rel(r, epoch_ns) < 14)]
    tracks = write_lines(tmp_path / "gap.jsonl", out)
    with pytest.raises(IndexError, match="timestamp not found in states"):
        stonesoup_scores(scorer, FIXTURE_SCENARIO, tracks, tmp_path)
    ours = haechi_scores(haechi_bin, FIXTURE_SCENARIO, tracks, tmp_path)
    series = ours["timeseries"]
    gap = [k for k, t in enumerate(series["t_rel"]) if 12 <= t < 14]   # beyond the 2 s hold
    assert gap and all(series["siap_completeness"][k] < 1 for k in gap)
    assert ours["siap"]["spuriousness"] >= 0 and ours["siap"]["completeness"] < 1
    # The track's association runs across the gap, so its segment is not broken.
    assert any(a["track_id"] == first and len(a["intervals_t_rel"]) == 1 for a in ours["associations"])


# --------------------------------------------------------------------------------------------------
# (c) Tracks wandering between two drones


def synthetic_scenario(path: Path) -> Path:
    """Two drones 60 m apart flying east for 40 s (the second one from 5 s to 35 s), truth every 0.5 s."""
    epoch = 1_748_736_000_000_000_000
    records = [{"type": "meta", "format": "cuas-scenario/1", "origin": {"lat": 35.85, "lon": 126.55, "alt": 5.0},
                "epoch_ns": epoch, "duration_s": 40.0, "truth_dt_s": 0.5}]
    for k in range(81):
        t_ns = epoch + k * 500_000_000
        for drone, north, start, end in ((1, 0.0, 0, 40), (2, 60.0, 5, 35)):
            if start <= k / 2 <= end:
                records.append({"type": "truth", "t_ns": t_ns, "t": t_ns / 1e9, "drone_id": drone,
                                "enu": [-400.0 + 12.0 * k / 2, north, 120.0], "vel_enu": [12.0, 0.0, 0.0],
                                "lat": 35.85, "lon": 126.55, "alt": 125.0})
    return write_lines(path, records)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_tracks_wandering_between_drones(haechi_bin, scorer, tmp_path, seed):
    scenario = synthetic_scenario(tmp_path / "two-drones.jsonl")
    rng = random.Random(seed)
    epoch = 1_748_736_000_000_000_000
    out = []
    for track in range(4):
        t, end = rng.uniform(0, 10), rng.uniform(25, 40)
        side = rng.choice((0.0, 60.0, 300.0))
        while t < end:
            if rng.random() < 0.25:            # jump: near drone 1, near drone 2, or far from both
                side = rng.choice((0.0, 60.0, 300.0))
            x = -400.0 + 12.0 * t + rng.gauss(0, 6)
            out.append({"type": "track", "track_id": track, "t_ns": epoch + int(t * 1e9),
                        "enu": [x, side + rng.gauss(0, 8), 120.0], "vel": [12.0 + rng.gauss(0, 1), 0.0, 0.0]})
            t += rng.choice((0.5, 0.5, 0.5, 0.7, 1.0, 1.9))   # never more than the 2 s hold
    out.sort(key=lambda r: r["t_ns"])
    tracks = write_lines(tmp_path / f"wander-{seed}.jsonl", out)
    agree(haechi_bin, scorer, tmp_path, scenario, tracks)


# --------------------------------------------------------------------------------------------------
# Bad input


def test_bad_input_is_an_error_naming_the_line(haechi_bin, tmp_path):
    tracks = write_lines(tmp_path / "t.jsonl", oracle(truth_records()[:5]))
    with open(tracks, "a") as f:
        f.write("{not json\n")
    out = tmp_path / "m.json"
    result = run_haechi(haechi_bin, "evaluate", "--scenario", str(FIXTURE_SCENARIO), "--tracks", str(tracks),
                        "--out", str(out), expect=1)
    assert f"{tracks}:6" in result.stderr and not out.exists(), result.stderr
    no_truth = write_lines(tmp_path / "no-truth.jsonl", [r for r in read_lines(FIXTURE_SCENARIO) if r["type"] != "truth"])
    result = run_haechi(haechi_bin, "evaluate", "--scenario", str(no_truth), "--tracks", str(tracks), "--out", str(out),
                        expect=1)
    assert "no truth records" in result.stderr
    result = run_haechi(haechi_bin, "evaluate", "--scenario", str(FIXTURE_SCENARIO), "--tracks", str(tracks),
                        "--out", str(out), "--p", "0.5", expect=64)
    assert "--p" in result.stderr


def test_report_largest_differences():
    """Prints the largest difference seen per figure (run with -rP to see it)."""
    if not MAX_DIFFERENCE:
        pytest.skip("no comparison ran")
    width = max(map(len, MAX_DIFFERENCE))
    print("largest |haechi - Stone Soup| per figure:")
    for name, value in sorted(MAX_DIFFERENCE.items()):
        print(f"  {name:<{width}}  {value:.3g}")
    assert all(v <= TOLERANCE for v in MAX_DIFFERENCE.values())
