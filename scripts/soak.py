"""`make soak MINUTES=60`: a dense simulated trial, in real time, through `haechi ingest` with live
tracking and recording, for MINUTES minutes. Once a minute it prints the ingest process's resident
memory (now and peak), the frames received, malformed and lost (sequence gaps, missing, shed), the
recording's frames, and the live tracker's confirmed tracks; at the end, the sender's and the
receiver's totals side by side. It asserts nothing about time: it is there to show that memory stays
flat and nothing is lost over an hour, and its figures go in docs/performance.md.

The scene is Config/scenarios/dense.yaml (200 drones, four radars, clutter), its times stretched to
the soak's length, published with PUSH (lossless) at real-time speed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def stretched_scenario(minutes: float, out: Path) -> Path:
    """The dense scenario, every time in it scaled so that it lasts `minutes`."""
    scenario = yaml.safe_load((ROOT / "Config/scenarios/dense.yaml").read_text())
    factor = minutes * 60 / scenario["duration_s"]
    scenario["duration_s"] = minutes * 60

    def scale(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("takeoff_s", "landing_s") and isinstance(value, (int, float)):
                    node[key] = value * factor
                else:
                    scale(value)
        elif isinstance(node, list):
            for item in node:
                scale(item)

    scale(scenario.get("drones", []))
    path = out / "soak.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    return path


def memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) // 1024
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--haechi", required=True)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--port", type=int, default=7311)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="haechi-soak-"))
    scenario = stretched_scenario(args.minutes, work)
    config = yaml.safe_load((ROOT / "Config/ingest.yaml").read_text())
    config["endpoints"] = [{"name": "soak", "address": f"tcp://127.0.0.1:{args.port}", "socket": "pull", "mode": "bind"}]
    tracking = config.setdefault("tracking", {"enabled": True})
    tracking.pop("publish", None)
    if tracking.get("tracker"):
        tracking["tracker"] = str((ROOT / "Config" / tracking["tracker"]).resolve())
    config_path = work / "ingest.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    summary, sent = work / "summary.json", work / "sent.json"
    env = dict(os.environ)
    env.setdefault("HAECHI_RANGE_KEY", str(work / "keys" / "range-signing.key"))

    ingest = subprocess.Popen([args.haechi, "ingest", "--config", str(config_path), "--record-dir", str(work / "Replays"),
                               "--summary", str(summary), "--summary-every", "5", "--quiet"], env=env)
    time.sleep(1)
    simulate = subprocess.Popen([args.haechi, "simulate", "--scenario", str(scenario), "--speed", "1", "--socket", "push",
                                 "--publish", f"tcp://127.0.0.1:{args.port}", "--summary", str(sent), "--quiet"], env=env)
    print(f"soak: {args.minutes:g} min of {scenario.name} through haechi ingest (pid {ingest.pid}); work folder {work}", flush=True)
    print(f"{'min':>4} {'RSS MiB':>8} {'peak':>6} {'frames':>11} {'malformed':>9} {'gaps':>6} {'missing':>8} {'shed':>6} "
          f"{'recorded':>11} {'confirmed':>9}", flush=True)
    started = time.monotonic()
    minute = 0
    try:
        while simulate.poll() is None:
            time.sleep(1)
            if time.monotonic() - started < (minute + 1) * 60:
                continue
            minute += 1
            rss, peak = memory(ingest.pid)
            try:
                s = json.loads(summary.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            t = s["totals"]
            tracking = (s.get("tracking") or {}).get("tracker", {})
            print(f"{minute:>4} {rss:>8} {peak:>6} {t['frames_received']:>11} {t['frames_malformed']:>9} "
                  f"{t['sequence']['gaps']:>6} {t['sequence']['missing']:>8} {t['frames_shed']:>6} "
                  f"{(s.get('recording') or {}).get('frames_recorded', 0):>11} {tracking.get('confirmed', 0):>9}", flush=True)
        time.sleep(3)
    finally:
        ingest.send_signal(signal.SIGINT)
        ingest.wait(timeout=120)
        if simulate.poll() is None:
            simulate.kill()
    s, n = json.loads(summary.read_text()), json.loads(sent.read_text())
    t = s["totals"]
    print(f"\nsent {n['totals']['messages']} messages; received {t['frames_received']}, {t['frames_malformed']} malformed, "
          f"{t['sequence']['gaps']} gaps, {t['sequence']['missing']} missing; recorded "
          f"{(s.get('recording') or {}).get('frames_recorded')} ({'finalised' if (s.get('recording') or {}).get('finalised') else 'NOT finalised'})")
    lost = n["totals"]["messages"] - t["frames_received"]
    print("every message accounted for" if lost == 0 and t["sequence"]["missing"] == 0 else f"LOST {lost} messages")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
