"""Writes sapient_fixtures.json: SAPIENT messages serialized by Dstl's own classes (PyPI sapient-msg,
through Tests/Interop/sapient_node.py), each with what Haechi's validator must find in it. The Swift
tests decode them (Tests/SapientTests), and `make fuzz` seeds FuzzSapient with them.

    .venv/bin/python Tests/SapientTests/Fixtures/gen_sapient_fixtures.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Interop"))

import sapient_node as sn  # noqa: E402
from sapient_msg.bsi_flex_335_v2_0 import alert_pb2, registration_pb2  # noqa: E402

NODE = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
AT = 1_790_000_000.0   # every message's timestamp, s; the tests receive them at this time
OBJECT = "01JAAAAAAAAAAAAAAAAAAAAAA1"


def at(message):
    message.timestamp.FromNanoseconds(int(AT * 1e9))
    return message


def main() -> None:
    cases = []

    def case(name: str, message, problems: list[str]) -> None:
        cases.append({"name": name, "hex": at(message).SerializeToString().hex(), "problems": problems})

    case("registration", sn.registration(NODE), [])
    case("registration_rf", sn.registration(NODE, node_type=registration_pb2.Registration.NODE_TYPE_PASSIVE_RF), [])
    case("registration_old_icd", sn.registration(NODE, icd_version="BSI Flex 335 v1.0"), ["unknown_icd_version (registration.icd_version)"])
    case("status", sn.status(NODE, 35.86, 126.56, 31.0), [])
    case("detection_polar", sn.detection_polar(NODE, OBJECT, 1500.0, 45.0, 2.5, [("UAV", 0.9), ("Bird", 0.1)]), [])
    case("detection_location", sn.detection_location(NODE, OBJECT, 35.87, 126.57, 120.0), [])
    bad = sn.detection_polar(NODE, "not-a-ulid", 1500.0, 45.0, 2.5)
    case("detection_bad_object_id", bad, ["bad_identifier (detection_report.object_id)"])
    no_place = sn.detection_polar(NODE, OBJECT, 1500.0, 45.0, 2.5)
    no_place.detection_report.ClearField("range_bearing")
    case("detection_no_location", no_place, ["missing_field (detection_report.location_oneof)"])
    case("alert", sn.envelope(NODE, alert=alert_pb2.Alert(alert_id=OBJECT, description="drone inbound")), [])
    no_node = sn.detection_polar(NODE, OBJECT, 1500.0, 45.0, 2.5)
    no_node.ClearField("node_id")
    case("detection_no_node_id", no_node, ["missing_field (node_id)"])
    (HERE / "sapient_fixtures.json").write_text(json.dumps({"node": NODE, "received_at_ns": int(AT * 1e9), "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
