"""`haechi info`, `haechi cat` and `haechi doctor` against the PyPI ``mcap`` readers.

A recording of good and malformed frames (the recording tests' peer publishes them; nothing here is
Haechi code) is read by the Python readers (``recordings.py``) and by the three commands, and what
the commands print must be what the file holds: frame counts, malformed frames by reason, every
channel's message count, the SHA-256, each frame's parts byte for byte, and the windows of ``cat``.
``doctor`` must pass a sound file and find a file cut short, a flipped byte in a chunk and a file
that is not MCAP, without writing anything.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from mcap.reader import make_reader

import recordings
from test_recording_interop import good_and_bad_messages, record_messages


def haechi(binary: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def session(haechi_bin, tmp_path_factory):
    """One recording of good status frames and every kind of malformed frame, and what was sent."""
    messages, expected = good_and_bad_messages(24)
    run, _, path = record_messages(haechi_bin, tmp_path_factory.mktemp("tools"), messages)
    return path, [m.parts for m in messages], expected, run.summary()


def part_bytes(part: dict) -> bytes:
    assert len(part) == 1, part
    if "utf8" in part:
        return part["utf8"].encode()
    return bytes.fromhex(part["hex"])


def test_info_reports_what_the_file_holds(haechi_bin, session):
    path, sent, expected, live = session
    info = json.loads(haechi(haechi_bin, "info", path, "--json").stdout)
    rec = recordings.read_recording(path)
    assert info["finalised"] is True and info["recovered"] is False
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info["bytes"] == path.stat().st_size
    assert info["frames"] == len(sent) == len(rec.frames)
    assert info["run_id"] == rec.metadata["haechi.run"]["run_id"]
    # Every channel with the message count the Python reader finds.
    assert {c["topic"]: c["messages"] for c in info["channels"]} == dict(rec.counts())
    # The decode stage's counts are the live run's: per source, malformed frames by reason.
    reasons = Counter(reason for kind, reason, _ in expected if kind == "malformed")
    assert info["totals"]["malformed"] == dict(reasons)
    assert info["totals"]["frames_malformed"] == sum(reasons.values())
    for source, counters in live["sources"].items():
        assert info["sources"][source]["frames_received"] == counters["frames_received"], source
        assert info["sources"][source]["malformed"] == counters["malformed"], source
    first, last = rec.frames[0].log_time, rec.frames[-1].log_time
    assert info["receive_time"]["seconds"] == pytest.approx((last - first) / 1e9, abs=1e-9)
    # The text form says the same in words.
    text = haechi(haechi_bin, "info", path).stdout
    assert f"frames: {len(sent)} ({sum(reasons.values())} malformed" in text
    assert info["sha256"] in text and "finalised" in text
    for source, counters in live["sources"].items():
        for reason, count in counters["malformed"].items():
            assert f"{reason}={count}" in text, (source, reason)


def test_cat_prints_every_frame_as_received(haechi_bin, session):
    path, sent, expected, _ = session
    lines = [json.loads(line) for line in haechi(haechi_bin, "cat", path).stdout.splitlines()]
    rec = recordings.read_recording(path)
    assert len(lines) == len(sent)
    for i, (line, parts, (kind, reason, source), frame) in enumerate(zip(lines, sent, expected, rec.frames)):
        assert tuple(part_bytes(p) for p in line["parts"]) == tuple(parts), i
        assert (line["kind"], line["source"], line.get("reason")) == (kind, source, reason), i
        assert (line["seq"], line["t_ns"], line["endpoint"]) == (frame.sequence, frame.log_time, frame.endpoint), i


def test_cat_selects_by_source_and_time(haechi_bin, session):
    path, _, _, _ = session
    rec = recordings.read_recording(path)
    only = [json.loads(line) for line in haechi(haechi_bin, "cat", path, "--source", "json/good-1").stdout.splitlines()]
    assert [line["seq"] for line in only] == [f.sequence for f in rec.frames if f.source == "json/good-1"]
    assert only and all(line["source"] == "json/good-1" for line in only)
    # A window by seconds after the first frame, and the same window by UTC times.
    t0 = rec.frames[0].log_time
    middle = rec.frames[len(rec.frames) // 3].log_time, rec.frames[2 * len(rec.frames) // 3].log_time
    lo, hi = (middle[0] - t0) / 1e9, (middle[1] - t0) / 1e9
    window = [json.loads(line) for line in
              haechi(haechi_bin, "cat", path, "--from", f"{lo:.9f}", "--to", f"{hi:.9f}").stdout.splitlines()]
    want = [f.sequence for f in rec.frames if t0 + round(lo * 1e9) <= f.log_time <= t0 + round(hi * 1e9)]
    assert [line["seq"] for line in window] == want and want
    by_time = [json.loads(line) for line in
               haechi(haechi_bin, "cat", path, "--from", window[0]["t"], "--to", window[-1]["t"]).stdout.splitlines()]
    assert [line["seq"] for line in by_time] == want
    bad = haechi(haechi_bin, "cat", path, "--from", "yesterday", check=False)
    assert bad.returncode == 64 and "--from yesterday" in bad.stderr


def test_doctor_passes_a_sound_recording_and_finds_damage(haechi_bin, session, tmp_path):
    path, _, _, _ = session
    before = sorted(p.name for p in path.parent.iterdir())
    sound = haechi(haechi_bin, "doctor", path)
    assert "ok: no problem found" in sound.stdout
    diagnosis = json.loads(haechi(haechi_bin, "doctor", path, "--json").stdout)
    assert diagnosis["healthy"] is True and diagnosis["messages_readable"] == len(recordings.read_recording(path).messages)
    assert diagnosis["summary_messages"] == diagnosis["messages_readable"]

    data = path.read_bytes()
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(data[: len(data) * 2 // 3])
    result = haechi(haechi_bin, "doctor", cut, check=False)
    assert result.returncode == 1 and "not finalised" in result.stdout and "haechi recover" in result.stdout
    assert json.loads(haechi(haechi_bin, "doctor", cut, "--json", check=False).stdout)["finalised"] is False

    # One flipped byte inside the first chunk's records: its CRC fails, and doctor says where.
    with open(path, "rb") as f:
        chunk_offsets = sorted(c.chunk_start_offset for c in make_reader(f).get_summary().chunk_indexes)
    assert chunk_offsets
    flipped = bytearray(data)
    flipped[chunk_offsets[0] + 200] ^= 0xFF
    damaged = tmp_path / "flipped.mcap"
    damaged.write_bytes(bytes(flipped))
    result = haechi(haechi_bin, "doctor", damaged, "--json", check=False)
    found = json.loads(result.stdout)
    assert result.returncode == 1 and found["chunks_damaged"] == 1 and not found["healthy"]
    assert any(f"damaged at byte {chunk_offsets[0]}" in p for p in found["problems"]), found["problems"]

    # Not MCAP at all; a folder; a missing file: a plain message naming the file, never a system error domain.
    for target, words in ((Path(__file__), "not an MCAP file"), (tmp_path, "no such recording"),
                          (tmp_path / "missing.mcap", "no such recording")):
        result = haechi(haechi_bin, "doctor", target, check=False)
        assert result.returncode == 1 and str(target) in result.stderr and words in result.stderr, result.stderr
        assert "Domain" not in result.stderr
    # doctor writes nothing beside the recording.
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_info_on_recovered_and_missing_recordings(haechi_bin, session, tmp_path):
    path, _, _, _ = session
    data = path.read_bytes()
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(data[: len(data) * 2 // 3])
    unfinished = json.loads(haechi(haechi_bin, "info", cut, "--json").stdout)
    assert unfinished["finalised"] is False and unfinished["read_stopped"]
    assert "NOT finalised" in haechi(haechi_bin, "info", cut).stdout
    haechi(haechi_bin, "recover", cut)
    rebuilt = tmp_path / "cut.recovered.mcap"
    info = json.loads(haechi(haechi_bin, "info", rebuilt, "--json").stdout)
    assert info["finalised"] is True and info["recovered"] is True
    assert info["frames"] == unfinished["frames"]
    assert haechi(haechi_bin, "doctor", rebuilt).returncode == 0
    missing = haechi(haechi_bin, "info", tmp_path / "nothere.mcap", check=False)
    assert missing.returncode == 1 and "no such recording" in missing.stderr and "Domain" not in missing.stderr

