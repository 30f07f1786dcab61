"""Fixtures of Haechi's interop tests: the scenario input, the haechi binary and runs of ``haechi ingest``
and ``haechi simulate``.

- Scenario: when the Stone Soup peer's generator exists at ``../shared/peers/stonesoup/scenario.py``
  (relative to the repository root), a fresh scenario is generated with ``SCENARIO_FLAGS`` by this
  Python; otherwise the committed ``Replays/fixtures/interop-scenario.jsonl`` is used, and the
  report says so.
- Binary: the path in ``$HAECHI_BIN`` (the Makefile sets it). Tests that run Haechi are skipped
  when it is unset, and fail when it names no executable.
- ``interop_run``: one full ingest run for the session (scenario plus every injection) whose
  summary and publisher tally several tests read.
- ``launch_simulate``: runs of ``haechi simulate`` in the repository root, on the sample scenarios of
  ``Config/scenarios``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import haechi_peer as peer

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The shared peers: $HAECHI_SHARED (the Makefile passes ../shared) or ../shared beside the checkout.
SHARED_DIR = Path(os.environ.get("HAECHI_SHARED") or REPO_ROOT.parent / "shared")
if not SHARED_DIR.is_absolute():
    SHARED_DIR = (REPO_ROOT / SHARED_DIR).resolve()
STONESOUP_DIR = SHARED_DIR / "peers/stonesoup"
STONESOUP_SCENARIO = STONESOUP_DIR / "scenario.py"
STONESOUP_TRACKER = STONESOUP_DIR / "track_stonesoup.py"
STONESOUP_METRICS = STONESOUP_DIR / "metrics_stonesoup.py"
SCENARIO_DIR = REPO_ROOT / "Config/scenarios"
FIXTURE_SCENARIO = REPO_ROOT / "Replays/fixtures/interop-scenario.jsonl"
SCENARIO_FLAGS = ("--targets", "3", "--sensors", "2", "--duration", "30", "--clutter", "2", "--seed", "7")
SCHEMA_DIR = REPO_ROOT / "docs/schemas"
LOCALHOST_ANY_PORT = "tcp://127.0.0.1:*"
EXIT_TIMEOUT_S = 150  # longer than the --duration 120 of the runs, so a run that ignores idle still ends

_scenario_note: list[str] = []


def peers_present() -> bool:
    return STONESOUP_SCENARIO.is_file()


def single_threaded_env() -> dict:
    """The environment with BLAS pinned to one thread, for the Stone Soup peer's scripts."""
    return dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")


def generate_scenario(out: Path) -> Path:
    """Run the Stone Soup peer's generator with ``SCENARIO_FLAGS`` (numpy single-threaded)."""
    subprocess.run([sys.executable, str(STONESOUP_SCENARIO), *SCENARIO_FLAGS, "--out", str(out)],
                   check=True, capture_output=True, env=single_threaded_env(), timeout=120)
    return out


@pytest.fixture(scope="session")
def scenario_file(tmp_path_factory) -> Path:
    """The cuas-scenario/1 file the interop tests stream."""
    if peers_present():
        path = generate_scenario(tmp_path_factory.mktemp("scenario") / "interop-scenario.jsonl")
        _scenario_note.append(f"interop scenario: generated fresh by {STONESOUP_SCENARIO}")
        return path
    _scenario_note.append(f"interop scenario: shared peers absent ({STONESOUP_SCENARIO} not found); "
                          f"using the committed {FIXTURE_SCENARIO.relative_to(REPO_ROOT)}")
    return FIXTURE_SCENARIO


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _scenario_note:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def haechi_bin() -> Path:
    value = os.environ.get("HAECHI_BIN")
    if not value:
        pytest.skip("HAECHI_BIN is not set: build haechi and set it (the Makefile does) to run the tests that run it")
    path = Path(value)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"HAECHI_BIN={value} is not an executable file")
    return path


# --------------------------------------------------------------------------------------------------
# Running haechi


def ingest_config(endpoints: list[dict], *, origin: dict | None = None) -> dict:
    """An ingest configuration for the tests (the site of the scenario generator by default)."""
    return {
        "site": {"name": "Haechi interop test",
                 "origin": origin or {"lat": 35.85, "lon": 126.55, "alt": 5.0},
                 "geoid_separation_m": peer.GEOID_SEPARATION_M},
        "endpoints": endpoints,
        "limits": {"max_frame_bytes": peer.DEFAULT_MAX_FRAME_BYTES},
    }


def pull_endpoint(name: str, address: str, **extra) -> dict:
    return {"name": name, "address": address, "socket": "pull", "mode": "connect", **extra}


def sub_endpoint(name: str, address: str, topics: list[str], **extra) -> dict:
    return {"name": name, "address": address, "socket": "sub", "mode": "connect", "topics": topics, **extra}


@dataclass
class HaechiRun:
    """One ``haechi ingest`` or ``haechi simulate`` process; its output goes to files in ``workdir``."""

    process: subprocess.Popen
    workdir: Path
    config: Path | None  # the ingest config; None for simulate
    summary_path: Path
    argv: tuple[str, ...] = ()

    @property
    def stderr(self) -> str:
        return (self.workdir / "stderr.txt").read_text(errors="replace")

    @property
    def stdout(self) -> str:
        return (self.workdir / "stdout.txt").read_text(errors="replace")

    def describe(self) -> str:
        """Exit status and the end of the output, for assertion messages."""
        what = f"haechi ingest (config {self.config})" if self.config else " ".join(self.argv)
        return (f"{what} exit {self.process.returncode}\n"
                f"--- stderr (tail) ---\n{self.stderr[-3000:]}\n--- stdout (tail) ---\n{self.stdout[-1500:]}")

    def wait(self, timeout: float = EXIT_TIMEOUT_S) -> int:
        """Wait for the process to exit; kill it and fail the test if it does not in time."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"haechi did not exit within {timeout} s\n{self.describe()}")

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def summary(self) -> dict:
        assert self.summary_path.is_file(), f"no summary written at {self.summary_path}\n{self.describe()}"
        return json.loads(self.summary_path.read_text())


def _spawn(argv: list[str], workdir: Path, *, cwd: Path | None = None) -> subprocess.Popen:
    """Start ``argv`` with its stdout and stderr going to files in ``workdir``."""
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        return subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)


def launch_haechi(binary: Path, workdir: Path, config: dict | str, args: tuple[str, ...] = ()) -> HaechiRun:
    """Write ``config`` (a dict, dumped as YAML, or YAML text) and start ``haechi ingest`` on it."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "haechi.yaml"
    config_path.write_text(config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False))
    summary_path = workdir / "summary.json"
    argv = [str(binary), "ingest", "--config", str(config_path), "--summary", str(summary_path), *args]
    return HaechiRun(_spawn(argv, workdir), workdir, config_path, summary_path, tuple(argv))


def launch_simulate(binary: Path, workdir: Path, args: tuple[str, ...]) -> HaechiRun:
    """Start ``haechi simulate --summary <workdir>/summary.json ARGS`` in the repository root (so the
    sample scenarios can be named ``Config/scenarios/...``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    summary_path = workdir / "summary.json"
    argv = [str(binary), "simulate", *args, "--summary", str(summary_path)]
    return HaechiRun(_spawn(argv, workdir, cwd=REPO_ROOT), workdir, None, summary_path, tuple(argv))


@pytest.fixture
def start_haechi(haechi_bin, tmp_path):
    """Factory: ``start_haechi(config, *args)``; leftover processes are killed after the test."""
    runs: list[HaechiRun] = []

    def start(config: dict | str, *args: str) -> HaechiRun:
        run = launch_haechi(haechi_bin, tmp_path / f"run{len(runs)}", config, args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()


def run_publishing(binary: Path, workdir: Path, messages: list[peer.WireMessage], *, origin: dict | None = None,
                   pull_extra: dict | None = None) -> tuple[HaechiRun, dict]:
    """Run ``haechi ingest --idle-timeout 5 --duration 120`` while publishing ``messages``.

    Two endpoints: ``sensors`` (PULL; Python PUSH binds an ephemeral port, Haechi connects) for
    everything but ``mavlink/`` topics, and ``drones`` (SUB on ``mavlink/``; Python XPUB binds, and
    publishing starts only once Haechi's subscription has arrived). Returns the finished run and
    the publisher's tally.
    """
    with peer.Publisher(LOCALHOST_ANY_PORT, pub=LOCALHOST_ANY_PORT, bind=True, push_name="sensors",
                        pub_name="drones") as publisher:
        config = ingest_config([
            pull_endpoint("sensors", publisher.push_endpoint, **(pull_extra or {"receive_hwm": 100000})),
            sub_endpoint("drones", publisher.pub_endpoint, ["mavlink/"], receive_hwm=100000),
        ], origin=origin)
        run = launch_haechi(binary, workdir, config, ("--idle-timeout", "5", "--duration", "120"))
        try:
            publisher.wait_for_subscription(timeout_s=30)
            publisher.publish(messages)
        except Exception as error:
            run.kill()
            publisher.close(linger_ms=0)
            raise RuntimeError(f"publishing to haechi failed: {error!r}\n{run.describe()}") from error
    run.wait()
    return run, publisher.tally.as_dict()


@dataclass
class InteropResult:
    run: HaechiRun
    tally: dict
    plan: list[peer.WireMessage]


@pytest.fixture(scope="session")
def interop_run(haechi_bin, scenario_file, tmp_path_factory) -> InteropResult:
    """The scenario with every injection, published to one ``haechi ingest`` run."""
    plan = peer.build_plan(scenario_file, inject_malformed=True, inject_extras=True,
                           max_frame_bytes=peer.DEFAULT_MAX_FRAME_BYTES)
    origin = peer.load_scenario(scenario_file)[0].record["origin"]
    run, tally = run_publishing(haechi_bin, tmp_path_factory.mktemp("interop"), plan, origin=origin)
    return InteropResult(run, tally, plan)
