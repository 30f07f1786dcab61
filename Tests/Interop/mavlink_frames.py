"""MAVLink frames for Haechi's tests, built with pymavlink (common dialect), and what Haechi makes of them.

Shared by ``gen_mavlink_vectors.py`` (the golden vectors of the Swift decoder) and ``haechi_peer.py``
(the interop publisher), so both describe frames the same way:

- ``FrameSource`` is one MAVLink system/component. It packs messages with pymavlink, with a
  sequence number the caller can skip or set, optional MAVLink v2 signing, and v1 or v2 framing.
- A ``Piece`` is a run of bytes in a MAVLink payload together with the single outcome Haechi must
  report for it (docs/wire-formats.md): either a decoded ``Frame`` or an error reason.
  A payload is a list of pieces; its expected outcomes are the pieces' outcomes in order.
- The damage helpers (``crc_error``, ``cut_short``, ``incompatible``, ``garbage``) turn good frames
  into the defects the contract names, keeping every other byte valid so each piece has exactly
  one defect.

Parsing model assumed by the expectations (the MAVLink C library's): a frame whose header was read
is skipped as a whole (header, payload, CRC and, when ``incompat_flags`` bit 0 is set, the 13-byte
signature), whatever its defect; bytes that do not start a frame are skipped up to the next start
marker (0xFD or 0xFE) and counted once as ``mavlink_bad_frame``; a frame cut short by the end of the
payload is one ``mavlink_bad_frame``.
"""

from __future__ import annotations

import os

os.environ.setdefault("MAVLINK20", "1")  # read by pymavlink.mavutil; the dialect modules below are explicit

import struct
from dataclasses import dataclass, field
from importlib import metadata

from pymavlink.dialects.v10 import common as mavlink1
from pymavlink.dialects.v20 import common as mavlink2

PYMAVLINK_VERSION = metadata.version("pymavlink")

START_V1 = 0xFE
START_V2 = 0xFD
START_MARKERS = frozenset({START_V1, START_V2})
IFLAG_SIGNED = 0x01
V1_HEADER_LEN = 6
V2_HEADER_LEN = 10
CRC_LEN = 2
SIGNATURE_LEN = 13

#: Messages Haechi decodes: message id -> (pymavlink name, record kind in the ingest summary).
DECODED_BY_HAECHI = {
    0: ("HEARTBEAT", "heartbeat"),
    2: ("SYSTEM_TIME", "system_time"),
    24: ("GPS_RAW_INT", "gps_raw_int"),
    33: ("GLOBAL_POSITION_INT", "global_position_int"),
}

# Error reasons (docs/wire-formats.md).
BAD_FRAME = "mavlink_bad_frame"
CRC = "mavlink_crc"
UNKNOWN_MESSAGE = "mavlink_unknown_message"
INCOMPATIBLE_FLAGS = "mavlink_incompatible_flags"


def crc_extra(msgid: int) -> int:
    """The CRC_EXTRA byte of a common-dialect message."""
    return mavlink2.mavlink_map[msgid].crc_extra


def x25(data: bytes, extra: int) -> int:
    """CRC-16/MCRF4XX (X.25) of ``data`` followed by the ``extra`` byte, as MAVLink computes it."""
    crc = mavlink2.x25crc(data)
    crc.accumulate(bytes([extra]))
    return crc.crc


@dataclass(frozen=True)
class Frame:
    """One well-formed MAVLink frame and the values it carries."""

    data: bytes
    name: str
    msgid: int
    sysid: int
    compid: int
    seq: int
    version: int
    signed: bool
    fields: dict = field(hash=False)

    @property
    def decoded_by_haechi(self) -> bool:
        return self.msgid in DECODED_BY_HAECHI

    @property
    def record_kind(self) -> str:
        """The summary's record kind (``global_position_int``...); only for decoded messages."""
        return DECODED_BY_HAECHI[self.msgid][1]

    def outcome(self) -> dict:
        """The golden-vector outcome of this frame when Haechi decodes it."""
        return {"message": self.name, "msgid": self.msgid, "sysid": self.sysid, "compid": self.compid,
                "seq": self.seq, "signed": self.signed, "version": self.version, "fields": dict(self.fields)}


@dataclass(frozen=True)
class Piece:
    """Bytes of a MAVLink payload and the one outcome Haechi reports for them."""

    data: bytes
    frame: Frame | None = None  # set when Haechi decodes these bytes
    error: str | None = None  # set when Haechi counts them under a reason

    def outcome(self) -> dict:
        return self.frame.outcome() if self.frame is not None else {"error": self.error}


class FrameSource:
    """One MAVLink system/component packing frames with pymavlink.

    ``seq`` is the sequence number of the next frame; it advances by one per packed frame (mod 256)
    like an autopilot's, and can be set or skipped to make gaps on purpose.
    """

    def __init__(self, sysid: int, compid: int = 1, *, version: int = 2, seq: int = 0,
                 signing_key: bytes | None = None, link_id: int = 0, signing_timestamp: int = 0):
        if version not in (1, 2):
            raise ValueError("MAVLink version must be 1 or 2")
        self.version = version
        self._dialect = mavlink2 if version == 2 else mavlink1
        self._mav = self._dialect.MAVLink(None, sysid, compid)
        self._mav.seq = seq % 256
        if signing_key is not None:
            if version != 2:
                raise ValueError("only MAVLink v2 frames can be signed")
            self._mav.signing.secret_key = signing_key
            self._mav.signing.link_id = link_id
            self._mav.signing.timestamp = signing_timestamp
            self._mav.signing.sign_outgoing = True

    @property
    def sysid(self) -> int:
        return self._mav.srcSystem

    @property
    def compid(self) -> int:
        return self._mav.srcComponent

    @property
    def seq(self) -> int:
        return self._mav.seq

    @seq.setter
    def seq(self, value: int) -> None:
        self._mav.seq = value % 256

    def skip(self, count: int) -> None:
        """Leave out ``count`` sequence numbers, as if that many frames were lost."""
        self.seq = self.seq + count

    def frame(self, name: str, **fields) -> Frame:
        """Pack message ``name`` (pymavlink name, e.g. ``GLOBAL_POSITION_INT``) with the given fields."""
        msg = getattr(self._mav, name.lower() + "_encode")(**fields)
        seq = self._mav.seq
        data = bytes(msg.pack(self._mav, force_mavlink1=self.version == 1))
        self._mav.seq = (seq + 1) % 256
        values = {k: getattr(msg, k) for k in msg.fieldnames}
        return Frame(data=data, name=msg.msgname, msgid=msg.id, sysid=self.sysid, compid=self.compid,
                     seq=seq, version=self.version, signed=self._mav.signing.sign_outgoing, fields=values)

    def piece(self, name: str, **fields) -> Piece:
        """A frame as Haechi sees it: decoded, or ``mavlink_unknown_message`` for other message ids."""
        return good(self.frame(name, **fields))


def good(frame: Frame) -> Piece:
    """A frame as sent: decoded when Haechi knows the message id, else ``mavlink_unknown_message``."""
    if frame.decoded_by_haechi:
        return Piece(frame.data, frame=frame)
    return Piece(frame.data, error=UNKNOWN_MESSAGE)


def _crc_offset(frame: bytes) -> int:
    header = V2_HEADER_LEN if frame[0] == START_V2 else V1_HEADER_LEN
    return header + frame[1]


def crc_error(frame: Frame) -> Piece:
    """The frame with its CRC-16 damaged (every other byte intact)."""
    data = bytearray(frame.data)
    at = _crc_offset(data)
    data[at] ^= 0x5A
    data[at + 1] ^= 0xA5
    return Piece(bytes(data), error=CRC)


def cut_short(frame: Frame, keep: int) -> Piece:
    """The first ``keep`` bytes of the frame: a frame cut short by the end of the payload."""
    if not 0 < keep < len(frame.data):
        raise ValueError("keep must cut the frame")
    data = frame.data[:keep]
    if START_MARKERS & set(data[1:]):
        raise ValueError("the cut frame holds a start marker; its expectation would depend on resync details")
    return Piece(data, error=BAD_FRAME)


def garbage(data: bytes) -> Piece:
    """Bytes that do not start a frame (no start marker among them)."""
    if not data or START_MARKERS & set(data):
        raise ValueError("garbage must be non-empty and hold no start marker")
    return Piece(data, error=BAD_FRAME)


def v2_frame(*, msgid: int, payload: bytes, seq: int, sysid: int, compid: int,
             incompat_flags: int = 0, compat_flags: int = 0, signature: bytes = b"") -> bytes:
    """A raw MAVLink v2 frame with a correct CRC for ``msgid``'s CRC_EXTRA (payload taken as given)."""
    header = struct.pack("<BBBBBBB", START_V2, len(payload), incompat_flags, compat_flags, seq, sysid, compid)
    header += struct.pack("<I", msgid)[:3]
    body = header + payload
    return body + struct.pack("<H", x25(body[1:], crc_extra(msgid))) + signature


def split_v2(frame: Frame) -> tuple[int, bytes, bytes]:
    """(incompat_flags, payload, signature) of a v2 frame."""
    if frame.version != 2:
        raise ValueError("not a MAVLink v2 frame")
    data = frame.data
    payload = data[V2_HEADER_LEN:V2_HEADER_LEN + data[1]]
    signature = data[V2_HEADER_LEN + data[1] + CRC_LEN:]
    return data[2], payload, signature


def incompatible(frame: Frame, extra_flags: int) -> Piece:
    """The v2 frame with further ``incompat_flags`` bits set and its CRC recomputed, so only the flags are wrong."""
    if extra_flags & IFLAG_SIGNED or not extra_flags:
        raise ValueError("extra_flags must set a bit other than signing")
    flags, payload, signature = split_v2(frame)
    data = v2_frame(msgid=frame.msgid, payload=payload, seq=frame.seq, sysid=frame.sysid, compid=frame.compid,
                    incompat_flags=flags | extra_flags, signature=signature)
    return Piece(data, error=INCOMPATIBLE_FLAGS)


def extended(frame: Frame, extra: bytes) -> Piece:
    """The v2 frame with ``extra`` payload bytes appended (a newer message version); Haechi ignores them."""
    flags, payload, signature = split_v2(frame)
    if signature or not extra or extra[-1] == 0:
        raise ValueError("extend an unsigned frame with bytes that do not end in zero")
    full = payload.ljust(mavlink2.mavlink_map[frame.msgid].unpacker.size, b"\0") + extra
    data = v2_frame(msgid=frame.msgid, payload=full, seq=frame.seq, sysid=frame.sysid, compid=frame.compid,
                    incompat_flags=flags)
    return Piece(data, frame=Frame(data=data, name=frame.name, msgid=frame.msgid, sysid=frame.sysid,
                                   compid=frame.compid, seq=frame.seq, version=2, signed=False,
                                   fields=dict(frame.fields)))


def payload(pieces: list[Piece]) -> bytes:
    """The MAVLink payload made of ``pieces``, back to back."""
    return b"".join(p.data for p in pieces)


def pymavlink_decode(data: bytes) -> list[dict]:
    """The frames pymavlink decodes from ``data`` that Haechi must decode too, as golden outcomes.

    An independent cross-check of the expectations: pymavlink parses the same bytes; frames it
    accepts but Haechi rejects by contract (unknown ids, unknown incompat flags) are left out.
    """
    parser = mavlink2.MAVLink(None)
    parser.robust_parsing = True
    out = []
    for msg in parser.parse_buffer(data) or []:
        header = msg.get_header()
        if msg.get_msgId() not in DECODED_BY_HAECHI or header.incompat_flags & ~IFLAG_SIGNED:
            continue
        raw = msg.get_msgbuf()
        out.append({"message": msg.get_type(), "msgid": msg.get_msgId(), "sysid": msg.get_srcSystem(),
                    "compid": msg.get_srcComponent(), "seq": msg.get_seq(),
                    "signed": bool(header.incompat_flags & IFLAG_SIGNED),
                    "version": 2 if raw[0] == START_V2 else 1,
                    "fields": {k: getattr(msg, k) for k in msg.fieldnames}})
    return out
