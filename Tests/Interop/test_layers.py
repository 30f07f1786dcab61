"""The package's layers, read from SwiftPM itself: the configuration layer, the transports' settings,
the pipeline's core and the web view never reach libzmq, so they build and are tested without it."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import REPO_ROOT

WITHOUT_LIBZMQ = ["TestbedConfiguration", "TransportSettings", "TelemetryIngest", "LiveView", "Tracking", "Evaluation"]


@pytest.mark.skipif(shutil.which("swift") is None, reason="no swift on PATH")
def test_configuration_and_core_do_not_depend_on_libzmq():
    described = subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=REPO_ROOT, capture_output=True, text=True,
                               timeout=300, check=True)
    targets = {t["name"]: t for t in json.loads(described.stdout[described.stdout.index("{"):])["targets"]}

    def closure(name: str) -> set[str]:
        seen, stack = set(), [name]
        while stack:
            for dependency in targets.get(stack.pop(), {}).get("target_dependencies", []):
                if dependency not in seen:
                    seen.add(dependency)
                    stack.append(dependency)
        return seen

    for name in WITHOUT_LIBZMQ:
        assert name in targets, name
        reached = closure(name)
        assert not reached & {"ZeroMQ", "CLibZMQ", "ZeroMQIngest"}, f"{name} reaches {sorted(reached & {'ZeroMQ', 'CLibZMQ', 'ZeroMQIngest'})}"
    # ...and the runtime, which runs them, does.
    assert "ZeroMQ" in closure("TestbedRuntime")
