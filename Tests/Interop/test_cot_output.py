"""Tracks out as Cursor-on-Target, read by the TAK ecosystem's own code.

A live ingest run (the quickstart scenario pushed by ``haechi simulate``) with ``outputs.cot`` on
sends every confirmed track of every step as a CoT event over UDP and over TCP to Python sockets
here. ``takproto`` (TAK Protocol Version 1) parses what arrives: CoT XML, the mesh framing of UDP
datagrams (``0xBF 0x01 0xBF``) and the stream framing over TCP (``0xBF``, a varint length). Every
event must match a line of the run's ``--tracks-out``: uid, type, times (ms), position (converted
with pymap3d from the track's ENU), speed and course, ce and le, and the stale time. The defaults
are TAK's as ``pytak`` has them.
"""

from __future__ import annotations

import math
import subprocess
import warnings
from pathlib import Path

import pymap3d
import pytest
import yaml

from conftest import REPO_ROOT
from quickstart_run import TcpSink, UdpSink, run_quickstart

takproto = pytest.importorskip("takproto")


def stream_messages(data: bytes) -> list:
    """TakMessages of the stream framing, one after another."""
    out, at = [], 0
    while at < len(data):
        assert data[at] == 0xBF, f"byte {at}: {data[at]:#x} is not the stream header"
        length, shift, at = 0, 0, at + 1
        while True:
            byte = data[at]
            at += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        out.append(takproto.parse_proto(bytearray(b"\xbf" + _varint(length) + data[at:at + length])))
        at += length
    return out


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def xml_documents(data: bytes) -> list[bytes]:
    """The XML events written one after another on a TCP stream."""
    parts = data.split(b"<?xml")
    return [b"<?xml" + p for p in parts if p.strip()]


def run_with_cot(haechi_bin: Path, workdir: Path, fmt: str):
    udp, tcp = UdpSink(), TcpSink()
    run = run_quickstart(haechi_bin, workdir, outputs={"cot": {"udp": udp.address, "tcp": f"tcp://127.0.0.1:{tcp.port}",
                                                               "format": fmt, "stale_s": 7}})
    return run.summary, run.config, run.lines, udp.received(), tcp.received()


def check_events(events, lines, config):
    """Each event against the track line at the same position in the run's --tracks-out."""
    origin = config["site"]["origin"]
    lat0, lon0, h0 = origin["lat"], origin["lon"], origin.get("alt", origin.get("h", 0))
    assert len(events) == len(lines) and lines
    for message, line in zip(events, lines):
        event = message.cotEvent
        t_ms = line["t_ns"] // 1_000_000
        assert (event.uid, event.type, event.how) == (f"haechi-track-{line['track_id']}", "a-u-A-M-F-Q", "m-f")
        assert event.sendTime == event.startTime == t_ms and event.staleTime == t_ms + 7000
        lat, lon, hae = pymap3d.enu2geodetic(*line["enu"], lat0, lon0, h0)
        assert abs(event.lat - lat) < 2e-7 and abs(event.lon - lon) < 2e-7 and abs(event.hae - hae) < 0.1
        assert 0 < event.ce < 1000 and 0 < event.le < 1000
        ve, vn = line["vel"][0], line["vel"][1]
        assert event.detail.track.speed == pytest.approx(math.hypot(ve, vn), abs=0.02)
        course = math.degrees(math.atan2(ve, vn)) % 360
        assert abs((event.detail.track.course - course + 180) % 360 - 180) < 0.2
        assert event.detail.contact.callsign == f"HAECHI-{line['track_id']}"


@pytest.mark.parametrize("fmt", ["xml", "protobuf"])
def test_tracks_go_out_as_cursor_on_target(haechi_bin, tmp_path, fmt):
    summary, config, lines, datagrams, stream = run_with_cot(haechi_bin, tmp_path, fmt)
    if fmt == "xml":
        udp_events = [takproto.parse_proto(bytearray(d)) for d in datagrams]
        tcp_events = [takproto.parse_proto(bytearray(d)) for d in xml_documents(stream)]
        assert all(d.startswith(b"<?xml") for d in datagrams)
    else:
        assert all(d[:3] == b"\xbf\x01\xbf" for d in datagrams)
        udp_events = [takproto.parse_proto(bytearray(d)) for d in datagrams]
        tcp_events = stream_messages(stream)
    check_events(udp_events, lines, config)
    check_events(tcp_events, lines, config)
    cot = summary["outputs"]["cot"]
    assert cot == {"udp_sent": len(lines), "udp_dropped": 0, "tcp_sent": len(lines), "tcp_dropped": 0, "tcp_connections": 1}


def test_cot_defaults_are_taks(haechi_bin, tmp_path):
    """Without udp, events go to TAK's default multicast group and port, as pytak has them; a config
    that sends nowhere, or asks for CoT without tracking, is refused with the field named."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pytak
    assert pytak.DEFAULT_COT_URL.endswith("239.2.3.1:6969")
    doc = (REPO_ROOT / "docs/config.md").read_text()
    assert "udp://239.2.3.1:6969" in doc
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    config["tracking"] = {"enabled": True, "tracker": str(REPO_ROOT / "Config/tracker.yaml")}
    for outputs, tracking, words in (({"cot": {"udp": "off"}}, True, "sends nowhere"),
                                     ({"cot": {"udp": "239.2.3.1:6969"}}, True, "udp://"),
                                     ({"cot": {"format": "json"}}, True, "format"),
                                     ({"cot": {}}, False, "needs tracking.enabled: true")):
        config["outputs"] = outputs
        config["tracking"]["enabled"] = tracking
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(config))
        result = subprocess.run([str(haechi_bin), "ingest", "--config", str(path), "--duration", "0.1", "--no-record", "--quiet"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and words in result.stderr and "cot" in result.stderr, result.stderr
