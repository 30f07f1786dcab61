"""SAPIENT (BSI Flex 335 v2.0) over TCP, against nodes built on Dstl's own message classes (PyPI
``sapient-msg``):

- ``haechi ingest`` with a ``sapient`` endpoint answers each Registration with a RegistrationAck
  (accepting a valid one from a node the range expects, refusing the others with reasons) and a message
  from a node that has not registered, or one that is no SapientMessage, with an Error;
- each node is its own source, ``sapient/<node-id>``, and every count (frames, records, each reject
  reason) equals the nodes' own tally exactly;
- a length prefix past ``max_frame_bytes`` and a connection that stalls mid-message are counted,
  recorded and closed, and never stop the other nodes;
- every message is recorded whole, on its node's ``protobuf`` channel, whose schema (a
  FileDescriptorSet) decodes it back to what the node sent;
- a replay of the recording counts exactly what the live run counted.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("sapient_msg", reason="sapient-msg is not installed (Tests/Interop/requirements.txt)")

import sapient_node as sn  # noqa: E402
import recordings  # noqa: E402
from conftest import ingest_config, launch_haechi, replayed_summary  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: E402
from sapient_msg.bsi_flex_335_v2_0 import alert_pb2, registration_pb2  # noqa: E402
from test_truth_integrity import free_port  # noqa: E402

RADAR = sn.node_id()          # configured, with a surveyed position: reports range and bearing
RF = sn.node_id()             # allowed by sapient.nodes, not configured: reports locations
STRANGER = sn.node_id()       # not expected by the range
RADAR_POSITION = (35.86, 126.56, 31.0)


@pytest.fixture(scope="module")
def sapient_run(haechi_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("sapient")
    port = free_port()
    config = ingest_config([{"name": "nodes", "address": f"tcp://127.0.0.1:{port}", "socket": "sapient", "mode": "bind",
                             "stall_timeout_ms": 500}])
    config["sensors"] = [{"id": "radar-sapient", "kind": "radar", "sapient": {"node_id": RADAR},
                          "position": {"lat": RADAR_POSITION[0], "lon": RADAR_POSITION[1], "alt": RADAR_POSITION[2]}}]
    config["sapient"] = {"nodes": [RF], "time_window_ms": {"past": 5000, "future": 1000}}
    config["limits"] = {"max_frame_bytes": 65536}
    run = launch_haechi(haechi_bin, work / "run", config, ("--idle-timeout", "3", "--duration", "60"))
    tally: dict[str, Counter] = {}
    sent: dict[str, list[bytes]] = {}
    replies: dict[str, list] = {}

    def count(source: str, data: bytes, **counts: int) -> None:
        tally.setdefault(source, Counter())["frames"] += 1
        tally[source].update(counts)
        sent.setdefault(source, []).append(data)

    try:
        time.sleep(0.5)
        radar = sn.Node(port)
        count(f"sapient/{RADAR}", radar.send(sn.registration(RADAR)), sensor=1)
        replies["radar"] = [radar.receive()]
        for i in range(30):
            classes = [("UAV", 0.9), ("Bird", 0.1)] if i % 3 else [("Bird", 0.6)]
            message = sn.detection_polar(RADAR, "01JAAAAAAAAAAAAAAAAAAAAAA1" if i < 15 else "01JAAAAAAAAAAAAAAAAAAAAAA2",
                                         1200 + 5 * i, (40 + i) % 360, 3.0, classes)
            count(f"sapient/{RADAR}", radar.send(message), detection=1)
            time.sleep(0.002)
        alert = sn.envelope(RADAR, alert=alert_pb2.Alert(alert_id=sn.ulid(), description="drone"))
        count(f"sapient/{RADAR}", radar.send(alert), sapient_alert=1)
        # Broken rules, each counted under its reason on the radar's source.
        bad_ulid = sn.detection_polar(RADAR, "not-a-ulid", 1000, 10, 1)
        count(f"sapient/{RADAR}", radar.send(bad_ulid), sapient_bad_identifier=1, malformed=1)
        stale = sn.detection_polar(RADAR, sn.ulid(), 1000, 10, 1, at=time.time() - 3600)
        count(f"sapient/{RADAR}", radar.send(stale), sapient_bad_time=1, malformed=1)
        no_object = sn.detection_polar(RADAR, sn.ulid(), 1000, 10, 1)
        no_object.detection_report.ClearField("object_id")
        count(f"sapient/{RADAR}", radar.send(no_object), sapient_missing_field=1, malformed=1)

        rf = sn.Node(port)
        count(f"sapient/{RF}", rf.send(sn.registration(RF, node_type=registration_pb2.Registration.NODE_TYPE_PASSIVE_RF,
                                                       tracking=registration_pb2.Registration.TRACKING_TYPE_NONE)), sensor=1)
        replies["rf"] = [rf.receive()]
        # A location before the node has said where it is cannot be placed.
        count(f"sapient/{RF}", rf.send(sn.detection_location(RF, sn.ulid(), 35.87, 126.57, 120.0)), detection=1,
              sapient_unsupported_location=1, malformed=1)
        count(f"sapient/{RF}", rf.send(sn.status(RF, 35.855, 126.555, 20.0)), status=1)
        for i in range(5):
            count(f"sapient/{RF}", rf.send(sn.detection_location(RF, sn.ulid(), 35.87, 126.57 + 0.001 * i, 120.0)), detection=1)

        # A node that never registers: counted, answered with an Error.
        lurker_id = sn.node_id()
        lurker = sn.Node(port)
        count(f"sapient/{lurker_id}", lurker.send(sn.detection_polar(lurker_id, sn.ulid(), 900, 5, 1)), sapient_unregistered=1,
              malformed=1)
        replies["lurker"] = [lurker.receive()]
        # A node the range does not expect: refused, and then unregistered.
        stranger = sn.Node(port)
        count(f"sapient/{STRANGER}", stranger.send(sn.registration(STRANGER)), sapient_unknown_node=1, malformed=1)
        replies["stranger"] = [stranger.receive()]
        count(f"sapient/{STRANGER}", stranger.send(sn.detection_polar(STRANGER, sn.ulid(), 900, 5, 1)), sapient_unregistered=1,
              malformed=1)
        replies["stranger"].append(stranger.receive())
        # An ICD version Haechi does not speak: refused.
        old = sn.node_id()
        legacy = sn.Node(port)
        count(f"sapient/{old}", legacy.send(sn.registration(old, icd_version="BSI Flex 335 v1.0")), sapient_unknown_icd_version=1,
              malformed=1)
        replies["legacy"] = [legacy.receive()]
        # Not a SapientMessage at all: the endpoint names the source.
        junk = bytes([0xff, 0xff, 0xff, 0xff, 0x0f])
        count("sapient/nodes", legacy.send(junk), sapient_malformed=1, malformed=1)
        replies["legacy"].append(legacy.receive())
        # A zero-length message: an empty frame, answered with an Error like any message from no node.
        count("sapient/nodes", legacy.send(b""), empty_frame=1, malformed=1)
        replies["legacy"].append(legacy.receive())
        # A length past max_frame_bytes: the stream cannot be resynchronised, so the connection closes.
        flood = sn.Node(port)
        flood.sock.sendall(struct.pack("<I", 1 << 30) + b"\x00" * 16)
        count("sapient/nodes", struct.pack("<I", 1 << 30) + b"\x00" * 16, sapient_oversize_length=1, malformed=1, transport=1)
        # Half a message, then nothing: closed after stall_timeout_ms.
        staller = sn.Node(port)
        half = sn.frame(sn.registration(sn.node_id()).SerializeToString())[:40]
        staller.sock.sendall(half)
        count("sapient/nodes", half, sapient_stalled=1, malformed=1, transport=1)
        time.sleep(1.5)
        # The radar goes on after all of that.
        for i in range(5):
            count(f"sapient/{RADAR}", radar.send(sn.detection_polar(RADAR, "01JAAAAAAAAAAAAAAAAAAAAAA2", 1400 + 5 * i, 80 + i, 3.0,
                                                                    [("UAV", 0.8)])), detection=1)
        time.sleep(0.3)
        for node in (radar, rf, lurker, stranger, legacy, flood, staller):
            node.close()
    except Exception:
        run.kill()
        raise
    assert run.wait() == 0, run.describe()
    run.check_recordings()
    return run, run.summary(), tally, sent, replies


def test_registrations_are_answered_as_the_icd_asks(sapient_run):
    _, _, _, _, replies = sapient_run
    for name in ("radar", "rf"):
        (ack,) = replies[name]
        assert ack.WhichOneof("content") == "registration_ack" and ack.registration_ack.acceptance, ack
        assert ack.destination_id == (RADAR if name == "radar" else RF)
        assert sn.uuid.UUID(ack.node_id).version == 4
    refused, error = replies["stranger"]
    assert refused.WhichOneof("content") == "registration_ack" and not refused.registration_ack.acceptance
    assert any("not one this range expects" in reason for reason in refused.registration_ack.ack_response_reason)
    assert error.WhichOneof("content") == "error" and "has not registered" in error.error.error_message[0]
    (lurker_error,) = replies["lurker"]
    assert lurker_error.WhichOneof("content") == "error" and lurker_error.error.packet  # the message it could not take
    legacy_ack, junk_error, empty_error = replies["legacy"]
    assert empty_error.WhichOneof("content") == "error" and empty_error.error.packet == b""
    assert not legacy_ack.registration_ack.acceptance
    assert any("unknown_icd_version" in reason for reason in legacy_ack.registration_ack.ack_response_reason)
    assert junk_error.WhichOneof("content") == "error" and junk_error.error.packet == bytes([0xff, 0xff, 0xff, 0xff, 0x0f])
    assert not junk_error.destination_id   # garbage names no node


def test_every_count_matches_the_nodes_tally(sapient_run):
    _, summary, tally, _, _ = sapient_run
    sources = summary["sources"]
    assert set(sources) == set(tally)
    for name, expected in tally.items():
        got = sources[name]
        records = {kind: expected[kind] for kind in ("sensor", "status", "detection", "sapient_alert") if expected[kind]}
        malformed = {k: v for k, v in expected.items() if (k.startswith("sapient_") and k != "sapient_alert") or k == "empty_frame"}
        assert (got["frames_received"], got["frames_malformed"]) == (expected["frames"], expected["malformed"]), (name, got)
        assert got.get("records", {}) == records, (name, got)
        assert got.get("malformed", {}) == malformed, (name, got)
    # The oversize and stalled connections, and the refused ones, never stopped the radar.
    assert sources[f"sapient/{RADAR}"]["records"]["detection"] == 35


def test_every_message_is_recorded_whole_and_decodes_with_its_schema(sapient_run):
    run, _, _, sent, _ = sapient_run
    (path,) = run.recordings()
    recording = recordings.read_recording(path)
    by_source: dict[str, list[bytes]] = {}
    for frame in recording.frames:
        parts = frame.parts
        # The transport's own verdicts carry a third part naming the reason.
        if len(parts) == 3:
            assert parts[2] in (b"oversize_length", b"stalled")
        by_source.setdefault(frame.source, []).append(parts[1])
    assert by_source == sent
    decoded = [frame for frame in recording.frames if frame.kind == "decoded"]
    assert {frame.encoding for frame in decoded} == {"protobuf"}
    # What Foxglove does: build the message class from the channel's schema, and decode.
    (schema,) = {recording.schemas[recording.channels[c].schema_id].id: recording.schemas[recording.channels[c].schema_id]
                 for c in recording.channels if recording.channels[c].message_encoding == "protobuf"}.values()
    assert schema.encoding == "protobuf" and schema.name == "sapient_msg.bsi_flex_335_v2_0.SapientMessage"
    pool = descriptor_pool.DescriptorPool()
    for file in descriptor_pb2.FileDescriptorSet.FromString(schema.data).file:
        pool.Add(file)
    cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(schema.name))
    for frame in decoded:
        theirs = sn.sapient_message_pb2.SapientMessage.FromString(frame.data)
        ours = cls.FromString(frame.data)
        assert ours.node_id == theirs.node_id and ours.WhichOneof("content") == theirs.WhichOneof("content")


def test_a_replay_counts_what_the_live_run_counted(haechi_bin, sapient_run, tmp_path):
    run, summary, _, _, _ = sapient_run
    (path,) = run.recordings()
    assert replayed_summary(haechi_bin, path, tmp_path)["sources"] == summary["sources"]


# sapient-pydantic (Dstl's ICD rules as pydantic models) in its own venv: it pins protobuf 7 and its own
# sapient_msg package. `make venv` makes it; without it these checks are skipped, and say so.
PYDANTIC_PYTHON = Path(__file__).resolve().parents[2] / ".venv-sapient-pydantic/bin/python"
JUDGE = Path(__file__).resolve().parent / "sapient_pydantic_judge.py"
#: The rules sapient-pydantic checks too (the ICD's mandatory fields, one-ofs and identifier formats);
#: the others (time window, ICD version, session, placement) are Haechi's or the session's own.
SHARED_RULES = {"sapient_malformed", "sapient_missing_field", "sapient_bad_identifier"}


def pydantic_judge(messages: list[bytes]) -> list[dict]:
    if not PYDANTIC_PYTHON.exists():
        pytest.skip(f"sapient-pydantic's venv is missing ({PYDANTIC_PYTHON}): make venv makes it")
    result = subprocess.run([str(PYDANTIC_PYTHON), str(JUDGE)], input=json.dumps([m.hex() for m in messages]),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sapient_pydantic_agrees_with_what_haechi_accepted_and_rejected(sapient_run):
    run, _, _, _, replies = sapient_run
    (path,) = run.recordings()
    recording = recordings.read_recording(path)
    accepted = [f.data for f in recording.frames if f.kind == "decoded"]
    flags = {index: flag for index, flag in recording.flags.items()}
    rejected = [(recording.frames[i].parts[1], flag["reason"]) for i, flag in flags.items()
                if flag.get("reason") in SHARED_RULES and len(recording.frames[i].parts) == 2]
    assert len(accepted) > 40 and {reason for _, reason in rejected} >= {"sapient_bad_identifier", "sapient_missing_field"}
    verdicts = pydantic_judge(accepted + [data for data, _ in rejected])
    for data, verdict in zip(accepted, verdicts):
        assert verdict["ok"], (verdict, data.hex())
    for (data, reason), verdict in zip(rejected, verdicts[len(accepted):]):
        assert not verdict["ok"], (reason, data.hex())
    # What Haechi sent back is valid SAPIENT too.
    sent_back = [reply.SerializeToString() for replies_of_one in replies.values() for reply in replies_of_one]
    assert all(v["ok"] for v in pydantic_judge(sent_back)), sent_back


def test_sapient_pydantic_agrees_with_haechi_on_the_fixtures():
    fixtures = json.loads((Path(__file__).resolve().parents[1] / "SapientTests/Fixtures/sapient_fixtures.json").read_text())
    verdicts = pydantic_judge([bytes.fromhex(case["hex"]) for case in fixtures["cases"]])
    for case, verdict in zip(fixtures["cases"], verdicts):
        shared = [p for p in case["problems"] if p.split(" ")[0] in {r.removeprefix("sapient_") for r in SHARED_RULES}]
        assert verdict["ok"] == (not shared), (case["name"], verdict)
