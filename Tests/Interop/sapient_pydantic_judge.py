"""Judges SAPIENT messages with PyPI ``sapient-pydantic`` (Dstl's ICD rules as pydantic models: UUID and
ULID formats, mandatory fields and one-ofs). It pins protobuf 7 and installs its own ``sapient_msg``, so
it runs in a venv of its own (.venv-sapient-pydantic, made by ``make venv``), called by
test_sapient_interop.py.

    stdin: a JSON list of hex-encoded serialized SapientMessages
    stdout: a JSON list of {"ok": bool, "error": str}
"""

import json
import sys

from sapient_msg.bsi_flex_335_v2_0 import sapient_message_pb2
from sapient_msg_pydantic.bsi_flex_335_v2_0.sapient_message import SapientMessage


def judge(data: bytes) -> dict:
    try:
        SapientMessage.from_pb2(sapient_message_pb2.SapientMessage.FromString(data)).to_pb2()
    except Exception as error:  # noqa: BLE001 - any refusal is the verdict
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "error": ""}


print(json.dumps([judge(bytes.fromhex(h)) for h in json.load(sys.stdin)]))
