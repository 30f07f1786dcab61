#!/usr/bin/env bash
# `make demo`: a live test run on loopback. `haechi simulate` flies the mixed scenario (three drones,
# two minutes, seen by an ASTERIX radar, a SAPIENT radar node, an RF direction finder and a Remote ID receiver)
# at 10x speed, dated now (ASTERIX and Remote ID carry only the time of day, of the hour), and pushes
# every sensor and drone message to
# `haechi ingest`, which runs on the sample config, tracks the drones live, records the session to
# Replays/<run-id>.mcap and prints what it counted. Then the two summaries are compared (every message
# sent must be accounted for), and the recording is replayed through the same pipeline: the replayed
# tracks must equal the live ones byte for byte. Last, the run is scored against the drones' truth
# under a sample test plan: a bilingual draft certification report (signed by the range key) is written
# and verified, then signed by a demo officer and verified against that officer's trust store.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HAECHI_BIN:?set HAECHI_BIN to the haechi binary}" "${VPY:?set VPY to the venv python}"

out=out/demo
mkdir -p "$out"
rm -f "$out/summary.json" "$out/sent.json" "$out/live-tracks.jsonl" "$out/replay-tracks.jsonl" "$out/replay-summary.json"

"$HAECHI_BIN" ingest --config Config/ingest.yaml --idle-timeout 3 --summary "$out/summary.json" \
    --tracks-out "$out/live-tracks.jsonl" &
ingest=$!
trap 'kill "$ingest" 2>/dev/null || true' EXIT

# PUSH is lossless: until ingest has bound its endpoint, the simulator waits.
"$HAECHI_BIN" simulate --scenario Config/scenarios/mixed.yaml --speed 10 --epoch "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --socket push --publish tcp://127.0.0.1:7001 --summary "$out/sent.json"

wait "$ingest"
trap - EXIT
"$VPY" - "$out/sent.json" "$out/summary.json" <<'PY'
import json, sys
sent, got = (json.load(open(p)) for p in sys.argv[1:3])
n, m = sent["totals"]["messages"], got["totals"]["frames_received"]
bad, gaps = got["totals"]["frames_malformed"], got["totals"]["sequence"]["gaps"]
verdict = "every message accounted for" if n == m and bad == 0 and gaps == 0 else "MISMATCH"
print(f"\nsimulator sent {n} messages; ingest received {m}, {bad} malformed, {gaps} sequence gaps: {verdict}")
t = got.get("tracking")
if t:
    tr = t["tracker"]
    print(f"live tracker: {tr['scans_processed']} scans, {tr['detections_used']} detections, "
          f"{tr['confirmed']} tracks confirmed, {t['published']} track updates published on json/tracks")
r = got.get("recording")
if r:
    print(f"recorded {r['frames_recorded']} frames to {r['path']} (finalised: {r['finalised']})")
sys.exit(0 if verdict != "MISMATCH" and (not r or r["finalised"]) else 1)
PY
recording="$("$VPY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["recording"]["path"])' "$out/summary.json")"
"$HAECHI_BIN" replay "$recording" --speed max --tracks-out "$out/replay-tracks.jsonl" --summary "$out/replay-summary.json" --quiet
"$VPY" - "$out/replay-summary.json" "$out/live-tracks.jsonl" "$out/replay-tracks.jsonl" <<'PY'
import json, sys
rp = json.load(open(sys.argv[1]))["replay"]
same = open(sys.argv[2], "rb").read() == open(sys.argv[3], "rb").read()
print(f"replayed {rp['frames_replayed']} frames in {rp['wall_seconds']:.2f} s: {rp['track_lines']} track lines, "
      + ("identical to the live run's, byte for byte" if same and rp["tracks_match_recording"] else "DIFFERENT from the live run's"))
sys.exit(0 if same and rp["tracks_match_recording"] else 1)
PY

# The certification report: the run scored against its truth under the sample test plan, in Korean
# and English, a draft signed by the range key, logged in the run log, and verified.
rm -rf "$out/report"
"$HAECHI_BIN" report "$recording" --plan Config/plans/mixed-acceptance.yaml --lang both --format html,json,md \
    --out "$out/report" --log Replays/runlog.sqlite
"$HAECHI_BIN" verify "$out/report" --log Replays/runlog.sqlite
# A system under test's own reports scored the same way: the Remote ID receiver's, as its tracks.
rm -rf "$out/report-remote-id"
"$HAECHI_BIN" report "$recording" --plan Config/plans/mixed-acceptance.yaml --lang both --format html,json,md \
    --out "$out/report-remote-id" --log Replays/runlog.sqlite --system-tracks rid-1 --quiet
# And the SAPIENT radar node's own tracks (its object ids) and classes, beside Haechi's tracker as the reference.
rm -rf "$out/report-sapient"
"$HAECHI_BIN" report "$recording" --plan Config/plans/mixed-acceptance.yaml --lang both --format html,json,md \
    --out "$out/report-sapient" --log Replays/runlog.sqlite --system-tracks radar-1 --quiet

# An officer authorises it: a demo officer's key (made once, outside the repository; its public key
# is the demo's whole trust store), the signature, and the check against the trust store.
if [ ! -f "$out/officer/demo-officer.key" ]; then
    "$HAECHI_BIN" keys generate --out "$out/officer/demo-officer.key" >/dev/null
fi
mkdir -p "$out/officers" && cp "$out/officer/demo-officer.pub" "$out/officers/demo-officer.pub"
"$HAECHI_BIN" sign "$out/report" --key "$out/officer/demo-officer.key" --name "홍길동 (demo)" \
    --role "기술책임자 / Technical manager" --log Replays/runlog.sqlite
"$HAECHI_BIN" verify "$out/report" --log Replays/runlog.sqlite --trust-store "$out/officers"
"$HAECHI_BIN" runs verify --log Replays/runlog.sqlite
echo
echo "summaries: $out/summary.json (ingest), $out/sent.json (simulator), $out/replay-summary.json (replay)"
echo "recording: $recording (open it in Foxglove, or: haechi replay $recording --speed 1)"
echo "report:    $out/report/report.both.html (open it in a browser; haechi verify $out/report --trust-store $out/officers checks it)"
echo "           $out/report-remote-id/report.both.html (the Remote ID receiver's reports, scored as its tracks)"
echo "           $out/report-sapient/report.both.html (the SAPIENT radar's own tracks and classes, beside Haechi's tracker)"
