"""Seed corpora for `make fuzz`, from the tests' own inputs: the interop scenario's JSON lines (every
record type of JSON telemetry v1), the MAVLink golden vectors (valid, corrupt, truncated and signed
frames), and the MCAP fixtures written by the Python `mcap` writer, whole and cut at several points
(what a crash leaves for `recover`).

    python3 Fuzz/seed_corpus.py OUT_DIR     # writes OUT_DIR/{json,mavlink,mcap,recover,asterix,sapient}/
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> None:
    dirs = {name: out / name for name in ("json", "mavlink", "mcap", "recover", "asterix", "sapient")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    lines = (ROOT / "Replays/fixtures/interop-scenario.jsonl").read_text().splitlines()
    seen: set[str] = set()
    for i, line in enumerate(lines):
        kind = json.loads(line).get("type", "?")
        if kind in seen and i % 25:   # every record type, and a sample of the rest
            continue
        seen.add(kind)
        (dirs["json"] / f"line-{i:04d}.json").write_text(line)
    vectors = json.loads((ROOT / "Tests/TelemetryModelTests/Fixtures/mavlink-golden.json").read_text())["vectors"]
    for v in vectors:
        (dirs["mavlink"] / f"{v['name']}.bin").write_bytes(bytes.fromhex(v["payload_hex"]))
    for path in sorted((ROOT / "Tests/MCAPCodecTests/Fixtures").glob("*.mcap")):
        data = path.read_bytes()
        (dirs["mcap"] / path.name).write_bytes(data)
        (dirs["recover"] / path.name).write_bytes(data)
        for fraction in (3, 2):
            (dirs["recover"] / f"{path.stem}-cut{fraction}.mcap").write_bytes(data[: len(data) * (fraction - 1) // fraction])
    cases = json.loads((ROOT / "Tests/AsterixTests/Fixtures/asterix_fixtures.json").read_text())["cases"]
    for i, case in enumerate(cases[:60]):
        (dirs["asterix"] / f"datagram-{i:03d}.bin").write_bytes(bytes.fromhex(case["hex"]))
    # SAPIENT messages serialized by Dstl's classes (Tests/SapientTests/Fixtures/gen_sapient_fixtures.py).
    for case in json.loads((ROOT / "Tests/SapientTests/Fixtures/sapient_fixtures.json").read_text())["cases"]:
        (dirs["sapient"] / f"{case['name']}.bin").write_bytes(bytes.fromhex(case["hex"]))
    print(f"seed corpora in {out}: " + ", ".join(f"{k} {len(list(d.iterdir()))}" for k, d in dirs.items()))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
