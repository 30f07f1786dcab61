"""A SAPIENT sensor node for the interop tests, built on Dstl's message classes (PyPI ``sapient-msg``).

Everything a node sends is made with ``sapient_msg``'s generated protobuf classes and framed as BSI
Flex 335 v2.0 says (a 4-byte little-endian length, then the message); nothing here shares code with
Haechi. ``Node`` keeps its own tally of what it sent, which the tests compare with Haechi's counters.
"""

from __future__ import annotations

import os
import socket
import struct
import time
import uuid

from sapient_msg.bsi_flex_335_v2_0 import (detection_report_pb2, location_pb2, range_bearing_pb2,
                                           registration_pb2, sapient_message_pb2, status_report_pb2)

ICD_VERSION = "BSI Flex 335 v2.0"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid() -> str:
    """A ULID (github.com/ulid/spec): 48 bits of milliseconds, 80 random bits, Crockford base 32."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def node_id() -> str:
    return str(uuid.uuid4())


def envelope(node: str, *, at: float | None = None, **content) -> sapient_message_pb2.SapientMessage:
    message = sapient_message_pb2.SapientMessage(node_id=node, **content)
    message.timestamp.FromNanoseconds(int((time.time() if at is None else at) * 1e9))
    return message


def registration(node: str, *, node_type=registration_pb2.Registration.NODE_TYPE_RADAR, icd_version: str = ICD_VERSION,
                 tracking=registration_pb2.Registration.TRACKING_TYPE_TRACK) -> sapient_message_pb2.SapientMessage:
    R = registration_pb2.Registration
    reg = R(icd_version=icd_version, name="test node", short_name="node")
    reg.node_definition.add(node_type=node_type)
    reg.capabilities.add(category="detection", type="range")
    reg.status_definition.status_interval.units = R.TIME_UNITS_SECONDS
    reg.status_definition.status_interval.value = 5.0
    mode = reg.mode_definition.add(mode_name="default", mode_type=R.MODE_TYPE_PERMANENT, tracking_type=tracking)
    mode.settle_time.units = R.TIME_UNITS_SECONDS
    mode.settle_time.value = 1.0
    # The ICD makes a mode's task definition mandatory: one area of interest, no commands.
    region = mode.task.region_definition
    region.region_type.append(R.REGION_TYPE_AREA_OF_INTEREST)
    area = region.region_area.add()
    area.location_units = location_pb2.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M
    area.location_datum = location_pb2.LOCATION_DATUM_WGS84_E
    definition = mode.detection_definition.add()
    definition.location_type.range_bearing_units = range_bearing_pb2.RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M
    definition.location_type.range_bearing_datum = range_bearing_pb2.RANGE_BEARING_DATUM_TRUE
    definition.detection_class_definition.add().class_definition.add(type="UAV")
    reg.config_data.add(manufacturer="Test Range", model="interop-node")
    return envelope(node, registration=reg)


def status(node: str, lat: float, lon: float, height: float) -> sapient_message_pb2.SapientMessage:
    S = status_report_pb2.StatusReport
    report = S(report_id=ulid(), system=S.SYSTEM_OK, info=S.INFO_NEW, mode="default")
    report.node_location.CopyFrom(location_pb2.Location(
        x=lon, y=lat, z=height, coordinate_system=location_pb2.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M,
        datum=location_pb2.LOCATION_DATUM_WGS84_E))
    return envelope(node, status_report=report)


def detection_polar(node: str, object_id: str, range_m: float, azimuth_deg: float, elevation_deg: float,
                    classes: list[tuple[str, float]] = (), *, at: float | None = None) -> sapient_message_pb2.SapientMessage:
    report = detection_report_pb2.DetectionReport(report_id=ulid(), object_id=object_id)
    report.range_bearing.CopyFrom(range_bearing_pb2.RangeBearing(
        range=range_m, azimuth=azimuth_deg, elevation=elevation_deg, range_error=5.0, azimuth_error=0.5,
        coordinate_system=range_bearing_pb2.RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M,
        datum=range_bearing_pb2.RANGE_BEARING_DATUM_TRUE))
    for name, confidence in classes:
        report.classification.add(type=name, confidence=confidence)
    return envelope(node, at=at, detection_report=report)


def detection_location(node: str, object_id: str, lat: float, lon: float, height: float) -> sapient_message_pb2.SapientMessage:
    report = detection_report_pb2.DetectionReport(report_id=ulid(), object_id=object_id)
    report.location.CopyFrom(location_pb2.Location(
        x=lon, y=lat, z=height, coordinate_system=location_pb2.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M,
        datum=location_pb2.LOCATION_DATUM_WGS84_E))
    return envelope(node, detection_report=report)


def frame(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


class Node:
    """One TCP connection to Haechi, as a SAPIENT node."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)

    def send(self, message) -> bytes:
        data = message if isinstance(message, bytes) else message.SerializeToString()
        self.sock.sendall(frame(data))
        return data

    def receive(self) -> sapient_message_pb2.SapientMessage:
        """The next message Haechi sends back (a RegistrationAck or an Error)."""
        (length,) = struct.unpack("<I", self._exactly(4))
        return sapient_message_pb2.SapientMessage.FromString(self._exactly(length))

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("Haechi closed the connection")
            data += chunk
        return data

    def close(self) -> None:
        self.sock.close()
