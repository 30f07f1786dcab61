#!/usr/bin/env python3
"""Writes the MCAP fixtures of MCAPCodecTests with the reference Python `mcap` writer.

Run from the repository root with the project venv (Tests/Interop/requirements.txt pins
mcap==1.6.0, zstandard==0.25.0 and lz4==4.4.5):

    .venv/bin/python Tests/MCAPCodecTests/Fixtures/gen_mcap_fixtures.py

Every file holds the same content, which PythonFixtureTests.swift rebuilds from the same rules:

- schema 1 "haechi.Detection" and schema 2 "haechi.TruthFix", both `jsonschema`;
- channel 1 "/radar/1/detections" (schema 1, metadata sensor=radar-1), channel 2
  "/radar/2/detections" (schema 1, no metadata), channel 3 "/truth/fix" (schema 2, source=gnss),
  all `json`;
- 60 messages, i = 0..59: channel i % 3 + 1, sequence i,
  log_time = BASE + i * 10 ms, minus 25 ms on channel 3 (so file order is not log-time order),
  publish_time = log_time - 1000 ns, data = '{"i":<i>,"ch":<channel>}';
- after message 29, Metadata "session" {range: test, operator: fixture};
- in the chunked files, after message 44, Attachment "notes.txt" (text/plain).

Files: chunked with no compression (data-section CRC on), zstd and lz4 (512-byte chunks, so
several chunks each); unchunked (data-section CRC on); chunked zstd with an empty summary.
"""

from pathlib import Path

from mcap.writer import CompressionType, IndexType, Writer

BASE = 1_700_000_000_000_000_000
HERE = Path(__file__).resolve().parent


def write(name: str, **writer_args) -> None:
    attachment = writer_args.pop("attachment", True)
    with open(HERE / name, "wb") as f:
        w = Writer(f, **writer_args)
        w.start(profile="x-haechi-fixture", library="python mcap 1.6.0")
        detection = w.register_schema(
            name="haechi.Detection", encoding="jsonschema", data=b'{"type":"object"}'
        )
        truth = w.register_schema(
            name="haechi.TruthFix",
            encoding="jsonschema",
            data=b'{"type":"object","properties":{"lat":{"type":"number"}}}',
        )
        channels = [
            w.register_channel("/radar/1/detections", "json", detection, {"sensor": "radar-1"}),
            w.register_channel("/radar/2/detections", "json", detection, {}),
            w.register_channel("/truth/fix", "json", truth, {"source": "gnss"}),
        ]
        assert channels == [1, 2, 3]
        for i in range(60):
            channel = i % 3 + 1
            log_time = BASE + i * 10_000_000 - (25_000_000 if channel == 3 else 0)
            w.add_message(
                channel_id=channel,
                log_time=log_time,
                publish_time=log_time - 1000,
                sequence=i,
                data=f'{{"i":{i},"ch":{channel}}}'.encode(),
            )
            if i == 29:
                w.add_metadata("session", {"range": "test", "operator": "fixture"})
            if i == 44 and attachment:
                w.add_attachment(
                    create_time=0,
                    log_time=BASE,
                    name="notes.txt",
                    media_type="text/plain",
                    data=b"hello from python\n",
                )
        w.finish()


def main() -> None:
    write("py_chunked_none.mcap", compression=CompressionType.NONE, chunk_size=512, enable_data_crcs=True)
    write("py_chunked_zstd.mcap", compression=CompressionType.ZSTD, chunk_size=512)
    write("py_chunked_lz4.mcap", compression=CompressionType.LZ4, chunk_size=512)
    write("py_unchunked.mcap", use_chunking=False, enable_data_crcs=True, attachment=False)
    write(
        "py_no_summary.mcap",
        compression=CompressionType.ZSTD,
        chunk_size=512,
        index_types=IndexType.NONE,
        repeat_channels=False,
        repeat_schemas=False,
        use_statistics=False,
        use_summary_offsets=False,
    )


if __name__ == "__main__":
    main()
