"""The tracker section: `haechi track` on the Stone Soup peer's scenario presets, beside Stone Soup."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from .common import (HARD_P99_TARGET_MS, QUALITY_BASELINE, QUALITY_RULES, REAL_TIME_TARGET, RSS_TARGET_MIB,
                     SPEED_RATIO_TARGET, STONESOUP_MEASURED, STONESOUP_RECORDED, TIMEOUT_GENERATE_S,
                     TIMEOUT_METRICS_S, TIMEOUT_STONESOUP_S, TIMEOUT_TRACK_S, TRACKER_METRICS, TRACKER_PRESET_FLAGS,
                     TRACKER_PRESETS, TRACKER_PRESETS_QUICK, TRACKER_QUALITY_PRESET, TRACKER_SEED, TRACKER_TARGETS,
                     RunError, log)
from .ingest import Measurement
from .machine import quiet
from .processes import file_digest, finish, last_json, load_json, start
from .text import describe_track, si


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
