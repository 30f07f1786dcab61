"""The recording section: `haechi-bench record` beside a raw write, and `haechi replay` of a dense session."""

from __future__ import annotations

import argparse
import datetime
import filecmp
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import time
from pathlib import Path

from .common import (PORT_RETRIES, RECORD_COMPRESSIONS, RECORD_FRAMES, RECORD_FRAMES_QUICK, RECORD_METRICS,
                     RECORD_PAYLOAD_BYTES, RECORD_RATIO_TARGET, RECORD_SOURCES, RECORD_TARGET_COMPRESSION,
                     RECORDING_TARGETS, REPLAY_METRICS, REPLAY_REAL_TIME_TARGET, SESSION_CONFIG,
                     SESSION_IDLE_TIMEOUT_S, SESSION_SCENARIO, TIMEOUT_RECORD_S, TIMEOUT_REPLAY_S,
                     TIMEOUT_SESSION_S, RunError, log)
from .ingest import Measurement
from .machine import quiet, read
from .processes import file_digest, free_port, load_json, run_one
from .text import describe_recording, shown_path


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
