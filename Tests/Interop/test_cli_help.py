"""Golden files of the CLI help (STYLE: keep golden files for reports and CLI help).

``haechi --help`` and every subcommand's ``--help`` listed in ``HELP_PAGES`` must print exactly ``golden/haechi-<command>-help.txt`` (``haechi-help.txt`` for
the root). Help is rendered with ``COLUMNS=100``: swift-argument-parser wraps
at ``$COLUMNS`` when it is set, else at the terminal's width, else (output not a terminal) at 80
columns, so a fixed ``COLUMNS`` keeps the wrapping the same on every machine.

After a deliberate change to the help text, regenerate the files and review the diff::

    UPDATE_GOLDEN=1 HAECHI_BIN=.build/debug/haechi .venv/bin/python -m pytest Tests/Interop/test_cli_help.py

``haechi simulate --help`` has no golden file yet: its options are still changing.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
HELP_COLUMNS = "100"
REGENERATE = ("UPDATE_GOLDEN=1 HAECHI_BIN=.build/debug/haechi .venv/bin/python -m pytest "
              "Tests/Interop/test_cli_help.py")

HELP_PAGES = {
    "haechi-help.txt": ("--help",),
    "haechi-ingest-help.txt": ("ingest", "--help"),
    "haechi-track-help.txt": ("track", "--help"),
    "haechi-info-help.txt": ("info", "--help"),
    "haechi-cat-help.txt": ("cat", "--help"),
    "haechi-doctor-help.txt": ("doctor", "--help"),
    "haechi-replay-help.txt": ("replay", "--help"),
    "haechi-recover-help.txt": ("recover", "--help"),
    "haechi-evaluate-help.txt": ("evaluate", "--help"),
    "haechi-report-help.txt": ("report", "--help"),
    "haechi-campaign-help.txt": ("campaign", "--help"),
    "haechi-verify-help.txt": ("verify", "--help"),
    "haechi-sign-help.txt": ("sign", "--help"),
    "haechi-keys-generate-help.txt": ("keys", "generate", "--help"),
    "haechi-runs-help.txt": ("runs", "--help"),
    "haechi-runs-verify-help.txt": ("runs", "verify", "--help"),
    "haechi-runs-checkpoint-help.txt": ("runs", "checkpoint", "--help"),
    "haechi-archive-help.txt": ("archive", "--help"),
    "haechi-archive-push-help.txt": ("archive", "push", "--help"),
    "haechi-archive-runs-help.txt": ("archive", "runs", "--help"),
    "haechi-archive-rescore-help.txt": ("archive", "rescore", "--help"),
    "haechi-archive-verify-help.txt": ("archive", "verify", "--help"),
    "haechi-worker-help.txt": ("worker", "--help"),
}


def render_help(binary: Path, args: tuple[str, ...]) -> str:
    env = dict(os.environ, COLUMNS=HELP_COLUMNS)
    env.pop("LINES", None)
    result = subprocess.run([str(binary), *args], capture_output=True, text=True, env=env,
                            stdin=subprocess.DEVNULL, timeout=30)
    assert result.returncode == 0, f"haechi {' '.join(args)} exited {result.returncode}\n{result.stderr}"
    return result.stdout


@pytest.mark.parametrize("golden,args", HELP_PAGES.items(), ids=HELP_PAGES.keys())
def test_help_matches_golden_file(haechi_bin, golden, args):
    actual = render_help(haechi_bin, args)
    path = GOLDEN_DIR / golden
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(actual)
        return
    assert path.is_file(), f"{path} is missing: create it with\n  {REGENERATE}"
    expected = path.read_text()
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"golden/{golden}", tofile=f"haechi {' '.join(args)}"))
        pytest.fail(f"`haechi {' '.join(args)}` (COLUMNS={HELP_COLUMNS}) differs from golden/{golden}. "
                    f"If the change is intended, regenerate the golden files and review the diff:\n"
                    f"  {REGENERATE}\n\n{diff}")


def test_help_wraps_at_80_columns_without_a_terminal(haechi_bin):
    """The premise of the golden files: without COLUMNS and a terminal, help wraps at 80 columns, and
    COLUMNS is what changes the width."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    default = subprocess.run([str(haechi_bin), "ingest", "--help"], capture_output=True, text=True, env=env,
                             stdin=subprocess.DEVNULL, timeout=30).stdout
    at_80 = subprocess.run([str(haechi_bin), "ingest", "--help"], capture_output=True, text=True,
                           env=dict(env, COLUMNS="80"), stdin=subprocess.DEVNULL, timeout=30).stdout
    assert default == at_80
    assert default != render_help(haechi_bin, ("ingest", "--help"))
