"""The README's short tour, run as written.

Every ```` ```sh ```` block of the README's "## A short tour" section is taken, in order, with
``.build/debug/haechi`` and ``.build/release/haechi`` replaced by ``$HAECHI_BIN``, and the blocks
run one after the other in ONE ``bash -euxo pipefail`` process (so the shell variables the tour sets,
``REC`` and ``RUN``, carry over), in a fresh folder that holds nothing of the repository but a
symlink to ``Config/``. Only ```` ```sh ```` blocks run: ```` ```text ```` (example output),
```` ```console ```` (commands that are not part of the tour, such as an ingest stopped with Ctrl-C)
and any other info string are shown, not run. The tour must exit 0 (``cmp`` of the live and replayed
tracks, ``verify`` and ``runs verify`` fail it otherwise), and what it claims is checked besides.

The tour's ingest binds the sample config's loopback ports (``Config/ingest.yaml``: 7001 to 7003);
the test fails at once, naming the port, when one is held. ``HOME`` is the test's own folder, so
nothing under the user's ``~`` is read or made (the range key is the session's, from conftest).
The tour prints a PDF: without Chromium the test skips, as the report tests do.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

import chromium_render as render
from conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
TOUR_HEADING = "## A short tour"
#: The info string of the blocks the test runs; every other fenced block is shown, not run.
RUN_INFO = "sh"
HAECHI_PATHS = re.compile(r"\.build/(?:debug|release)/haechi\b")
#: The ports of Config/ingest.yaml that the tour's ingest binds.
TOUR_PORTS = (7001, 7002, 7003)
TOUR_TIMEOUT_S = 300
OFFICER = "김지우"


def tour_blocks(text: str) -> list[tuple[str, str]]:
    """The fenced blocks of the README's tour section, in order, as (info string, body)."""
    start = text.index(f"\n{TOUR_HEADING}\n")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end >= 0 else len(text)]
    blocks, info, body = [], None, []
    for line in section.split("\n"):
        if line.startswith("```"):
            if info is None:
                info, body = line[3:].strip(), []
            else:
                blocks.append((info, "\n".join(body)))
                info = None
        elif info is not None:
            body.append(line)
    assert info is None, f"an unclosed ``` block in {README}'s tour"
    return blocks


def tour_script(binary: Path) -> str:
    """The tour's ``sh`` blocks as one script, each block headed by a comment that numbers it."""
    blocks = [body for info, body in tour_blocks(README.read_text()) if info == RUN_INFO]
    assert blocks, f"no ```{RUN_INFO} blocks in the {TOUR_HEADING!r} section of {README}"
    script = "\n".join(f"# --- README tour, sh block {i} of {len(blocks)}\n{body}"
                       for i, body in enumerate(blocks, 1))
    # Checked before the binary goes in: its own path may well contain .build/.
    assert ".build/" not in HAECHI_PATHS.sub("haechi", script), f"a .build path the test does not replace:\n{script}"
    script = HAECHI_PATHS.sub(lambda _: shlex.quote(str(binary)), script)
    return script + "\n"


def port_holder(port: int) -> str | None:
    """None when ``127.0.0.1:port`` can be bound (as libzmq binds, with SO_REUSEADDR), else why not."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return str(error)
    return None


def test_readme_blocks_are_marked():
    """The tour has blocks to run, and blocks it shows only say so by their info string."""
    infos = [info for info, _ in tour_blocks(README.read_text())]
    assert infos.count(RUN_INFO) >= 4, infos
    assert "" not in infos, f"a tour block without an info string (mark it {RUN_INFO}, text or console): {infos}"


def test_readme_tour_runs_as_written(haechi_bin, tmp_path):
    if render.chromium() is None:
        pytest.skip("headless Chromium not found (/usr/bin/chromium): the tour's report --pdf needs it "
                    "(install the Debian package chromium; make test does)")
    for port in TOUR_PORTS:
        held = port_holder(port)
        if held:
            pytest.fail(f"127.0.0.1:{port} cannot be bound ({held}): the README tour's ingest binds "
                        f"Config/ingest.yaml's ports {TOUR_PORTS}; stop whatever holds it")

    script = tour_script(haechi_bin)
    work = tmp_path / "tour"
    work.mkdir()
    (work / "Config").symlink_to(REPO_ROOT / "Config", target_is_directory=True)
    home = tmp_path / "home"
    home.mkdir()
    script_path = tmp_path / "tour.sh"
    script_path.write_text(script)
    output_path = tmp_path / "tour-output.txt"

    env = dict(os.environ, HOME=str(home), PS4="+ ")
    started = time.monotonic()
    with open(output_path, "wb") as output:
        process = subprocess.Popen(["bash", "-euxo", "pipefail", str(script_path)], cwd=work, env=env,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            status = process.wait(timeout=TOUR_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            # The tour's own group: a background ingest left running when the script failed or hung.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    seconds = time.monotonic() - started
    out = output_path.read_text(errors="replace")

    def check(ok: bool, what: str) -> None:
        """Fail, without the traceback, with the script and its output when ``ok`` is false."""
        if not ok:
            pytest.fail(f"{what} (after {seconds:.1f} s)\n--- the tour as run (in {work}) ---\n{script}"
                        f"--- its output (tail) ---\n{out[-12000:]}", pytrace=False)

    check(status is not None, f"the README tour did not end within {TOUR_TIMEOUT_S} s")
    check(status == 0, f"the README tour exited {status}")

    # What the tour claims, beyond its exit status.
    recordings = sorted((work / "Replays").glob("run-*.mcap"))
    check(len(recordings) == 1, f"the tour recorded {len(recordings)} runs, not one: {recordings}")
    run_id = recordings[0].stem
    check(f"recording: Replays/{run_id}.mcap" in out, "ingest did not name its recording")
    live, replayed = work / "out/live.jsonl", work / "out/replay.jsonl"
    check(live.stat().st_size > 0 and live.read_bytes() == replayed.read_bytes(), "live and replayed tracks differ")
    check(json.loads((work / "out/replay.json").read_text())["replay"]["tracks_match_recording"] is True,
          "out/replay.json does not say the tracks match the recording's")
    recovered = re.search(r"kept (\d+) message\(s\) from (\d+) complete chunk\(s\)", out)
    check(bool(recovered) and int(recovered[1]) > 0 and (work / f"out/{run_id}.cut.recovered.mcap").is_file(),
          "recover rebuilt nothing from the cut copy")
    report = work / "out" / run_id / "report"
    for name in ("report.json", "report.signature.json", "report.both.html", "report.both.pdf"):
        check((report / name).is_file(), f"{report / name} was not written")
    check(out.count("\nverified: ") == 2, "verify did not say verified, twice")
    check(f"signed by {OFFICER}" in out and "the key is officer.pub in the trust store out/officers" in out,
          "verify --trust-store did not name the officer and the trusted key")
    check("held against the log" in out, "runs verify --checkpoint did not hold the checkpoint")
    for metrics in ("out/quickstart-metrics.json", "out/metrics.json"):
        check("ospa" in (work / metrics).read_text().lower(), f"{metrics} holds no OSPA")
    print(f"README tour: {seconds:.1f} s")
