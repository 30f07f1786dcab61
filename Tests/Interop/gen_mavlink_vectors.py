#!/usr/bin/env python3
"""Write the MAVLink golden vectors of Haechi's decoder tests (Tests/TelemetryModelTests/Fixtures/mavlink-golden.json).

Every vector is a MAVLink payload (one or more frames back to back, as one ZeroMQ message would
carry) built with pymavlink's common dialect, and the outcomes Haechi must report for it in payload
order: a decoded message with all of its fields, or an error reason of docs/wire-formats.md
(``mavlink_crc``, ``mavlink_bad_frame``, ``mavlink_unknown_message``, ``mavlink_incompatible_flags``).
The parsing model behind the expectations is described in ``mavlink_frames.py``.

The output is deterministic (fixed values, fixed signing key and timestamp): rerunning the script
with the same pymavlink version rewrites the same file. Each vector's decodable frames are checked
against pymavlink's own parser before anything is written.

Usage: python Tests/Interop/gen_mavlink_vectors.py [--out FILE] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import mavlink_frames as mf

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "Tests/TelemetryModelTests/Fixtures/mavlink-golden.json"
GENERATOR = "Tests/Interop/gen_mavlink_vectors.py"

SIGNING_KEY = hashlib.sha256(b"haechi golden vectors").digest()
SIGNING_LINK_ID = 3
SIGNING_TIMESTAMP = 0x123456789A  # 10 us units since 2015-01-01; fixed for determinism

INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
UINT16_MAX, UINT32_MAX, UINT64_MAX = (1 << 16) - 1, (1 << 32) - 1, (1 << 64) - 1

NOTES = ("Outcomes are listed in payload order. A frame whose header was read is skipped whole "
         "(header, payload, CRC, and the 13-byte signature when incompat_flags bit 0 is set) whatever its "
         "defect; bytes that do not start a frame are skipped to the next 0xFD/0xFE and counted once as "
         "mavlink_bad_frame; a frame cut short by the end of the payload is one mavlink_bad_frame. "
         "Truncated v2 payloads are zero-filled before decoding; longer ones are decoded and the extra bytes ignored.")


# Typical field values, used wherever a vector is not about the values themselves.
def heartbeat(src: mf.FrameSource) -> mf.Frame:
    return src.frame("HEARTBEAT", type=2, autopilot=3, base_mode=0x51, custom_mode=4, system_status=4)


def system_time(src: mf.FrameSource) -> mf.Frame:
    return src.frame("SYSTEM_TIME", time_unix_usec=1_748_736_016_500_000, time_boot_ms=60_000)


def global_position(src: mf.FrameSource, **overrides) -> mf.Frame:
    fields = dict(time_boot_ms=76_500, lat=358_363_806, lon=1_265_674_372, alt=256_729, relative_alt=274_355,
                  vx=154, vy=-533, vz=-12, hdg=28_881)
    fields.update(overrides)
    return src.frame("GLOBAL_POSITION_INT", **fields)


def gps_raw(src: mf.FrameSource, **overrides) -> mf.Frame:
    fields = dict(time_usec=1_748_736_016_500_000, fix_type=3, lat=358_363_806, lon=1_265_674_372, alt=256_729,
                  eph=90, epv=140, vel=554, cog=28_881, satellites_visible=14, alt_ellipsoid=279_729,
                  h_acc=650, v_acc=1_200, vel_acc=40, hdg_acc=150_000, yaw=28_880)
    fields.update(overrides)
    return src.frame("GPS_RAW_INT", **fields)


def attitude(src: mf.FrameSource) -> mf.Frame:
    # Values picked so that no byte of the frame is a start marker.
    return src.frame("ATTITUDE", time_boot_ms=76_500, roll=0.25, pitch=-0.125, yaw=1.5,
                     rollspeed=0.0, pitchspeed=0.0, yawspeed=0.0625)


def vectors() -> list[tuple[str, str, list[mf.Piece]]]:
    """(name, description, pieces) of every vector."""
    out = []

    def add(name: str, description: str, *pieces: mf.Piece) -> None:
        out.append((name, description, list(pieces)))

    src = mf.FrameSource(7, 1, seq=3)
    add("heartbeat", "HEARTBEAT (id 0), v2.", mf.good(heartbeat(src)))
    add("system_time", "SYSTEM_TIME (id 2), v2.", mf.good(system_time(src)))
    add("gps_raw_int_all_extensions", "GPS_RAW_INT with alt_ellipsoid and every extension field non-zero: full 52-byte payload.",
        mf.good(gps_raw(src)))
    add("gps_raw_int_truncated_extensions",
        "GPS_RAW_INT with alt_ellipsoid set and the later extension fields zero: pymavlink truncates the payload after alt_ellipsoid.",
        mf.good(gps_raw(src, h_acc=0, v_acc=0, vel_acc=0, hdg_acc=0, yaw=0)))
    add("gps_raw_int_no_extensions",
        "GPS_RAW_INT without extensions and satellites_visible 0: truncation reaches into the base fields.",
        mf.good(gps_raw(src, satellites_visible=0, alt_ellipsoid=0, h_acc=0, v_acc=0, vel_acc=0, hdg_acc=0, yaw=0)))
    add("global_position_int_negative", "GLOBAL_POSITION_INT with negative lat, lon, vx, vy, vz (south-west, climbing).",
        mf.good(global_position(src, lat=-338_688_000, lon=-704_000_000, vx=-1_250, vy=-320, vz=-150)))
    add("global_position_int_truncated", "GLOBAL_POSITION_INT with hdg 0 and vz 0: the payload is zero-truncated by 4 bytes.",
        mf.good(global_position(src, vz=0, hdg=0)))
    add("global_position_int_all_zero", "GLOBAL_POSITION_INT with every field 0: the payload is truncated to a single byte.",
        mf.good(global_position(src, time_boot_ms=0, lat=0, lon=0, alt=0, relative_alt=0, vx=0, vy=0, vz=0, hdg=0)))
    add("global_position_int_extremes",
        "GLOBAL_POSITION_INT at the limits of its types: max uint32 time_boot_ms, INT32_MIN lat, INT32_MAX lon, ...",
        mf.good(global_position(src, time_boot_ms=UINT32_MAX, lat=INT32_MIN, lon=INT32_MAX, alt=INT32_MIN,
                                relative_alt=INT32_MAX, vx=INT16_MIN, vy=INT16_MAX, vz=-1, hdg=UINT16_MAX)))
    add("system_time_extremes", "SYSTEM_TIME with max uint64 time_unix_usec and max uint32 time_boot_ms.",
        mf.good(src.frame("SYSTEM_TIME", time_unix_usec=UINT64_MAX, time_boot_ms=UINT32_MAX)))
    add("heartbeat_extremes", "HEARTBEAT with every field at its maximum, from system 255 component 255, seq 255.",
        mf.good(mf.FrameSource(255, 255, seq=255).frame(
            "HEARTBEAT", type=255, autopilot=255, base_mode=255, custom_mode=UINT32_MAX, system_status=255,
            mavlink_version=255)))

    signed = mf.FrameSource(7, 1, seq=40, signing_key=SIGNING_KEY, link_id=SIGNING_LINK_ID,
                            signing_timestamp=SIGNING_TIMESTAMP)
    add("signed_global_position_int",
        "Signed v2 GLOBAL_POSITION_INT (incompat_flags 0x01, 13-byte signature after the CRC; not verified).",
        mf.good(global_position(signed)))

    v1 = mf.FrameSource(9, 1, version=1, seq=200)
    add("v1_global_position_int", "MAVLink v1 GLOBAL_POSITION_INT (0xFE, full payload, same CRC_EXTRA 104).",
        mf.good(global_position(v1, lat=-338_688_000, vx=-1_250, vz=0, hdg=0)))
    add("v1_and_v2_mixed", "A v1 HEARTBEAT followed by a v2 HEARTBEAT in one payload.",
        mf.good(heartbeat(v1)), mf.good(heartbeat(mf.FrameSource(9, 1, seq=17))))

    src = mf.FrameSource(7, 1, seq=10)
    add("three_frames", "HEARTBEAT, SYSTEM_TIME and GLOBAL_POSITION_INT back to back (seq 10, 11, 12).",
        mf.good(heartbeat(src)), mf.good(system_time(src)), mf.good(global_position(src)))

    src = mf.FrameSource(7, 1, seq=20)
    add("crc_error_between_good_frames", "Good, a GLOBAL_POSITION_INT with a damaged CRC, good.",
        mf.good(heartbeat(src)), mf.crc_error(global_position(src)), mf.good(global_position(src)))
    add("unknown_message_between_good_frames", "Good, ATTITUDE (id 30, not decoded by Haechi), good.",
        mf.good(heartbeat(src)), mf.good(attitude(src)), mf.good(global_position(src)))
    add("garbage_before_frame", "Three bytes of garbage, then a good frame: the skipped run counts once.",
        mf.garbage(b"\x01\x02\x03"), mf.good(heartbeat(src)))
    add("garbage_only", "Bytes without any start marker.", mf.garbage(bytes(range(0x20, 0x40))))
    add("trailing_garbage", "A good frame followed by two zero bytes.",
        mf.good(heartbeat(src)), mf.garbage(b"\x00\x00"))
    add("frame_cut_short_in_payload", "Two good frames, then a GLOBAL_POSITION_INT cut short in its payload.",
        mf.good(heartbeat(src)), mf.good(system_time(src)), mf.cut_short(global_position(src, lat=358_000_000), 20))
    add("frame_cut_short_in_header", "A good frame, then a frame cut short inside its 10-byte header.",
        mf.good(heartbeat(src)), mf.cut_short(global_position(src), 6))

    src = mf.FrameSource(7, 1, seq=30)
    add("incompatible_flags", "Good, a v2 frame with incompat_flags 0x02 (CRC correct), good.",
        mf.good(heartbeat(src)), mf.incompatible(global_position(src), 0x02), mf.good(heartbeat(src)))
    signed = mf.FrameSource(7, 1, seq=50, signing_key=SIGNING_KEY, link_id=SIGNING_LINK_ID,
                            signing_timestamp=SIGNING_TIMESTAMP + 1000)
    add("incompatible_flags_signed",
        "Good, a signed frame with incompat_flags 0x03 (skipped with its signature), good.",
        mf.good(heartbeat(signed)), mf.incompatible(global_position(signed), 0x02), mf.good(heartbeat(signed)))
    add("longer_payload_than_definition",
        "GLOBAL_POSITION_INT with 2 extra payload bytes (a newer message version): decoded, extra bytes ignored.",
        mf.extended(global_position(src), b"\x11\x22"))
    return out


def build() -> dict:
    """The golden document, after checking every vector against pymavlink's parser."""
    entries = []
    names = set()
    for name, description, pieces in vectors():
        if name in names:
            raise SystemExit(f"duplicate vector name {name}")
        names.add(name)
        data = mf.payload(pieces)
        expect = [p.outcome() for p in pieces]
        decoded = [o for o in expect if "message" in o]
        if mf.pymavlink_decode(data) != decoded:
            raise SystemExit(f"vector {name}: pymavlink decodes {mf.pymavlink_decode(data)}, expected {decoded}")
        entries.append({"name": name, "description": description, "payload_hex": data.hex(), "expect": expect})
    return {"generator": GENERATOR, "pymavlink": mf.PYMAVLINK_VERSION, "notes": NOTES, "vectors": entries}


def render(doc: dict) -> str:
    return json.dumps(doc, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file is not up to date")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run {GENERATOR}", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {len(json.loads(text)['vectors'])} vectors to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
