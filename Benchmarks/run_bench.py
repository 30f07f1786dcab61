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
import json
import sys
from pathlib import Path

# The sections live in the benchlib package beside this script. Run as a script, its folder is
# sys.path[0] already; it is added here for the other ways in (python3 -P, runpy, an import).
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from benchlib.common import REPO, SECTIONS, TARGETS, log
from benchlib.ingest import Bench
from benchlib.machine import machine_info
from benchlib.recording import RecordingBench
from benchlib.text import recording_text, table, tracker_text
from benchlib.tracker import TrackerBench


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
