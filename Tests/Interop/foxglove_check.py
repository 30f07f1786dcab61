"""Checks JSON-encoded Foxglove messages against Foxglove's own message definitions.

Foxglove publishes its schemas as protobuf (PyPI ``foxglove-schemas-protobuf``, generated from
foxglove/schemas) and as JSON Schemas; a ``json`` channel whose schema is named ``foxglove.X`` is read
as message ``X`` in Foxglove's JSON encoding. That encoding is the protobuf message's fields by their
names, except that a ``Timestamp`` or ``Duration`` is an object ``{"sec", "nsec"}``. So a message
is valid when, with its times rewritten to protobuf's JSON form, protobuf's strict JSON parser reads
it as that message: an unknown field, a mistyped value, a wrong nesting or a bad enum is an error.
Nothing here is Haechi code.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timezone

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor

TIME_TYPES = {"google.protobuf.Timestamp", "google.protobuf.Duration"}


def message_class(schema_name: str):
    """The protobuf class of ``foxglove.X``, from ``foxglove_schemas_protobuf.X_pb2``."""
    assert schema_name.startswith("foxglove."), schema_name
    name = schema_name.split(".", 1)[1]
    return getattr(importlib.import_module(f"foxglove_schemas_protobuf.{name}_pb2"), name)


def _time(value: dict, type_name: str, path: str) -> str:
    if not (isinstance(value, dict) and set(value) == {"sec", "nsec"}):
        raise ValueError(f"{path}: a time must be {{\"sec\", \"nsec\"}}, got {value!r}")
    sec, nsec = value["sec"], value["nsec"]
    if not (isinstance(sec, int) and isinstance(nsec, int) and 0 <= nsec < 1_000_000_000):
        raise ValueError(f"{path}: bad sec/nsec {value!r}")
    if type_name == "google.protobuf.Duration":
        return f"{sec + nsec / 1e9:.9f}s"
    if sec < 0:
        raise ValueError(f"{path}: a timestamp before 1970")
    return datetime.fromtimestamp(sec, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{nsec:09d}Z"


def _to_protobuf_json(value, descriptor: Descriptor, path: str):
    """``value`` (a dict in Foxglove's JSON encoding) with every time in protobuf's JSON form."""
    if not isinstance(value, dict):
        raise ValueError(f"{path}: expected an object for {descriptor.full_name}, got {type(value).__name__}")
    out = {}
    for key, item in value.items():
        field = descriptor.fields_by_name.get(key)
        if field is None:
            raise ValueError(f"{path}.{key}: {descriptor.full_name} has no field {key!r}")
        if field.type != FieldDescriptor.TYPE_MESSAGE:
            out[key] = item
            continue
        sub = field.message_type
        repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == FieldDescriptor.LABEL_REPEATED
        items = item if repeated else [item]
        if repeated and not isinstance(item, list):
            raise ValueError(f"{path}.{key}: expected a list")
        converted = [_time(x, sub.full_name, f"{path}.{key}") if sub.full_name in TIME_TYPES
                     else _to_protobuf_json(x, sub, f"{path}.{key}") for x in items]
        out[key] = converted if repeated else converted[0]
    return out


def parse(schema_name: str, message: dict):
    """The message as the protobuf class of ``schema_name``; raises ``ValueError`` or
    ``json_format.ParseError`` when it is not one."""
    cls = message_class(schema_name)
    return json_format.ParseDict(_to_protobuf_json(message, cls.DESCRIPTOR, schema_name), cls())
