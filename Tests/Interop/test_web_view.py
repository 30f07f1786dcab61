"""The live web view (config ``web:``), end to end: a real headless Chromium from Debian loads the page
during a simulated run and must show tracks, truth, a stale source and a silent sensor; the server
refuses what it must (foreign Host headers, paths outside its files, browsers past its limit); a
replay serves the same view.

The screenshot is kept in ``.build/test-artefacts/web-view.png``.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import websocket
import yaml
import zmq

from browser import HeadlessChromium
from chromium_render import chromium
from conftest import EXIT_TIMEOUT_S, REPO_ROOT, launch_haechi, launch_simulate
from quickstart_run import free_tcp_port

ARTEFACTS = REPO_ROOT / ".build" / "test-artefacts"
STALE_SOURCE = "rf-9"
QUIET_SENSOR = "eo-quiet"


def web_config(sensor_port: int, web: dict) -> dict:
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    config["endpoints"] = [{"name": "sensors", "address": f"tcp://127.0.0.1:{sensor_port}", "socket": "pull", "mode": "bind"}]
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    config["sensors"] = config["sensors"] + [
        {"id": STALE_SOURCE, "kind": "rf", "measures": "azimuth", "position": {"lat": 35.842, "lon": 126.541, "alt": 10.0}},
        {"id": QUIET_SENSOR, "kind": "eo", "measures": "azimuth_elevation", "position": {"lat": 35.856, "lon": 126.561, "alt": 12.0}},
    ]
    config["web"] = web
    return config


def get(port: int, path: str, host: str | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def wait_listening(port: int, run, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert run.process.poll() is None, run.describe()
        try:
            if get(port, "/state.json")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the web view never answered on port {port}\n{run.describe()}")


def send_then_fall_silent(sensor_port: int) -> None:
    """Five status frames from ``rf-9``, 0.2 s apart, then nothing: stale after 5 s."""
    context = zmq.Context.instance()
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 2000)
    push.connect(f"tcp://127.0.0.1:{sensor_port}")
    for seq in range(5):
        record = {"type": "status", "t_ns": time.time_ns(), "sensor_id": STALE_SOURCE, "seq": seq, "state": "ok",
                  "lat": 35.842, "lon": 126.541, "alt": 10.0}
        push.send_multipart([f"json/{STALE_SOURCE}".encode(), json.dumps(record).encode()])
        time.sleep(0.2)
    push.close()


@pytest.mark.skipif(chromium() is None, reason="no Chromium (/usr/bin/chromium or $HAECHI_CHROMIUM): make deps installs it")
def test_chromium_shows_tracks_truth_and_alarms_live(haechi_bin, tmp_path):
    sensor_port, web_port = free_tcp_port(), free_tcp_port()
    run = launch_haechi(haechi_bin, tmp_path / "ingest", web_config(sensor_port, {"port": web_port}), ("--duration", "120",))
    browser = None
    simulate = None
    try:
        wait_listening(web_port, run)
        send_then_fall_silent(sensor_port)
        simulate = launch_simulate(haechi_bin, tmp_path / "simulate", (
            "--scenario", "Config/scenarios/quickstart.yaml", "--speed", "3", "--socket", "push",
            "--publish", f"tcp://127.0.0.1:{sensor_port}", "--quiet"))
        browser = HeadlessChromium(chromium(), tmp_path / "chromium")
        browser.navigate(f"http://127.0.0.1:{web_port}/")
        shown = """(() => {
            const alarms = [...document.querySelectorAll('#alarms .alarm')].map(a => a.textContent);
            return document.querySelectorAll('path.haechi-track').length > 0
                && document.querySelectorAll('path.haechi-truth').length > 0
                && alarms.some(a => a === '수신 중단 · ' + a.slice(a.indexOf('STALE')) && a.includes('STALE json/rf-9'))
                && alarms.some(a => a === '미수신 센서 · SILENT eo-quiet');
        })()"""
        ok = browser.wait_for(shown, timeout=60)
        page = browser.evaluate("""({
            tracks: document.querySelectorAll('path.haechi-track').length,
            truth: document.querySelectorAll('path.haechi-truth').length,
            sensors: document.querySelectorAll('path.haechi-sensor').length,
            coverage: document.querySelectorAll('path.haechi-coverage').length,
            rings: document.querySelectorAll('path.haechi-ring').length,
            alarms: [...document.querySelectorAll('#alarms .alarm')].map(a => a.textContent),
            staleRows: [...document.querySelectorAll('#sources tr.stale td:first-child')].map(td => td.textContent),
            connection: document.getElementById('connection').textContent,
            recording: document.getElementById('recording').textContent,
            snapshot: window.haechi.last
        })""")
        screenshot = browser.screenshot(ARTEFACTS / "web-view.png")
        print(f"web view screenshot: {screenshot}")
        assert ok, f"the page never showed tracks, truth and both alarms: {json.dumps({k: v for k, v in page.items() if k != 'snapshot'})}"
        snapshot = page["snapshot"]
        # What is drawn is what was sent: one marker per track and per drone of the last snapshot.
        assert page["tracks"] == len(snapshot["tracks"]) and page["truth"] == len(snapshot["truth"])
        assert {t["id"] for t in snapshot["truth"]} <= {"drone-1", "drone-2"}
        # Every positioned sensor is drawn; the simulated radar's self-described range is its coverage.
        assert page["sensors"] == len(snapshot["sensors"]) >= 4
        assert page["coverage"] >= 1 and page["rings"] >= 1
        assert "json/rf-9" in page["staleRows"]
        assert "connected" in page["connection"]
        recordings = list((tmp_path / "ingest" / "recordings").glob("*.mcap"))
        assert len(recordings) == 1 and page["recording"].startswith(str(recordings[0]))
        # Tracks carry their velocity and history; truth sits beside them.
        track = snapshot["tracks"][0]
        assert track["speed"] > 0 and len(track["history"]) >= 2 and track["sigma_h_m"] > 0
        assert screenshot.stat().st_size > 20_000, "the screenshot looks blank"
    finally:
        if browser:
            browser.close()
        if simulate:
            simulate.kill()
        run.process.send_signal(signal.SIGINT)
        assert run.wait(timeout=EXIT_TIMEOUT_S) == 0, run.describe()
    summary = run.summary()
    assert summary["tracking"]["tracker"]["confirmed"] >= len(snapshot["tracks"])


def test_server_refuses_foreign_hosts_stray_paths_and_extra_browsers(haechi_bin, tmp_path):
    sensor_port, web_port = free_tcp_port(), free_tcp_port()
    tiles = tmp_path / "tiles"
    (tiles / "1" / "2").mkdir(parents=True)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    (tiles / "1" / "2" / "3.png").write_bytes(png)
    run = launch_haechi(haechi_bin, tmp_path / "ingest", web_config(sensor_port, {"port": web_port, "max_clients": 2, "tiles": str(tiles)}),
                        ("--duration", "60", "--no-record"))
    sockets = []
    try:
        wait_listening(web_port, run)
        status, headers, body = get(web_port, "/state.json")
        snapshot = json.loads(body)
        assert snapshot["version"] == 1 and snapshot["mode"] == "live" and snapshot["tracks"] == [] and snapshot["tiles"] is True
        assert "no-store" in headers["cache-control"] and "default-src 'self'" in headers["content-security-policy"]
        status, headers, body = get(web_port, "/tiles/1/2/3.png")
        assert status == 200 and headers["content-type"] == "image/png" and body == png
        # DNS rebinding: a page from elsewhere whose name now points here is refused.
        assert get(web_port, "/state.json", host=f"attacker.example:{web_port}")[0] == 403
        assert get(web_port, "/", host=f"localhost:{web_port}")[0] == 200
        # Cross-site WebSocket hijacking: a page elsewhere in the operator's browser may not open the feed.
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(f"ws://127.0.0.1:{web_port}/ws", timeout=10, origin="https://attacker.example")
        assert refused.value.status_code == 403
        status, headers, body = get(web_port, "/leaflet/leaflet.js")
        assert status == 200 and headers["content-type"] == "text/javascript" and b"Leaflet" in body[:2000]
        for path in ("/leaflet/../../../../etc/passwd", "/leaflet/%2e%2e/%2e%2e/etc/passwd", "/leaflet/leaflet-src.js",
                     "/tiles/../../etc/passwd", "/tiles/1/2/4.png", "/tiles/1/2/../2/3.png.txt", "/nothing"):
            assert get(web_port, path)[0] == 404, path
        # Two browsers are served; a third is asked to come back later (close code 1013).
        for _ in range(2):
            ws = websocket.create_connection(f"ws://127.0.0.1:{web_port}/ws", timeout=10)
            assert json.loads(ws.recv())["version"] == 1
            sockets.append(ws)
        third = websocket.create_connection(f"ws://127.0.0.1:{web_port}/ws", timeout=10)
        opcode, frame = third.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(frame[:2], "big") == 1013
        third.close()
        # When one leaves, a new one is served.
        sockets.pop().close()
        deadline = time.monotonic() + 10
        while True:
            ws = websocket.create_connection(f"ws://127.0.0.1:{web_port}/ws", timeout=10)
            opcode, frame = ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_TEXT:
                sockets.append(ws)
                break
            ws.close()
            assert time.monotonic() < deadline, "a freed place was never given to a new browser"
            time.sleep(0.3)
    finally:
        # Stopped with browsers still connected: their WebSockets are closed, not waited for.
        run.process.send_signal(signal.SIGINT)
        assert run.wait(timeout=EXIT_TIMEOUT_S) == 0, run.describe()
        for ws in sockets:
            ws.close()


def test_exposed_web_view_warns_and_a_taken_port_is_an_error(haechi_bin, tmp_path):
    sensor_port = free_tcp_port()
    exposed = launch_haechi(haechi_bin, tmp_path / "exposed", web_config(sensor_port, {"address": "0.0.0.0", "port": free_tcp_port()}),
                            ("--duration", "1", "--no-record"))
    assert exposed.wait(timeout=EXIT_TIMEOUT_S) == 0, exposed.describe()
    assert "warning: the web view listens on 0.0.0.0" in exposed.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        clash = launch_haechi(haechi_bin, tmp_path / "clash", web_config(free_tcp_port(), {"port": port}), ("--duration", "5", "--no-record"))
        assert clash.wait(timeout=EXIT_TIMEOUT_S) != 0
    assert f"cannot serve the web view on 127.0.0.1:{port}" in clash.stderr, clash.describe()


def test_replay_serves_the_view_of_the_recording(haechi_bin, tmp_path):
    sensor_port = free_tcp_port()
    run = launch_haechi(haechi_bin, tmp_path / "ingest", web_config(sensor_port, {"enabled": False}), ("--idle-timeout", "3", "--duration", "120"))
    simulate = launch_simulate(haechi_bin, tmp_path / "simulate", (
        "--scenario", "Config/scenarios/quickstart.yaml", "--speed", "20", "--socket", "push",
        "--publish", f"tcp://127.0.0.1:{sensor_port}", "--quiet"))
    assert simulate.wait(timeout=EXIT_TIMEOUT_S) == 0, simulate.describe()
    assert run.wait(timeout=EXIT_TIMEOUT_S) == 0, run.describe()
    recording = run.check_recordings()[0]
    web_port = free_tcp_port()
    replay_started_ns = time.time_ns()
    replay = subprocess.Popen(
        [str(haechi_bin), "replay", str(recording), "--speed", "1", "--from", "2", "--to", "12", "--web", f"127.0.0.1:{web_port}", "-q"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        snapshot = None
        while time.monotonic() < deadline and replay.poll() is None:
            try:
                status, _, body = get(web_port, "/state.json")
                snapshot = json.loads(body)
                if snapshot["truth"] and snapshot["sources"]:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        assert snapshot is not None and snapshot["mode"] == "replay", snapshot
        assert {t["id"] for t in snapshot["truth"]} and snapshot["sources"]
        # Ages are the recording's own: measured at the replayed frame's time, never the wall clock's.
        assert snapshot["now"] < replay_started_ns, (snapshot["now"], replay_started_ns)
    finally:
        replay.kill()
        replay.wait(timeout=10)
