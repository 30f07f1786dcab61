#!/usr/bin/env bash
# `make demo`: a live ingest on loopback. The Python peer (pyzmq + pymavlink, no Haechi code)
# streams a sample scenario, 10x accelerated, with MAVLink truth and a few malformed frames of
# every kind, into `haechi ingest` running on the sample config; then the report is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${HAECHI_BIN:?set HAECHI_BIN to the haechi binary}" "${VPY:?set VPY to the venv python}"

scenario=Replays/fixtures/interop-scenario.jsonl
out=out/demo
mkdir -p "$out"

"$HAECHI_BIN" ingest --config Config/ingest.yaml --idle-timeout 2 --duration 300 --summary "$out/summary.json" &
ingest=$!
trap 'kill "$ingest" 2>/dev/null || true' EXIT

"$VPY" Tests/Interop/haechi_peer.py publish --scenario "$scenario" \
    --push tcp://127.0.0.1:7001 --pub tcp://127.0.0.1:7002 --speed 10 \
    --inject-malformed --inject-extras --max-frame-bytes 1048576 --tally "$out/sent.json"

wait "$ingest"
trap - EXIT
echo
echo "JSON summary: $out/summary.json   what the peer sent: $out/sent.json"
