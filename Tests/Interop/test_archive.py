"""The shared archive of runs (``haechi archive ...``, ``haechi worker``) against a real PostgreSQL.

A throwaway cluster (``postgres.py``: 127.0.0.1 only, SCRAM passwords, run as an unprivileged user
when the tests run as root) serves the whole session; every test gets a fresh empty database and a
fresh store folder of its own. Two ranges, ``cell-1`` and ``cell-2``, are recorded once per module:
each its own work folder with ``Replays/runlog.sqlite``, twelve short simulated runs (``haechi
simulate --speed max`` pushing the quickstart scenario into ``haechi ingest``, different seeds), its
own range key, and a few reports (``haechi report --log --key``, which add ``draft`` entries) under
the sample plan and under a second plan naming another system. Each test copies the folders it needs.

What is checked:

- two ranges pushing at once both succeed; each range's entries are 1..N, chained and signed exactly
  as in its log; the store holds each recording once, under its SHA-256; a second push pushes nothing;
  a log pushed under another range's name is refused ("diverges"); ``archive verify`` passes;
- a push that fails part-way (a recording missing, then the store refusing a write) leaves the archive
  consistent, and the push that follows completes it with every entry exactly once; one more pushes 0;
- three workers re-score 24 recordings while one is killed holding a job: its job is taken again when
  its lease runs out, every job ends done, one result per recording, ``archive jobs`` says 0 left;
- from a machine with only the archive and the store (the ranges' folders deleted), ``archive verify``
  passes, and catches a changed stored recording, an edited entry (triggers disabled by the superuser)
  and entries not signed by the ``--key`` given;
- ``archive runs`` filters (system, plan, site, range, from/to), and ``campaign --archive`` gives the
  figures of the file-based ``haechi campaign`` on the same recordings;
- the config: a password in the URL is refused (exit 2), ``password_env`` and ``password_file`` both
  connect, a config with only ``archive:`` is enough, and ``haechi ingest`` accepts the section.

The tests skip, saying why, when PostgreSQL cannot start here (``make test`` installs it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

import postgres as pg
from conftest import REPO_ROOT, ingest_config, launch_haechi, launch_simulate
from quickstart_run import free_tcp_port

PLAN = REPO_ROOT / "Config/plans/radar-acceptance.yaml"
SCENARIO = "Config/scenarios/quickstart.yaml"  # relative to the repository root, where launch_simulate runs
RUN_SECONDS = "30"          # scenario seconds per run: the radar scans at 1 Hz, drone-2 is within 2 km from 10 s
RUNS_PER_RANGE = 12         # 24 in all: the workers' test re-scores them all
PARALLEL_RUNS = 2           # ingest+simulate pairs at once, per range (the two ranges record side by side)
TIMEOUT_S = 300
WORKER_TIMEOUT_S = 600
PASSWORD_ENV = "HAECHI_ARCHIVE_PASSWORD"
OTHER_SYSTEM = "Other system under test"
RANGES = {"cell-1": {"site": "saemangeum", "seeds": range(101, 101 + RUNS_PER_RANGE)},
          "cell-2": {"site": "goheung", "seeds": range(201, 201 + RUNS_PER_RANGE)}}


# --------------------------------------------------------------------------------------------------
# The server and each test's archive


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for the session (``postgres.PostgresCluster``), or a skip that says why."""
    try:
        cluster = pg.PostgresCluster.start()
    except pg.PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL cannot start here: {error}; install postgresql (make test does)")
    try:
        yield cluster
    finally:
        cluster.stop()


@dataclass
class Archive:
    """One test's archive: a fresh database (its libpq URL has no password), a store folder, and what
    every ``haechi archive`` the test runs needs."""

    cluster: pg.PostgresCluster
    url: str
    store: Path
    binary: Path

    @property
    def database(self) -> str:
        return self.url.rsplit("/", 1)[1]

    @property
    def env(self) -> dict:
        return {PASSWORD_ENV: self.cluster.haechi_password}

    def config(self, path: Path, *, range_name: str | None = None, site: str | None = None, base: dict | None = None,
               **archive_fields) -> Path:
        """Write a config holding the ``archive:`` section (on top of ``base``, e.g. a whole ingest config)."""
        section = {"url": self.url, "password_env": PASSWORD_ENV, "store": str(self.store)}
        if range_name is not None:
            section["range"] = range_name
        if site is not None:
            section["site"] = site
        section.update(archive_fields)
        section = {k: v for k, v in section.items() if v is not None}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({**(base or {}), "archive": section}, sort_keys=False))
        return path

    def run(self, *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = TIMEOUT_S,
            password: bool = True) -> subprocess.CompletedProcess:
        """``haechi ARGS`` with the archive's password in the environment (unless ``password=False``)."""
        full_env = dict(os.environ)
        if not password:
            full_env.pop(PASSWORD_ENV, None)
        full_env.update(self.env if password else {})
        full_env.update(env or {})
        return subprocess.run([str(self.binary), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=timeout, cwd=cwd, env=full_env)

    def json(self, *args: str, expect: int = 0, **kwargs) -> dict:
        """``haechi ARGS --json``, its exit status checked, its stdout parsed."""
        result = self.run(*args, "--json", **kwargs)
        assert result.returncode == expect, describe(result)
        try:
            return json.loads(result.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"not JSON on stdout:\n{describe(result)}")

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Rows of ``query`` run as the superuser in this archive's database."""
        with self.cluster.connect(superuser=True, database=self.database) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture
def archive(haechi_bin, postgres, request, tmp_path) -> Archive:
    """A fresh empty database and an empty store folder for one test."""
    url = postgres.fresh_database(request.node.name)
    store = tmp_path / "store"
    store.mkdir()
    return Archive(postgres, url, store, haechi_bin)


def describe(result: subprocess.CompletedProcess) -> str:
    argv = result.args if isinstance(result.args, str) else " ".join(str(a) for a in result.args)
    return (f"{argv}\nexit {result.returncode}\n--- stdout ---\n{result.stdout[-4000:]}\n"
            f"--- stderr ---\n{result.stderr[-4000:]}")


def pick(document: dict, *keys: str) -> dict:
    """The spec's fields of a JSON answer (a command may add more of its own)."""
    missing = [k for k in keys if k not in document]
    assert not missing, f"missing {missing} in {document}"
    return {k: document[k] for k in keys}


JOB_FIELDS = ("queued", "running", "done", "failed", "left")


def plan_sha256(path: Path) -> str:
    """A plan's identity in the archive (docs/archive.md): the SHA-256 of its text when it names no file, else of
    its text followed by, for each file it names in path order, a line `--- <path as written> ---` and the file."""
    text = path.read_text()
    named = {key: value for key, value in (yaml.safe_load(text) or {}).items() if key in ("laboratory_profile", "conditions_file")}
    if not named:
        return hashlib.sha256(text.encode()).hexdigest()
    bundle = text
    for written in sorted(named.values()):
        bundle += f"\n--- {written} ---\n" + (path.parent / written).read_text()
    return hashlib.sha256(bundle.encode()).hexdigest()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iso_second(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------------
# Two recorded ranges, made once per module


@dataclass
class RangeFolder:
    """A range's work folder: ``Replays/`` (recordings and ``runlog.sqlite``), ``reports/``; its key lives outside."""

    name: str
    site: str
    folder: Path
    key: Path
    reports: list[Path]

    @property
    def replays(self) -> Path:
        return self.folder / "Replays"

    @property
    def log(self) -> Path:
        return self.replays / "runlog.sqlite"

    @property
    def public_key(self) -> Path:
        return self.key.with_suffix(".pub")

    def entries(self) -> list[dict]:
        return log_entries(self.log)

    def recording_entries(self) -> list[dict]:
        return [e for e in self.entries() if e["kind"] == "recording"]

    def recording_file(self, sha: str) -> Path:
        for entry in self.recording_entries():
            if entry["recording_sha256"] == sha:
                path = Path(entry["recording_path"])
                return path if path.is_absolute() else self.replays / path
        raise KeyError(sha)

    def copy_to(self, folder: Path) -> "RangeFolder":
        """The same range in ``folder`` (recordings, log and reports copied; the key shared)."""
        shutil.copytree(self.folder, folder)
        return RangeFolder(self.name, self.site, folder, self.key, [folder / r.relative_to(self.folder) for r in self.reports])


def log_entries(log: Path) -> list[dict]:
    """Every entry of a run log, as Python's sqlite3 reads it."""
    with sqlite3.connect(f"file:{log}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM runs ORDER BY sequence")]


@dataclass
class Ranges:
    cells: dict[str, RangeFolder]
    plan_b: Path          # a second plan: another name, another system
    plan_a_name: str
    plan_b_name: str
    system_a: str
    #: (range, recording sha) of each report, by plan name
    reported: dict[str, set[tuple[str, str]]]


def start_run(binary: Path, work: Path, replays: Path, key: Path, seed: int, *, config_extra: dict | None = None):
    """``haechi ingest`` (recording into ``replays``, the run log beside, signed with ``key``; live tracking on)
    fed by ``haechi simulate --speed max`` of the quickstart scenario for ``RUN_SECONDS`` with ``seed``."""
    port = free_tcp_port()
    config = ingest_config([{"name": "sensors", "address": f"tcp://127.0.0.1:{port}", "socket": "pull", "mode": "bind",
                             "receive_hwm": 100000}])
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    config.update(config_extra or {})
    ingest = launch_haechi(binary, work / f"ingest-{seed}", config,
                           ("--record-dir", str(replays), "--key", str(key), "--idle-timeout", "2", "--duration", "120",
                            "--quiet"))
    simulate = launch_simulate(binary, work / f"simulate-{seed}", (
        "--scenario", SCENARIO, "--seed", str(seed), "--duration", RUN_SECONDS, "--speed", "max", "--socket", "push",
        "--publish", f"tcp://127.0.0.1:{port}", "--quiet"))
    return ingest, simulate


def record_runs(binary: Path, work: Path, runs: list[tuple[Path, Path, int]], *, parallel: int,
                config_extra: dict | None = None) -> None:
    """Record the runs ``(replays folder, range key, seed)``, ``parallel`` at a time, in waves: a wave starts
    once the last one has ended, so recordings of two waves are logged at least the idle timeout (2 s) apart."""
    for start in range(0, len(runs), parallel):
        started = [start_run(binary, work, replays, key, seed, config_extra=config_extra)
                   for replays, key, seed in runs[start:start + parallel]]
        try:
            for ingest, simulate in started:
                assert simulate.wait(timeout=180) == 0, simulate.describe()
                assert ingest.wait(timeout=180) == 0, ingest.describe()
        finally:
            for ingest, simulate in started:
                simulate.kill()
                ingest.kill()


def make_key(binary: Path, path: Path) -> Path:
    result = subprocess.run([str(binary), "keys", "generate", "--out", str(path)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0, describe(result)
    return path


def report(binary: Path, cell: RangeFolder, recording: Path, plan: Path, out: Path) -> None:
    result = subprocess.run([str(binary), "report", str(recording), "--plan", str(plan), "--format", "json",
                             "--out", str(out), "--log", str(cell.log), "--key", str(cell.key)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S)
    assert result.returncode == 0, describe(result)
    assert (out / "report.signature.json").is_file(), describe(result)


def plan_field(plan: Path, dotted: str) -> str:
    node = yaml.safe_load(plan.read_text())
    for part in dotted.split("."):
        node = node[part]
    return node


@pytest.fixture(scope="module")
def ranges(haechi_bin, tmp_path_factory) -> Ranges:
    """cell-1 and cell-2, recorded side by side. Reports: cell-1's runs 0–2 and cell-2's runs 0–1 under the
    sample plan; cell-1's run 3 under plan B (another plan name and another system)."""
    root = tmp_path_factory.mktemp("ranges")
    keys = tmp_path_factory.mktemp("range-keys")
    cells: dict[str, RangeFolder] = {}
    for name, spec in RANGES.items():
        folder = root / name
        (folder / "Replays").mkdir(parents=True)
        cells[name] = RangeFolder(name, spec["site"], folder, make_key(haechi_bin, keys / name / "range.key"), [])
    # Both ranges record side by side: each wave holds PARALLEL_RUNS runs of each range.
    per_range = [[(cell.replays, cell.key, seed) for seed in RANGES[name]["seeds"]] for name, cell in cells.items()]
    runs = []
    for start in range(0, RUNS_PER_RANGE, PARALLEL_RUNS):
        for planned in per_range:
            runs += planned[start:start + PARALLEL_RUNS]
    record_runs(haechi_bin, tmp_path_factory.mktemp("range-runs"), runs, parallel=PARALLEL_RUNS * len(cells))

    plan_b = root / "plan-b.yaml"
    plan_b.write_text(PLAN.read_text()
                      .replace(f"plan: {plan_field(PLAN, 'plan')}", f"plan: {plan_field(PLAN, 'plan')} (other system)")
                      .replace(f"name: {plan_field(PLAN, 'system_under_test.name')}", f"name: {OTHER_SYSTEM}")
                      .replace("../labs/", str(PLAN.parent.parent / "labs") + "/"))
    assert plan_field(plan_b, "system_under_test.name") == OTHER_SYSTEM, plan_b.read_text()
    plan_a_name, plan_b_name = plan_field(PLAN, "plan"), plan_field(plan_b, "plan")
    assert plan_a_name != plan_b_name

    reported: dict[str, set[tuple[str, str]]] = {plan_a_name: set(), plan_b_name: set()}
    todo = [("cell-1", 0, PLAN), ("cell-1", 1, PLAN), ("cell-1", 2, PLAN), ("cell-1", 3, plan_b),
            ("cell-2", 0, PLAN), ("cell-2", 1, PLAN)]
    for name, index, plan in todo:
        cell = cells[name]
        entry = cell.recording_entries()[index]
        out = cell.folder / "reports" / f"{index}-{plan.stem}"
        report(haechi_bin, cell, cell.recording_file(entry["recording_sha256"]), plan, out)
        cell.reports.append(out)
        reported[plan_field(plan, "plan")].add((name, entry["recording_sha256"]))
    for cell in cells.values():
        recordings = cell.recording_entries()
        assert len(recordings) == RUNS_PER_RANGE, [(e["sequence"], e["kind"]) for e in cell.entries()]
        assert len({e["recording_sha256"] for e in recordings}) == RUNS_PER_RANGE
    return Ranges(cells, plan_b, plan_a_name, plan_b_name, plan_field(PLAN, "system_under_test.name"), reported)


@pytest.fixture
def cells(ranges, tmp_path) -> dict[str, RangeFolder]:
    """This test's own copies of the two ranges' folders."""
    return {name: cell.copy_to(tmp_path / "ranges" / name) for name, cell in ranges.cells.items()}


def range_config(archive: Archive, cell: RangeFolder, **fields) -> Path:
    """The range's one config file: its ingest settings and its ``archive:`` section (the archive commands read
    only the latter; scorers and auditors below have a config with ``archive:`` alone)."""
    base = ingest_config([{"name": "sensors", "address": "tcp://127.0.0.1:7001", "socket": "pull", "mode": "bind"}])
    return archive.config(cell.folder / "haechi.yaml", range_name=cell.name, site=cell.site, base=base, **fields)


def push(archive: Archive, cell: RangeFolder, *extra: str, expect: int = 0, reports: bool = True) -> dict:
    args = ["archive", "push", "--config", str(range_config(archive, cell)), "--log", str(cell.log)]
    if reports:
        for folder in cell.reports:
            args += ["--report", str(folder)]
    return archive.json(*args, *extra, expect=expect)


def archived(archive: Archive, range_name: str) -> list[tuple]:
    """(sequence, kind, hash, previous_hash, signature, signer, recording_sha256) of a range's archived entries."""
    return archive.sql('SELECT sequence, kind, hash, previous_hash, signature, signer, recording_sha256 '
                       'FROM archive_entries WHERE "range" = %s ORDER BY sequence', (range_name,))


def assert_chain_is_the_log(archive: Archive, cell: RangeFolder, *, up_to: int | None = None) -> None:
    """The range's archived entries are 1..N with no gap, each linked to the one before, and are the log's
    first N entries: same kind, hash, link, signature and signer."""
    rows = archived(archive, cell.name)
    local = cell.entries()
    count = len(local) if up_to is None else up_to
    assert [r[0] for r in rows] == list(range(1, count + 1)), f"{cell.name}: sequences {[r[0] for r in rows]}"
    previous = "0" * 64
    for row in rows:
        assert row[3] == previous, f"{cell.name} entry {row[0]}: previous_hash {row[3]} is not the hash before it {previous}"
        previous = row[2]
    for row, entry in zip(rows, local):
        assert (row[1], row[2], row[3], row[4], row[5], row[6]) == (
            entry["kind"], entry["hash"], entry["previous_hash"], entry["signature"], entry["signer"], entry["recording_sha256"]), \
            f"{cell.name} entry {row[0]} differs from the log's"


def stored_recordings(store: Path) -> dict[str, Path]:
    """The store's files by name (their hash), each checked: ``sha256/<2 hex>/<64 hex>.mcap`` whose SHA-256 is its name."""
    found: dict[str, Path] = {}
    root = store / "sha256"
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if path.is_dir():
            assert path.parent == root and re.fullmatch(r"[0-9a-f]{2}", path.name), f"unexpected folder {path}"
            continue
        match = re.fullmatch(r"([0-9a-f]{64})\.mcap", path.name)
        assert match and path.parent.name == match.group(1)[:2] and path.parent.parent == root, f"unexpected file {path}"
        assert sha256_of(path) == match.group(1), f"{path}: its SHA-256 is not its name"
        found[match.group(1)] = path
    return found


def logged_recordings(cell: RangeFolder) -> set[str]:
    """The SHA-256 of every recording the range's log names (recording entries and reports' drafts)."""
    return {e["recording_sha256"] for e in cell.entries() if e["recording_sha256"]}


def assert_store_holds(archive: Archive, cells: list[RangeFolder]) -> None:
    stored = stored_recordings(archive.store)
    expected = set().union(*(logged_recordings(c) for c in cells))
    assert set(stored) == expected, f"missing {expected - set(stored)}, unexpected {set(stored) - expected}"
    for cell in cells:
        for entry in cell.recording_entries():
            assert stored[entry["recording_sha256"]].read_bytes() == cell.recording_file(entry["recording_sha256"]).read_bytes()


# --------------------------------------------------------------------------------------------------
# Pushing


def test_two_ranges_push_at_once(archive, cells):
    """Both pushes, started together, succeed; each range's chain is its log's, 1..N; each recording is stored
    once under its hash; pushing again pushes nothing; another log under the same range name is refused."""
    procs = {}
    for name, cell in cells.items():
        config = range_config(archive, cell)
        argv = [str(archive.binary), "archive", "push", "--config", str(config), "--json"]  # --log: the default, in cwd
        for folder in cell.reports:
            argv += ["--report", str(folder)]
        procs[name] = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cell.folder,
                                       stdin=subprocess.DEVNULL, env=dict(os.environ, **archive.env))
    outputs = {}
    try:
        finished = {name: proc.communicate(timeout=TIMEOUT_S) for name, proc in procs.items()}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for name, (stdout, stderr) in finished.items():
        assert procs[name].returncode == 0, f"{name}: push exit {procs[name].returncode}\n{stdout}\n{stderr}"
        outputs[name] = json.loads(stdout)

    for name, cell in cells.items():
        out, entries = outputs[name], cell.entries()
        assert out["range"] == name, out
        assert out["entries_pushed"] == len(entries) and out["already_archived"] == 0, out
        assert (out["first_sequence"], out["last_sequence"]) == (1, len(entries)), out
        assert out["recordings_stored"] == len(logged_recordings(cell)) and out["recordings_already_stored"] == 0, out
        assert out["reports_pushed"] == len(cell.reports), out
        assert_chain_is_the_log(archive, cell)
    assert_store_holds(archive, list(cells.values()))

    for name, cell in cells.items():
        again = push(archive, cell, reports=False)
        assert again["entries_pushed"] == 0 and again["first_sequence"] is None and again["last_sequence"] is None, again
        assert again["already_archived"] == len(cell.entries()) and again["recordings_stored"] == 0, again
        assert_chain_is_the_log(archive, cell)

    verified = archive.json("archive", "verify", "--config", str(range_config(archive, cells["cell-1"])),
                            "--key", str(cells["cell-1"].public_key), "--key", str(cells["cell-2"].public_key))
    assert pick(verified, "ranges", "recordings_checked", "reports_checked", "problems")["problems"] == [], verified
    assert {name: r["entries"] for name, r in verified["ranges"].items()} == {n: len(c.entries()) for n, c in cells.items()}
    assert {name: r["head"] for name, r in verified["ranges"].items()} == {n: c.entries()[-1]["hash"] for n, c in cells.items()}

    # cell-2's log pushed under the name cell-1: refused, and cell-1's chain is left as it was.
    impostor = archive.config(cells["cell-2"].folder / "impostor.yaml", range_name="cell-1")
    refused = archive.run("archive", "push", "--config", str(impostor), "--log", str(cells["cell-2"].log))
    assert refused.returncode == 1 and "diverges" in refused.stderr, describe(refused)
    assert_chain_is_the_log(archive, cells["cell-1"])


def test_push_resumes_after_a_failure_part_way(archive, cells):
    """A push that fails (a logged recording missing; then the store refusing to write one) exits 1 and leaves
    a consistent prefix; the next push completes it, every entry exactly once; one more pushes nothing."""
    cell = cells["cell-1"]
    entries, recordings = cell.entries(), cell.recording_entries()
    total = len(entries)

    # 1. A recording in the middle of the log is missing from Replays/.
    missing = cell.recording_file(recordings[len(recordings) // 2]["recording_sha256"])
    aside = cell.folder / missing.name
    missing.rename(aside)
    failed = archive.run("archive", "push", "--config", str(range_config(archive, cell)), "--log", str(cell.log))
    missing_sha = recordings[len(recordings) // 2]["recording_sha256"]
    assert failed.returncode == 1 and (missing.name in failed.stderr or missing_sha in failed.stderr), describe(failed)
    first_count = len(archived(archive, cell.name))
    assert first_count < total, "the push said it failed, yet archived every entry"
    assert_chain_is_the_log(archive, cell, up_to=first_count)
    for sha, path in stored_recordings(archive.store).items():  # whatever was stored is whole
        assert sha in logged_recordings(cell), path
    aside.rename(missing)

    # 2. The store cannot take one recording: its <2 hex> folder is a file (refused even to root).
    stored = stored_recordings(archive.store)
    pending = [e for e in recordings if e["sequence"] > first_count and e["recording_sha256"] not in stored]
    assert pending, "nothing left to push after the first failure"
    # The last pending recording whose <2 hex> folder the store does not have yet (one of 256: there is one).
    blocked = next((archive.store / "sha256" / e["recording_sha256"][:2] for e in reversed(pending)
                    if not (archive.store / "sha256" / e["recording_sha256"][:2]).exists()), None)
    assert blocked is not None, f"every pending recording's folder exists already: {pending}"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("not a folder\n")
    failed = archive.run("archive", "push", "--config", str(range_config(archive, cell)), "--log", str(cell.log))
    assert failed.returncode == 1, describe(failed)
    second_count = len(archived(archive, cell.name))
    assert first_count <= second_count < total, (first_count, second_count, total)
    assert_chain_is_the_log(archive, cell, up_to=second_count)
    blocked.unlink()

    # 3. Fixed: the rest goes in, each entry once.
    done = push(archive, cell, reports=False)
    assert done["entries_pushed"] == total - second_count and done["already_archived"] == second_count, done
    assert (done["first_sequence"], done["last_sequence"]) == (second_count + 1, total), done
    assert_chain_is_the_log(archive, cell)
    counts = archive.sql('SELECT sequence, count(*) FROM archive_entries WHERE "range" = %s GROUP BY sequence HAVING count(*) > 1',
                         (cell.name,))
    assert counts == [], f"entries archived more than once: {counts}"
    assert_store_holds(archive, [cell])

    # 4. Nothing more to push.
    again = push(archive, cell, reports=False)
    assert again["entries_pushed"] == 0 and again["already_archived"] == total, again
    verified = archive.json("archive", "verify", "--config", str(range_config(archive, cell)), "--key", str(cell.public_key))
    assert verified["problems"] == [] and verified["ranges"][cell.name]["entries"] == total, verified


def test_push_after_the_range_pruned_a_pushed_recording(archive, cells, tmp_path):
    """Once pushed, a range may delete its copy of a recording: a later entry naming it (an officer signs a
    report of that run) still pushes, from the archive's copy, and the archive still verifies."""
    cell = cells["cell-1"]
    push(archive, cell)
    draft = cell.reports[0]
    named = json.loads((draft / "report.signature.json").read_text())["recordingSHA256"]
    cell.recording_file(named).unlink()
    officer = make_key(archive.binary, tmp_path / "officer" / "officer.key")
    signed = subprocess.run([str(archive.binary), "sign", str(draft), "--key", str(officer), "--name", "김지우", "--role", "기술책임자",
                             "--log", str(cell.log), "--range-key", str(cell.key)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S)
    assert signed.returncode == 0, describe(signed)
    assert cell.entries()[-1]["kind"] == "signature" and cell.entries()[-1]["recording_sha256"] == named
    pushed = push(archive, cell, reports=False)
    assert pushed["entries_pushed"] == 1 and pushed["recordings_stored"] == 0 and pushed["recordings_already_stored"] == 1, pushed
    verified = archive.json("archive", "verify", "--config", str(range_config(archive, cell)), "--key", str(cell.public_key))
    assert verified["problems"] == [], verified


# --------------------------------------------------------------------------------------------------
# Re-scoring with workers


def test_three_workers_rescore_with_one_killed(archive, cells, tmp_path):
    """24 recordings re-scored by three workers with 2 s leases; w1 is frozen (SIGSTOP) while it holds a job
    and then killed: its job is taken again once the lease runs out, and every job ends done, once."""
    for cell in cells.values():
        push(archive, cell)
    shas = {e["recording_sha256"] for cell in cells.values() for e in cell.recording_entries()}
    assert len(shas) >= 24
    config = archive.config(tmp_path / "scorer" / "haechi.yaml")   # a scoring machine: only the archive section
    plan_sha = plan_sha256(PLAN)

    queued = archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN))
    assert pick(queued, "queued", "already", "plan", "plan_sha256") == {
        "queued": len(shas), "already": 0, "plan": plan_field(PLAN, "plan"), "plan_sha256": plan_sha}, queued
    again = archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN))
    assert (again["queued"], again["already"]) == (0, len(shas)), again
    progress = archive.json("archive", "jobs", "--config", str(config))
    assert pick(progress, *JOB_FIELDS) == {"queued": len(shas), "running": 0, "done": 0, "failed": 0, "left": len(shas)}, progress

    workers: dict[str, subprocess.Popen] = {}
    for name in ("w1", "w2", "w3"):
        with open(tmp_path / f"{name}.out", "wb") as out, open(tmp_path / f"{name}.err", "wb") as err:
            workers[name] = subprocess.Popen(
                [str(archive.binary), "worker", "--config", str(config), "--name", name, "--lease", "2", "--exit-when-idle"],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=dict(os.environ, **archive.env))

    def tail(name: str) -> str:
        return (f"--- {name} stdout ---\n{(tmp_path / f'{name}.out').read_text(errors='replace')[-2000:]}\n"
                f"--- {name} stderr ---\n{(tmp_path / f'{name}.err').read_text(errors='replace')[-2000:]}")

    w1 = workers["w1"]
    victim = None
    try:
        deadline = time.monotonic() + 120
        with archive.cluster.connect(superuser=True, database=archive.database) as conn:
            while victim is None:
                held = conn.execute("SELECT id FROM archive_jobs WHERE state = 'running' AND worker = 'w1' ORDER BY id").fetchall()
                if held:
                    w1.send_signal(signal.SIGSTOP)
                    still = conn.execute("SELECT state, worker FROM archive_jobs WHERE id = %s", (held[0][0],)).fetchone()
                    if still == ("running", "w1"):
                        victim = held[0][0]
                        break
                    w1.send_signal(signal.SIGCONT)   # it finished the job meanwhile: let it take another
                if w1.poll() is not None:
                    pytest.fail(f"w1 exited (status {w1.returncode}) without being seen holding a job\n{tail('w1')}")
                if time.monotonic() > deadline:
                    pytest.fail(f"w1 was never seen holding a job within 120 s\n{tail('w1')}")
                time.sleep(0.01)
        w1.kill()
        w1.wait(timeout=30)
        for name in ("w2", "w3"):
            try:
                status = workers[name].wait(timeout=WORKER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pytest.fail(f"{name} did not exit (--exit-when-idle) within {WORKER_TIMEOUT_S} s\n{tail(name)}")
            assert status == 0, f"{name} exit {status}\n{tail(name)}"
    finally:
        for proc in workers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
                proc.wait()

    states = dict(archive.sql("SELECT state, count(*) FROM archive_jobs GROUP BY state"))
    assert states == {"done": len(shas)}, (states, archive.sql("SELECT id, state, worker, attempts, error FROM archive_jobs "
                                                                "WHERE state <> 'done'"))
    state, worker, attempts = archive.sql("SELECT state, worker, attempts FROM archive_jobs WHERE id = %s", (victim,))[0]
    assert state == "done" and worker in ("w2", "w3") and attempts >= 2, (state, worker, attempts)
    results = archive.sql("SELECT recording_sha256, count(*) FROM archive_results WHERE plan_sha256 = %s GROUP BY recording_sha256",
                          (plan_sha,))
    assert {sha for sha, _ in results} == shas and all(n == 1 for _, n in results), results
    assert archive.sql("SELECT count(*) FROM archive_results")[0][0] == len(shas)

    progress = archive.json("archive", "jobs", "--config", str(config))
    assert pick(progress, *JOB_FIELDS) == {"queued": 0, "running": 0, "done": len(shas), "failed": 0, "left": 0}, progress
    by_plan = archive.json("archive", "jobs", "--config", str(config), "--plan", str(PLAN))
    assert (by_plan["done"], by_plan["left"]) == (len(shas), 0), by_plan
    # A rescore result counts as an evaluation under the plan's name.
    runs = archive.json("archive", "runs", "--config", str(config), "--plan", plan_field(PLAN, "plan"))["runs"]
    assert {r["recording_sha256"] for r in runs} == shas, runs
    # Queued again under the same plan and version: nothing to do.
    after = archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN))
    assert (after["queued"], after["already"]) == (0, len(shas)), after


# --------------------------------------------------------------------------------------------------
# Verifying from the archive and the store alone


def test_verify_from_a_fresh_machine_and_catch_tampering(archive, cells, tmp_path):
    """Pushed, then the ranges' folders deleted: a config in an empty folder verifies every chain, signature,
    recording and report manifest; a changed stored recording, an edited entry and a key that signed nothing
    are each caught."""
    expected_ranges = {}
    for cell in cells.values():
        push(archive, cell)
        entries = cell.entries()
        expected_ranges[cell.name] = {"entries": len(entries), "head": entries[-1]["hash"]}
    recordings = set().union(*(logged_recordings(c) for c in cells.values()))
    reports = sum(len(c.reports) for c in cells.values())
    keys = [str(c.public_key) for c in cells.values()]
    for cell in cells.values():
        shutil.rmtree(cell.folder)   # the log, Replays/ and the reports are gone

    fresh = tmp_path / "fresh-machine"
    fresh.mkdir()
    config = archive.config(fresh / "haechi.yaml")
    key_args = [arg for k in keys for arg in ("--key", k)]
    verified = archive.json("archive", "verify", "--config", str(config), *key_args, cwd=fresh)
    assert pick(verified, "ranges", "recordings_checked", "reports_checked", "problems") == {
        "ranges": expected_ranges, "recordings_checked": len(recordings), "reports_checked": reports, "problems": []}, verified
    plain = archive.run("archive", "verify", "--config", str(config), cwd=fresh)
    assert plain.returncode == 0, describe(plain)

    # (a) One byte of one stored recording.
    stored = stored_recordings(archive.store)
    sha, path = sorted(stored.items())[len(stored) // 2]
    original = path.read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(changed))
    bad = archive.run("archive", "verify", "--config", str(config), cwd=fresh)
    assert bad.returncode == 1 and sha in bad.stdout + bad.stderr, describe(bad)
    bad_json = archive.json("archive", "verify", "--config", str(config), expect=1, cwd=fresh)
    assert any(sha in problem for problem in bad_json["problems"]), bad_json
    path.write_bytes(original)
    assert archive.run("archive", "verify", "--config", str(config), cwd=fresh).returncode == 0

    # (c) Entries not signed by the key given: another range's key alone, or a stranger's.
    stranger = make_key(archive.binary, tmp_path / "stranger" / "range.key")
    foreign = archive.run("archive", "verify", "--config", str(config), "--key", str(stranger.with_suffix(".pub")), cwd=fresh)
    assert foreign.returncode == 1, describe(foreign)
    half = archive.json("archive", "verify", "--config", str(config), "--key", keys[0], expect=1, cwd=fresh)
    assert half["problems"] and any("cell-2" in p for p in half["problems"]), half
    assert not any("cell-1" in p for p in half["problems"]), half

    # (b) An entry's verdicts edited in the database: the trigger refuses it, even to the superuser; with
    # the triggers disabled it goes in, and verify names the entry.
    import psycopg
    draft_seq = next(r[0] for r in archived(archive, "cell-1") if r[1] == "draft")
    with pytest.raises(psycopg.Error):
        archive.sql("""UPDATE archive_entries SET verdicts = '{"all": "PASS"}' WHERE "range" = 'cell-1' AND sequence = %s""",
                    (draft_seq,))
    with pytest.raises(psycopg.Error):
        archive.sql("""DELETE FROM archive_entries WHERE "range" = 'cell-1' AND sequence = %s""", (draft_seq,))
    archive.sql("ALTER TABLE archive_entries DISABLE TRIGGER ALL")
    archive.sql("""UPDATE archive_entries SET verdicts = '{"all": "PASS"}' WHERE "range" = 'cell-1' AND sequence = %s""",
                (draft_seq,))
    edited = archive.run("archive", "verify", "--config", str(config), *key_args, cwd=fresh)
    out = edited.stdout + edited.stderr
    assert edited.returncode == 1 and "cell-1" in out and re.search(rf"\b{draft_seq}\b", out), describe(edited)
    edited_json = archive.json("archive", "verify", "--config", str(config), expect=1, cwd=fresh)
    assert any("cell-1" in p and re.search(rf"\b{draft_seq}\b", p) for p in edited_json["problems"]), edited_json
    assert not any("cell-2" in p for p in edited_json["problems"]), edited_json

    # (d) A stored report manifest edited (its verdict's recording swapped for another): its signature fails.
    manifest_sha, text = archive.sql("SELECT manifest_sha256, manifest FROM archive_reports ORDER BY manifest_sha256 LIMIT 1")[0]
    document = json.loads(text)
    document["recordingSHA256"] = sorted(recordings - {document["recordingSHA256"]})[0]
    archive.sql("UPDATE archive_reports SET manifest = %s WHERE manifest_sha256 = %s", (json.dumps(document), manifest_sha))
    forged = archive.json("archive", "verify", "--config", str(config), expect=1, cwd=fresh)
    assert any(manifest_sha[:16] in p and "signature" in p for p in forged["problems"]), forged

    # (f) A plan's text edited in the database (a criterion made easier): verify names it, and a worker
    # refuses to score a job under it rather than file its result under the old plan's hash.
    plan_sha_a = plan_sha256(PLAN)
    archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN), "--range", "cell-1")
    archive.sql("UPDATE archive_plans SET text = replace(text, 'min: 0.9}', 'min: 0.1}') WHERE sha256 = %s", (plan_sha_a,))
    changed_plan = archive.json("archive", "verify", "--config", str(config), expect=1, cwd=fresh)
    assert any(plan_sha_a[:16] in p and "changed in the database" in p for p in changed_plan["problems"]), changed_plan
    refused = archive.run("worker", "--config", str(config), "--exit-when-idle", "--name", "w-plan", cwd=fresh)
    assert refused.returncode == 0 and "changed in the database" in refused.stdout, describe(refused)
    assert archive.sql("SELECT count(*) FROM archive_results WHERE plan_sha256 = %s", (plan_sha_a,))[0][0] == 0
    assert {state for (state,) in archive.sql("SELECT state FROM archive_jobs WHERE plan_sha256 = %s", (plan_sha_a,))} == {"failed"}

    # (g) The time an entry is filed under (what --from/--to read, outside the hash) moved a year.
    archive.sql("""UPDATE archive_entries SET logged_at = logged_at - interval '1 year' WHERE "range" = 'cell-1' AND sequence = 1""")
    moved = archive.json("archive", "verify", "--config", str(config), expect=1, cwd=fresh)
    assert any("range cell-1: entry 1:" in p and "filed under another time" in p for p in moved["problems"]), moved

    # (e) The range's chain cut back to before the reports (the last entries deleted): the manifests quote
    # run-log heads the archive no longer holds.
    first_draft = min(r[0] for r in archived(archive, "cell-2") if r[1] == "draft")
    archive.sql("""DELETE FROM archive_entries WHERE "range" = 'cell-2' AND sequence >= %s""", (first_draft,))
    cut = archive.json("archive", "verify", "--config", str(config), expect=1, cwd=fresh)
    assert any("range cell-2" in p and "run-log head" in p for p in cut["problems"]), cut


# --------------------------------------------------------------------------------------------------
# Finding runs, and campaigns over the archive


def test_runs_filters(archive, cells, ranges, tmp_path):
    for cell in cells.values():
        push(archive, cell)
    config = archive.config(tmp_path / "reader" / "haechi.yaml")

    def runs(*args: str) -> list[dict]:
        return archive.json("archive", "runs", "--config", str(config), *args)["runs"]

    everything = runs()
    expected = {(name, e["sequence"]): e for name, cell in cells.items() for e in cell.recording_entries()}
    assert {(r["range"], r["sequence"]) for r in everything} == set(expected), everything
    times = [parse_time(r["logged_utc"]) for r in everything]
    assert times == sorted(times), "runs are not in logged order"
    sizes = {e["recording_sha256"]: cells[name].recording_file(e["recording_sha256"]).stat().st_size
             for (name, _), e in expected.items()}
    plans_of: dict[tuple[str, str], set[str]] = {}
    for plan_name, items in ranges.reported.items():
        for item in items:
            plans_of.setdefault(item, set()).add(plan_name)
    for run in everything:
        entry = expected[(run["range"], run["sequence"])]
        assert run["run_id"] == entry["run_id"] and run["recording_sha256"] == entry["recording_sha256"], run
        assert parse_time(run["logged_utc"]) == parse_time(entry["logged_utc"]), run
        assert run["recording_bytes"] == sizes[run["recording_sha256"]], run
        assert run["site"] == cells[run["range"]].site, run
        plans = plans_of.get((run["range"], run["recording_sha256"]), set())
        assert set(run["plans"]) == plans, run
        # A run's systems are those of the plans it was evaluated under (one run may serve several).
        if plans == {ranges.plan_a_name}:
            assert run["systems"] == [ranges.system_a], run
        elif plans == {ranges.plan_b_name}:
            assert run["systems"] == [OTHER_SYSTEM], run

    def keys(found: list[dict]) -> set[tuple[str, str]]:
        return {(r["range"], r["recording_sha256"]) for r in found}

    assert keys(runs("--range", "cell-2")) == {("cell-2", e["recording_sha256"]) for e in cells["cell-2"].recording_entries()}
    assert keys(runs("--site", "saemangeum")) == {("cell-1", e["recording_sha256"]) for e in cells["cell-1"].recording_entries()}
    assert keys(runs("--system", OTHER_SYSTEM)) == ranges.reported[ranges.plan_b_name]
    assert keys(runs("--system", ranges.system_a)) == ranges.reported[ranges.plan_a_name]
    assert keys(runs("--plan", ranges.plan_a_name)) == ranges.reported[ranges.plan_a_name]
    assert keys(runs("--plan", ranges.plan_b_name)) == ranges.reported[ranges.plan_b_name]
    assert keys(runs("--system", ranges.system_a, "--range", "cell-2")) == {
        item for item in ranges.reported[ranges.plan_a_name] if item[0] == "cell-2"}
    assert runs("--system", "no such system") == []

    # --from/--to as ISO times: a whole second between two waves of recordings (logged ≥ 2 s apart).
    ordered = sorted(parse_time(r["logged_utc"]) for r in everything)
    gaps = [(a, b) for a, b in zip(ordered, ordered[1:]) if b - a > timedelta(seconds=1.5)]
    assert gaps, f"no two recordings logged 1.5 s apart: {ordered}"
    a, b = gaps[len(gaps) // 2]
    boundary = a.replace(microsecond=0) + timedelta(seconds=1)
    assert a < boundary < b
    after = {(r["range"], r["recording_sha256"]) for r in everything if parse_time(r["logged_utc"]) > boundary}
    before = keys(everything) - after
    assert after and before
    assert keys(runs("--from", iso_second(boundary))) == after
    assert keys(runs("--to", iso_second(boundary))) == before
    assert keys(runs("--from", iso_second(boundary), "--range", "cell-1")) == {k for k in after if k[0] == "cell-1"}
    # Dates: the first day onwards is everything; the day before, or from the day after the last, nothing.
    first_day, last_day = ordered[0].date(), ordered[-1].date()
    assert keys(runs("--from", first_day.isoformat())) == keys(everything)
    assert runs("--to", (first_day - timedelta(days=1)).isoformat()) == []
    assert runs("--from", (last_day + timedelta(days=1)).isoformat()) == []

    # rescore and jobs take the same filters: plan B's system has one run.
    queued = archive.json("archive", "rescore", "--config", str(config), "--plan", str(ranges.plan_b), "--system", OTHER_SYSTEM)
    assert (queued["queued"], queued["already"], queued["plan"]) == (1, 0, ranges.plan_b_name), queued
    assert queued["plan_sha256"] == plan_sha256(ranges.plan_b), queued
    by_plan = archive.json("archive", "jobs", "--config", str(config), "--plan", str(ranges.plan_b))
    assert pick(by_plan, *JOB_FIELDS) == {"queued": 1, "running": 0, "done": 0, "failed": 0, "left": 1}, by_plan
    other = archive.json("archive", "jobs", "--config", str(config), "--plan", str(PLAN))
    assert other["left"] == 0 and other["queued"] == 0, other
    none = archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN), "--range", "cell-2",
                        "--from", (last_day + timedelta(days=1)).isoformat())
    assert (none["queued"], none["already"]) == (0, 0), none

    # A re-evaluation of every run under plan B says nothing about whose runs they were: plan B's
    # system still has only the run it was reported for, though every run now has a result under B.
    everyone = archive.json("archive", "rescore", "--config", str(config), "--plan", str(ranges.plan_b))
    assert everyone["queued"] == len(everything) - 1 and everyone["already"] == 1, everyone
    worked = archive.run("worker", "--config", str(config), "--exit-when-idle")
    assert worked.returncode == 0, describe(worked)
    assert all(ranges.plan_b_name in r["plans"] for r in runs()), runs()
    assert keys(runs("--system", OTHER_SYSTEM)) == ranges.reported[ranges.plan_b_name]
    assert keys(runs("--plan", ranges.plan_b_name)) == keys(everything)
    # System and plan are taken together: plan A's system under plan B is its runs (reported for it,
    # scored under B), and plan B's system under plan A is none (no run of it was scored under A).
    assert keys(runs("--system", ranges.system_a, "--plan", ranges.plan_b_name)) == ranges.reported[ranges.plan_a_name]
    assert runs("--system", OTHER_SYSTEM, "--plan", ranges.plan_a_name) == []


def test_campaign_over_the_archive_equals_the_file_campaign(archive, cells, ranges, tmp_path):
    """``campaign --archive`` over every archived run of the sample plan's system evaluated under its name (from
    both ranges) gives the figures ``haechi campaign FILES`` gives on the same recordings."""
    for cell in cells.values():
        push(archive, cell)
    config = archive.config(tmp_path / "reader" / "haechi.yaml")
    chosen = sorted(ranges.reported[ranges.plan_a_name])
    assert {name for name, _ in chosen} == {"cell-1", "cell-2"}
    files = [cells[name].recording_file(sha) for name, sha in chosen]

    by_files = tmp_path / "by-files.json"
    result = subprocess.run([str(archive.binary), "campaign", *map(str, files), "--plan", str(PLAN),
                             "--log", str(cells["cell-1"].log), "--out", str(by_files)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S)
    assert result.returncode == 0, describe(result)
    by_archive = tmp_path / "by-archive.json"
    made = archive.run("campaign", "--archive", "--config", str(config), "--system", ranges.system_a, "--plan", str(PLAN),
                       "--out", str(by_archive), cwd=tmp_path)
    assert made.returncode == 0, describe(made)

    files_doc, archive_doc = json.loads(by_files.read_text()), json.loads(by_archive.read_text())
    assert archive_doc["format"] == files_doc["format"] == "haechi-campaign/1"
    assert archive_doc["plan"] == files_doc["plan"]
    assert archive_doc["criteria"] == files_doc["criteria"], (archive_doc["criteria"], files_doc["criteria"])
    file_runs = {sha256_of(Path(r["recording"])): r for r in files_doc["runs"]}
    archive_runs = {r["recording_sha256"]: r for r in archive_doc["runs"]}
    assert set(archive_runs) == set(file_runs) == {sha for _, sha in chosen}
    for sha, run in archive_runs.items():
        assert run["pd"] == file_runs[sha]["pd"], sha
        assert run["run_id"] == file_runs[sha]["run_id"], sha
        assert (run["range"], sha) in ranges.reported[ranges.plan_a_name], run

    assert {r["figures_from"] for r in archive_doc["runs"]} == {"scored here"}, archive_doc["runs"]
    assert f"figures: 0 run(s) from workers' results in the archive, {len(chosen)} scored here" in made.stdout, made.stdout

    # With the workers' results in the archive the campaign takes them, and gives the same figures.
    archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN), "--system", ranges.system_a)
    worked = archive.run("worker", "--config", str(config), "--exit-when-idle", "--name", "w-campaign")
    assert worked.returncode == 0, describe(worked)
    from_results = tmp_path / "from-results.json"
    made = archive.run("campaign", "--archive", "--config", str(config), "--system", ranges.system_a, "--plan", str(PLAN),
                       "--out", str(from_results), cwd=tmp_path)
    assert made.returncode == 0, describe(made)
    results_doc = json.loads(from_results.read_text())
    assert {r["figures_from"] for r in results_doc["runs"]} == {"archive result"}, results_doc["runs"]
    assert results_doc["criteria"] == files_doc["criteria"]
    assert {r["recording_sha256"]: r["pd"] for r in results_doc["runs"]} == {sha: r["pd"] for sha, r in archive_runs.items()}

    # A result edited in the database is what a campaign that trusts results reports; --score-here
    # scores from the store and gives the recordings' own figures back.
    edited_sha = sorted(archive_runs)[0]
    figures = json.loads(archive.sql("SELECT figures FROM archive_results WHERE recording_sha256 = %s", (edited_sha,))[0][0])
    pd_keys = set(archive_runs[edited_sha]["pd"])
    for figure in figures:
        if figure["key"] in pd_keys:
            figure["value"], figure["numerator"] = 0.0, 0.0
    archive.sql("UPDATE archive_results SET figures = %s WHERE recording_sha256 = %s", (json.dumps(figures), edited_sha))
    trusting_path = tmp_path / "trusting.json"
    made = archive.run("campaign", "--archive", "--config", str(config), "--system", ranges.system_a, "--plan", str(PLAN),
                       "--out", str(trusting_path), "--quiet", cwd=tmp_path)
    assert made.returncode == 0, describe(made)
    trusting = json.loads(trusting_path.read_text())
    assert all(f["value"] == 0.0 for f in {r["recording_sha256"]: r for r in trusting["runs"]}[edited_sha]["pd"].values())
    here = tmp_path / "score-here.json"
    made = archive.run("campaign", "--archive", "--config", str(config), "--system", ranges.system_a, "--plan", str(PLAN),
                       "--score-here", "--out", str(here), cwd=tmp_path)
    assert made.returncode == 0, describe(made)
    here_doc = json.loads(here.read_text())
    assert {r["figures_from"] for r in here_doc["runs"]} == {"scored here"} and here_doc["criteria"] == files_doc["criteria"]

    # rescore --again scores the runs once more and the new result replaces the edited one.
    again = archive.json("archive", "rescore", "--config", str(config), "--plan", str(PLAN), "--system", ranges.system_a, "--again")
    assert again["queued"] == len(chosen) and again["already"] == 0, again
    assert archive.run("worker", "--config", str(config), "--exit-when-idle").returncode == 0
    mended = tmp_path / "mended.json"
    assert archive.run("campaign", "--archive", "--config", str(config), "--system", ranges.system_a, "--plan", str(PLAN),
                       "--out", str(mended), cwd=tmp_path).returncode == 0
    mended_doc = json.loads(mended.read_text())
    assert {r["figures_from"] for r in mended_doc["runs"]} == {"archive result"}
    assert {r["recording_sha256"]: r["pd"] for r in mended_doc["runs"]} == {sha: r["pd"] for sha, r in archive_runs.items()}

    # Narrowed to one site (cell-2's), and to a period with no runs.
    narrowed = tmp_path / "cell-2.json"
    made = archive.run("campaign", "--archive", "--config", str(config), "--system", ranges.system_a, "--plan", str(PLAN),
                       "--site", cells["cell-2"].site, "--out", str(narrowed), cwd=tmp_path)
    assert made.returncode == 0, describe(made)
    assert {r["range"] for r in json.loads(narrowed.read_text())["runs"]} == {"cell-2"}


# --------------------------------------------------------------------------------------------------
# The config


def test_config_password_sources(archive, tmp_path):
    """A password inside the URL is a config error (exit 2, without repeating it); ``password_env`` and
    ``password_file`` (relative to the config file) both connect; a wrong one fails (exit 1); push needs ``range``."""
    secret = "Sup3r-secret-in-url"
    in_url = archive.config(tmp_path / "a" / "haechi.yaml", url=archive.url.replace("haechi@", f"haechi:{secret}@"))
    refused = archive.run("archive", "runs", "--config", str(in_url))
    assert refused.returncode == 2 and "password" in refused.stderr.lower(), describe(refused)
    assert secret not in refused.stderr + refused.stdout, "the error repeats the password"

    by_env = archive.config(tmp_path / "b" / "haechi.yaml", password_env="HAECHI_TEST_ARCHIVE_PW")
    ok = archive.run("archive", "runs", "--config", str(by_env), "--json", password=False,
                     env={"HAECHI_TEST_ARCHIVE_PW": archive.cluster.haechi_password})
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"runs": []}, describe(ok)
    unset = archive.run("archive", "runs", "--config", str(by_env), "--json", password=False)
    assert unset.returncode in (1, 2) and "HAECHI_TEST_ARCHIVE_PW" in unset.stderr, describe(unset)
    wrong = archive.run("archive", "runs", "--config", str(by_env), "--json", password=False,
                        env={"HAECHI_TEST_ARCHIVE_PW": "not-the-password"})
    assert wrong.returncode == 1 and wrong.stderr.strip(), describe(wrong)

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "archive.pass").write_text(archive.cluster.haechi_password + "\nsecond line is ignored\n")
    (folder / "archive.pass").chmod(0o600)
    by_file = archive.config(folder / "haechi.yaml", password_env=None, password_file="archive.pass")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ok = archive.run("archive", "runs", "--config", str(by_file), "--json", password=False, cwd=elsewhere)
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"runs": []}, describe(ok)
    jobs = archive.run("archive", "jobs", "--config", str(by_file), "--json", password=False, cwd=elsewhere)
    assert jobs.returncode == 0 and json.loads(jobs.stdout)["left"] == 0, describe(jobs)

    # push names its range: without one the config is refused.
    log = tmp_path / "empty-log" / "runlog.sqlite"
    no_range = archive.run("archive", "push", "--config", str(by_env), "--log", str(log),
                           env={"HAECHI_TEST_ARCHIVE_PW": archive.cluster.haechi_password})
    assert no_range.returncode == 2 and "range" in no_range.stderr, describe(no_range)
    usage = archive.run("archive", "push")
    assert usage.returncode == 64, describe(usage)


def test_ingest_accepts_the_archive_section(archive, tmp_path):
    """The archive section sits in the same file ``haechi ingest --config`` reads: a run on such a config
    records and logs as usual."""
    key = make_key(archive.binary, tmp_path / "keys" / "range.key")
    replays = tmp_path / "range" / "Replays"
    section = {"url": archive.url, "password_env": PASSWORD_ENV, "store": str(archive.store), "range": "cell-9",
               "site": "test"}
    record_runs(archive.binary, tmp_path / "work", [(replays, key, 901)], parallel=1, config_extra={"archive": section})
    entries = log_entries(replays / "runlog.sqlite")
    assert [e["kind"] for e in entries] == ["run-start", "recording"], entries
