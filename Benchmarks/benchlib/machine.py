"""The machine a run is on (CPU, kernel, OS, libzmq, git commit) and the small file and command readers."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

from .common import REPO


# ------------------------------------------------------------------------------------------------
# Machine and formatting


def read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def quiet(command: list[str]) -> str | None:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=REPO).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def os_name() -> str:
    for line in read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return platform.platform()


def machine_info(zmq_raw: str) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or None)
    libzmq = None
    version = quiet([zmq_raw, "version"])
    if version:
        try:
            libzmq = json.loads(version).get("libzmq")
        except json.JSONDecodeError:
            pass
    commit = quiet(["git", "rev-parse", "HEAD"])
    dirty = quiet(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu,
        "kernel": platform.release(),
        "os": os_name(),
        "python": platform.python_version(),
        "libzmq": libzmq,
        "git_commit": commit,
        "git_dirty": bool(dirty) if commit else None,
    }
