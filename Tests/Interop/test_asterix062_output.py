"""Tracks out as ASTERIX CAT062 system tracks, read by two decoders nobody here wrote.

A live ingest run (the quickstart scenario pushed by ``haechi simulate``) with
``outputs.asterix062`` on sends each tracker step's confirmed tracks to a UDP socket here, one data
block per step. ``libasterix`` (zoranbosnjak/asterix-specs, CAT062 1.20) and ``pyasteryx`` (CAT062
1.18) decode every datagram; each record must match the run's ``--tracks-out`` line for that track
and step: SAC/SIC and service, time of day, track number, WGS-84 and Cartesian position (pymap3d from
the track's ENU), velocity, geometric altitude and rate of climb, each to its item's resolution.
"""

from __future__ import annotations

from pathlib import Path

import pymap3d
import pytest
from asterix.base import Bits, RawDatablock
import asterix.generated as asterix_gen

from quickstart_run import UdpSink, run_quickstart

pyasteryx = pytest.importorskip("pyasteryx")
CAT062 = asterix_gen.Cat_062_1_20
FT = 0.3048
#: The track lines give positions and velocities to three decimals.
LINE = 0.0005 + 1e-9


def run_with_cat062(haechi_bin: Path, workdir: Path):
    udp = UdpSink()
    run = run_quickstart(haechi_bin, workdir, outputs={"asterix062": {"udp": udp.address, "sac": 25, "sic": 62, "service_id": 3}})
    return run.summary, run.config, run.lines, udp.received()


def test_tracks_go_out_as_cat062_system_tracks(haechi_bin, tmp_path):
    summary, config, lines, datagrams = run_with_cat062(haechi_bin, tmp_path)
    origin = config["site"]["origin"]
    lat0, lon0, h0 = origin["lat"], origin["lon"], origin["alt"]
    assert lines and datagrams

    # libasterix: every datagram is one CAT062 data block.
    decoded = []
    for datagram in datagrams:
        blocks = RawDatablock.parse(Bits.from_bytes(datagram))
        assert not isinstance(blocks, ValueError), blocks
        assert [b.get_category() for b in blocks] == [62]
        records = CAT062.cv_uap.parse(blocks[0].get_raw_records())
        assert not isinstance(records, ValueError), records
        decoded.extend(records)
    assert len(decoded) == len(lines)
    for record, line in zip(decoded, lines):
        item = lambda name: record.get_item(name).variation  # noqa: E731
        assert (item("010").get_item("SAC").variation.as_uint(), item("010").get_item("SIC").variation.as_uint()) == (25, 62)
        assert item("015").as_uint() == 3
        assert item("040").as_uint() == line["track_id"]
        seconds = (line["t_ns"] % 86_400_000_000_000) / 1e9
        assert abs(item("070").content.as_quantity("s") - seconds) <= 1 / 256
        lat, lon, hae = pymap3d.enu2geodetic(*line["enu"], lat0, lon0, h0)
        assert abs(item("105").get_item("LAT").variation.content.as_quantity("°") - lat) <= 180 / 2**25
        assert abs(item("105").get_item("LON").variation.content.as_quantity("°") - lon) <= 180 / 2**25
        assert abs(item("100").get_item("X").variation.content.as_quantity("m") - line["enu"][0]) <= 0.25 + LINE
        assert abs(item("100").get_item("Y").variation.content.as_quantity("m") - line["enu"][1]) <= 0.25 + LINE
        assert abs(item("185").get_item("VX").variation.content.as_quantity("m/s") - line["vel"][0]) <= 0.125 + LINE
        assert abs(item("185").get_item("VY").variation.content.as_quantity("m/s") - line["vel"][1]) <= 0.125 + LINE
        assert abs(item("130").content.as_quantity("ft") * FT - hae) <= 6.25 * FT / 2 + LINE
        assert abs(item("220").content.as_quantity("ft/min") * FT / 60 - line["vel"][2]) <= 6.25 * FT / 60 / 2 + LINE
        assert item("080").get_item("CNF").variation.as_uint() == 0

    # pyasteryx, a second decoder: the same records, field by field.
    second = [m for d in datagrams for m in pyasteryx.Decoder().decode(d)]
    assert len(second) == len(lines)
    for message, line in zip(second, lines):
        assert message.category == 62
        assert message.items["I062/040"]["TrkN"] == line["track_id"]
        assert message.items["I062/010"] == {"SAC": 25, "SIC": 62}
        lat, lon, _ = pymap3d.enu2geodetic(*line["enu"], lat0, lon0, h0)
        assert abs(message.items["I062/105"]["Lat"] - lat) <= 180 / 2**25
        assert abs(message.items["I062/105"]["Lon"] - lon) <= 180 / 2**25

    sent = summary["outputs"]["asterix062"]
    assert sent == {"blocks_sent": len(datagrams), "blocks_dropped": 0, "tracks_sent": len(lines)}
