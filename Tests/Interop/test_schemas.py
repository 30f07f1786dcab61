"""Checks of the JSON Schemas in docs/schemas: real scenario records, the contract's examples, hand-made
bad records, the interop peer's own payloads, and the summary ``haechi ingest`` writes.

``contract_errors`` is the schema plus the one rule JSON Schema cannot state (a batched scan's
``n_detections`` equals the length of ``detections``), i.e. what Haechi counts as ``schema_invalid``.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import haechi_peer as peer
from conftest import SCHEMA_DIR

SCHEMA_BASE = "https://haechi.dev/schemas/"
RECORD_SCHEMAS = ["meta", "sensor", "status", "scan", "detection", "truth", "track"]
REQUIRED_FILES = [f"{n}.schema.json" for n in RECORD_SCHEMAS] + ["telemetry-v1.schema.json",
                                                                  "ingest-summary.schema.json"]


def load_schemas() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(SCHEMA_DIR.glob("*.schema.json"))}


SCHEMAS = load_schemas()
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values())


def validator(file: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[file], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)


TELEMETRY = validator("telemetry-v1.schema.json")
SUMMARY = validator("ingest-summary.schema.json")


def contract_errors(record) -> list[str]:
    """Why Haechi must count ``record`` as schema_invalid (empty: it must accept it)."""
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in TELEMETRY.iter_errors(record)]
    if (not errors and record.get("type") == "scan" and "detections" in record and "n_detections" in record
            and record["n_detections"] != len(record["detections"])):
        errors.append("n_detections differs from the length of detections")
    return errors


# --------------------------------------------------------------------------------------------------
# The schema files


@pytest.mark.parametrize("file", sorted(SCHEMAS))
def test_schema_file_is_valid_and_described(file):
    schema = SCHEMAS[file]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_BASE + file
    assert schema.get("title") and schema.get("description")


def test_every_required_schema_exists():
    assert set(REQUIRED_FILES) <= set(SCHEMAS)


# --------------------------------------------------------------------------------------------------
# Good records


def test_every_scenario_line_validates(scenario_file):
    failures = []
    with open(scenario_file) as f:
        for number, line in enumerate(f, 1):
            if errors := contract_errors(json.loads(line)):
                failures.append(f"line {number}: {errors}")
    assert not failures, "\n".join(failures[:20])


GOOD_RECORDS = {
    # The examples of docs/wire-formats.md.
    "status_example": {"type": "status", "t_ns": 1748736016000000000, "sensor_id": "radar-1", "lat": 35.85,
                       "lon": 126.55, "alt": 15.2, "state": "ok", "seq": 17},
    "batched_scan_example": {"type": "scan", "t_ns": 1748736016000000000, "sensor_id": 0, "scan_id": 16,
                             "n_detections": 2, "detections": [
                                 {"det_id": 143, "range_m": 2189.99, "azimuth_deg": 132.16446,
                                  "elevation_deg": 6.897607},
                                 {"det_id": 144, "range_m": 811.2, "azimuth_deg": 20.5, "elevation_deg": 3.1}]},
    "track_example": {"type": "track", "track_id": 0, "t_ns": 1748736017000000000,
                      "enu": [1577.517, -1520.347, 282.745], "vel": [-5.319, -31.567, 0.402], "status": "updated",
                      "sensor_id": 0},
    # Variants the contract allows.
    "time_as_float_only": {"type": "truth", "t": 1748736016.5, "drone_id": "d-7", "lat": -33.9, "lon": -70.4,
                           "alt": -12.0},
    "azimuth_only_detection": {"type": "detection", "t_ns": 1748736016000000000, "sensor_id": "rf-1",
                               "scan_id": 0, "azimuth_deg": 360.0, "drone_id": None},
    "unknown_fields_ignored": {"type": "meta", "format": "my-sim/3", "vendor": {"anything": [1, "x", None]}},
    "rf_sensor": {"type": "sensor", "sensor_id": "rf-1", "kind": "rf", "measures": "azimuth"},
    "limits_inclusive": {"type": "status", "t_ns": 0, "sensor_id": 0, "lat": 90, "lon": -180, "alt": 0,
                         "state": "fault", "seq": 0},
}


@pytest.mark.parametrize("record", GOOD_RECORDS.values(), ids=GOOD_RECORDS.keys())
def test_good_record_validates(record):
    assert contract_errors(record) == []


# --------------------------------------------------------------------------------------------------
# Bad records

T = peer.T0_NS
BAD_RECORDS = {
    "no_time": {"type": "truth", "drone_id": 1, "lat": 35.0, "lon": 126.0, "alt": 1.0},
    "t_ns_float": {"type": "truth", "t_ns": 1.5, "drone_id": 1, "lat": 35.0, "lon": 126.0, "alt": 1.0},
    "drone_id_null_in_truth": {"type": "truth", "t_ns": T, "drone_id": None, "lat": 35.0, "lon": 126.0, "alt": 1.0},
    "lon_out_of_range": {"type": "truth", "t_ns": T, "drone_id": 1, "lat": 35.0, "lon": 180.5, "alt": 1.0},
    "vel_enu_four_numbers": {"type": "truth", "t_ns": T, "drone_id": 1, "lat": 35.0, "lon": 126.0, "alt": 1.0,
                             "vel_enu": [1, 2, 3, 4]},
    "elevation_out_of_range": {"type": "detection", "t_ns": T, "sensor_id": 0, "scan_id": 1, "azimuth_deg": 1.0,
                               "elevation_deg": -90.5},
    "detection_without_azimuth": {"type": "detection", "t_ns": T, "sensor_id": 0, "scan_id": 1, "range_m": 5.0},
    "negative_det_id": {"type": "detection", "t_ns": T, "sensor_id": 0, "scan_id": 1, "azimuth_deg": 1.0,
                        "det_id": -4},
    "sensor_id_float": {"type": "scan", "t_ns": T, "sensor_id": 1.5, "scan_id": 1},
    "negative_n_detections": {"type": "scan", "t_ns": T, "sensor_id": 0, "scan_id": 1, "n_detections": -1},
    "batched_without_azimuth": {"type": "scan", "t_ns": T, "sensor_id": 0, "scan_id": 1,
                                "detections": [{"range_m": 100.0}]},
    "detections_not_a_list": {"type": "scan", "t_ns": T, "sensor_id": 0, "scan_id": 1, "detections": {}},
    "unknown_state": {"type": "status", "t_ns": T, "sensor_id": 0, "lat": 35.0, "lon": 126.0, "alt": 1.0,
                      "state": "sleepy"},
    "track_without_enu": {"type": "track", "t_ns": T, "track_id": 3},
    "meta_without_format": {"type": "meta", "seed": 1},
    "sensor_without_kind": {"type": "sensor", "sensor_id": 0},
    "type_not_a_string": {"type": 7},
    "not_an_object": "status",
}


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_bad_record_fails(record):
    assert contract_errors(record) if isinstance(record, dict) else not TELEMETRY.is_valid(record)


# --------------------------------------------------------------------------------------------------
# The interop peer's payloads agree with the schemas


@pytest.mark.parametrize("reason,payload", [(r, p) for _, r, p in peer.BAD_JSON_PAYLOADS],
                         ids=[n for n, _, _ in peer.BAD_JSON_PAYLOADS])
def test_peer_bad_json_payload_is_rejected(reason, payload):
    if reason == "malformed_json":
        with pytest.raises(ValueError):
            json.loads(payload)
    else:
        record = json.loads(payload)
        assert not isinstance(record, dict) or contract_errors(record)


def test_peer_valid_json_payloads_validate(scenario_file):
    plan = peer.build_plan(scenario_file, inject_malformed=True, inject_extras=True)
    valid = [m for m in plan if m.parts[0].startswith(b"json/") and m.expect.records and not m.expect.malformed]
    assert len(valid) > 400
    failures = {m.parts[1][:120]: errs for m in valid if (errs := contract_errors(json.loads(m.parts[1])))}
    assert not failures


# --------------------------------------------------------------------------------------------------
# The ingest summary

EXAMPLE_SUMMARY = {
    "config_file": "/tmp/haechi.yaml", "ended_utc": "2026-11-24T21:00:05.456Z",
    "endpoints": [{"address": "tcp://127.0.0.1:7001", "frames_received": 3, "mode": "connect", "name": "sensors",
                   "socket": "pull"}],
    "format": "haechi-ingest-summary/1", "software": {"name": "haechi", "version": "0.1.0"},
    "sources": {
        "!bad-topic@sensors": {"bytes_received": 2, "first_receive_ns": 1795640400200000000, "first_t_ns": None,
                               "frames_malformed": 1, "frames_received": 1, "last_receive_ns": 1795640400200000000,
                               "last_t_ns": None, "malformed": {"bad_topic": 1}, "records": {},
                               "sequence": {"checked": 0, "gaps": 0, "missing": 0, "out_of_order": 0, "restarts": 0},
                               "truth_fixes": {}},
        "mavlink/drone-7": {"bytes_received": 83, "first_receive_ns": 1795640400100000000,
                            "first_t_ns": 1748736016000000000, "frames_malformed": 1, "frames_received": 2,
                            "last_receive_ns": 1795640400300000000, "last_t_ns": 1748736016000000000,
                            "malformed": {"mavlink_crc": 1},
                            "records": {"global_position_int": 1, "heartbeat": 1, "system_time": 1},
                            "sequence": {"checked": 3, "gaps": 1, "missing": 1, "out_of_order": 0, "restarts": 0},
                            "truth_fixes": {"system_time": 1}}},
    "started_utc": "2026-11-24T21:00:00.123Z", "stop_reason": "signal",
    "totals": {"bytes_received": 85, "frames_malformed": 2, "frames_received": 3,
               "malformed": {"bad_topic": 1, "mavlink_crc": 1},
               "records": {"global_position_int": 1, "heartbeat": 1, "system_time": 1},
               "sequence": {"checked": 3, "gaps": 1, "missing": 1, "out_of_order": 0, "restarts": 0},
               "truth_fixes": {"system_time": 1}},
}


def test_example_summary_validates():
    assert [e.message for e in SUMMARY.iter_errors(EXAMPLE_SUMMARY)] == []


@pytest.mark.parametrize("path,value", [
    (("stop_reason",), "crash"),
    (("sources", "mavlink/drone-7", "malformed", "mavlink_checksum"), 1),
    (("sources", "mavlink/drone-7", "records", "attitude"), 1),
    (("sources", "mavlink/drone-7", "sequence", "gaps"), -1),
    (("sources", "not a topic"), {}),
    (("totals", "frames_received"), "3"),
    (("started_utc",), "2026-11-24 21:00:00"),
], ids=["stop_reason", "unknown_reason", "unknown_record_kind", "negative_count", "bad_source_name",
        "count_as_string", "time_not_iso"])
def test_summary_schema_rejects(path, value):
    summary = json.loads(json.dumps(EXAMPLE_SUMMARY))
    node = summary
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert not SUMMARY.is_valid(summary)


def test_ingest_summary_validates(interop_run):
    summary = interop_run.run.summary()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in SUMMARY.iter_errors(summary)]
    assert not errors, "\n".join(errors[:20])
    unsorted = [path for path, keys in object_keys(summary) if keys != sorted(keys)]
    assert not unsorted, f"summary keys are not sorted at {unsorted}"


def object_keys(node, path="$"):
    """(path, keys in document order) of every object in a decoded JSON document."""
    if isinstance(node, dict):
        yield path, list(node)
        for key, value in node.items():
            yield from object_keys(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from object_keys(value, f"{path}[{i}]")
