"""Reading Haechi's MCAP recordings (layout: docs/recording.md) with the PyPI ``mcap`` package, no Haechi code.

``read_recording`` walks a file with the streaming reader, in file order (which is receive order for
the frames), and sorts what it finds into frames, frame flags, track lines, channels and metadata.
``read_with_both_readers`` is the stand-in check when the shared validator
(``../shared/peers/mcap/validate_mcap.py``) is absent: the indexed and the streaming reader must see
the same messages, and every message on a ``json`` channel must parse.
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mcap.exceptions import EndOfFile
from mcap.reader import make_reader
from mcap.records import Channel, Chunk, Header, Message, Metadata, Schema
from mcap.stream_reader import StreamReader

MAGIC = b"\x89MCAP0\r\n"
PROFILE = "haechi"
MULTIPART_ENCODING = "haechi.zmq-multipart"
FLAGS_TOPIC = "haechi/frame_flags"
TRACKS_TOPIC = "haechi/tracks"
RUN_METADATA = "haechi.run"
END_METADATA = "haechi.run_end"
FRAME_KINDS = ("decoded", "malformed", "shed")


def decode_multipart(data: bytes) -> tuple[bytes, ...]:
    """The parts of a ``haechi.zmq-multipart`` message: each a u32 little-endian length and its bytes."""
    parts, at = [], 0
    while at < len(data):
        if at + 4 > len(data):
            raise ValueError(f"multipart message cut inside a length at byte {at}")
        (n,) = struct.unpack_from("<I", data, at)
        at += 4
        if at + n > len(data):
            raise ValueError(f"multipart part of {n} bytes runs past the end at byte {at}")
        parts.append(bytes(data[at:at + n]))
        at += n
    return tuple(parts)


def is_finalised(path: Path) -> bool:
    """Whether the file ends with the MCAP magic (a finalised file does; a crashed one does not)."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        if f.tell() < 16:
            return False
        f.seek(-8, 2)
        return f.read(8) == MAGIC


@dataclass
class Frame:
    """One received frame as recorded: on its source channel (decoded) or a malformed/shed channel."""

    topic: str  # the channel topic
    source: str  # the channel's `source` metadata: the topic the frame was counted under
    kind: str  # decoded, malformed or shed
    endpoint: str
    endpoint_index: int
    sequence: int
    log_time: int
    publish_time: int
    data: bytes
    encoding: str = ""  # the channel's message encoding

    @property
    def parts(self) -> tuple[bytes, ...]:
        """The ZeroMQ parts as received: [topic, payload] for a decoded frame on its own channel, else
        every part recorded (malformed and shed frames, and every frame on an overflow channel)."""
        if self.kind == "decoded" and self.encoding != MULTIPART_ENCODING:
            return (self.source.encode(), self.data)
        return decode_multipart(self.data)


@dataclass
class Recording:
    """What a recording holds, in file order."""

    path: Path
    profile: str = ""
    channels: dict[int, Channel] = field(default_factory=dict)
    schemas: dict[int, Schema] = field(default_factory=dict)
    #: Every message in file order: (channel topic, message).
    messages: list[tuple[str, Message]] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    #: Each malformed frame's `haechi/frame_flags` message, decoded, keyed by the frame's index in `frames`.
    flags: dict[int, dict] = field(default_factory=dict)
    #: `haechi/frame_flags` messages not followed by their malformed frame.
    stray_flags: list[dict] = field(default_factory=list)
    #: The live tracker's lines (`haechi/tracks`), in file order.
    track_lines: list[bytes] = field(default_factory=list)
    metadata: dict[str, dict[str, str]] = field(default_factory=dict)

    def counts(self) -> Counter:
        """Messages per channel topic."""
        return Counter(topic for topic, _ in self.messages)

    def frames_by_source(self) -> dict[str, list[Frame]]:
        out: dict[str, list[Frame]] = {}
        for frame in self.frames:
            out.setdefault(frame.source, []).append(frame)
        return out


def read_recording(path: Path, *, up_to_cut: bool = False) -> Recording:
    """Every record of ``path`` with the streaming reader (CRCs checked), sorted into a ``Recording``.

    ``up_to_cut``: the file may be cut short (a crash); reading stops at the cut, and the records of a
    chunk cut short are not read."""
    rec = Recording(Path(path))
    pending_flags: dict | None = None
    with open(path, "rb") as f:
        for record in _records(StreamReader(f, validate_crcs=True), up_to_cut):
            if isinstance(record, Schema):
                rec.schemas[record.id] = record
            elif isinstance(record, Channel):
                rec.channels[record.id] = record
            elif isinstance(record, Metadata):
                rec.metadata[record.name] = dict(record.metadata)
            elif isinstance(record, Message):
                channel = rec.channels[record.channel_id]
                rec.messages.append((channel.topic, record))
                meta = channel.metadata
                if channel.topic == FLAGS_TOPIC:
                    if pending_flags is not None:
                        rec.stray_flags.append(pending_flags)
                    pending_flags = json.loads(record.data)
                elif channel.topic == TRACKS_TOPIC:
                    rec.track_lines.append(bytes(record.data))
                elif meta.get("frames") in FRAME_KINDS:
                    frame = Frame(channel.topic, meta["source"], meta["frames"], meta["endpoint"],
                                  int(meta["endpoint_index"]), record.sequence, record.log_time, record.publish_time,
                                  bytes(record.data), channel.message_encoding)
                    # A malformed frame's reason, or a shed frame's size as it arrived when it is cut short.
                    if (frame.kind == "malformed" or frame.kind == "shed") and pending_flags is not None:
                        rec.flags[len(rec.frames)] = pending_flags
                        pending_flags = None
                    rec.frames.append(frame)
            elif isinstance(record, Header):
                rec.profile = record.profile
    if pending_flags is not None:
        rec.stray_flags.append(pending_flags)
    return rec


def _records(reader: StreamReader, up_to_cut: bool):
    iterator = iter(reader.records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except EndOfFile:
            if up_to_cut:
                return
            raise
        yield record


def read_with_both_readers(path: Path) -> Counter:
    """The shared validator's core, for when it is absent: the indexed reader (``make_reader``, CRCs
    checked) and the streaming reader return the same messages, the file is finalised, and every
    ``json`` channel's messages and every ``jsonschema`` schema parse. Returns messages per topic."""
    assert is_finalised(path), f"{path} is not finalised (no trailing magic)"
    streamed = read_recording(path)
    with open(path, "rb") as f:
        reader = make_reader(f, validate_crcs=True)
        summary = reader.get_summary()
        assert summary is not None and summary.statistics is not None, f"{path}: no summary or statistics"
        indexed = [(channel.topic, message.sequence, message.log_time, bytes(message.data))
                   for _, channel, message in reader.iter_messages(log_time_order=False)]
    assert Counter(t for t, *_ in indexed) == streamed.counts(), f"{path}: the indexed and streaming readers differ"
    assert sorted(indexed) == sorted((t, m.sequence, m.log_time, bytes(m.data)) for t, m in streamed.messages)
    assert summary.statistics.message_count == len(indexed)
    for schema in streamed.schemas.values():
        if schema.encoding == "jsonschema":
            json.loads(schema.data)
    json_channels = {c.topic for c in streamed.channels.values() if c.message_encoding == "json"}
    for channel in streamed.channels.values():
        if channel.message_encoding == "json":  # what Foxglove needs to decode a json channel
            schema = streamed.schemas.get(channel.schema_id)
            assert schema is not None and schema.encoding == "jsonschema", f"{path}: {channel.topic} has no jsonschema"
    for topic, message in streamed.messages:
        if topic in json_channels:
            json.loads(message.data)
    return streamed.counts()
