"""Certification reports end to end: a simulated live run is recorded, scored under the sample plan,
rendered, signed and logged; the signature is checked by an independent Ed25519 implementation
(Python ``cryptography``), one changed byte anywhere fails ``haechi verify``, an edited run-log row
fails ``haechi runs verify``, and bad input (an unknown metric, a run without truth) gets a clear error
or an explicit "not evaluable", never a number.

The HTML carries a subset of NanumGothic (fonts-nanum): read back by fontTools, and rendered by headless
Chromium on a machine made to have no Korean font (fontconfig limited to DejaVu), its Korean matches
the real font's and not the boxes ("tofu") that the same page draws without it. ``--pdf`` prints A4
pages numbered "n / N 쪽" through Chromium, with the embedded font, signed with the rest. These skip,
saying why, without chromium, poppler-utils or fonts-nanum (``make test`` installs all three).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import chromium_render as render
from conftest import REPO_ROOT, feeding_push, launch_haechi
from test_recording_interop import live_session, only_recording, status_payload  # noqa: F401 (fixture)

PLAN = REPO_ROOT / "Config/plans/radar-acceptance.yaml"
TIMEOUT_S = 300


def haechi(binary: Path, *args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S,
                          cwd=cwd, env=None if env is None else dict(os.environ, **env))


@pytest.fixture(scope="module")
def report(haechi_bin, live_session, tmp_path_factory):
    """The live session's recording (copied beside a fresh run log) reported under the sample plan."""
    work = tmp_path_factory.mktemp("report")
    recording = work / live_session.recording.name
    shutil.copy(live_session.recording, recording)
    # The key outside the log's folder: a signing key beside the run log is refused.
    log, out, key = work / "runlog.sqlite", work / "out", tmp_path_factory.mktemp("keys") / "signing.key"
    made = haechi(haechi_bin, "keys", "generate", "--out", str(key))
    assert made.returncode == 0, made.stderr
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--lang", "both", "--format", "html,json,md",
                    "--out", str(out), "--log", str(log), "--key", str(key))
    assert result.returncode == 0, result.stdout + result.stderr
    return work, recording, log, out, key, result.stdout


def test_report_files_and_figures(report):
    work, recording, log, out, key, stdout = report
    names = sorted(p.name for p in out.iterdir())
    assert names == ["report-signing.pub", "report.both.html", "report.both.md", "report.json", "report.signature.json"]
    data = json.loads((out / "report.json").read_text())
    figures = {f["key"]: f for f in data["figures"]}
    # Pd carries its Korn-Graubard interval (effective sample size from the scans' correlation) and
    # counts; false alarms their Garwood interval; continuous figures a moving-block bootstrap.
    pd = figures["pd_within_2000m"]
    assert pd["method"] == "korn-graubard-ar1" and 0 <= pd["lower"] <= pd["value"] <= pd["upper"] <= 1
    assert pd["oneSidedLower"] >= pd["lower"] and pd["oneSidedUpper"] <= pd["upper"]
    for key_ in ("horizontal_rmse_m", "ospa_mean_m", "completeness", "cep50_m"):
        f = figures[key_]
        assert f["method"] == "moving-block-bootstrap" and f["lower"] <= f["value"] <= f["upper"], f
    assert figures["false_tracks_per_hour"]["method"] == "garwood-poisson" and figures["false_tracks_per_hour"]["upper"] > 0
    assert figures["false_alarms_per_sensor_hour"]["method"] == "garwood-poisson"
    assert data["draft"] is True and data["planSHA256"] == __import__("hashlib").sha256(PLAN.read_bytes()).hexdigest()
    # The plan's ISO/IEC 17025 content reaches the report: the lab profile (and its hash, signed), the
    # environment, the settings, the reference budget, data dates in KST and UTC.
    profile = PLAN.parent / "../labs/saemangeum.yaml"
    assert data["labProfileSHA256"] == __import__("hashlib").sha256(profile.read_bytes()).hexdigest()
    manifest = json.loads((out / "report.signature.json").read_text())
    assert manifest["planSHA256"] == data["planSHA256"] and manifest["labProfileSHA256"] == data["labProfileSHA256"]
    assert manifest["draft"] is True
    assert any(f["value"]["en"] == "12 °C" for f in data["environment"])
    assert any("gate" in f["label"]["en"] for f in data["evaluationSettings"])
    assert data["testStartedKST"].endswith("KST") and data["testStartedUTC"].endswith("UTC")
    assert figures["reference_uncertainty_m"]["value"] > 0, data["uncertaintyNotes"]
    assert pd["value"] == pytest.approx(pd["numerator"] / pd["denominator"])
    assert figures["false_alarms_per_scan"]["method"] == "garwood-poisson"
    for key_ in ("ospa_mean_m", "gospa_mean", "completeness", "spuriousness", "horizontal_rmse_m", "cep50_m", "mota", "idf1",
                 "latency_s", "first_detection_range_m"):
        assert figures[key_]["value"] is not None, key_
    outcomes = {v["figureKey"]: v["outcome"] for v in data["verdicts"]}
    assert set(outcomes) == {"pd_within_2000m", "false_alarms_per_scan", "horizontal_rmse_m", "completeness", "ospa_mean_m",
                            "false_tracks_per_hour"}
    assert set(outcomes.values()) <= {"PASS", "FAIL", "INCONCLUSIVE"}
    for verdict in data["verdicts"]:
        if verdict["outcome"] == "INCONCLUSIVE":
            assert verdict.get("furtherRunsNeeded") is not None or verdict.get("furtherAtObservedRate") is not None, verdict
            assert verdict["furtherUnit"] in ("scans", "hours", "runs"), verdict
    assert data["recordingSHA256"] == __import__("hashlib").sha256(recording.read_bytes()).hexdigest()
    assert "haechi.run" not in data  # the JSON is the report model, not the recording
    html = (out / "report.both.html").read_text()
    assert data["reportID"] in html and "<svg" in html and "시험성적서" in html and "Test report" in html.replace("Test Report", "Test report")
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_signature_checks_with_an_independent_ed25519(report):
    _, _, _, out, key, _ = report
    manifest = json.loads((out / "report.signature.json").read_text())
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    message = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(manifest["publicKey"]))
    public.verify(base64.b64decode(manifest["signature"]), message)  # raises if wrong
    for entry in manifest["files"]:
        assert __import__("hashlib").sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]


def test_verify_passes_then_fails_on_one_changed_byte(haechi_bin, report):
    work, recording, log, out, key, _ = report
    ok = haechi(haechi_bin, "verify", str(out), "--log", str(log), "--key", str(key.with_suffix(".pub")))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for name in ("report.both.html", "report.json", "report.signature.json"):
        path = out / name
        original = path.read_bytes()
        changed = bytearray(original)
        changed[len(changed) // 2] ^= 0x01
        path.write_bytes(bytes(changed))
        try:
            bad = haechi(haechi_bin, "verify", str(out), "--log", str(log))
            assert bad.returncode == 1, f"{name}: {bad.stdout}{bad.stderr}"
        finally:
            path.write_bytes(original)
    # the recording too
    original = recording.read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 3] ^= 0x01
    recording.write_bytes(bytes(changed))
    try:
        bad = haechi(haechi_bin, "verify", str(out), "--log", str(log))
        assert bad.returncode == 1 and "recording" in bad.stderr, bad.stdout + bad.stderr
    finally:
        recording.write_bytes(original)
    other = work / "other.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(other)).returncode == 0
    untrusted = haechi(haechi_bin, "verify", str(out), "--log", str(log), "--key", str(other.with_suffix(".pub")))
    assert untrusted.returncode == 1, untrusted.stdout


def test_detection_ranges_at_the_required_pd(report):
    """KS W 8000's minimum and maximum detection range, per sensor and pooled: the estimate from the
    per-bin Pd figures (nearest bin reaching the plan's Pd, then the run of adjacent bins that reach it),
    with its one-sided bounds around it, and the observed farthest/nearest detections beside them."""
    _, _, _, out, _, _ = report
    data = json.loads((out / "report.json").read_text())
    figures = {f["key"]: f for f in data["figures"]}
    required = data["pdRequirement"]
    sensors = {m.group(1) for k in figures if (m := re.fullmatch(r"pd_(.+)_(\d+)_(\d+)m", k))}
    assert sensors
    for sensor in sensors:
        bins = sorted((int(m.group(2)), int(m.group(3)), f["value"]) for k, f in figures.items()
                      if (m := re.fullmatch(rf"pd_({re.escape(sensor)})_(\d+)_(\d+)m", k)))
        reaching = [i for i, (_, _, v) in enumerate(bins) if v is not None and v >= required]
        low, high = figures[f"min_detection_range_m_{sensor}"], figures[f"max_detection_range_m_{sensor}"]
        if not reaching:
            assert low["value"] is None and high["value"] is None
            continue
        start = end = reaching[0]
        while end + 1 < len(bins) and bins[end + 1][2] is not None and bins[end + 1][2] >= required:
            end += 1
        assert low["value"] == bins[start][0] and high["value"] == bins[end][1], (sensor, bins)
        assert high["method"] == "pd-range-bins-bonferroni" and high["oneSidedLower"] <= high["value"] <= high["oneSidedUpper"]
        assert low["oneSidedLower"] <= low["value"] and (low.get("oneSidedUpper") is None or low["value"] <= low["oneSidedUpper"])
        assert figures[f"farthest_detection_m_{sensor}"]["value"] >= figures[f"nearest_detection_m_{sensor}"]["value"]
    assert figures["max_detection_range_m"]["value"] is not None
    md = (out / "report.both.md").read_text()
    assert "최대 탐지거리 (요구 Pd 기준)" in md and "Maximum detection range (at the required Pd)" in md


def test_officer_signs_and_verify_checks_the_trust_store(haechi_bin, report, tmp_path):
    """`haechi sign` turns the draft into a signed report: rendered again without DRAFT, the officer's
    name, role and time in the report and the manifest (checked by an independent Ed25519), logged in
    the run log; `verify` names the signer, accepts the trust store's officer, refuses anyone else, a
    draft, a changed or an unlisted file, and a log without the signature."""
    work, recording, log, out, key, _ = report
    replays = tmp_path / "replays"
    replays.mkdir()
    folder, signed_log = tmp_path / "report", replays / "runlog.sqlite"
    shutil.copytree(out, folder)
    shutil.copy(log, signed_log)
    shutil.copy(recording, replays / recording.name)  # the log names the recording beside it
    draft_log = replays / "draft-log.sqlite"
    shutil.copy(log, draft_log)
    officer, stranger = tmp_path / "keys/officer.key", tmp_path / "keys/stranger.key"
    for k in (officer, stranger):
        assert haechi(haechi_bin, "keys", "generate", "--out", str(k)).returncode == 0
    store, other_store = tmp_path / "officers", tmp_path / "strangers"
    store.mkdir(), other_store.mkdir()
    shutil.copy(officer.with_suffix(".pub"), store / "kim-jiwoo.pub")
    shutil.copy(stranger.with_suffix(".pub"), other_store / "lee.pub")

    # A draft is not a signed report.
    draft = haechi(haechi_bin, "verify", str(folder), "--log", str(signed_log), "--trust-store", str(store))
    assert draft.returncode == 1 and "a draft is not signed by an officer" in draft.stderr, draft.stdout + draft.stderr
    bad_name = haechi(haechi_bin, "sign", str(folder), "--key", str(officer), "--name", "Kim\nJiwoo", "--role", "r",
                      "--log", str(signed_log), "--range-key", str(key))
    assert bad_name.returncode == 2 and "--name" in bad_name.stderr, bad_name.stderr

    signed = haechi(haechi_bin, "sign", str(folder), "--key", str(officer), "--name", "김지우", "--role", "기술책임자",
                    "--log", str(signed_log), "--range-key", str(key))
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert "signed " in signed.stdout and "김지우" in signed.stdout and "KST" in signed.stdout
    manifest = json.loads((folder / "report.signature.json").read_text())
    assert manifest["draft"] is False and manifest["signerName"] == "김지우" and manifest["signerRole"] == "기술책임자"
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    message = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    officer_public = Ed25519PublicKey.from_public_bytes(base64.b64decode(manifest["publicKey"]))
    officer_public.verify(base64.b64decode(manifest["signature"]), message)
    for entry in manifest["files"]:
        assert __import__("hashlib").sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    data = json.loads((folder / "report.json").read_text())
    assert data["draft"] is False and data["signatory"]["name"] == "김지우" and data["signatory"]["signedKST"].endswith("KST")
    html = (folder / "report.both.html").read_text()
    assert 'class="lang-both draft"' not in html and 'id="sec-draft"' not in html and "김지우" in html
    # The figures are the draft's: signing changes who authorised it, never a number.
    assert data["figures"] == json.loads((out / "report.json").read_text())["figures"]
    again = haechi(haechi_bin, "sign", str(folder), "--key", str(officer), "--name", "x", "--role", "y", "--log", str(signed_log),
                   "--range-key", str(key))
    assert again.returncode == 2 and "already signed by 김지우" in again.stderr, again.stderr

    ok = haechi(haechi_bin, "verify", str(folder), "--log", str(signed_log), "--trust-store", str(store))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "signed by 김지우, 기술책임자" in ok.stdout and "kim-jiwoo.pub" in ok.stdout and "signature is entry 2" in ok.stdout
    listed = haechi(haechi_bin, "runs", "list", "--log", str(signed_log))
    assert "signature" in listed.stdout
    runs_ok = haechi(haechi_bin, "runs", "verify", "--log", str(signed_log), "--key", str(key.with_suffix(".pub")))
    assert runs_ok.returncode == 0, runs_ok.stdout + runs_ok.stderr
    # A laboratory profile names the trust store.
    profile = tmp_path / "lab.yaml"
    profile.write_text("name: Test lab\ntrust_store: officers\n")
    assert haechi(haechi_bin, "verify", str(folder), "--log", str(signed_log), "--lab", str(profile)).returncode == 0

    refused = haechi(haechi_bin, "verify", str(folder), "--log", str(signed_log), "--trust-store", str(other_store))
    assert refused.returncode == 1 and "not in the trust store" in refused.stderr, refused.stderr
    unlogged = haechi(haechi_bin, "verify", str(folder), "--log", str(draft_log), "--trust-store", str(store))
    assert unlogged.returncode == 1 and "records no signature" in unlogged.stderr, unlogged.stderr
    (folder / "notes.txt").write_text("added after signing")
    extra = haechi(haechi_bin, "verify", str(folder), "--log", str(signed_log), "--trust-store", str(store))
    assert extra.returncode == 1 and "notes.txt: present but not covered" in extra.stderr, extra.stderr
    (folder / "notes.txt").unlink()
    md = folder / "report.both.md"
    md.write_bytes(md.read_bytes().replace("김지우".encode(), "이민수".encode()))
    changed = haechi(haechi_bin, "verify", str(folder), "--log", str(signed_log), "--trust-store", str(store))
    assert changed.returncode == 1 and "report.both.md: changed" in changed.stderr, changed.stderr

    # A changed draft is not signed.
    tampered = tmp_path / "tampered"
    shutil.copytree(out, tampered)
    (tampered / "report.json").write_text((tampered / "report.json").read_text().replace('"INCONCLUSIVE"', '"PASS"'))
    refused_sign = haechi(haechi_bin, "sign", str(tampered), "--key", str(officer), "--name", "김지우", "--role", "r",
                          "--log", str(draft_log), "--range-key", str(key))
    assert refused_sign.returncode == 1 and "report.json: changed" in refused_sign.stderr, refused_sign.stderr


def test_run_log_chain_and_tamper_detection(haechi_bin, report, tmp_path):
    work, recording, log, out, key, _ = report
    listed = haechi(haechi_bin, "runs", "list", "--log", str(log))
    assert listed.returncode == 0 and "draft" in listed.stdout, listed.stdout
    shown = json.loads(haechi(haechi_bin, "runs", "show", "1", "--log", str(log)).stdout)
    assert shown[0]["kind"] == "draft" and shown[0]["recording_sha256"] == json.loads(
        (out / "report.signature.json").read_text())["recordingSHA256"]
    assert isinstance(shown[0]["verdicts"], dict) and isinstance(shown[0]["sources"], list)
    assert haechi(haechi_bin, "runs", "verify", "--log", str(log), "--key", str(key.with_suffix(".pub"))).returncode == 0
    copy = tmp_path / "runlog.sqlite"
    shutil.copy(log, copy)
    shutil.copy(recording, tmp_path / recording.name)
    with sqlite3.connect(copy) as db:
        with pytest.raises(sqlite3.DatabaseError):
            db.execute("UPDATE runs SET verdicts = '{}'")  # the trigger refuses it
    with sqlite3.connect(copy) as db:
        db.execute("DROP TRIGGER runs_no_update")
        db.execute("UPDATE runs SET verdicts = '{\"all\":\"PASS\"}' WHERE sequence = 1")
    tampered = haechi(haechi_bin, "runs", "verify", "--log", str(copy))
    assert tampered.returncode == 1 and "entry 1" in tampered.stderr and "edited" in tampered.stderr, tampered.stderr


def _rechain(db_path: Path, edit, sign) -> None:
    """What an attacker with write access to Replays/ does: edit the rows, recompute every hash and
    link as Haechi does (RunLogEntry.canonicalContent), and sign each entry with `sign` (their own key)."""
    import hashlib
    columns = ["sequence", "kind", "run_id", "plan", "system_name", "system_version", "system_firmware", "sources",
               "recording_path", "recording_sha256", "config_sha256", "software_version", "software_commit", "metrics",
               "verdicts", "logged_utc"]
    with sqlite3.connect(db_path) as db:
        db.execute("DROP TRIGGER IF EXISTS runs_no_update")
        db.execute("DROP TRIGGER IF EXISTS runs_no_delete")
        rows = [dict(zip(columns, r)) for r in db.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY sequence")]
        db.execute("DELETE FROM runs")
        previous = "0" * 64
        for row in edit(rows):
            fields = [str(row["sequence"])] + [row[c] for c in columns[1:]]
            content = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256((previous + "\n" + content).encode()).hexdigest()
            signature, signer = sign(f"haechi-runlog-entry/1\n{digest}".encode())
            db.execute(f"INSERT INTO runs ({', '.join(columns)}, previous_hash, hash, signature, signer) VALUES "
                       f"({', '.join('?' * len(columns))}, ?, ?, ?, ?)",
                       [row[c] for c in columns] + [previous, digest, signature, signer])
            previous = digest


def test_forgery_with_file_access_is_caught(haechi_bin, report, tmp_path):
    """The attack of issue 14, reproduced: with write access to Replays/, truncate the recording to
    40 %, rewrite the run log's entry (INCONCLUSIVE to PASS) with its chain recomputed and signed by the
    attacker's own key, and re-sign the report. The chain itself then checks; the range's key, a
    checkpoint kept outside and the officers' trust store each catch it. Removing entries is caught too."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization

    work, recording, log, out, key, _ = report
    replays = tmp_path / "replays"
    replays.mkdir()
    shutil.copy(recording, replays / recording.name)
    runlog = replays / "runlog.sqlite"
    shutil.copy(log, runlog)
    folder = tmp_path / "report"
    shutil.copytree(out, folder)
    range_pub = key.with_suffix(".pub")
    checkpoint = tmp_path / "kept-by-the-officer.json"
    taken = haechi(haechi_bin, "runs", "checkpoint", "--log", str(runlog), "--key", str(key))
    assert taken.returncode == 0, taken.stderr
    checkpoint.write_text(taken.stdout)
    assert json.loads(taken.stdout)["sequence"] == 1
    intact = haechi(haechi_bin, "runs", "verify", "--log", str(runlog), "--key", str(range_pub), "--checkpoint", str(checkpoint))
    assert intact.returncode == 0, intact.stdout + intact.stderr

    attacker = Ed25519PrivateKey.generate()
    raw_public = attacker.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def sign(message: bytes):
        return base64.b64encode(attacker.sign(message)).decode(), base64.b64encode(raw_public).decode()

    # Truncate the recording to 40 %, and make the log agree.
    data = (replays / recording.name).read_bytes()
    (replays / recording.name).write_bytes(data[: len(data) * 4 // 10])
    truncated_sha = __import__("hashlib").sha256((replays / recording.name).read_bytes()).hexdigest()

    def forge(rows):
        for row in rows:
            row["recording_sha256"] = truncated_sha
            row["verdicts"] = json.dumps({k: "PASS" for k in json.loads(row["verdicts"])}, separators=(",", ":"), sort_keys=True)
        return rows

    _rechain(runlog, forge, sign)
    # Re-sign the report with the attacker's key, naming the forged entry and recording.
    with sqlite3.connect(runlog) as db:
        (head,) = db.execute("SELECT hash FROM runs ORDER BY sequence DESC LIMIT 1").fetchone()
    manifest = json.loads((folder / "report.signature.json").read_text())
    manifest.update(recordingSHA256=truncated_sha, runLogHeadHash=head, publicKey=base64.b64encode(raw_public).decode())
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    message = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    manifest["signature"] = base64.b64encode(attacker.sign(message)).decode()
    (folder / "report.signature.json").write_text(json.dumps(manifest))
    (folder / "report-signing.pub").unlink()

    # The chain is consistent again: without the range's key or a checkpoint, nothing could tell.
    chained = haechi(haechi_bin, "runs", "verify", "--log", str(runlog), "--key", str(range_pub))
    assert chained.returncode == 1 and "not the range's key" in chained.stderr, chained.stdout + chained.stderr
    assert "edited" not in chained.stderr and "link" not in chained.stderr, chained.stderr
    held = haechi(haechi_bin, "runs", "verify", "--log", str(runlog), "--key", str(range_pub), "--checkpoint", str(checkpoint))
    assert held.returncode == 1 and "the log was rewritten up to the checkpoint" in held.stderr, held.stderr
    # The forged checkpoint would need the range's key too.
    forged = json.loads(checkpoint.read_text())
    forged["head"] = head
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    refused = haechi(haechi_bin, "runs", "verify", "--log", str(runlog), "--checkpoint", str(tmp_path / "forged.json"))
    assert refused.returncode == 1 and "signature does not match" in refused.stderr, refused.stderr
    # The report: self-consistent, but not signed by the range (nor by any officer).
    trusted = haechi(haechi_bin, "verify", str(folder), "--log", str(runlog), "--key", str(range_pub))
    assert trusted.returncode == 1, trusted.stdout + trusted.stderr
    store = tmp_path / "officers"
    store.mkdir()
    shutil.copy(range_pub, store / "range.pub")
    by_store = haechi(haechi_bin, "verify", str(folder), "--log", str(runlog), "--trust-store", str(store))
    assert by_store.returncode == 1, by_store.stdout + by_store.stderr

    # Removing the last entry, or every entry, of an intact log.
    for keep in ("DELETE FROM runs WHERE sequence = (SELECT MAX(sequence) FROM runs)", "DELETE FROM runs"):
        cut = tmp_path / "cut"
        shutil.rmtree(cut, ignore_errors=True)
        cut.mkdir()
        shutil.copy(recording, cut / recording.name)
        shutil.copy(log, cut / "runlog.sqlite")
        with sqlite3.connect(cut / "runlog.sqlite") as db:
            db.execute("DROP TRIGGER runs_no_delete")
            db.execute(keep)
        removed = haechi(haechi_bin, "runs", "verify", "--log", str(cut / "runlog.sqlite"), "--key", str(range_pub),
                         "--checkpoint", str(checkpoint))
        assert removed.returncode == 1 and "entries were removed" in removed.stderr, removed.stderr
        alone = haechi(haechi_bin, "runs", "verify", "--log", str(cut / "runlog.sqlite"), "--key", str(range_pub))
        assert alone.returncode == 1 and f"recording {recording.name} is in the log's folder but in no entry" in alone.stderr, alone.stderr


def test_signing_keys_are_kept_out_of_replays_and_closed(haechi_bin, report, tmp_path):
    """A range key beside the run log, or open to others, is refused before anything is logged."""
    work, recording, log, out, key, _ = report
    replays = tmp_path / "replays"
    replays.mkdir()
    shutil.copy(recording, replays / recording.name)
    beside = replays / "range.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(beside)).returncode == 0
    refused = haechi(haechi_bin, "report", str(replays / recording.name), "--plan", str(PLAN), "--format", "json",
                     "--out", str(tmp_path / "out"), "--log", str(replays / "runlog.sqlite"), "--key", str(beside))
    assert refused.returncode == 2 and "may not live beside the run log" in refused.stderr, refused.stderr
    assert not (replays / "runlog.sqlite").exists() or sqlite3.connect(replays / "runlog.sqlite").execute(
        "SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    elsewhere = tmp_path / "keys" / "range.key"
    assert haechi(haechi_bin, "keys", "generate", "--out", str(elsewhere)).returncode == 0
    assert (elsewhere.stat().st_mode & 0o777) == 0o600 and (elsewhere.parent.stat().st_mode & 0o777) == 0o700
    elsewhere.chmod(0o644)
    open_key = haechi(haechi_bin, "report", str(replays / recording.name), "--plan", str(PLAN), "--format", "json",
                      "--out", str(tmp_path / "out"), "--log", str(replays / "runlog.sqlite"), "--key", str(elsewhere))
    assert open_key.returncode == 2 and "chmod 600" in open_key.stderr, open_key.stderr


def log_rows(log: Path) -> list[tuple]:
    """(sequence, kind, hash) of every run-log entry, read with Python's sqlite3; [] without a log."""
    if not log.exists():
        return []
    with sqlite3.connect(f"file:{log}?mode=ro", uri=True) as db:
        return db.execute("SELECT sequence, kind, hash FROM runs ORDER BY sequence").fetchall()


def test_a_report_that_cannot_be_written_leaves_no_run_log_entry(haechi_bin, report, tmp_path):
    """The report is made and written aside before its entry is appended: when its folder cannot be
    made or written, `haechi report` exits 1 and the run log has no new row; the report that can be
    written then quotes the entry it was logged as."""
    work, recording, log, out, key, _ = report
    shutil.copy(recording, tmp_path / recording.name)
    shutil.copy(log, tmp_path / "runlog.sqlite")
    log = tmp_path / "runlog.sqlite"
    before = log_rows(log)
    assert before and before[-1][1] == "draft"
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    # A folder that cannot be made (in /proc, or under a file), a file in its place, and a folder that
    # exists but cannot be written to (/proc/self, even for root).
    targets = [Path("/proc/forbidden"), a_file, a_file / "out", Path("/proc/self")]
    if not os.access(read_only, os.W_OK):  # root writes anywhere; as anyone else a 0555 folder refuses
        targets.append(read_only)
    for target in targets:
        result = haechi(haechi_bin, "report", str(tmp_path / recording.name), "--plan", str(PLAN), "--format", "json,md",
                        "--out", str(target), "--log", str(log), "--key", str(key))
        assert result.returncode == 1, f"{target}: {result.stdout}{result.stderr}"
        assert "cannot write the report" in result.stderr, result.stderr
        assert log_rows(log) == before, f"{target}: the run log changed"
        assert haechi(haechi_bin, "runs", "verify", "--log", str(log), "--key", str(key.with_suffix(".pub"))).returncode == 0
    assert a_file.read_text() == "not a folder\n"
    assert not Path("/proc/forbidden").exists()
    if read_only in targets:
        assert list(read_only.iterdir()) == []
    read_only.chmod(0o755)

    written = tmp_path / "deep/new/out"
    result = haechi(haechi_bin, "report", str(tmp_path / recording.name), "--plan", str(PLAN), "--format", "json,md",
                    "--out", str(written), "--log", str(log), "--key", str(key))
    assert result.returncode == 0, result.stdout + result.stderr
    after = log_rows(log)
    assert after[:-1] == before and after[-1][:2] == (before[-1][0] + 1, "draft")
    data = json.loads((written / "report.json").read_text())
    manifest = json.loads((written / "report.signature.json").read_text())
    assert data["runLogHeadHash"] == manifest["runLogHeadHash"] == after[-1][2]
    assert data["reportID"].endswith(f"-{after[-1][0]}")
    assert sorted(p.name for p in written.iterdir()) == ["report-signing.pub", "report.both.md", "report.json",
                                                         "report.signature.json"]
    verified = haechi(haechi_bin, "verify", str(written), "--log", str(log), "--key", str(key.with_suffix(".pub")))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_unknown_metric_names_file_line_and_field(haechi_bin, report, tmp_path):
    work, recording, log, *_ = report
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.read_text().replace("metric: completeness", "metric: completness")
                    .replace("../labs/", str(PLAN.parent.parent / "labs") + "/"))
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(plan), "--out", str(tmp_path / "out"),
                    "--log", str(tmp_path / "log.sqlite"))
    assert result.returncode == 2, result.stderr
    line = next(i for i, text in enumerate(plan.read_text().splitlines(), 1) if "completness" in text)
    assert f"{plan}:{line}:" in result.stderr and "criteria[3].metric" in result.stderr and "unknown metric" in result.stderr


def test_a_run_without_truth_is_not_evaluable(haechi_bin, tmp_path):
    """Only status heartbeats: every criterion is NOT_EVALUABLE and no figure is made up."""
    context = zmq.Context()
    push, config = feeding_push(context)
    run = launch_haechi(haechi_bin, tmp_path / "run", config, ("--idle-timeout", "1", "--duration", "60", "--quiet"))
    try:
        for i in range(50):
            push.send_multipart([b"json/radar-0", status_payload("radar-0", i)])
        assert run.wait(timeout=60) == 0, run.describe()
    finally:
        run.kill()
        push.close(linger=0)
        context.term()
    recording = only_recording(run)
    out = tmp_path / "out"
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--out", str(out), "--format", "json",
                    "--log", str(tmp_path / "runlog.sqlite"))
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "report.json").read_text())
    assert data["notEvaluable"] and any("truth" in item["en"] for item in data["notEvaluable"]), data["notEvaluable"]
    assert {v["outcome"] for v in data["verdicts"]} == {"NOT_EVALUABLE"}
    assert all(f["value"] is None for f in data["figures"] if f["key"] in ("ospa_mean_m", "horizontal_rmse_m"))


def test_campaign_run_level_pd_and_runs_needed(haechi_bin, report, tmp_path):
    """Three runs that each meet Pd >= 0.9: run-level Pd 3/3 with its Clopper-Pearson bounds (checked
    against scipy), INCONCLUSIVE, and 29 runs needed in all (the success-run length for 0.9 at 95 %)."""
    from scipy.stats import beta
    work, recording, log, *_ = report
    out = tmp_path / "campaign.json"
    result = haechi(haechi_bin, "campaign", str(recording), str(recording), str(recording), "--plan", str(PLAN),
                    "--log", str(log), "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "haechi-campaign/1" and len(data["runs"]) == 3
    (criterion,) = data["criteria"]
    per_run = [r["pd"]["pd_within_2000m"] for r in data["runs"]]
    assert all(p["value"] == pytest.approx(p["hits"] / p["trials"]) for p in per_run)
    successes = sum(p["success"] for p in per_run)
    assert criterion["runs"] == 3 and criterion["successes"] == successes
    if successes == 3:
        assert criterion["one_sided_lower"] == pytest.approx(beta.ppf(0.05, 3, 1), abs=1e-9)
        assert criterion["lower"] == pytest.approx(beta.ppf(0.025, 3, 1), abs=1e-9)
        assert criterion["verdict"] == "INCONCLUSIVE"
        assert criterion["runs_needed"] == 29 and criterion["further_runs_needed"] == 26


def _figures(document: dict) -> dict:
    return {f["key"]: f for f in document["figures"]}


def test_report_and_evaluate_give_the_same_figures(haechi_bin, report, tmp_path):
    """One evaluation path: the report's figures equal `haechi evaluate --recording --plan` on the same
    run and tracks, figure by figure and bound by bound, and scoring the replayed tracks as a track file
    (`report --tracks`) equals scoring them in the report."""
    work, recording, log, out, key, _ = report
    tracks = tmp_path / "tracks.jsonl"
    replayed = haechi(haechi_bin, "replay", str(recording), "--speed", "max", "--quiet", "--tracks-out", str(tracks), "--summary", str(tmp_path / "replay.json"))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    metrics = tmp_path / "metrics.json"
    evaluated = haechi(haechi_bin, "evaluate", "--recording", str(recording), "--tracks", str(tracks), "--plan", str(PLAN),
                       "--out", str(metrics), "--quiet")
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    by_file = tmp_path / "by-file"
    reported = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json", "--tracks", str(tracks),
                      "--out", str(by_file), "--log", str(tmp_path / "runlog.sqlite"), "--key", str(key))
    assert reported.returncode == 0, reported.stdout + reported.stderr
    in_report = _figures(json.loads((out / "report.json").read_text()))
    from_file = _figures(json.loads((by_file / "report.json").read_text()))
    from_evaluate = _figures(json.loads(metrics.read_text()))
    assert len(in_report) > 30
    for key_ in ("ospa_mean_m", "completeness", "horizontal_rmse_m", "cep50_m", "pd_within_2000m", "false_tracks_per_hour"):
        assert key_ in in_report, key_
    # The same inputs through evaluate and report: every field of every figure equal.
    assert from_evaluate.keys() == from_file.keys()
    for key_, figure in from_file.items():
        for field in ("value", "lower", "upper", "oneSidedLower", "oneSidedUpper", "numerator", "denominator", "method", "unit"):
            a, b = figure.get(field), from_evaluate[key_].get(field)
            if isinstance(a, float) and isinstance(b, float):
                assert b == pytest.approx(a, rel=1e-12, abs=1e-12), f"{key_}.{field}: report {a}, evaluate {b}"
            else:
                assert a == b, f"{key_}.{field}: report {a!r}, evaluate {b!r}"
    # Scoring a track file, the report shows Haechi's own tracker beside it (reference_tracker_<key>):
    # exactly the figures of the report on Haechi's tracks.
    reference = {k.removeprefix("reference_tracker_"): f for k, f in from_file.items() if k.startswith("reference_tracker_")}
    assert {"completeness", "ospa_mean_m", "idf1"} <= reference.keys()
    for key_, figure in reference.items():
        for field in ("value", "lower", "upper", "method"):
            assert figure.get(field) == in_report[key_].get(field), f"reference_tracker_{key_}.{field}"
    from_file = {k: f for k, f in from_file.items() if not k.startswith("reference_tracker_")}
    # The track file rounds positions to the millimetre, so scoring it instead of the tracker's own
    # states moves the figures by that much and no more.
    assert from_file.keys() == in_report.keys()
    for key_, figure in in_report.items():
        a, b = figure.get("value"), from_file[key_].get("value")
        assert (a is None) == (b is None), key_
        if a is not None:
            assert b == pytest.approx(a, rel=1e-4, abs=2e-3), f"{key_}: tracker {a}, track file {b}"
    # The evaluation settings are the plan's, and the summary's OSPA is the figure's.
    assert json.loads(metrics.read_text())["ospa_mean_m"] == pytest.approx(from_file["ospa_mean_m"]["value"], rel=1e-12)


def test_the_korean_report_has_no_english_sentence(haechi_bin, report, tmp_path):
    """With --lang ko, every generated sentence is Korean: the visible text, less identifiers, units,
    method codes, numbers and what a person wrote in the plan, holds no run of English words."""
    import html as html_module
    import re
    work, recording, log, out, key, _ = report
    korean = tmp_path / "ko"
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--lang", "ko", "--format", "html,md",
                    "--out", str(korean), "--log", str(tmp_path / "runlog.sqlite"), "--key", str(key))
    assert result.returncode == 0, result.stdout + result.stderr
    page = (korean / "report.ko.html").read_text()
    body = page[page.index("<body"):]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)          # plot internals (legend names come from the data)
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)      # identifiers, hashes, method codes
    # Each text node on its own: a table cell, a list item, a field.
    nodes = [html_module.unescape(node).strip() for node in re.split(r"<[^>]+>", body)]
    # What a person wrote in the plan and the laboratory profile is shown as written.
    plan_text = PLAN.read_text() + (PLAN.parent.parent / "labs/saemangeum.yaml").read_text()
    units = {"deg", "scan", "ms"}
    names = {"Korn", "Graubard", "Garwood", "Clopper", "Pearson", "Haechi", "Ed25519", "Nanum"}  # methods and products
    english = []
    for node in nodes:
        # Identifiers (figure keys, sensor and drone ids) are not sentences.
        stripped = re.sub(r"\b[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+\b", " ", node)
        words = [w for w in re.findall(r"\b[A-Za-z]{3,}\b", stripped)
                 if w not in plan_text and w.upper() != w and w not in units and w not in names]  # acronyms (OSPA, GNSS, KST) are names
        if len(words) >= 2:
            english.append(node)
    assert not english, "English in the Korean report:\n" + "\n".join(english[:20])
    text = " ".join(nodes)
    assert "이하 여백" in text and "판정" in text


# --------------------------------------------------------------------------------------------------
# The Pd plot, the embedded Korean font, and --pdf

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
FACE = re.compile(r"@font-face \{[^}]*\}")
KOREAN = "시험성적서 시험결과 적합성 판정"  # headings every report has


def test_pd_plot_shows_bins_counts_and_requirement(report):
    """Pd against range is points with counts and the plan's requirement, and its counts are the figures'."""
    _, _, _, out, _, _ = report
    data = json.loads((out / "report.json").read_text())
    pd = data["pdByRange"]
    assert len(pd["numerators"]) == len(pd["denominators"]) == len(pd["xLower"]) == len(pd["xUpper"]) == len(pd["x"])
    for k, n, y, lo, hi, x in zip(pd["numerators"], pd["denominators"], pd["y"], pd["xLower"], pd["xUpper"], pd["x"]):
        assert k / n == pytest.approx(y) and (lo + hi) / 2 == pytest.approx(x)
        per_sensor = [f for f in data["figures"] if re.fullmatch(rf"pd_.+_{int(lo)}_{int(hi)}m", f["key"])]
        assert sum(f["numerator"] for f in per_sensor) == k and sum(f["denominator"] for f in per_sensor) == n
    assert data["pdRequirement"] == 0.9 and data["pdRequirementWithinM"] == 2000
    html = (out / "report.both.html").read_text()
    svg = html[html.index('<svg id="plot-pd-range"'):]
    svg = svg[:svg.index("</svg>")]
    assert "<polyline" not in svg and svg.count('class="pd-point"') == len(pd["x"])
    assert 'class="pd-requirement"' in svg and "Pd ≥ 0.9 (≤ 2000 m)" in svg
    for k, n in zip(pd["numerators"], pd["denominators"]):
        assert f">{int(k)}/{int(n)}</text>" in svg


@pytest.fixture(scope="module")
def korean_font():
    if not NANUM.is_file():
        pytest.skip(f"{NANUM} not found: install fonts-nanum (make test does) to test the embedded Korean font")
    return NANUM


@pytest.fixture(scope="module")
def browser():
    found = render.chromium()
    if found is None:
        pytest.skip("headless Chromium not found (/usr/bin/chromium): install the Debian package chromium (make test does)")
    if render.poppler("pdftoppm") is None:
        pytest.skip("pdftoppm not found: install poppler-utils (make test does)")
    if not render.DEJAVU_DIR.is_dir():
        pytest.skip(f"{render.DEJAVU_DIR} not found: the font-fallback test needs DejaVu (fonts-dejavu-core)")
    return found


def test_embedded_font_is_a_valid_subset_of_nanum(report, korean_font):
    """fontTools reads the embedded font: renamed HaechiKR, every Korean character of the report mapped to an outline."""
    import io

    from fontTools.ttLib import TTFont

    _, _, _, out, _, stdout = report
    html = (out / "report.both.html").read_text()
    assert "Korean font embedded in the HTML: NanumGothic (NanumGothic.ttf)" in stdout
    (face,) = FACE.findall(html)
    assert 'font-family: "HaechiKR"' in face and "SIL Open Font License" in html
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", face).group(1))
    assert 10_000 < len(data) < 150_000, f"the embedded font is {len(data)} bytes"
    font = TTFont(io.BytesIO(data))
    assert font["name"].getDebugName(1) == "HaechiKR" and not [t for t in font.keys() if t.startswith("TSI")]
    cmap, glyf = font.getBestCmap(), font["glyf"]
    hangul = {c for c in html if 0xAC00 <= ord(c) <= 0xD7A3}
    assert len(hangul) > 100
    for char in hangul:
        glyph = glyf[cmap[ord(char)]]
        assert glyph.isComposite() or glyph.numberOfContours > 0, char
    assert len(cmap) < 1000 and font["maxp"].numGlyphs < 1000


def test_korean_renders_from_the_embedded_font_without_a_korean_system_font(report, korean_font, browser, tmp_path):
    """The same Korean words rendered three ways where fontconfig offers DejaVu only: with the report's
    own @font-face, they look like NanumGothic itself (cut by fontTools, an independent subsetter);
    without it, they are boxes or nothing."""
    import io

    from fontTools.ttLib import TTFont

    _, _, _, out, _, _ = report
    (face,) = FACE.findall((out / "report.both.html").read_text())
    from fontTools import subset

    # The reference: NanumGothic cut to the same words by fontTools' own subsetter (the whole font, 4.7 MB,
    # loads too slowly for a screenshot, and Chromium's sanitiser refuses it as shipped: "TSI3: zero-length table").
    options = subset.Options()
    options.hinting = False
    reference = TTFont(korean_font)
    cutter = subset.Subsetter(options)
    cutter.populate(text=KOREAN)
    cutter.subset(reference)
    buffer = io.BytesIO()
    reference.save(buffer)
    reference_face = ('@font-face { font-family: "Reference"; src: url(data:font/ttf;base64,'
                      + base64.b64encode(buffer.getvalue()).decode() + ') format("truetype"); }')
    env = render.latin_only_fontconfig(tmp_path / "fontconfig")
    shots = {}
    for name, style in [("embedded", face + ' body { font-family: "HaechiKR"; }'),
                        ("missing", 'body { font-family: "HaechiKR"; }'),
                        ("reference", reference_face + ' body { font-family: "Reference"; }')]:
        page = tmp_path / f"{name}.html"
        page.write_text(f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><style>{style} @page {{ size: 180mm 25mm; '
                        f'margin: 0; }} body {{ margin: 3mm; font-size: 30pt; color: #000; background: #fff; }}</style></head>'
                        f'<body>{KOREAN}</body></html>')
        shots[name] = render.render_png(browser, page, tmp_path / f"{name}.png", tmp_path / "profile", env=env)
    # Relative to NanumGothic's own ink: blank scores 1, boxes more, the same glyphs anti-aliased a little differently 0.1-0.3
    # (identical here: 0.0, as both PDFs embed the same outlines).
    without = render.ink_distance(shots["reference"], shots["missing"])
    assert without > 0.8, f"without the embedded font the words should be boxes or nothing ({without:.2f})"
    embedded = render.ink_distance(shots["reference"], shots["embedded"])
    assert embedded < 0.2, f"with the embedded font the words should look like NanumGothic ({embedded:.2f} against {without:.2f})"


def test_pdf_is_a4_numbered_with_the_embedded_font_and_signed(haechi_bin, report, korean_font, browser, tmp_path):
    """--pdf on a machine without Korean fonts: A4 pages numbered "n / N 쪽", HaechiKR embedded, signed."""
    pdffonts, pdfinfo, pdftotext, pdftoppm = (render.poppler(t) for t in ("pdffonts", "pdfinfo", "pdftotext", "pdftoppm"))
    if not (pdffonts and pdfinfo and pdftotext and pdftoppm):
        pytest.skip("poppler-utils (pdffonts, pdfinfo, pdftotext, pdftoppm) not installed (make test installs it)")
    _, recording, _, _, key, _ = report
    out, log = tmp_path / "out", tmp_path / "runlog.sqlite"
    env = render.latin_only_fontconfig(tmp_path / "fontconfig")
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--lang", "ko", "--format", "html,json",
                    "--pdf", "--out", str(out), "--log", str(log), "--key", str(key), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report-signing.pub", "report.json", "report.ko.html", "report.ko.pdf",
                                                      "report.signature.json"]
    manifest = json.loads((out / "report.signature.json").read_text())
    assert "report.ko.pdf" in {f["name"] for f in manifest["files"]}
    verified = haechi(haechi_bin, "verify", str(out), "--log", str(log), "--key", str(key.with_suffix(".pub")))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    pdf = out / "report.ko.pdf"
    info = subprocess.run([str(pdfinfo), str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2 and "(A4)" in info, info
    fonts = subprocess.run([str(pdffonts), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "HaechiKR" in fonts and "Nanum" not in fonts, fonts
    for page in (1, pages):
        text = subprocess.run([str(pdftotext), "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert f"{page}/{pages}쪽" in re.sub(r"\s+", "", text), text[-500:]  # "n / N 쪽"; pdftotext drops some spaces
        if page == 1:
            assert "시험성적서" in text
    subprocess.run([str(pdftoppm), "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page-*1.png"))


def test_pdf_without_chromium_fails_before_any_work(haechi_bin, report, tmp_path):
    """A Chromium that is not there is an error naming what to set or install, and leaves no run-log entry."""
    _, recording, _, _, key, _ = report
    log = tmp_path / "runlog.sqlite"
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--pdf", "--out", str(tmp_path / "out"),
                    "--log", str(log), "--key", str(key), env={"HAECHI_CHROMIUM": str(tmp_path / "no-chromium")})
    assert result.returncode == 1 and "HAECHI_CHROMIUM" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() and not log.exists()
    refused = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--pdf", "--format", "json",
                     "--out", str(tmp_path / "out"), "--log", str(log))
    assert refused.returncode == 64 and "add html to --format" in refused.stderr, refused.stderr


def test_a_recording_edited_to_name_an_unknown_endpoint_is_refused_not_trapped(haechi_bin, report, tmp_path):
    """A recording is input too: a frame channel edited to name endpoint 99 (the recorded config has
    fewer) makes replay and report fail with a clear error, where it used to index out of range."""
    from mcap.reader import make_reader
    from mcap.writer import Writer

    _, recording, _, _, key, _ = report
    edited = tmp_path / recording.name
    with open(recording, "rb") as source, open(edited, "wb") as target:
        reader = make_reader(source)
        writer = Writer(target)
        header = reader.get_header()
        writer.start(profile=header.profile, library=header.library)
        schemas, channels, changed = {}, {}, 0
        for schema, channel, message in reader.iter_messages(log_time_order=False):
            if schema is not None and schema.id not in schemas:
                schemas[schema.id] = writer.register_schema(name=schema.name, encoding=schema.encoding, data=schema.data)
            if channel.id not in channels:
                metadata = dict(channel.metadata)
                if "endpoint_index" in metadata and not changed:
                    metadata["endpoint_index"] = "99"
                    changed += 1
                channels[channel.id] = writer.register_channel(topic=channel.topic, message_encoding=channel.message_encoding,
                                                               metadata=metadata,
                                                               schema_id=schemas.get(channel.schema_id, 0) if schema else 0)
            writer.add_message(channel_id=channels[channel.id], log_time=message.log_time, data=message.data,
                               publish_time=message.publish_time, sequence=message.sequence)
        for metadata in reader.iter_metadata():
            writer.add_metadata(name=metadata.name, data=metadata.metadata)
        writer.finish()
    assert changed == 1
    replayed = haechi(haechi_bin, "replay", str(edited), "--speed", "max", "--quiet")
    assert replayed.returncode == 1 and "names endpoint 99" in replayed.stderr, replayed.stdout + replayed.stderr
    reported = haechi(haechi_bin, "report", str(edited), "--plan", str(PLAN), "--format", "json", "--out", str(tmp_path / "out"),
                      "--log", str(tmp_path / "runlog.sqlite"), "--key", str(key))
    assert reported.returncode == 1 and "names endpoint 99" in reported.stderr, reported.stdout + reported.stderr


def test_a_report_is_never_written_over_another(haechi_bin, report, tmp_path):
    """An output folder that already holds a report (or anything) is refused before any work, and what
    it holds is left as it was: a signed report must not silently become a new draft."""
    _, recording, _, _, key, _ = report
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("{}")
    log = tmp_path / "runlog.sqlite"
    result = haechi(haechi_bin, "report", str(recording), "--plan", str(PLAN), "--format", "json", "--out", str(out),
                    "--log", str(log), "--key", str(key))
    assert result.returncode == 1 and "not empty" in result.stderr and "report.json" in result.stderr, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.json"] and (out / "report.json").read_text() == "{}"
    assert not log.exists() or sqlite3.connect(log).execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_runs_list_json_is_the_log(haechi_bin, report):
    """`runs list --json` gives every entry of the log, as Python's sqlite3 reads it."""
    _, _, log, _, _, _ = report
    result = haechi(haechi_bin, "runs", "list", "--json", "--log", str(log))
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert [(e["seq"], e["kind"], e["hash"]) for e in entries] == log_rows(log)
    assert all(e["status"].startswith("ended") for e in entries if e["kind"] == "run-start")
