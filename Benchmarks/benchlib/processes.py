"""Running programs: each in its own process group, with a timeout; their JSON lines and files."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from .common import PORT_RETRIES, RunError


# ------------------------------------------------------------------------------------------------
# Running programs


def free_port() -> int:
    """A port the kernel considers free on 127.0.0.1. The socket is closed before the port is used."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    """Kills the process group of a process this driver started (and only that one)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def finish(process: subprocess.Popen, deadline: float, name: str) -> tuple[str, str]:
    """Waits for a process until the deadline; returns its output or raises RunError."""
    try:
        out, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        kill(process)
        raise RunError(f"{name}: timed out")
    if process.returncode != 0:
        tail = " | ".join(err.strip().splitlines()[-3:])
        raise RunError(f"{name}: exit status {process.returncode}" + (f": {tail}" if tail else ""))
    return out, err


def last_json(out: str, name: str) -> dict:
    """The last line of standard output that is a JSON object (a program may log before it)."""
    for line in reversed(out.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    raise RunError(f"{name}: no JSON line on standard output")


def run_one(command: list[str], timeout: float, env: dict[str, str] | None = None) -> dict:
    process = start(command, env)
    out, _ = finish(process, time.monotonic() + timeout, Path(command[0]).name)
    return last_json(out, Path(command[0]).name)


def run_pair(receiver: list[str], sender: list[str], timeout: float,
             receiver_env: dict[str, str] | None = None) -> dict:
    """Starts the receiver, then the sender; returns the receiver's JSON line. The sender's line, when
    it prints one, is kept under "sender". If the receiver fails, the sender is stopped at once: a
    sender with nobody to drain its queue would otherwise wait for its linger time."""
    deadline = time.monotonic() + timeout
    rx = start(receiver, receiver_env)
    tx = None
    try:
        tx = start(sender)
        try:
            out, _ = finish(rx, deadline, Path(receiver[0]).name + " " + receiver[1])
        except RunError:
            kill(tx)
            raise
        tx_out, _ = finish(tx, deadline, Path(sender[0]).name + " " + sender[1])
    finally:
        for process in (rx, tx):
            if process is not None and process.poll() is None:
                kill(process)
    result = last_json(out, Path(receiver[0]).name)
    if tx_out.strip():
        try:
            result["sender"] = last_json(tx_out, Path(sender[0]).name)
        except RunError:
            pass
    return result


def with_port(build, run) -> dict:
    """Runs `run(*build(endpoint))` on a fresh tcp://127.0.0.1 port, retrying when the bind loses a
    race for the port."""
    for attempt in range(PORT_RETRIES):
        endpoint = f"tcp://127.0.0.1:{free_port()}"
        try:
            return run(*build(endpoint))
        except RunError as error:
            if "Address already in use" not in str(error) or attempt == PORT_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def load_json(path: Path, name: str) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise RunError(f"{name}: cannot read {path}: {error}")
    if not isinstance(value, dict):
        raise RunError(f"{name}: {path} is not a JSON object")
    return value


def file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()
