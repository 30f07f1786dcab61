"""The printed text: number formats, the progress lines, and the tables of the core, tracker and recording sections."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .common import (QUALITY_BASELINE, QUALITY_RULES, RECORD_COMPRESSIONS, RECORD_PAYLOAD_BYTES, RECORD_SOURCES,
                     REPO, SESSION_SCENARIO, TRACKER_PRESETS, TRACKER_SEED)

if TYPE_CHECKING:  # for the annotations only: those modules import this one
    from .ingest import Bench, Measurement
    from .recording import RecordingBench
    from .tracker import TrackerBench


def si(value) -> str:
    if value is None:
        return "-"
    for scale, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def latency_text(medians: dict | None) -> str:
    if not medians or any(medians.get(p) is None for p in ("p50_us", "p99_us", "p999_us")):
        return "-"
    return "/".join(f"{medians[p]:.0f}" if medians[p] >= 10 else f"{medians[p]:.1f}"
                    for p in ("p50_us", "p99_us", "p999_us")) + " us"


def describe_run(m: Measurement, result: dict) -> str:
    parts = []
    for metric in m.metrics:
        value = result.get(metric)
        if isinstance(value, (int, float)):
            parts.append(f"{metric}={si(value) if value >= 1000 else value}")
    return ", ".join(parts) or json.dumps(result)


def status_text(status: str, missing: str = "missing") -> str:
    return {"missing": missing, "failed": "FAILED"}.get(status, "-")


def table(bench: Bench) -> str:
    rows = [("figure", "Haechi", "baseline", "ratio", "target", "verdict")]
    for f in bench.figures:
        if f["kind"] == "throughput":
            unit = f["unit"]
            haechi = f"{si(f['haechi_median'])} {unit}" if f["haechi_median"] else status_text(f["haechi_status"])
            base = (f"{si(f['baseline_median'])} {unit} ({f['baseline_name']})" if f["baseline_median"]
                    else status_text(f["baseline_status"]))
            ratio = f"{f['ratio']:.2f}x +-{f['ratio_noise'] * 100:.0f}%" if f["ratio"] else "-"
            if f.get("vs_plaintext"):
                haechi += f" ({f['vs_plaintext']:.2f}x Haechi plaintext)"
        elif f["kind"] == "latency":
            haechi = latency_text(f.get("haechi_medians")) if f["haechi_status"] == "ok" else status_text(f["haechi_status"])
            base = (latency_text(f.get("baseline_medians")) + " (libzmq send->recv, context)"
                    if f["baseline_status"] == "ok" else status_text(f["baseline_status"]))
            # The p99s' ratio: how many times the transport alone the whole path takes.
            hp = (f.get("haechi_medians") or {}).get("p99_us")
            bp = (f.get("baseline_medians") or {}).get("p99_us")
            ratio = f"{hp / bp:.1f}x at p99" if hp and bp else "-"
        else:
            hm, thread = f["haechi_median"], f.get("haechi_thread_median")
            if f["haechi_status"] != "ok":
                haechi = status_text(f["haechi_status"])
            else:
                haechi = "-" if hm is None else f"{hm:.3f}"
                if thread is not None:
                    haechi += f" (own threads {thread:.4f})"
            base = (f"{f['baseline_median']:.3f} ({f.get('baseline_label', 'libzmq recv, whole process')})" if f["baseline_median"] is not None
                    else status_text(f["baseline_status"]))
            ratio = (f"{hm - f['baseline_median']:+.3f}" if hm is not None and f["baseline_median"] is not None
                     else "-")
        v = f["verdict"]
        rule = v["rule"] if f["target"] else ""
        verdict_text = {"none": "", "pending": "pending"}.get(v["status"], v["status"])
        if v["status"] == "missed":
            verdict_text += f" ({v['by']})"
        if v.get("within_noise"):
            verdict_text += " (within noise)"
        rows.append((f["label"], haechi, base, ratio, rule, verdict_text))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def describe_track(result: dict) -> str:
    def number(key: str, form: str) -> str:
        value = result.get(key)
        return format(value, form) if isinstance(value, (int, float)) else "-"
    return (f"{si(result.get('detections_per_second'))} detections/s, ms/scan p50 {number('ms_per_scan_p50', '.3g')} "
            f"p99 {number('ms_per_scan_p99', '.3g')} max {number('ms_per_scan_max', '.3g')}, real time {number('real_time_factor', '.0f')}x, "
            f"peak RSS {number('peak_rss_mib', '.0f')} MiB")


def shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def tracker_status_text(status: str) -> str:
    return {"missed": "not met"}.get(status, status)


def tracker_text(tb: TrackerBench) -> str:
    """The tracker section of the printout: speed table, quality table, targets."""
    if tb.status == "skipped":
        return f"Tracker (haechi track beside Stone Soup): skipped: {tb.reason}."
    rows = [("preset", "detections", "Haechi det/s", "Stone Soup det/s", "ratio", "ms/scan p50 / p99 / slowest",
             "real time", "peak RSS")]
    for f in tb.figures:
        if f["haechi_status"] != "ok" or f["detections_per_second"] is None:
            haechi = status_text(f["haechi_status"])
            rows.append((f["preset"], si(f["detections"]), haechi, "", "", "", "", ""))
            continue
        if f["stonesoup_detections_per_second"] is not None:
            stonesoup = f"{f['stonesoup_detections_per_second']:.0f} ({f['stonesoup_source']})"
        else:
            stonesoup = "FAILED" if f["stonesoup_status"] == "failed" else "-"
        ratio = f"{f['ratio']:.0f}x +-{(f['ratio_noise'] or 0) * 100:.0f}%" if f["ratio"] else "-"
        p50, p99, slowest = f["ms_per_scan_p50"], f["ms_per_scan_p99"], f["ms_per_scan_max"]
        rows.append((f["preset"], si(f["detections"]), si(f["detections_per_second"]), stonesoup, ratio,
                     f"{p50:.3g} / {p99:.3g} / {slowest:.3g} ms" if slowest is not None else f"{p50:.3g} / {p99:.3g} ms", f"{f['real_time_factor']:.0f}x",
                     f"{f['peak_rss_mib_max']:.0f} MiB"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"Tracker: haechi track ({shown_path(tb.tracker_config)}) on the Stone Soup peer's scenarios, seed "
             f"{TRACKER_SEED}; medians of {tb.args.reps} runs (peak RSS: the largest)"]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("Stone Soup det/s: measured = track_stonesoup.py run once in this run on the same file; recorded =\n"
                 "its README's figure for that preset (not measured here). ratio: Haechi / Stone Soup, +- the\n"
                 "spread of Haechi's runs. real time: scenario seconds per second of tracking.")

    q = tb.quality
    lines.append("")
    if q.get("status") == "ok":
        lines.append(f"Tracker quality on {q['preset']}, seed {q['seed']} (metrics_stonesoup.py on Haechi's tracks; "
                     "Stone Soup's recorded scores):")
        qrows = [("metric", "Haechi", "Stone Soup", "target", "verdict")]
        for key, label, sense, form in QUALITY_RULES:
            value, v = q["haechi"][key], q["verdicts"][key]
            qrows.append((label, "-" if value is None else f"{value:{form}}", f"{QUALITY_BASELINE[key]:{form}}",
                          v["rule"], tracker_status_text(v["status"]) + (f" ({v['by']})" if "by" in v else "")))
        qwidths = [max(len(row[i]) for row in qrows) for i in range(len(qrows[0]))]
        for n, row in enumerate(qrows):
            lines.append("  ".join(cell.ljust(qwidths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in qwidths))
    elif q.get("status") == "failed":
        lines.append(f"Tracker quality on {q['preset']}: FAILED: {q.get('error')}")
    else:
        lines.append(f"Tracker quality on {q['preset']}: not run ({q.get('reason') or 'see the errors'})")

    lines.append("")
    lines.append("Targets (tracker):")
    by_preset = {f["preset"]: f for f in tb.figures}
    for target in tb.targets:
        detail = ""
        if target["id"] == "tracker_speed":
            detail = ", ".join(f"{p} {by_preset[p]['ratio']:.0f}x" if by_preset.get(p, {}).get("ratio")
                               else f"{p} -" for p in TRACKER_PRESETS)
        elif target["id"] == "tracker_hard_p99":
            p99 = by_preset.get("hard", {}).get("ms_per_scan_p99")
            detail = f"hard {p99:.3g} ms" if p99 is not None else "hard not run"
        elif target["id"] == "tracker_real_time":
            rtf = by_preset.get("large", {}).get("real_time_factor")
            detail = f"large {rtf:.0f}x" if rtf else "large not run"
        elif target["id"] == "tracker_memory":
            detail = ", ".join(f"{p} {by_preset[p]['peak_rss_mib_max']:.0f} MiB"
                               if by_preset.get(p, {}).get("peak_rss_mib_max") else f"{p} -" for p in TRACKER_PRESETS)
        elif target["id"] == "tracker_quality" and q.get("status") == "ok":
            detail = ", ".join(f"{label.split(' (')[0]} {q['haechi'][key]:{form}} ({q['verdicts'][key]['by']})"
                               for key, label, _, form in QUALITY_RULES if "by" in q["verdicts"][key])
        lines.append(f"  {tracker_status_text(target['status']):<8} {target['description']}"
                     + (f": {detail}" if detail else ""))
    for note in tb.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def describe_recording(result: dict) -> str:
    if "record_frames_per_second" in result:
        return (f"Haechi {si(result['record_frames_per_second'])} frames/s {result['record_mb_per_second']:.0f} MB/s, "
                f"raw write {si(result['raw_frames_per_second'])} frames/s {result['raw_mb_per_second']:.0f} MB/s, "
                f"ratio {result['ratio']:.2f} ({result.get('order', '?').replace('_', ' ')})")
    return (f"{result['real_time_factor']:.0f}x real time ({result['wall_seconds']:.2f} s), "
            f"{si(result['frames_per_second'])} frames/s, process {result['process_seconds']:.2f} s, "
            f"peak RSS {result['peak_rss_mib']:.0f} MiB, tracks match recording {result['tracks_match_recording']}, "
            f"live {result['tracks_match_live']}")


def verdict_text(v: dict) -> str:
    text = {"none": "", "pending": "pending"}.get(v["status"], v["status"])
    if v["status"] == "missed":
        text += f" ({v['by']})"
    if v.get("within_noise"):
        text += " (within noise)"
    return text


def recording_text(rb: RecordingBench) -> str:
    """The recording section of the printout: record throughput, replay, the check, targets."""
    if rb.status == "skipped":
        return f"Recording and replay: skipped: {rb.reason}."
    lines = [f"Recording: haechi-bench record, {si(rb.frames)} frames ({RECORD_PAYLOAD_BYTES} B payloads on "
             f"{RECORD_SOURCES} topics) through the recorder, beside write(2) + fsync of the same bytes in the same "
             f"process (order alternating); medians of {rb.args.reps} runs"]
    rows = [("compression", "Haechi", "raw write", "ratio", "file", "target", "verdict")]
    by_id = {f["id"]: f for f in rb.figures}
    for compression in RECORD_COMPRESSIONS:
        f = by_id.get(f"record_{compression}")
        if f is None or f["record_frames_per_second"] is None:
            status = f["status"] if f else "missing"
            rows.append((compression, status_text(status), "", "", "", "", ""))
            continue
        rows.append((compression,
                     f"{si(f['record_frames_per_second'])} frames/s, {f['record_mb_per_second']:.0f} MB/s",
                     f"{si(f['raw_frames_per_second'])} frames/s, {f['raw_mb_per_second']:.0f} MB/s",
                     f"{f['ratio']:.2f}x +-{(f['ratio_noise'] or 0) * 100:.0f}%",
                     f"{f['file_bytes'] / 1e6:.0f} MB", f["verdict"]["rule"] if f["verdict"]["status"] != "none" else "-",
                     verdict_text(f["verdict"]) or "for information"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if rb.record_reason:
        lines.append(f"Record figures missing: {rb.record_reason}")
    lines.append("MB/s: frame bytes (topic + payload) per second, the same count on both sides; ratio: the median of\n"
                 "each run's Haechi / raw write, +- its spread; file: the recording's size (the raw file: the frame bytes).")

    lines.append("")
    f = by_id.get("replay_dense", {})
    s = rb.session
    if f.get("real_time_factor") is not None:
        made = (f"cached, recorded in {s.get('generate_s')} s on {s.get('generated', '?')[:10]}" if s.get("cached")
                else f"recorded in this run in {s.get('generate_s')} s")
        lines.append(f"Replay: haechi replay --speed max of the dense session ({s.get('duration_s'):.0f} s of "
                     f"{shown_path(SESSION_SCENARIO)}, {si(s.get('frames_recorded'))} frames, "
                     f"{s.get('bytes', 0) / 1e6:.0f} MB; {made}); medians of {len(rb.replay_runs.runs)} runs")
        lines.append(f"  {f['real_time_factor']:.0f}x real time +-{(f['real_time_factor_spread'] or 0) * 100:.0f}% "
                     f"({f['wall_seconds']:.2f} s), {si(f['frames_per_second'])} frames/s, whole process "
                     f"{f['process_seconds']:.2f} s, peak RSS {f['peak_rss_mib_max']:.0f} MiB; target "
                     f"{f['verdict']['rule']}: {verdict_text(f['verdict'])}")
        lines.append("  x real time: the scenario's length over the replay's own wall_seconds (its summary).")
    else:
        lines.append(f"Replay of the dense session: {status_text(rb.replay_runs.status)}"
                     + (f": {rb.replay_runs.error}" if rb.replay_runs.error else ""))

    for check in rb.checks:
        detail = (f": {check['tracks_match_recording']} of {check['runs']} runs equal the recording's, "
                  f"{check['tracks_match_live']} of {check['runs']} the live run's track file") if check["runs"] else ""
        lines.append(f"Check: {check['status']:<8} {check['description']}{detail}")
    lines.append("")
    lines.append("Targets (issue 6):")
    for target in rb.targets:
        figure = by_id.get("record_none" if target["id"] == "record_throughput" else "replay_dense", {})
        value = figure.get("ratio") if target["id"] == "record_throughput" else figure.get("real_time_factor")
        detail = ""
        if value is not None:
            detail = f"{value:.2f}x" if target["id"] == "record_throughput" else f"{value:.0f}x"
            if figure["verdict"].get("by"):
                detail += f", {figure['verdict']['by']}"
            if figure["verdict"].get("within_noise"):
                detail += ", within noise"
        lines.append(f"  {tracker_status_text(target['status']):<8} {target['description']}"
                     + (f": {detail}" if detail else ""))
    for note in rb.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
