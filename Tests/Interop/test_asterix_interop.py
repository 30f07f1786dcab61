"""ASTERIX over UDP, against libasterix (an independent encoder generated from the EUROCONTROL
specifications as published by zoranbosnjak/asterix-specs):

- ``haechi ingest`` with an ``asterix`` endpoint receives libasterix's CAT034 north markers and CAT048
  plots from two radars over UDP; each radar is its own source, ``asterix/<SAC>-<SIC>``, and every
  count (frames, records, each reject reason) equals the sender's own tally exactly;
- a known radar's detections and scans carry its configured sensor id;
- every datagram is recorded whole, on its source's ``asterix`` channel, in the order sent;
- bad datagrams (an unknown category, a block cut short, an FSPEC that never ends, a record without
  its time) are counted under their reasons and recorded, and never stop the good ones;
- a replay of the recording counts exactly what the live run counted.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections import Counter

import pytest

asterix_gen = pytest.importorskip("asterix.generated", reason="libasterix is not installed (Tests/Interop/requirements.txt)")

from asterix.base import Bits, RawDatablock  # noqa: E402

import recordings  # noqa: E402
from conftest import ingest_config, launch_haechi, replayed_summary  # noqa: E402
from test_truth_integrity import free_port  # noqa: E402

CAT034, CAT048, CAT002 = asterix_gen.Cat_034_1_29, asterix_gen.Cat_048_1_32, asterix_gen.Cat_002_1_2


def north_marker(sac: int, sic: int, tod: float) -> bytes:
    record = CAT034.cv_record.create({"010": (("SAC", sac), ("SIC", sic)), "000": 1, "030": (tod, "s"),
                                      "041": (4.0, "s"),
                                      "120": (("HGT", (31, "m")), ("LAT", (35.86, "°")), ("LON", (126.56, "°")))})
    return CAT034.create([record]).unparse().to_bytes()


def plots(sac: int, sic: int, tod: float, ranges_nm: list[float]) -> bytes:
    records = [CAT048.cv_record.create({"010": (("SAC", sac), ("SIC", sic)), "140": (tod, "s"),
                                        "040": (("RHO", (rho, "NM")), ("THETA", (i * 17.5 % 360, "°"))),
                                        "161": (0, ("TRN", i))})
               for i, rho in enumerate(ranges_nm)]
    return CAT048.create(records).unparse().to_bytes()


@pytest.fixture(scope="module")
def asterix_run(haechi_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("asterix")
    port = free_port()
    config = ingest_config([{"name": "radars", "address": f"udp://127.0.0.1:{port}", "socket": "asterix", "mode": "bind"}])
    config["sensors"] = [{"id": "radar-east", "kind": "radar", "asterix": {"sac": 1, "sic": 2},
                          "position": {"lat": 35.86, "lon": 126.56, "alt": 31.0}}]
    run = launch_haechi(haechi_bin, work / "run", config, ("--idle-timeout", "2", "--duration", "60"))
    tally: dict[str, Counter] = {}
    sent: dict[str, list[bytes]] = {}

    def count(source: str, datagram: bytes, **counts: int) -> None:
        tally.setdefault(source, Counter())["frames"] += 1
        tally[source].update(counts)
        sent.setdefault(source, []).append(datagram)

    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        time.sleep(0.5)
        midnight = int(time.time()) // 86400 * 86400
        tod0 = time.time() - midnight - 30
        for scan in range(40):
            tod = tod0 + scan * 0.5
            for sac, sic in ((1, 2), (1, 3)):
                n = 1 + scan % 4
                datagram = north_marker(sac, sic, tod) + plots(sac, sic, tod + 0.1, [1.0 + 0.25 * k for k in range(n)])
                count(f"asterix/{sac}-{sic}", datagram, scan=1, sensor=1, detection=n)
                sender.sendto(datagram, ("127.0.0.1", port))
                time.sleep(0.002)
        # Bad datagrams: each counted under its reason, on the source its first record names.
        bad = [
            ("asterix/radars", CAT002.create([CAT002.cv_record.create({"010": (("SAC", 9), ("SIC", 9)), "000": 1})]).unparse().to_bytes(),
             {"asterix_unknown_category": 1}),
            ("asterix/1-2", plots(1, 2, tod0, [2.0, 3.0])[:-3], {"asterix_bad_block_length": 1}),   # LEN past the datagram
            # An FSPEC that never ends: no record names the datagram, so the endpoint does.
            ("asterix/radars", bytes([48, 0, 6, 0x81, 0x01, 0x01]), {"asterix_unterminated_fspec": 1}),
            ("asterix/1-2", bytes([48, 0, 6, 0x80, 1, 2]), {"asterix_missing_item": 1}),   # I010 without I140
            ("asterix/1-3", plots(1, 2, tod0, [2.0]), {"asterix_unexpected_source": 1}),
        ]
        for source, datagram, reasons in bad:
            if source == "asterix/1-3":
                # A radar's plots inside a datagram whose first record is another radar's.
                datagram = plots(1, 3, tod0, [1.0]) + datagram
                count(source, datagram, detection=1, malformed=1, **reasons)
            else:
                count(source, datagram, malformed=1, **reasons)
            sender.sendto(datagram, ("127.0.0.1", port))
            time.sleep(0.002)
    except Exception:
        run.kill()
        raise
    finally:
        sender.close()
    assert run.wait() == 0, run.describe()
    run.check_recordings()
    return run, run.summary(), tally, sent


def test_every_count_matches_the_senders_tally(asterix_run):
    _, summary, tally, _ = asterix_run
    sources = summary["sources"]
    assert set(sources) == set(tally)
    for name, expected in tally.items():
        got = sources[name]
        records = {kind: expected[kind] for kind in ("scan", "sensor", "detection") if expected[kind]}
        malformed = {k: v for k, v in expected.items() if k.startswith("asterix_")}
        assert (got["frames_received"], got["frames_malformed"]) == (expected["frames"], expected["malformed"]), (name, got)
        assert got["records"] == records, (name, got)
        assert got["malformed"] == malformed, (name, got)


def test_every_datagram_is_recorded_whole_in_order(asterix_run):
    run, _, _, sent = asterix_run
    (path,) = run.recordings()
    recording = recordings.read_recording(path)
    by_source: dict[str, list[bytes]] = {}
    for frame in recording.frames:
        topic, payload = frame.parts
        by_source.setdefault(topic.decode(), []).append(payload)
    assert by_source == sent
    encodings = {frame.encoding for frame in recording.frames if frame.kind == "decoded"}
    assert encodings == {"asterix"}


def test_a_replay_counts_what_the_live_run_counted(haechi_bin, asterix_run, tmp_path):
    run, summary, _, _ = asterix_run
    (path,) = run.recordings()
    assert replayed_summary(haechi_bin, path, tmp_path)["sources"] == summary["sources"]


def test_a_non_loopback_asterix_endpoint_is_warned_about(haechi_bin, tmp_path):
    config = ingest_config([{"name": "radars", "address": f"udp://0.0.0.0:{free_port()}", "socket": "asterix", "mode": "bind"}])
    run = launch_haechi(haechi_bin, tmp_path / "run", config, ("--idle-timeout", "1", "--duration", "5", "--no-record"))
    assert run.wait() == 0, run.describe()
    assert "UDP has no authentication" in (tmp_path / "run" / "stderr.txt").read_text()


@pytest.mark.parametrize("endpoint, message", [
    ({"address": "udp://127.0.0.1:7", "mode": "connect"}, "an asterix endpoint binds"),
    ({"address": "tcp://127.0.0.1:7000", "mode": "bind"}, "is not udp://"),
    ({"address": "udp://127.0.0.1:7000", "mode": "bind", "topics": ["asterix/"]}, "topics applies to ZeroMQ endpoints"),
])
def test_config_mistakes_are_explained(haechi_bin, tmp_path, endpoint, message):
    config = ingest_config([{"name": "radars", "socket": "asterix", **endpoint}])
    run = launch_haechi(haechi_bin, tmp_path / "run", config, ("--duration", "1", "--no-record"))
    assert run.wait() != 0
    assert message in (tmp_path / "run" / "stderr.txt").read_text()


def test_a_simulated_asterix_radar_is_decoded_by_libasterix_counted_exactly_and_tracked(haechi_bin, tmp_path):
    """`haechi simulate` presents the quickstart radar as an ASTERIX radar (a scenario field); its
    datagrams, as recorded by `haechi ingest`, parse with libasterix into CAT034 north markers and
    CAT048 plots; every count equals the simulator's tally; and the live tracker tracks every drone
    from them. Simulated at the present time: ASTERIX carries only the time of day, which the
    receiver dates by its own clock."""
    import yaml

    from conftest import REPO_ROOT, now_epoch, simulate_into_ingest

    scenario = yaml.safe_load((REPO_ROOT / "Config/scenarios/quickstart.yaml").read_text())
    scenario["sensors"][0]["asterix"] = {"sac": 7, "sic": 1}
    scenario_path = tmp_path / "asterix-radar.yaml"
    scenario_path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    config = yaml.safe_load((REPO_ROOT / "Config/ingest.yaml").read_text())
    summary, simulated, path = simulate_into_ingest(haechi_bin, tmp_path, scenario_path, config=config, simulate_args=now_epoch())
    sent = simulated["topics"]["asterix/7-1"]
    got = summary["sources"]["asterix/7-1"]
    assert (got["frames_received"], got["frames_malformed"], got["records"]) == (sent["messages"], 0, sent["records"])
    assert "json/radar-0" not in summary["sources"]

    frames = [f for f in recordings.read_recording(path).frames if f.source == "asterix/7-1"]
    assert len(frames) == sent["messages"]
    markers = plots = 0
    for frame in frames:
        blocks = RawDatablock.parse(Bits.from_bytes(frame.parts[1]))
        assert not isinstance(blocks, ValueError), blocks
        for block in blocks:
            spec = {34: CAT034, 48: CAT048}[block.get_category()]
            records = spec.cv_uap.parse(block.get_raw_records())
            assert not isinstance(records, ValueError), records
            for record in records:
                source = record.get_item("010").variation
                assert (source.get_item("SAC").variation.as_uint(), source.get_item("SIC").variation.as_uint()) == (7, 1)
                if spec is CAT034:
                    markers += 1
                    assert record.get_item("000").variation.as_uint() == 1
                    assert abs(record.get_item("041").variation.content.as_quantity("s") - 1.0) < 1 / 128
                else:
                    plots += 1
                    rho = record.get_item("040").variation.get_item("RHO").variation.content.as_quantity("NM")
                    assert 0 < rho * 1852 <= scenario["sensors"][0]["max_range_m"] + 1852 / 256
    assert (markers, plots) == (sent["records"]["scan"], sent["records"]["detection"])
    tracker = summary["tracking"]["tracker"]
    assert tracker["detections_used"] == sent["records"]["detection"] and tracker["detections_rejected"] == {}
    assert tracker["confirmed"] >= len(scenario["drones"])


def test_a_multicast_group_is_joined_and_heard(haechi_bin, tmp_path):
    """An ASTERIX endpoint on a multicast group joins it (IGMP) on the given interface, here loopback:
    libasterix's plots sent to the group arrive, counted, under their radar's source. Skipped where
    the host cannot route multicast over loopback."""
    port = free_port()
    group = "239.255.7.1"
    config = ingest_config([{"name": "radars", "address": f"udp://{group}:{port}", "socket": "asterix", "mode": "bind",
                             "interface": "127.0.0.1"}])
    run = launch_haechi(haechi_bin, tmp_path / "run", config, ("--idle-timeout", "2", "--duration", "30", "--no-record"))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        time.sleep(0.5)
        if run.process.poll() is not None:
            pytest.skip(f"cannot join a multicast group on loopback here: {(tmp_path / 'run' / 'stderr.txt').read_text()}")
        tod = time.time() % 86400
        for k in range(20):
            sender.sendto(plots(3, 4, tod, [1.0, 2.0]), (group, port))
            time.sleep(0.005)
    finally:
        sender.close()
    assert run.wait() == 0, run.describe()
    source = run.summary()["sources"]["asterix/3-4"]
    assert (source["frames_received"], source["frames_malformed"], source["records"]) == (20, 0, {"detection": 40})
    assert "not loopback" not in (tmp_path / "run" / "stderr.txt").read_text()
