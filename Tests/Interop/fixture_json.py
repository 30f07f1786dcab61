"""The layout of the committed JSON fixtures that independent libraries compute (geodesy: pymap3d;
intervals: scipy): sorted keys, one record per line, so that a regeneration diffs line by line.
Imported by the generators in Tests/*/Fixtures/."""

from __future__ import annotations

import json


def render(data: dict) -> str:
    """JSON with sorted keys and one record per line; checked to read back as `data`."""
    def dump(value) -> str:
        return json.dumps(value, sort_keys=True, allow_nan=False)

    lines = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list):
            rows = ",\n".join(f"  {dump(row)}" for row in value)
            lines.append(f" {dump(key)}: [\n{rows}\n ]")
        else:
            lines.append(f" {dump(key)}: {dump(value)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    assert json.loads(text) == data
    return text
