"""Checks of the JSON Schemas in docs/schemas: real scenario records, the contract's examples, hand-made
good and bad records, the interop peer's own payloads, and the summary ``haechi ingest`` writes.

``contract_errors`` is the schema plus the one rule JSON Schema cannot state (a batched scan's
``n_detections`` equals the length of ``detections``), i.e. what Haechi counts as ``schema_invalid``.

The cross-check (``test_haechi_verdict_equals_schema_verdict``) sends every hand-made case to one real
``haechi ingest`` run, each on its own topic ``json/case-N``, and asserts that Haechi rejects exactly
the records the schemas reject, so the schemas and the decoder (Sources/TelemetryModel/WireRecord.swift)
cannot drift apart unnoticed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import haechi_peer as peer
from conftest import SCHEMA_DIR, run_publishing

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
    if (not errors and isinstance(record, dict) and record.get("type") == "scan"
            and isinstance(record.get("detections"), list) and record.get("n_detections") is not None
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


# --------------------------------------------------------------------------------------------------
# Hand-made cases: what the schemas say, and what Haechi's decoder says

#: A minimal valid record of each type; the cases below change one thing at a time.
BASE = {
    "meta": {"type": "meta", "format": "cuas-scenario/1"},
    "sensor": {"type": "sensor", "sensor_id": 0, "kind": "radar"},
    "status": {"type": "status", "t_ns": T, "sensor_id": "radar-1", "lat": 35.85, "lon": 126.55, "alt": 15.2},
    "scan": {"type": "scan", "t_ns": T, "sensor_id": 0, "scan_id": 1},
    "detection": {"type": "detection", "t_ns": T, "sensor_id": 0, "scan_id": 1, "azimuth_deg": 10.0},
    "truth": {"type": "truth", "t_ns": T, "drone_id": 1, "lat": 35.0, "lon": 126.0, "alt": 1.0},
    "track": {"type": "track", "t_ns": T, "track_id": 0, "enu": [1.0, 2.0, 3.0]},
}
DROP = object()  # a field value meaning: leave the field out
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def variant(record_type: str, /, **changes) -> dict:
    """BASE[record_type] with ``changes`` (DROP: field left out)."""
    record = dict(BASE[record_type])
    for key, value in changes.items():
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def batch(*detections) -> dict:
    return variant("scan", detections=list(detections))


#: (name, record, valid) with record a JSON value, or bytes sent as they are.
VARIANTS: list[tuple[str, object, bool]] = [
    # sensor: noise, rates and ranges >= 0, pd in [0, 1], measures a closed list
    ("sensor_sigmas_zero", variant("sensor", sigma_range_m=0, sigma_azimuth_deg=0.0, sigma_elevation_deg=0), True),
    ("sensor_sigma_range_negative", variant("sensor", sigma_range_m=-0.5), False),
    ("sensor_sigma_azimuth_negative", variant("sensor", sigma_azimuth_deg=-1e-9), False),
    ("sensor_sigma_elevation_negative", variant("sensor", sigma_elevation_deg=-2.0), False),
    ("sensor_sigma_is_string", variant("sensor", sigma_range_m="1.5"), False),
    ("sensor_scan_rate_zero", variant("sensor", scan_rate_hz=0), True),
    ("sensor_scan_rate_negative", variant("sensor", scan_rate_hz=-1.0), False),
    ("sensor_max_range_zero", variant("sensor", max_range_m=0.0), True),
    ("sensor_max_range_negative", variant("sensor", max_range_m=-100), False),
    ("sensor_pd_zero", variant("sensor", pd=0), True),
    ("sensor_pd_one", variant("sensor", pd=1), True),
    ("sensor_pd_above_one", variant("sensor", pd=1.0001), False),
    ("sensor_pd_negative", variant("sensor", pd=-0.01), False),
    ("sensor_measures_unknown", variant("sensor", measures="range"), False),
    ("sensor_measures_number", variant("sensor", measures=3), False),
    ("sensor_optionals_null", variant("sensor", scan_rate_hz=None, sigma_range_m=None, sigma_azimuth_deg=None,
                                      sigma_elevation_deg=None, pd=None, max_range_m=None, measures=None,
                                      enu=None, seq=None), True),
    # sensor: a position is optional, but lat needs lon and alt
    ("sensor_position", variant("sensor", lat=35.8, lon=126.5, alt=12.0), True),
    ("sensor_lat_without_lon", variant("sensor", lat=35.8, alt=12.0), False),
    ("sensor_lat_without_alt", variant("sensor", lat=35.8, lon=126.5), False),
    ("sensor_lat_null", variant("sensor", lat=None, lon=126.5, alt=12.0), False),
    ("sensor_lon_null", variant("sensor", lat=35.8, lon=None, alt=12.0), False),
    ("sensor_lat_out_of_range", variant("sensor", lat=-90.5, lon=126.5, alt=12.0), False),
    ("sensor_lon_and_alt_without_lat", variant("sensor", lon=126.5, alt=12.0), False),
    ("sensor_enu_two_numbers", variant("sensor", enu=[1.0, 2.0]), False),
    ("sensor_id_empty", variant("sensor", sensor_id=""), False),
    ("sensor_id_null", variant("sensor", sensor_id=None), False),
    ("sensor_kind_null", variant("sensor", kind=None), False),
    ("sensor_kind_number", variant("sensor", kind=1), False),
    # meta: origin needs lat, lon and alt
    ("meta_origin", variant("meta", origin={"lat": 35.85, "lon": 126.55, "alt": 5.0}), True),
    ("meta_origin_null", variant("meta", origin=None), True),
    ("meta_origin_without_alt", variant("meta", origin={"lat": 35.85, "lon": 126.55}), False),
    ("meta_origin_without_lat", variant("meta", origin={"lon": 126.55, "alt": 5.0}), False),
    ("meta_origin_empty", variant("meta", origin={}), False),
    ("meta_origin_lon_out_of_range", variant("meta", origin={"lat": 35.85, "lon": 180.01, "alt": 5.0}), False),
    ("meta_origin_not_an_object", variant("meta", origin=[35.85, 126.55, 5.0]), False),
    ("meta_optionals_null", variant("meta", epoch_ns=None, duration_s=None, seed=None), True),
    ("meta_seed_negative", variant("meta", seed=-1, duration_s=-5), True),
    ("meta_seed_beyond_int64", variant("meta", seed=INT64_MAX + 1), False),
    ("meta_epoch_ns_fraction", variant("meta", epoch_ns=1.5), False),
    ("meta_format_null", variant("meta", format=None), False),
    ("meta_format_number", variant("meta", format=1), False),
    # status
    ("status_state_null", variant("status", state=None), True),
    ("status_state_number", variant("status", state=0), False),
    ("status_alt_null", variant("status", alt=None), False),
    ("status_without_lon", variant("status", lon=DROP), False),
    # time
    ("time_t_only", variant("truth", t_ns=DROP, t=1748736016.25), True),
    ("time_t_ns_null_t_given", variant("truth", t_ns=None, t=1748736016.25), True),
    ("time_t_null_t_ns_given", variant("truth", t=None), True),
    ("time_both_null", variant("truth", t_ns=None, t=None), False),
    ("time_t_string_only", variant("truth", t_ns=DROP, t="1748736016"), False),
    ("time_t_near_limit", variant("truth", t_ns=DROP, t=-9.19e9), True),
    ("time_t_beyond_limit", variant("truth", t_ns=DROP, t=9.3e9), False),
    ("time_t_ns_int64_min", variant("truth", t_ns=INT64_MIN), True),
    ("time_t_ns_int64_max", variant("truth", t_ns=INT64_MAX), True),
    ("time_t_ns_beyond_int64", variant("truth", t_ns=INT64_MAX + 1), False),
    ("time_t_ns_exponent_form", b'{"type": "truth", "t_ns": 1748736016e9, "drone_id": 1, "lat": 35.0, '
                                b'"lon": 126.0, "alt": 1.0}', True),
    # seq
    ("seq_null", variant("status", seq=None), True),
    ("seq_int64_max", variant("status", seq=INT64_MAX), True),
    ("seq_beyond_int64", variant("status", seq=INT64_MAX + 1), False),
    ("seq_integral_float", variant("status", seq=3.0), True),
    ("seq_fraction", variant("status", seq=3.5), False),
    ("seq_string", variant("status", seq="3"), False),
    # identifiers: integers (64-bit) or non-empty strings; drone_id of a detection may be null
    ("detection_drone_id_null", variant("detection", drone_id=None), True),
    ("detection_drone_id_integer", variant("detection", drone_id=4), True),
    ("detection_drone_id_string", variant("detection", drone_id="d-4"), True),
    ("detection_drone_id_empty", variant("detection", drone_id=""), False),
    ("detection_drone_id_fraction", variant("detection", drone_id=1.5), False),
    ("detection_drone_id_bool", variant("detection", drone_id=True), False),
    ("detection_drone_id_object", variant("detection", drone_id={"id": 4}), False),
    ("truth_drone_id_empty", variant("truth", drone_id=""), False),
    ("truth_drone_id_int64_min", variant("truth", drone_id=INT64_MIN), True),
    ("truth_drone_id_beyond_int64", variant("truth", drone_id=INT64_MAX + 1), False),
    ("truth_drone_id_integral_float", variant("truth", drone_id=7.0), True),
    ("scan_sensor_id_empty", variant("scan", sensor_id=""), False),
    ("track_id_empty", variant("track", track_id=""), False),
    ("track_id_null", variant("track", track_id=None), False),
    # detection fields
    ("detection_optionals_null", variant("detection", range_m=None, elevation_deg=None, det_id=None, seq=None), True),
    ("detection_limits", variant("detection", range_m=0, azimuth_deg=0, elevation_deg=90, det_id=0), True),
    ("detection_azimuth_null", variant("detection", azimuth_deg=None), False),
    ("detection_azimuth_negative", variant("detection", azimuth_deg=-0.001), False),
    ("detection_range_string", variant("detection", range_m="5"), False),
    ("detection_det_id_integral_float", variant("detection", det_id=4.0), True),
    ("detection_scan_id_null", variant("detection", scan_id=None), False),
    # scan, batched
    ("scan_detections_null", variant("scan", n_detections=3, detections=None), True),
    ("scan_n_detections_null", variant("scan", n_detections=None, detections=[{"azimuth_deg": 1.0}]), True),
    ("scan_batched_fields_null", batch({"azimuth_deg": 1.0, "drone_id": None, "range_m": None, "det_id": None}), True),
    ("scan_batched_own_time_ignored", batch({"azimuth_deg": 1.0, "t_ns": "x", "sensor_id": "", "scan_id": -1}),
     True),
    ("scan_batched_element_null", batch(None), False),
    ("scan_batched_element_number", batch(5), False),
    ("scan_batched_drone_id_empty", batch({"azimuth_deg": 1.0, "drone_id": ""}), False),
    ("scan_batched_range_negative", batch({"azimuth_deg": 1.0, "range_m": -0.1}), False),
    ("scan_scan_id_null", variant("scan", scan_id=None), False),
    ("scan_scan_id_integral_float", variant("scan", scan_id=2.0), True),
    ("scan_n_detections_matches", batch({"azimuth_deg": 1.0}) | {"n_detections": 1}, True),
    # truth
    ("truth_vectors_null", variant("truth", enu=None, vel_enu=None), True),
    ("truth_vel_enu_with_string", variant("truth", vel_enu=[1.0, 2.0, "3"]), False),
    ("truth_enu_with_null", variant("truth", enu=[1.0, 2.0, None]), False),
    ("truth_lat_null", variant("truth", lat=None), False),
    # track
    ("track_optionals_null", variant("track", vel=None, status=None, sensor_id=None), True),
    ("track_sensor_id_empty", variant("track", sensor_id=""), False),
    ("track_status_number", variant("track", status=1), False),
    ("track_enu_null", variant("track", enu=None), False),
    # the record itself
    ("type_null", {"type": None}, False),
    ("type_capitalised", variant("truth", type="Truth"), False),
    ("empty_object", {}, False),
    ("json_null", None, False),
    ("json_number", 42, False),
]

#: Cases where the decoder and the schemas still disagree, each with the change WireRecord.swift needs.
#: The cross-check is expected to fail for them (strict xfail: it fails loudly once the decoder is fixed,
#: so the entry can be removed).
DECODER_DIFFERS: dict[str, str] = {}
VARIANTS += [
    ("time_t_ignored_when_t_ns_given", variant("truth", t="not a time"), False),
    ("time_t_out_of_range_when_t_ns_given", variant("truth", t=1e10), False),
    ("sensor_lon_string_without_lat", variant("sensor", lon="east"), False),
    ("sensor_lon_out_of_range_without_lat", variant("sensor", lon=200.0, alt=1.0), False),
]


@dataclass(frozen=True)
class Case:
    """A payload of a json/ topic and whether the contract accepts it."""

    name: str
    payload: bytes
    valid: bool

    @property
    def record(self):
        return json.loads(self.payload)


def _payload(record) -> bytes:
    return record if isinstance(record, bytes) else json.dumps(record).encode()


CASES: list[Case] = (
    [Case(f"good_{name}", _payload(r), True) for name, r in GOOD_RECORDS.items()]
    + [Case(f"bad_{name}", _payload(r), False) for name, r in BAD_RECORDS.items()]
    + [Case(f"peer_{name}", payload, False) for name, reason, payload in peer.BAD_JSON_PAYLOADS
       if reason == "schema_invalid"]
    + [Case(name, _payload(r), valid) for name, r, valid in VARIANTS]
)
assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"


def case_params():
    for case in CASES:
        marks = ()
        if case.name in DECODER_DIFFERS:
            marks = pytest.mark.xfail(strict=True, reason=f"decoder differs from the schema: {DECODER_DIFFERS[case.name]}")
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_schema_verdict(case):
    errors = contract_errors(case.record)
    assert (not errors) == case.valid, f"{case.payload!r}: expected {'valid' if case.valid else 'invalid'}, " \
                                       f"schema errors: {errors}"


def case_topic(index: int) -> str:
    return f"json/case-{index}"


@pytest.fixture(scope="module")
def haechi_case_sources(haechi_bin, tmp_path_factory) -> dict:
    """Every case sent once, each on its own topic json/case-N, to one ``haechi ingest`` run (PULL):
    the summary's sources."""
    messages = [peer.WireMessage((case_topic(i).encode(), case.payload), peer.Expect()) for i, case in enumerate(CASES)]
    run, _ = run_publishing(haechi_bin, tmp_path_factory.mktemp("schema-cases"), messages)
    assert run.process.returncode == 0, run.describe()
    return run.summary()["sources"]


def haechi_verdict(source: dict | None) -> str:
    """"valid" (decoded, nothing malformed), "invalid" (counted as schema_invalid), or what else happened."""
    if source is None:
        return "not received"
    if source["frames_received"] != 1:
        return f"received {source['frames_received']} times"
    malformed = {k: v for k, v in source["malformed"].items() if v}
    if not malformed and source["frames_malformed"] == 0 and sum(source["records"].values()) >= 1:
        return "valid"
    if malformed == {"schema_invalid": 1} and source["frames_malformed"] == 1:
        return "invalid"
    return f"malformed {malformed}, records {source['records']}"


@pytest.mark.parametrize("case", list(case_params()))
def test_haechi_verdict_equals_schema_verdict(case, haechi_case_sources):
    index = CASES.index(case)
    source = haechi_case_sources.get(case_topic(index))
    errors = contract_errors(case.record)
    schema = "invalid" if errors else "valid"
    haechi = haechi_verdict(source)
    assert haechi == schema, (f"{case_topic(index)} {case.payload!r}\nschemas: {schema} {errors}\n"
                              f"haechi: {haechi}\n{json.dumps(source, indent=1)}")
    if haechi == "valid":
        assert source["records"].get(case.record["type"]) == 1, source["records"]


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

NO_MAVLINK_LOSS = {"estimated": 0, "minimum": 0, "maximum": 0, "unbounded_gaps": 0, "unchecked_frames": 0}

EXAMPLE_SUMMARY = {
    "config_file": "/tmp/haechi.yaml", "ended_utc": "2026-11-24T21:00:05.456Z",
    "endpoints": [{"address": "tcp://127.0.0.1:7001", "connections": 1, "disconnects": 0, "frames_received": 3,
                   "max_message_bytes": 2097152, "mode": "connect", "name": "sensors", "reconnects": 0, "socket": "pull"}],
    "format": "haechi-ingest-summary/1", "software": {"name": "haechi", "version": "0.1.0"},
    "sources": {
        "!bad-topic@sensors": {"bytes_received": 2, "first_receive_ns": 1795640400200000000, "first_t_ns": None,
                               "frames_malformed": 1, "frames_shed": 0, "frames_received": 1, "last_receive_ns": 1795640400200000000,
                               "last_t_ns": None, "malformed": {"bad_topic": 1}, "records": {},
                               "sequence": {"checked": 0, "gaps": 0, "missing": 0, "out_of_order": 0, "restarts": 0},
                               "mavlink_loss": NO_MAVLINK_LOSS,
                               "truth_fixes": {}},
        "mavlink/drone-7": {"bytes_received": 83, "first_receive_ns": 1795640400100000000,
                            "first_t_ns": 1748736016000000000, "frames_malformed": 1, "frames_shed": 0, "frames_received": 2,
                            "last_receive_ns": 1795640400300000000, "last_t_ns": 1748736016000000000,
                            "malformed": {"mavlink_crc": 1},
                            "records": {"global_position_int": 1, "heartbeat": 1, "system_time": 1},
                            "sequence": {"checked": 3, "gaps": 1, "missing": 1, "out_of_order": 0, "restarts": 0},
                            "mavlink_loss": {"estimated": 1, "minimum": 1, "maximum": None, "unbounded_gaps": 1,
                                             "unchecked_frames": 0},
                            "truth_fixes": {"system_time": 1}}},
    "started_utc": "2026-11-24T21:00:00.123Z", "stop_reason": "signal",
    "pipeline": {"ring_slots": 65536, "arena_bytes": 67108864, "tracking_overload": "block", "producer_waits": 0},
    "totals": {"bytes_received": 85, "frames_malformed": 2, "frames_shed": 0, "frames_received": 3,
               "malformed": {"bad_topic": 1, "mavlink_crc": 1},
               "records": {"global_position_int": 1, "heartbeat": 1, "system_time": 1},
               "sequence": {"checked": 3, "gaps": 1, "missing": 1, "out_of_order": 0, "restarts": 0},
               "mavlink_loss": {"estimated": 1, "minimum": 1, "maximum": None, "unbounded_gaps": 1, "unchecked_frames": 0},
               "truth_fixes": {"system_time": 1}},
    "truth": {"drones": {"drone-7": {"bound_sender": "connection 1 from 127.0.0.1 on 'drones', topic mavlink/drone-7, system 7",
                                     "first_flag_receive_ns": None, "fixes_accepted": 1, "flagged": False,
                                     "handovers": 0, "jumps": 0, "largest_jump_m": None, "largest_jump_speed_mps": None,
                                     "other_sender_fixes": 0, "other_sender_names": [], "other_senders": 0,
                                     "reanchors": 0, "restarts": 0}},
              "fixes_beyond_drone_limit": 0, "flagged_drones": [], "handover_s": 2.0, "max_drones": 1024,
              "max_speed_mps": 150.0, "position_slack_m": 50.0, "unattributed_fixes": 0},
}


EXAMPLE_SECURITY = [{"connections_admitted": 2, "frames_refused": 1, "handshake_failures": 0, "mechanism": "CURVE",
                     "name": "sensors", "refused_plaintext": 3, "refused_unlisted_keys": 1}]
EXAMPLE_RECORDING = {"finalised": True, "fixes_overflowed": 0, "frames_lost": 0, "frames_overflowed": 0,
                     "frames_recorded": 3, "path": "Replays/run-20261124T210000Z.mcap", "run_id": "run-20261124T210000Z",
                     "sites_left_out": 0}
EXAMPLE_REPLAY = {"frames_published": 0, "frames_replayed": 3, "frames_skipped": 0, "real_time_factor": 12.5,
                  "recorded_seconds": 0.2, "recorded_track_lines": 0, "recording": "Replays/run-20261124T210000Z.mcap",
                  "recording_finalised": True, "run_id": "run-20261124T210000Z", "speed": "max", "track_lines": 0,
                  "tracks_match_recording": True, "wall_seconds": 0.016}


def example(**changes) -> dict:
    """EXAMPLE_SUMMARY with top-level keys replaced (a value of None removes the key)."""
    summary = json.loads(json.dumps(EXAMPLE_SUMMARY))
    for key, value in changes.items():
        if value is None:
            summary.pop(key, None)
        else:
            summary[key] = json.loads(json.dumps(value))
    return summary


def replay_example(**replay) -> dict:
    """A replay's summary: no ring (pipeline sizes 0), no sockets (no connection counters), stop reason
    end_of_recording, a replay object."""
    endpoints = [{k: v for k, v in e.items() if k not in ("connections", "disconnects", "reconnects")}
                 for e in EXAMPLE_SUMMARY["endpoints"]]
    return example(stop_reason="end_of_recording", replay={**EXAMPLE_REPLAY, **replay}, endpoints=endpoints,
                   pipeline={**EXAMPLE_SUMMARY["pipeline"], "ring_slots": 0, "arena_bytes": 0})


@pytest.mark.parametrize("summary", [
    EXAMPLE_SUMMARY,
    example(recording=EXAMPLE_RECORDING),
    example(security=EXAMPLE_SECURITY),
    example(stop_reason="recording_failure", recording={**EXAMPLE_RECORDING, "finalised": False, "frames_lost": 2,
                                                        "failure": "recording to x.mcap failed: File too large"}),
    replay_example(),
    replay_example(tracks_match_recording=None, frames_skipped=2),
    replay_example(tracks_match_recording=False, first_track_difference=4),
], ids=["live", "recorded", "security", "recording_failure", "replay", "replay_window", "replay_tracks_differ"])
def test_example_summary_validates(summary):
    assert [e.message for e in SUMMARY.iter_errors(summary)] == []


@pytest.mark.parametrize("summary", [
    example(recording={k: v for k, v in EXAMPLE_RECORDING.items() if k != "finalised"}),
    example(recording={**EXAMPLE_RECORDING, "frames_lost": -1}),
    example(recording={k: v for k, v in EXAMPLE_RECORDING.items() if k != "frames_overflowed"}),
    example(recording={**EXAMPLE_RECORDING, "extra": 1}),
    replay_example(speed=50),
    replay_example(first_track_difference=0),
    replay_example(recording_finalised=None),
    example(pipeline={**EXAMPLE_SUMMARY["pipeline"], "ring_slots": 0}),  # only a replay runs without the ring
    example(stop_reason="end_of_file"),
    example(security=[{**EXAMPLE_SECURITY[0], "mechanism": "PLAIN"}]),
    example(security=[{k: v for k, v in EXAMPLE_SECURITY[0].items() if k != "refused_unlisted_keys"}]),
], ids=["recording_without_finalised", "negative_lost", "recording_without_overflowed", "unknown_recording_key", "speed_not_a_string",
        "difference_at_line_0", "replay_without_finalised", "live_without_ring", "unknown_stop_reason",
        "unknown_mechanism", "security_without_unlisted_keys"])
def test_summary_schema_rejects_recording_and_replay(summary):
    if "replay" in summary:
        summary["replay"] = {k: v for k, v in summary["replay"].items() if v is not None}
    assert not SUMMARY.is_valid(summary)


@pytest.mark.parametrize("path,value", [
    (("stop_reason",), "crash"),
    (("sources", "mavlink/drone-7", "malformed", "mavlink_checksum"), 1),
    (("sources", "mavlink/drone-7", "records", "attitude"), 1),
    (("sources", "mavlink/drone-7", "sequence", "gaps"), -1),
    (("sources", "not a topic"), {}),
    (("totals", "frames_received"), "3"),
    (("started_utc",), "2026-11-24 21:00:00"),
    (("sources", "mavlink/drone-7", "mavlink_loss", "maximum"), -1),
    (("truth", "drones", "drone-7", "jumps"), -1),
    (("truth", "drones", "drone-7", "spoofed"), True),
    (("truth", "max_speed_mps"), 0),
], ids=["stop_reason", "unknown_reason", "unknown_record_kind", "negative_count", "bad_source_name",
        "count_as_string", "time_not_iso", "negative_loss_bound", "negative_jumps", "unknown_truth_key", "zero_speed_limit"])
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
