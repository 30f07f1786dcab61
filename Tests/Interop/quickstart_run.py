"""One live ingest run of the quickstart scenario, and the peers' sockets that listen to its outputs.

The recording tests and the output tests (CoT, ASTERIX CAT062, SAPIENT) all need the same run: the
sample config with one PULL endpoint, the shipped tracker, and ``haechi simulate`` pushing
Config/scenarios/quickstart.yaml at twenty times real speed. ``run_quickstart`` makes it, with the
config changes a test asks for, and returns what the run wrote.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from conftest import EXIT_TIMEOUT_S, REPO_ROOT, HaechiRun, launch_haechi, launch_simulate


@dataclass
class QuickstartRun:
    run: HaechiRun
    config: dict
    summary: dict
    simulated: dict
    #: The run's --tracks-out file and its lines, parsed.
    tracks: Path
    lines: list[dict]


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_quickstart(haechi_bin: Path, workdir: Path, *, outputs: dict | None = None, record: bool = False,
                   receive_hwm: int | None = None) -> QuickstartRun:
    """Ingest (tracking on, ``outputs`` as the config's ``outputs`` section) fed the quickstart scenario."""
    port = free_tcp_port()
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    endpoint = {"name": "sensors", "address": f"tcp://127.0.0.1:{port}", "socket": "pull", "mode": "bind"}
    if receive_hwm:
        endpoint["receive_hwm"] = receive_hwm
    config["endpoints"] = [endpoint]
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    if outputs:
        config["outputs"] = outputs
    tracks = workdir / "live.jsonl"
    run = launch_haechi(haechi_bin, workdir / "ingest", config,
                        ("--idle-timeout", "3", "--duration", "300", "--tracks-out", str(tracks), "--quiet",
                         *(() if record else ("--no-record",))))
    simulate = launch_simulate(haechi_bin, workdir / "simulate", (
        "--scenario", "Config/scenarios/quickstart.yaml", "--speed", "20", "--socket", "push",
        "--publish", f"tcp://127.0.0.1:{port}", "--quiet"))
    try:
        assert simulate.wait(timeout=EXIT_TIMEOUT_S) == 0, simulate.describe()
        assert run.wait(timeout=EXIT_TIMEOUT_S) == 0, run.describe()
    finally:
        simulate.kill()
        run.kill()
    lines = [json.loads(line) for line in tracks.read_text().splitlines()]
    return QuickstartRun(run, config, run.summary(), simulate.summary(), tracks, lines)


class TcpSink:
    """A TCP server, playing a C2 system or decision module: it takes one connection and keeps every
    byte until the connection closes."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.data = bytearray()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.server.settimeout(60)
        try:
            connection, _ = self.server.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(60)
            while chunk := connection.recv(65536):
                self.data += chunk

    def received(self) -> bytes:
        """Everything the connection carried (waits for it to close)."""
        self.thread.join(timeout=30)
        self.server.close()
        return bytes(self.data)


class UdpSink:
    """A UDP socket on loopback with a large buffer, read once the run is over."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.address = f"udp://127.0.0.1:{self.socket.getsockname()[1]}"

    def received(self) -> list[bytes]:
        datagrams = []
        while True:
            try:
                datagrams.append(self.socket.recv(65536))
            except BlockingIOError:
                break
        self.socket.close()
        return datagrams
