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
- Recordings: every ``haechi ingest`` the tests start records into its own work folder
  (``--record-dir <workdir>/recordings``), never into the repository's ``Replays/``, and every
  recording it leaves is checked when the run (or the test) ends by the shared validator,
  ``../shared/peers/mcap/validate_mcap.py --foxglove --expect-json`` (both PyPI ``mcap`` readers). When
  that validator is absent, ``recordings.read_with_both_readers`` reads each file instead, and the
  report says that the validation was skipped.
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
import zmq

import haechi_peer as peer
import recordings

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The shared peers: $HAECHI_SHARED (the Makefile passes ../shared) or ../shared beside the checkout.
SHARED_DIR = Path(os.environ.get("HAECHI_SHARED") or REPO_ROOT.parent / "shared")

# The range's signing key (which signs every run-log entry) lives outside Replays/, by default in
# ~/.config/haechi. The tests give every haechi they start one key of their own, made on first use in a
# private temporary folder, so that they neither read nor make the user's key.
if not os.environ.get("HAECHI_RANGE_KEY"):
    import tempfile
    os.environ["HAECHI_RANGE_KEY"] = str(Path(tempfile.mkdtemp(prefix="haechi-range-key-")) / "range-signing.key")

if not SHARED_DIR.is_absolute():
    SHARED_DIR = (REPO_ROOT / SHARED_DIR).resolve()
STONESOUP_DIR = SHARED_DIR / "peers/stonesoup"
STONESOUP_SCENARIO = STONESOUP_DIR / "scenario.py"
STONESOUP_TRACKER = STONESOUP_DIR / "track_stonesoup.py"
STONESOUP_METRICS = STONESOUP_DIR / "metrics_stonesoup.py"
MCAP_PEER_DIR = SHARED_DIR / "peers/mcap"
MCAP_VALIDATOR = MCAP_PEER_DIR / "validate_mcap.py"
MCAP_VALIDATE_TIMEOUT_S = 300
#: The folder, inside a run's work folder, that ``haechi ingest`` records into.
RECORDINGS = "recordings"
SCENARIO_DIR = REPO_ROOT / "Config/scenarios"
FIXTURE_SCENARIO = REPO_ROOT / "Replays/fixtures/interop-scenario.jsonl"
SCENARIO_FLAGS = ("--targets", "3", "--sensors", "2", "--duration", "30", "--clutter", "2", "--seed", "7")
SCHEMA_DIR = REPO_ROOT / "docs/schemas"
LOCALHOST_ANY_PORT = "tcp://127.0.0.1:*"
EXIT_TIMEOUT_S = 150  # longer than the --duration 120 of the runs, so a run that ignores idle still ends

_scenario_note: list[str] = []
_mcap_note: list[str] = []


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
    for line in _scenario_note + _mcap_note:
        terminalreporter.write_line(line)


# --------------------------------------------------------------------------------------------------
# Checking recordings


def mcap_peer_present() -> bool:
    return MCAP_VALIDATOR.is_file()


def validate_recording(path: Path, *, allow_truncated: bool = False) -> str:
    """Check one MCAP file with ``validate_mcap.py --foxglove --expect-json`` (plus ``--allow-truncated``
    for a file a crash left unfinished) and return its report; fail the test when it is not valid.

    Without ``../shared/peers/mcap``, the validation is skipped (the terminal summary says so) and the
    file is read with both PyPI ``mcap`` readers instead (finalised files only)."""
    if mcap_peer_present():
        argv = [sys.executable, str(MCAP_VALIDATOR), "--foxglove", "--expect-json",
                *(["--allow-truncated"] if allow_truncated else []), str(path)]
        result = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=MCAP_VALIDATE_TIMEOUT_S)
        assert result.returncode == 0, (f"{MCAP_VALIDATOR} {' '.join(argv[2:])} exited {result.returncode}:\n"
                                        f"{result.stdout[-6000:]}{result.stderr[-2000:]}")
        return result.stdout
    note = (f"MCAP validation skipped: {MCAP_PEER_DIR} not present; recordings were read with the PyPI "
            f"mcap readers (indexed and streaming) only")
    if note not in _mcap_note:
        _mcap_note.append(note)
    if allow_truncated and not recordings.is_finalised(path):
        recordings.read_recording(path, up_to_cut=True)  # everything before the cut must read
        return ""
    recordings.read_with_both_readers(path)
    return ""


def check_recordings(record_dir: Path | None, *, allow_unfinished: bool = False) -> list[Path]:
    """Validate every ``.mcap`` file in ``record_dir`` (none when it does not exist); return them, sorted.

    A file that was never finalised fails, unless ``allow_unfinished`` (the run was killed or failed),
    in which case everything before the cut must read."""
    if record_dir is None or not record_dir.is_dir():
        return []
    files = sorted(record_dir.glob("*.mcap"))
    for path in files:
        unfinished = not recordings.is_finalised(path)
        assert allow_unfinished or not unfinished, f"{path} was never finalised, though its run stopped cleanly"
        validate_recording(path, allow_truncated=unfinished)
    return files


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
    record_dir: Path | None = None  # where ingest records (None: simulate, or --no-record)

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

    def recordings(self) -> list[Path]:
        """The ``.mcap`` files in the run's record folder, sorted."""
        return sorted(self.record_dir.glob("*.mcap")) if self.record_dir and self.record_dir.is_dir() else []

    def check_recordings(self) -> list[Path]:
        """Validate the run's recordings (an unfinished one passes only if the run did not exit 0)."""
        return check_recordings(self.record_dir, allow_unfinished=self.process.returncode != 0)


def _spawn(argv: list[str], workdir: Path, *, cwd: Path | None = None) -> subprocess.Popen:
    """Start ``argv`` with its stdout and stderr going to files in ``workdir``."""
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        return subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)


def record_args(args: tuple[str, ...], workdir: Path) -> tuple[tuple[str, ...], Path | None]:
    """``args`` with ``--record-dir <workdir>/recordings`` added unless they choose (``--record-dir`` or
    ``--no-record``), and the folder the run records into."""
    if "--no-record" in args:
        return args, None
    for i, arg in enumerate(args):
        if arg == "--record-dir" and i + 1 < len(args):
            return args, Path(args[i + 1])
        if arg.startswith("--record-dir="):
            return args, Path(arg.split("=", 1)[1])
    record_dir = workdir / RECORDINGS
    return ("--record-dir", str(record_dir), *args), record_dir


def launch_haechi(binary: Path, workdir: Path, config: dict | str, args: tuple[str, ...] = (), *,
                  wrapper: tuple[str, ...] = ()) -> HaechiRun:
    """Write ``config`` (a dict, dumped as YAML, or YAML text) and start ``haechi ingest`` on it,
    recording into ``workdir/recordings`` unless ``args`` say otherwise. ``wrapper`` is a command that
    execs the rest (``prlimit --fsize=N --``): a ``preexec_fn`` is not safe here, since pyzmq's I/O
    threads make this process multithreaded, and a fork can then deadlock before it execs."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "haechi.yaml"
    config_path.write_text(config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False))
    summary_path = workdir / "summary.json"
    args, record_dir = record_args(args, workdir)
    argv = [*wrapper, str(binary), "ingest", "--config", str(config_path), "--summary", str(summary_path), *args]
    return HaechiRun(_spawn(argv, workdir), workdir, config_path, summary_path, tuple(argv),
                     record_dir)


def launch_simulate(binary: Path, workdir: Path, args: tuple[str, ...]) -> HaechiRun:
    """Start ``haechi simulate --summary <workdir>/summary.json ARGS`` in the repository root (so the
    sample scenarios can be named ``Config/scenarios/...``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    summary_path = workdir / "summary.json"
    argv = [str(binary), "simulate", *args, "--summary", str(summary_path)]
    return HaechiRun(_spawn(argv, workdir, cwd=REPO_ROOT), workdir, None, summary_path, tuple(argv))


@pytest.fixture
def start_haechi(haechi_bin, tmp_path):
    """Factory: ``start_haechi(config, *args)``; leftover processes are killed after the test, and
    every run's recordings are validated (``HaechiRun.check_recordings``)."""
    runs: list[HaechiRun] = []

    def start(config: dict | str, *args: str) -> HaechiRun:
        run = launch_haechi(haechi_bin, tmp_path / f"run{len(runs)}", config, args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()
    for run in runs:
        run.check_recordings()


def run_publishing(binary: Path, workdir: Path, messages: list[peer.WireMessage], *, origin: dict | None = None,
                   pull_extra: dict | None = None) -> tuple[HaechiRun, dict]:
    """Run ``haechi ingest --idle-timeout 5 --duration 120`` while publishing ``messages``.

    Two endpoints: ``sensors`` (PULL; Python PUSH binds an ephemeral port, Haechi connects) for
    everything but ``mavlink/`` topics, and ``drones`` (SUB on ``mavlink/``; Python XPUB binds, and
    publishing starts only once Haechi's subscription has arrived). Returns the finished run (its
    recording validated) and the publisher's tally.
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
    run.check_recordings()
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


def now_epoch() -> tuple[str, str]:
    """`--epoch` the present second (UTC): what a simulation needs whose ASTERIX or Remote ID times
    (of the day, of the hour) the receiver dates by its own clock."""
    import datetime
    return ("--epoch", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


def simulate_into_ingest(binary: Path, workdir: Path, scenario: Path | str, *, config: dict, simulate_args: tuple[str, ...] = (),
                         then=None) -> tuple[dict, dict, Path]:
    """`haechi ingest` on `config` with its first endpoint's address replaced by a PULL it binds, live
    tracking on the sample tracker; `haechi simulate` pushes `scenario` into it at 20x; then `then(address)`
    (a system under test sending more, say), if given. Returns the ingest summary, the simulator's
    summary and the recording."""
    port = _free_port()
    config = dict(config)
    config["endpoints"] = [{"name": "sensors", "address": f"tcp://127.0.0.1:{port}", "socket": "pull", "mode": "bind",
                            "receive_hwm": 100000}]
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    run = launch_haechi(binary, workdir / "ingest", config, ("--idle-timeout", "3", "--duration", "300", "--quiet"))
    simulate = launch_simulate(binary, workdir / "simulate", (
        "--scenario", str(scenario), "--speed", "20", "--socket", "push", "--publish", f"tcp://127.0.0.1:{port}", "--quiet",
        *simulate_args))
    try:
        assert simulate.wait(timeout=180) == 0, simulate.describe()
        if then is not None:
            then(f"tcp://127.0.0.1:{port}")
        assert run.wait(timeout=180) == 0, run.describe()
    finally:
        simulate.kill()
        run.kill()
    (recording,) = run.recordings()
    return run.summary(), simulate.summary(), recording


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def feeding_push(context, *, linger_ms: int = 0):
    """A PUSH socket bound on a free loopback port, sends timing out after 30 s, and the ingest config
    whose one PULL endpoint (`sensors`) connects to it: a test's feed into `haechi ingest`."""
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.SNDTIMEO, 30_000)
    push.setsockopt(zmq.LINGER, linger_ms)
    push.bind(LOCALHOST_ANY_PORT)
    return push, ingest_config([pull_endpoint("sensors", push.getsockopt_string(zmq.LAST_ENDPOINT))])


def replayed_summary(binary: Path, recording: Path, workdir: Path) -> dict:
    """`haechi replay RECORDING --summary` at full speed: the replay's summary (what a replay counted,
    to hold against what the live run counted)."""
    out = workdir / "replay.json"
    result = subprocess.run([str(binary), "replay", str(recording), "--summary", str(out), "--quiet"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text())

