#!/usr/bin/env bash
# `make demo`: a live test run on loopback. `haechi simulate` flies the quickstart scenario (three
# drones, one radar, two minutes) at 10x speed and pushes every sensor and drone message to
# `haechi ingest`, which runs on the sample config and prints what it counted. Then the two
# summaries are compared: every message sent must be accounted for.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HAECHI_BIN:?set HAECHI_BIN to the haechi binary}" "${VPY:?set VPY to the venv python}"

out=out/demo
mkdir -p "$out"
rm -f "$out/summary.json" "$out/sent.json"

"$HAECHI_BIN" ingest --config Config/ingest.yaml --idle-timeout 3 --summary "$out/summary.json" &
ingest=$!
trap 'kill "$ingest" 2>/dev/null || true' EXIT

# PUSH is lossless: until ingest has bound its endpoint, the simulator waits.
"$HAECHI_BIN" simulate --scenario Config/scenarios/quickstart.yaml --speed 10 \
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
sys.exit(0 if verdict != "MISMATCH" else 1)
PY
echo "summaries: $out/summary.json (ingest), $out/sent.json (simulator)"
