"""Tracks to a SAPIENT decision module, read with Dstl's own message classes and rules.

A live ingest run (the quickstart scenario pushed by ``haechi simulate``) with ``outputs.sapient`` on
connects to a TCP server here playing the decision module. What arrives is read with ``sapient-msg``
(BSI Flex 335 v2.0 protobuf classes): first a Registration of a fusion node, then StatusReports at
the configured interval and one DetectionReport per confirmed track per step, each behind its
4-octet little-endian length. Every message passes ``sapient-pydantic`` (the ICD's rules) where its
venv is there, and each DetectionReport matches the run's ``--tracks-out`` line: object id fixed per
track, WGS-84 location (pymap3d from the track's ENU), ENU velocity and the track number.
"""

from __future__ import annotations

import struct

import pymap3d
import pytest
from sapient_msg.bsi_flex_335_v2_0 import location_pb2, registration_pb2, sapient_message_pb2

from quickstart_run import TcpSink, run_quickstart
from test_sapient_interop import PYDANTIC_PYTHON, pydantic_judge

NODE = "0b8f3c6e-2a4d-4e1b-9c7a-5d6e7f8a9b0c"


def framed_messages(data: bytes) -> list[bytes]:
    """The messages of a SAPIENT stream, each behind its 4-octet little-endian length."""
    out, at = [], 0
    while at < len(data):
        (length,) = struct.unpack_from("<I", data, at)
        out.append(bytes(data[at + 4:at + 4 + length]))
        at += 4 + length
    assert at == len(data), "a message cut short"
    return out


def test_tracks_go_to_a_sapient_decision_module(haechi_bin, tmp_path):
    dmm = TcpSink()
    quickstart = run_quickstart(haechi_bin, tmp_path, outputs={"sapient": {"tcp": f"tcp://127.0.0.1:{dmm.port}", "node_id": NODE,
                                                                           "status_interval_s": 10}})
    raw = framed_messages(dmm.received())
    config, lines = quickstart.config, quickstart.lines
    messages = [sapient_message_pb2.SapientMessage.FromString(m) for m in raw]
    assert messages and all(m.node_id == NODE for m in messages)

    first = messages[0]
    assert first.WhichOneof("content") == "registration"
    assert first.registration.node_definition[0].node_type == registration_pb2.Registration.NODE_TYPE_FUSION_NODE
    detection_type = first.registration.mode_definition[0].detection_definition[0].location_type
    assert detection_type.location_units == location_pb2.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M
    assert detection_type.location_datum == location_pb2.LOCATION_DATUM_WGS84_E

    reports = [m for m in messages if m.WhichOneof("content") == "detection_report"]
    statuses = [m for m in messages if m.WhichOneof("content") == "status_report"]
    assert [m.WhichOneof("content") for m in messages[1:]].count("registration") == 0
    assert len(reports) == len(lines)
    span = (lines[-1]["t_ns"] - lines[0]["t_ns"]) / 1e9
    assert 1 <= len(statuses) <= span / 10 + 2

    origin = config["site"]["origin"]
    objects: dict[int, str] = {}
    for message, line in zip(reports, lines):
        report = message.detection_report
        assert objects.setdefault(line["track_id"], report.object_id) == report.object_id
        assert message.timestamp.seconds * 10**9 + message.timestamp.nanos == line["t_ns"]
        lat, lon, hae = pymap3d.enu2geodetic(*line["enu"], origin["lat"], origin["lon"], origin["alt"])
        assert abs(report.location.y - lat) < 1e-7 and abs(report.location.x - lon) < 1e-7 and abs(report.location.z - hae) < 0.01
        # Errors in the coordinates' units: degrees of longitude and latitude, metres of height. A
        # track's horizontal 1-σ is metres to tens of metres: 1e-7 to 1e-3 degrees.
        assert 1e-8 < report.location.x_error < 1e-2 and 1e-8 < report.location.y_error < 1e-2
        assert 0.1 < report.location.z_error < 1000
        assert report.location.coordinate_system == location_pb2.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M
        assert report.location.datum == location_pb2.LOCATION_DATUM_WGS84_E
        v = report.enu_velocity
        assert (round(v.east_rate, 3), round(v.north_rate, 3), round(v.up_rate, 3)) == tuple(line["vel"])
        assert [(i.type, i.value) for i in report.track_info] == [("haechi_track_id", str(line["track_id"]))]
    assert len(set(objects.values())) == len(objects)

    sent = quickstart.summary["outputs"]["sapient"]
    assert sent == {"registrations": 1, "detection_reports": len(reports), "status_reports": len(statuses), "dropped": 0}

    if not PYDANTIC_PYTHON.exists():
        pytest.skip("sapient-pydantic's venv is missing: the ICD rules were not checked (make venv makes it)")
    verdicts = pydantic_judge(raw)
    assert all(v["ok"] for v in verdicts), [v for v in verdicts if not v["ok"]][:3]
