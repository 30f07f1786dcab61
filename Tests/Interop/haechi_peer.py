#!/usr/bin/env python3
"""Haechi interop peer: streams a cuas-scenario/1 file as Haechi wire messages, with no Haechi code.

A library (used by the interop tests) and a CLI::

    python haechi_peer.py publish --scenario FILE --push tcp://127.0.0.1:PORT [--bind]
        [--pub tcp://127.0.0.1:PORT2] [--speed max|N] [--inject-malformed] [--inject-extras] [--tally OUT.json]
    python haechi_peer.py tally --scenario FILE [--inject-malformed] [--inject-extras]

Every message is the two-part envelope of docs/wire-formats.md (topic, payload):

- ``json/scenario``: the meta record; ``json/radar-<sensor_id>``: sensor, scan and detection records;
  ``json/truth``: truth records. Each scenario line is sent verbatim as one payload.
- ``mavlink/drone-<drone_id>``: MAVLink v2 truth per drone, built with pymavlink from the scenario's
  truth records, system id drone_id+1, component 1. Per truth record, one message holding, in
  order: a HEARTBEAT on every 2nd fix (one per second), a SYSTEM_TIME on the first fix
  (time_unix_usec = t_ns // 1000; the drone booted 60 s before its first fix), a GPS_RAW_INT on every
  2nd fix from the second on (alt_ellipsoid set; never before the first GLOBAL_POSITION_INT, so
  it is never a truth fix of its own), and the GLOBAL_POSITION_INT (lat/lon 1e7, alt above mean
  sea level in mm with the geoid separation ``GEOID_SEPARATION_M``, vel_enu turned into NED cm/s,
  time_boot_ms since the drone's boot).

``--inject-malformed`` adds a known number of each defect on dedicated topics (``json/bad-json``,
``mavlink/bad-drone``, ``xml/radar-9``, ``json/envelope-test``, ``json/empty-test``, ``json/big-test``
and unusable topics); ``--inject-extras`` adds valid traffic a scenario file does not hold: status
records with deliberate seq gaps (``json/status-1``), batched scans (``json/rf-df-2``), track reports
(``json/tracker-1``), a drone whose MAVLink seq starts near the wrap and skips numbers, and a drone
that signs its frames.

Messages are sent in scenario time order (injected ones are spread over the scenario's time span).
The publisher keeps an exact ``Tally`` of what Haechi must count for what it sent, keyed like the
``sources`` of ``haechi ingest --summary`` and following the counting rules of the contract.
Messages on ``mavlink/`` topics go to the optional XPUB socket (``--pub``), all others to PUSH.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import mavlink_frames as mf
import zmq

GEOID_SEPARATION_M = 23.0  # N (ellipsoid minus MSL) the publisher assumes; the test config says the same
DEFAULT_MAX_FRAME_BYTES = 65536  # limits.max_frame_bytes of the interop test config
BOOT_LEAD_NS = 60_000_000_000  # a drone booted this long before its first fix
MAVLINK_PREFIX = b"mavlink/"
TOPIC_RE = re.compile(rb"^[a-z0-9]+/[A-Za-z0-9._:-]{1,64}\Z")
SEQUENCE_KEYS = ("checked", "gaps", "missing", "out_of_order", "restarts")
JSON_RESTART_THRESHOLD = 64  # a JSON seq stepping back to 0, or by more than this, is a sender restart


def bad_topic_source(endpoint: str) -> str:
    """The pseudo-source of an endpoint's messages whose topic is unusable."""
    return f"!bad-topic@{endpoint}"


# --------------------------------------------------------------------------------------------------
# Messages and what Haechi must count for them


@dataclass
class Expect:
    """What Haechi must count for one message (besides the frame and its payload bytes)."""

    records: Counter = field(default_factory=Counter)
    malformed: Counter = field(default_factory=Counter)
    truth_fixes: Counter = field(default_factory=Counter)
    json_seq: int | None = None  # the record's seq, checked per source
    mavlink_seqs: list[tuple[int, int, int]] = field(default_factory=list)  # (sysid, compid, seq) of decoded frames
    times_ns: list[int] = field(default_factory=list)  # t_ns of the counted records
    inexact_time: bool = False  # a counted record is timed by float t only


@dataclass
class WireMessage:
    """One ZeroMQ multipart message and its expected effect."""

    parts: tuple[bytes, ...]
    expect: Expect
    at_ns: int | None = None  # scenario time, for ordering and pacing; None sorts first
    usable_topic: bool = True  # False: Haechi counts it under !bad-topic@<endpoint>

    def __post_init__(self) -> None:
        valid = bool(self.parts) and TOPIC_RE.match(self.parts[0]) is not None
        if valid != self.usable_topic:
            raise ValueError(f"topic {self.parts[:1]!r}: usable_topic={self.usable_topic} but valid={valid}")

    @property
    def source(self) -> str | None:
        """The topic Haechi counts the message under, or None for an unusable topic."""
        return self.parts[0].decode() if self.usable_topic else None

    @property
    def payload_bytes(self) -> int:
        return sum(len(p) for p in self.parts[1:])

    @property
    def is_mavlink(self) -> bool:
        return self.usable_topic and self.parts[0].startswith(MAVLINK_PREFIX)


def record_expect(record: dict) -> Expect:
    """The effect of one valid JSON record: its records (a batched scan adds its detections), seq and time."""
    expect = Expect()
    expect.records[record["type"]] += 1
    if record["type"] == "scan" and "detections" in record:
        expect.records["detection"] += len(record["detections"])
    seq = record.get("seq")
    if seq is not None:
        expect.json_seq = seq
    if "t_ns" in record:
        expect.times_ns.append(record["t_ns"])
    elif "t" in record:
        expect.inexact_time = True
    return expect


def record_message(topic: str, record: dict, *, line: bytes | None = None, at_ns: int | None = None) -> WireMessage:
    """A valid JSON record on ``topic``; ``line`` is its verbatim text when it comes from a file."""
    payload = line if line is not None else json.dumps(record).encode()
    if at_ns is None:
        at_ns = record.get("t_ns")
    return WireMessage((topic.encode(), payload), record_expect(record), at_ns=at_ns)


def defect_message(parts: tuple[bytes, ...], reason: str, *, usable_topic: bool = True) -> WireMessage:
    """A message Haechi counts under one defect ``reason`` and decodes nothing from."""
    return WireMessage(parts, Expect(malformed=Counter({reason: 1})), usable_topic=usable_topic)


def mavlink_message(topic: str, pieces: list[mf.Piece], *, at_ns: int | None = None,
                    fixes: Counter | None = None, fix_times_ns: tuple[int, ...] = ()) -> WireMessage:
    """A MAVLink payload made of ``pieces``; ``fixes`` are the truth fixes its frames give, by clock,
    and ``fix_times_ns`` their UTC times."""
    expect = Expect(truth_fixes=Counter(fixes or {}), times_ns=list(fix_times_ns))
    for piece in pieces:
        if piece.frame is not None:
            expect.records[piece.frame.record_kind] += 1
            expect.mavlink_seqs.append((piece.frame.sysid, piece.frame.compid, piece.frame.seq))
        else:
            expect.malformed[piece.error] += 1
    return WireMessage((topic.encode(), mf.payload(pieces)), expect, at_ns=at_ns)


# --------------------------------------------------------------------------------------------------
# The tally


def _plain(counters: dict) -> dict:
    """A source's counters as JSON values: Counters become dicts without their zero entries."""
    return {key: (dict(sorted((k, v) for k, v in value.items() if v)) if isinstance(value, Counter)
                  else dict(value) if isinstance(value, dict) else value)
            for key, value in counters.items()}


def _new_source() -> dict:
    return {"frames_received": 0, "bytes_received": 0, "frames_malformed": 0, "records": Counter(),
            "malformed": Counter(), "sequence": dict.fromkeys(SEQUENCE_KEYS, 0), "truth_fixes": Counter()}


class Tally:
    """What Haechi must count for the messages sent, per source, per endpoint and in total.

    Sources also carry ``first_t_ns``/``last_t_ns`` (the earliest and latest time of a counted record
    or truth fix, null without any) unless a counted record was timed by float ``t`` only, which converts to
    nanoseconds inexactly.
    """

    def __init__(self) -> None:
        self._sources: dict[str, dict] = {}
        self._times: dict[str, list[int]] = {}
        self._inexact: set[str] = set()
        self._endpoints: Counter = Counter()
        self._json_last: dict[str, int] = {}
        self._mavlink_last: dict[tuple[str, int, int], int] = {}

    def add(self, message: WireMessage, endpoint: str) -> None:
        """Count ``message`` as sent to ``endpoint`` (the name of Haechi's endpoint that receives it)."""
        name = message.source if message.usable_topic else bad_topic_source(endpoint)
        src = self._sources.setdefault(name, _new_source())
        exp = message.expect
        self._endpoints[endpoint] += 1
        src["frames_received"] += 1
        src["bytes_received"] += message.payload_bytes
        src["frames_malformed"] += 1 if exp.malformed else 0
        src["records"].update(exp.records)
        src["malformed"].update(exp.malformed)
        src["truth_fixes"].update(exp.truth_fixes)
        if exp.json_seq is not None:
            self._check_json_seq(name, src["sequence"], exp.json_seq)
        for sysid, compid, seq in exp.mavlink_seqs:
            self._check_mavlink_seq((name, sysid, compid), src["sequence"], seq)
        if exp.inexact_time:
            self._inexact.add(name)
        for t_ns in exp.times_ns:
            span = self._times.setdefault(name, [t_ns, t_ns])
            span[0], span[1] = min(span[0], t_ns), max(span[1], t_ns)

    def _check_json_seq(self, name: str, seq_counters: dict, seq: int) -> None:
        seq_counters["checked"] += 1
        last = self._json_last.get(name)
        if last is not None and seq <= last:
            if seq == 0 or last - seq > JSON_RESTART_THRESHOLD:
                seq_counters["restarts"] += 1
                self._json_last[name] = seq
            else:
                seq_counters["out_of_order"] += 1
            return
        if last is not None and seq > last + 1:
            seq_counters["gaps"] += 1
            seq_counters["missing"] += seq - last - 1
        self._json_last[name] = seq

    def _check_mavlink_seq(self, key: tuple[str, int, int], seq_counters: dict, seq: int) -> None:
        seq_counters["checked"] += 1
        last = self._mavlink_last.get(key)
        self._mavlink_last[key] = seq
        if last is None:
            return
        delta = (seq - last) % 256
        if delta == 0:
            seq_counters["out_of_order"] += 1
        elif delta > 1:
            seq_counters["gaps"] += 1
            seq_counters["missing"] += delta - 1

    def source(self, name: str) -> dict:
        """The expected counters of one source, as plain JSON values (zero counts left out)."""
        out = _plain(self._sources[name])
        if name not in self._inexact:
            first, last = self._times.get(name, (None, None))
            out["first_t_ns"], out["last_t_ns"] = first, last
        return out

    def totals(self) -> dict:
        """The sum of all sources' counters."""
        total = _new_source()
        for src in self._sources.values():
            for key in ("frames_received", "bytes_received", "frames_malformed"):
                total[key] += src[key]
            for key in ("records", "malformed", "truth_fixes"):
                total[key].update(src[key])
            for key in SEQUENCE_KEYS:
                total["sequence"][key] += src["sequence"][key]
        return _plain(total)

    def as_dict(self) -> dict:
        return {"endpoints": dict(sorted(self._endpoints.items())),
                "sources": {name: self.source(name) for name in sorted(self._sources)},
                "totals": self.totals()}


# --------------------------------------------------------------------------------------------------
# Scenario traffic


@dataclass(frozen=True)
class ScenarioLine:
    record: dict
    line: bytes


def load_scenario(path: str | Path) -> list[ScenarioLine]:
    """The records of a cuas-scenario/1 file with their verbatim lines."""
    out = []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.rstrip(b"\r\n")
            if line.strip():
                out.append(ScenarioLine(json.loads(line), line))
    if not out or out[0].record.get("type") != "meta" or out[0].record.get("format") != "cuas-scenario/1":
        raise ValueError(f"{path}: not a cuas-scenario/1 file")
    return out


def scenario_topic(record: dict) -> str:
    """The topic a scenario record is streamed on."""
    kind = record["type"]
    if kind == "meta":
        return "json/scenario"
    if kind in ("sensor", "scan", "detection"):
        return f"json/radar-{record['sensor_id']}"
    if kind == "truth":
        return "json/truth"
    raise ValueError(f"unexpected record type {kind!r} in a scenario file")


def scenario_messages(lines: list[ScenarioLine]) -> list[WireMessage]:
    """Every scenario line, verbatim, one message each."""
    return [record_message(scenario_topic(s.record), s.record, line=s.line) for s in lines]


@dataclass
class DroneOptions:
    """Deliberate variations of one drone's MAVLink stream."""

    first_seq: int = 0
    skip_before_fix: dict[int, int] = field(default_factory=dict)  # fix index -> seq numbers to leave out
    signing_key: bytes | None = None


def _heading_cdeg(v_east: float, v_north: float) -> int:
    if v_east == 0.0 and v_north == 0.0:
        return 65535  # unknown
    return round(math.degrees(math.atan2(v_east, v_north)) % 360.0 * 100) % 36000


def drone_messages(truths: list[dict], *, geoid_separation_m: float = GEOID_SEPARATION_M,
                   options: DroneOptions | None = None) -> list[WireMessage]:
    """The MAVLink stream of one drone from its truth records (time ordered): one message per fix."""
    options = options or DroneOptions()
    drone_id = truths[0]["drone_id"]
    if not 0 <= drone_id <= 254:
        raise ValueError(f"drone_id {drone_id} does not make a MAVLink system id")
    topic = f"mavlink/drone-{drone_id}"
    src = mf.FrameSource(drone_id + 1, 1, seq=options.first_seq, signing_key=options.signing_key,
                         signing_timestamp=1_000_000 if options.signing_key else 0)
    boot_ns = truths[0]["t_ns"] - BOOT_LEAD_NS
    out = []
    for k, truth in enumerate(truths):
        src.skip(options.skip_before_fix.get(k, 0))
        t_ns = truth["t_ns"]
        boot_ms = (t_ns - boot_ns) // 1_000_000
        v_east, v_north, v_up = truth.get("vel_enu", (0.0, 0.0, 0.0))
        lat, lon = round(truth["lat"] * 1e7), round(truth["lon"] * 1e7)
        alt_msl_mm = round((truth["alt"] - geoid_separation_m) * 1000)
        hdg = _heading_cdeg(v_east, v_north)
        pieces = []
        if k % 2 == 0:
            pieces.append(src.piece("HEARTBEAT", type=2, autopilot=3, base_mode=0xD9, custom_mode=0,
                                    system_status=4))
        if k == 0:
            pieces.append(src.piece("SYSTEM_TIME", time_unix_usec=t_ns // 1000, time_boot_ms=boot_ms))
        if k % 2 == 1:
            pieces.append(src.piece("GPS_RAW_INT", time_usec=t_ns // 1000, fix_type=3, lat=lat, lon=lon,
                                    alt=alt_msl_mm, eph=80, epv=120, vel=round(math.hypot(v_east, v_north) * 100),
                                    cog=hdg, satellites_visible=14, alt_ellipsoid=round(truth["alt"] * 1000),
                                    h_acc=600, v_acc=1000, vel_acc=50, hdg_acc=0, yaw=0))
        relative_alt = round(truth["enu"][2] * 1000) if "enu" in truth else 0
        pieces.append(src.piece("GLOBAL_POSITION_INT", time_boot_ms=boot_ms, lat=lat, lon=lon, alt=alt_msl_mm,
                                relative_alt=relative_alt, vx=round(v_north * 100), vy=round(v_east * 100),
                                vz=round(-v_up * 100), hdg=hdg))
        # SYSTEM_TIME always precedes the drone's first GLOBAL_POSITION_INT: every fix uses its clock,
        # and time_boot_ms maps back to exactly t_ns (scenario times are whole milliseconds).
        assert t_ns % 1_000_000 == 0, "truth times must be whole milliseconds"
        out.append(mavlink_message(topic, pieces, at_ns=t_ns, fixes=Counter(system_time=1), fix_times_ns=(t_ns,)))
    return out


def all_drone_messages(lines: list[ScenarioLine], *, geoid_separation_m: float = GEOID_SEPARATION_M,
                       options: dict[int, DroneOptions] | None = None) -> list[WireMessage]:
    """The MAVLink streams of every drone of the scenario."""
    by_drone: dict[int, list[dict]] = {}
    for s in lines:
        if s.record["type"] == "truth":
            by_drone.setdefault(s.record["drone_id"], []).append(s.record)
    out = []
    for drone_id in sorted(by_drone):
        out += drone_messages(by_drone[drone_id], geoid_separation_m=geoid_separation_m,
                              options=(options or {}).get(drone_id))
    return out


# --------------------------------------------------------------------------------------------------
# Injected defects (--inject-malformed)

T0_NS = 1_748_736_016_000_000_000  # a plausible time for hand-made records

#: Defective JSON payloads sent on json/bad-json: (name, reason, payload). Also used by test_schemas.py.
BAD_JSON_PAYLOADS: list[tuple[str, str, bytes]] = [
    ("cut_short", "malformed_json", b'{"type": "truth", "t_ns": 17487360'),
    ("not_json", "malformed_json", b"not json at all"),
    ("single_quotes", "malformed_json", b"{'type': 'status', 'sensor_id': 1}"),
    ("trailing_garbage", "malformed_json",
     b'{"type": "meta", "format": "cuas-scenario/1"} trailing'),
    # Faults in a field no one reads: the grammar, not the decoder's reading, decides (docs/wire-formats.md).
    ("leading_zero", "malformed_json",
     b'{"type": "status", "t_ns": 1748736016000000000, "sensor_id": 1, "lat": 35.85, "lon": 126.55, "alt": 15.0, '
     b'"gain": 012}'),
    ("invalid_utf8", "malformed_json",
     b'{"type": "status", "t_ns": 1748736016000000000, "sensor_id": 1, "lat": 35.85, "lon": 126.55, "alt": 15.0, '
     b'"note": "\xff\xfe\xc0\xaf"}'),
] + [(name, "schema_invalid", json.dumps(record).encode()) for name, record in [
    ("missing_lat", {"type": "truth", "t_ns": T0_NS, "drone_id": 7, "lon": 126.55, "alt": 100.0}),
    ("missing_time", {"type": "detection", "sensor_id": 0, "scan_id": 3, "azimuth_deg": 12.5}),
    ("missing_type", {"t_ns": T0_NS, "sensor_id": 0, "scan_id": 3}),
    ("lat_is_string", {"type": "status", "t_ns": T0_NS, "sensor_id": 1, "lat": "35.85", "lon": 126.55,
                       "alt": 15.0}),
    ("scan_id_is_bool", {"type": "scan", "t_ns": T0_NS, "sensor_id": 0, "scan_id": True}),
    ("t_ns_is_string", {"type": "truth", "t_ns": str(T0_NS), "drone_id": 7, "lat": 35.85, "lon": 126.55,
                        "alt": 100.0}),
    ("azimuth_out_of_range", {"type": "detection", "t_ns": T0_NS, "sensor_id": 0, "scan_id": 3,
                              "azimuth_deg": 400.5, "range_m": 1200.0, "elevation_deg": 3.0}),
    ("lat_out_of_range", {"type": "truth", "t_ns": T0_NS, "drone_id": 7, "lat": 91.0, "lon": 126.55,
                          "alt": 100.0}),
    ("negative_range", {"type": "detection", "t_ns": T0_NS, "sensor_id": 0, "scan_id": 3, "azimuth_deg": 10.0,
                        "range_m": -1.0}),
    ("negative_seq", {"type": "status", "t_ns": T0_NS, "sensor_id": 1, "lat": 35.85, "lon": 126.55,
                      "alt": 15.0, "seq": -1}),
    ("enu_two_numbers", {"type": "truth", "t_ns": T0_NS, "drone_id": 7, "lat": 35.85, "lon": 126.55,
                         "alt": 100.0, "enu": [1.0, 2.0]}),
    ("unknown_type", {"type": "plot", "t_ns": T0_NS, "sensor_id": 0}),
    ("n_detections_mismatch", {"type": "scan", "t_ns": T0_NS, "sensor_id": 0, "scan_id": 4, "n_detections": 3,
                               "detections": [{"det_id": 1, "azimuth_deg": 10.0},
                                              {"det_id": 2, "azimuth_deg": 20.0}]}),
    ("batched_elevation_out_of_range", {"type": "scan", "t_ns": T0_NS, "sensor_id": 0, "scan_id": 5,
                                        "detections": [{"azimuth_deg": 10.0, "elevation_deg": 95.0}]}),
    ("not_an_object", [1, 2, 3]),
]]

#: Unusable topics, sent with a small JSON payload: Haechi counts them as bad_topic under !bad-topic@<endpoint>.
BAD_TOPICS: list[bytes] = [
    b"nonsense",  # no slash
    b"json/\xff\xfe",  # not UTF-8
    b"",  # empty
    b"json/",  # empty source id
    b"/radar-1",  # empty format
    b"JSON/radar-1",  # upper-case format
    b"json/radar 1",  # space in the source id
    b"json/radar/1",  # slash in the source id
    b"json/" + b"r" * 65,  # source id longer than 64
]


def _padded_status(size: int) -> bytes:
    """A valid status record padded (with an ignored field) to exactly ``size`` bytes."""
    record = {"type": "status", "t_ns": T0_NS, "sensor_id": "big", "lat": 35.85, "lon": 126.55, "alt": 5.0,
              "pad": ""}
    base = len(json.dumps(record).encode())
    if size < base:
        raise ValueError("size too small for a status record")
    record["pad"] = "x" * (size - base)
    data = json.dumps(record).encode()
    assert len(data) == size
    return data


def malformed_messages(*, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> list[WireMessage]:
    """A known number of each defect, each kind on its own topic (see the module docstring)."""
    out = [defect_message((b"json/bad-json", payload), reason) for _, reason, payload in BAD_JSON_PAYLOADS]
    out += [defect_message((topic, b'{"type": "meta", "format": "x"}'), "bad_topic", usable_topic=False)
            for topic in BAD_TOPICS]
    out += [defect_message((b"xml/radar-9", b"<scan sensor='9' id='%d'/>" % i), "unknown_format") for i in range(2)]
    # Envelopes of 3 parts and of 1 part (bytes_received counts every part after the topic).
    out += [defect_message((b"json/envelope-test", b'{"type": "meta", "format": "x"}', b"extra"), "bad_envelope"),
            defect_message((b"json/envelope-test",), "bad_envelope")]
    out += [defect_message((b"json/empty-test", b""), "empty_frame") for _ in range(2)]
    at_limit = _padded_status(max_frame_bytes)
    out += [WireMessage((b"json/big-test", at_limit), record_expect(json.loads(at_limit))),
            defect_message((b"json/big-test", _padded_status(max_frame_bytes + 1)), "oversize_frame")]
    out += bad_drone_messages()
    return out


def bad_drone_messages() -> list[WireMessage]:
    """Defective MAVLink on mavlink/bad-drone (system 200), mixed with good frames whose seq shows the losses."""
    src = mf.FrameSource(200, 1)
    topic = "mavlink/bad-drone"

    def heartbeat() -> mf.Frame:
        return src.frame("HEARTBEAT", type=2, autopilot=3, base_mode=0, custom_mode=0, system_status=3)

    def position() -> mf.Frame:
        return src.frame("GLOBAL_POSITION_INT", time_boot_ms=1000, lat=358_500_000, lon=1_265_500_000, alt=10_000,
                         relative_alt=0, vx=10, vy=20, vz=0, hdg=100)

    attitude = dict(time_boot_ms=1000, roll=0.25, pitch=-0.125, yaw=1.5, rollspeed=0.0, pitchspeed=0.0,
                    yawspeed=0.0625)
    payloads = [
        [mf.good(heartbeat()), mf.crc_error(position()), mf.good(heartbeat())],
        [mf.good(src.frame("ATTITUDE", **attitude))],
        [mf.garbage(b"\x01\x02\x03")],
        [mf.good(heartbeat()), mf.cut_short(position(), 20)],
        [mf.incompatible(position(), 0x02)],
        [mf.garbage(b"\x00\x11"), mf.good(heartbeat()), mf.good(src.frame("ATTITUDE", **attitude))],
        [mf.good(heartbeat())],
    ]
    return [mavlink_message(topic, pieces) for pieces in payloads]


# --------------------------------------------------------------------------------------------------
# Valid extras (--inject-extras)

#: seq of the status records on json/status-1: two gaps, a repeat, a step back (and a third gap), then a
#: sender restart at 0, and a bogus huge number followed by a restart back to where it was.
STATUS_SEQS = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 17, 18, 19, 20, 20, 21, 23, 22, 24, 25, 26, 27,
               0, 1, 2, 1_000_000, 3, 4]


def extra_messages(lines: list[ScenarioLine]) -> list[WireMessage]:
    """Valid JSON traffic beyond the scenario file, timed within its span."""
    meta = lines[0].record
    epoch_ns = meta["epoch_ns"]
    sensors = {s.record["sensor_id"]: s.record for s in lines if s.record["type"] == "sensor"}
    site = sensors.get(1, meta["origin"])
    out = []
    for i, seq in enumerate(STATUS_SEQS):
        t_ns = epoch_ns + i * 1_000_000_000 + 250_000_000
        out.append(record_message("json/status-1", {
            "type": "status", "t_ns": t_ns, "t": t_ns / 1e9, "sensor_id": 1, "lat": site["lat"], "lon": site["lon"],
            "alt": site["alt"], "state": "degraded" if i == 10 else "ok", "seq": seq}))
    batched = [
        {"n_detections": 2, "detections": [
            {"det_id": 143, "range_m": 2189.99, "azimuth_deg": 132.16446, "elevation_deg": 6.897607},
            {"det_id": 144, "range_m": 811.2, "azimuth_deg": 20.5, "elevation_deg": 3.1, "drone_id": "d-4"}]},
        {"detections": [{"det_id": 145, "azimuth_deg": 0.0, "drone_id": None},
                        {"det_id": 146, "azimuth_deg": 360.0}, {"det_id": 147, "azimuth_deg": 271.25}]},
        {"n_detections": 0, "detections": []},
    ]
    for k, extra in enumerate(batched):
        t_ns = epoch_ns + (5 + k) * 1_000_000_000 + 100_000_000
        out.append(record_message("json/rf-df-2", {
            "type": "scan", "t_ns": t_ns, "sensor_id": "rf-df-2", "scan_id": k, "seq": k, **extra}))
    for k in range(4):
        t_ns = epoch_ns + (3 + k) * 1_000_000_000
        track = {"type": "track", "track_id": k % 2 if k < 2 else f"T-{k}", "enu": [100.0 + k, -50.0, 80.5],
                 "vel": [1.5, -0.5, 0.0], "status": "updated" if k != 2 else "coasted", "sensor_id": 0}
        track.update({"t_ns": t_ns} if k % 2 == 0 else {"t": t_ns / 1e9})
        out.append(record_message("json/tracker-1", track, at_ns=t_ns))
    return out


def extra_drone_options(lines: list[ScenarioLine]) -> dict[int, DroneOptions]:
    """The first drone's seq starts near the wrap and skips numbers; the last drone signs its frames."""
    drones = sorted({s.record["drone_id"] for s in lines if s.record["type"] == "truth"})
    options = {drones[0]: DroneOptions(first_seq=250, skip_before_fix={10: 3, 20: 1})}
    if len(drones) > 1:
        options[drones[-1]] = DroneOptions(signing_key=bytes(range(32)))
    return options


# --------------------------------------------------------------------------------------------------
# The plan and the publisher


def _spread(messages: list[WireMessage], start_ns: int, end_ns: int) -> list[WireMessage]:
    """Give untimed ``messages`` times evenly spread over [start_ns, end_ns], in list order."""
    step = (end_ns - start_ns) // (len(messages) + 1)
    for i, m in enumerate(messages, 1):
        m.at_ns = start_ns + i * step
    return messages


def sort_by_time(messages: list[WireMessage]) -> list[WireMessage]:
    """Stable sort by scenario time; untimed messages (meta, sensors) first."""
    return sorted(messages, key=lambda m: -1 if m.at_ns is None else m.at_ns)


def build_plan(scenario: str | Path, *, inject_malformed: bool = False, inject_extras: bool = False,
               max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
               geoid_separation_m: float = GEOID_SEPARATION_M) -> list[WireMessage]:
    """Every message to send for ``scenario``, in sending order."""
    lines = load_scenario(scenario)
    messages = scenario_messages(lines)
    messages += all_drone_messages(lines, geoid_separation_m=geoid_separation_m,
                                   options=extra_drone_options(lines) if inject_extras else None)
    if inject_malformed:
        timed = [m.at_ns for m in messages if m.at_ns is not None]
        messages += _spread(malformed_messages(max_frame_bytes=max_frame_bytes), min(timed), max(timed))
    if inject_extras:
        messages += extra_messages(lines)
    return sort_by_time(messages)


class Publisher:
    """Sends WireMessages to Haechi and tallies them.

    A PUSH socket carries every message, except that ``mavlink/`` topics go to the XPUB socket when
    one is given. Sends block (up to ``send_timeout_ms``) rather than drop: PUSH waits for a peer
    and XPUB is set to ZMQ_XPUB_NODROP. ``push_name``/``pub_name`` are the names of the Haechi
    endpoints that receive them, used for the per-endpoint tally and the ``!bad-topic@`` source.
    """

    def __init__(self, push: str, *, pub: str | None = None, bind: bool = False, push_name: str = "sensors",
                 pub_name: str = "drones", send_timeout_ms: int = 30_000):
        self.context = zmq.Context()
        self.tally = Tally()
        self.push_name, self.pub_name = push_name, pub_name
        self.push = self._socket(zmq.PUSH, push, bind, send_timeout_ms)
        self.pub = None
        if pub is not None:
            self.pub = self._socket(zmq.XPUB, pub, bind, send_timeout_ms)
            self.pub.setsockopt(zmq.XPUB_NODROP, 1)

    def _socket(self, kind: int, address: str, bind: bool, send_timeout_ms: int) -> zmq.Socket:
        sock = self.context.socket(kind)
        sock.setsockopt(zmq.SNDTIMEO, send_timeout_ms)
        sock.setsockopt(zmq.LINGER, 30_000)
        (sock.bind if bind else sock.connect)(address)
        return sock

    @property
    def push_endpoint(self) -> str:
        """The PUSH socket's address (after a bind to port ``*``, the port chosen)."""
        return self.push.getsockopt_string(zmq.LAST_ENDPOINT)

    @property
    def pub_endpoint(self) -> str | None:
        return self.pub.getsockopt_string(zmq.LAST_ENDPOINT) if self.pub is not None else None

    def wait_for_subscription(self, prefix: bytes = MAVLINK_PREFIX, timeout_s: float = 30.0) -> None:
        """Block until a subscriber's subscription covers ``prefix`` (avoids losing the first messages)."""
        if self.pub is None:
            return
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            if self.pub.poll(int(left * 1000), zmq.POLLIN):
                event = self.pub.recv()
                if event[:1] == b"\x01" and prefix.startswith(event[1:]):
                    return
        raise TimeoutError(f"no subscription to {prefix!r} within {timeout_s} s")

    def send(self, message: WireMessage) -> None:
        to_pub = self.pub is not None and message.is_mavlink
        (self.pub if to_pub else self.push).send_multipart(message.parts)
        self.tally.add(message, self.pub_name if to_pub else self.push_name)

    def publish(self, messages: list[WireMessage], *, speed: float | None = None) -> None:
        """Send ``messages`` in order; ``speed`` N paces them at N times scenario time (None: at once)."""
        start_wall = time.monotonic()
        start_ns = next((m.at_ns for m in messages if m.at_ns is not None), None)
        for m in messages:
            if speed and m.at_ns is not None:
                delay = start_wall + (m.at_ns - start_ns) / 1e9 / speed - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            self.send(m)

    def close(self, linger_ms: int | None = None) -> None:
        """Close the sockets, waiting until queued messages are delivered (at most ``linger_ms``, default 30 s)."""
        if self.context.closed:
            return
        for sock in (self.push, self.pub):
            if sock is not None:
                sock.close(linger=linger_ms)
        self.context.term()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------------------------------
# CLI


def _speed(text: str) -> float | None:
    if text == "max":
        return None
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("speed must be 'max' or a positive number")
    return value


def _plan_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", required=True, type=Path, help="cuas-scenario/1 file")
    parser.add_argument("--inject-malformed", action="store_true", help="add a known number of each defect")
    parser.add_argument("--inject-extras", action="store_true",
                        help="add status with seq gaps, batched scans, tracks, MAVLink seq skips and signing")
    parser.add_argument("--max-frame-bytes", type=int, default=DEFAULT_MAX_FRAME_BYTES,
                        help="Haechi's limits.max_frame_bytes, for the oversize injection (default %(default)s)")
    parser.add_argument("--push-name", default="sensors", help="name of Haechi's endpoint receiving PUSH traffic")
    parser.add_argument("--pub-name", default="drones", help="name of Haechi's endpoint receiving XPUB traffic")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    publish = commands.add_parser("publish", help="send the scenario and print the tally as JSON")
    _plan_args(publish)
    publish.add_argument("--push", required=True, help="ZeroMQ address of the PUSH socket")
    publish.add_argument("--pub", help="ZeroMQ address of an XPUB socket for mavlink/ topics")
    publish.add_argument("--bind", action="store_true", help="bind the sockets (default: connect)")
    publish.add_argument("--speed", type=_speed, default=None, help="'max' (default) or N times scenario time")
    publish.add_argument("--wait-subscriber", type=float, default=30.0,
                         help="with --pub: seconds to wait for a mavlink/ subscription (default %(default)s)")
    publish.add_argument("--tally", type=Path, help="write the tally here instead of stdout")
    tally = commands.add_parser("tally", help="print the tally of a plan without sending anything "
                                "(routed as publish with --pub: mavlink/ topics to --pub-name)")
    _plan_args(tally)
    args = parser.parse_args(argv)

    plan = build_plan(args.scenario, inject_malformed=args.inject_malformed, inject_extras=args.inject_extras,
                      max_frame_bytes=args.max_frame_bytes)
    if args.command == "tally":
        result = Tally()
        for m in plan:
            result.add(m, args.pub_name if m.is_mavlink else args.push_name)
        print(json.dumps(result.as_dict(), indent=1))
        return 0
    with Publisher(args.push, pub=args.pub, bind=args.bind, push_name=args.push_name,
                   pub_name=args.pub_name if args.pub else args.push_name) as publisher:
        if args.bind:
            print(f"PUSH bound at {publisher.push_endpoint}", file=sys.stderr)
            if args.pub:
                print(f"XPUB bound at {publisher.pub_endpoint}", file=sys.stderr)
        publisher.wait_for_subscription(timeout_s=args.wait_subscriber)
        publisher.publish(plan, speed=args.speed)
    text = json.dumps(publisher.tally.as_dict(), indent=1)
    if args.tally:
        args.tally.write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
