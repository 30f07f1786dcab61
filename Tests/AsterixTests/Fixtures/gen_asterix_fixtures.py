"""Writes asterix_fixtures.json: datagrams of CAT034, CAT048 and CAT062 records that libasterix (an
independent, pure-Python ASTERIX codec generated from zoranbosnjak/asterix-specs) encodes, each with
what libasterix itself decodes from them, for Tests/AsterixTests to compare Haechi's decoder with.

Every optional item of the three profiles appears (fixed, extended, repetitive, repetitive with FX,
compound items with random subfields), so the framing is checked item by item; blocks of CAT002 (a
category Haechi does not decode) are mixed in and must be skipped by their length. Seeded: the same
seed gives the same file.

    .venv/bin/python Tests/AsterixTests/Fixtures/gen_asterix_fixtures.py [--seed 7] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import asterix.generated as gen
from asterix.base import Bits, RawDatablock

CAT034, CAT048, CAT062, CAT002 = gen.Cat_034_1_29, gen.Cat_048_1_32, gen.Cat_062_1_21, gen.Cat_002_1_2


def bits(rng: random.Random, n: int) -> int:
    return rng.getrandbits(n)


def extended(rng: random.Random, parts: int, first: int | None = None) -> list[int]:
    """Random 7-bit parts (libasterix adds the FX bits)."""
    values = [bits(rng, 7) for _ in range(rng.randint(1, parts))]
    if first is not None:
        values[0] = first
    return values


def compound(rng: random.Random, subfields: dict[str, callable]) -> dict:
    chosen = rng.sample(sorted(subfields), rng.randint(1, len(subfields)))
    return {name: subfields[name]() for name in chosen}


def with_some(rng: random.Random, items: dict, optional: dict) -> dict:
    """`items` and a random choice of the `optional` items (each made by its function), in random order."""
    for name in rng.sample(sorted(optional), rng.randint(0, len(optional))):
        items[name] = optional[name]()
    return items


def source(rng: random.Random, sacsic: tuple[int, int]) -> tuple:
    return (("SAC", sacsic[0]), ("SIC", sacsic[1]))


def record048(rng: random.Random, sacsic: tuple[int, int]) -> dict:
    r = lambda n: (lambda: bits(rng, n))  # noqa: E731
    items = {
        "010": source(rng, sacsic),
        "140": rng.randrange(86400 * 128),
    }
    optional = {
        "020": lambda: extended(rng, 3),
        "040": lambda: (("RHO", bits(rng, 16)), ("THETA", bits(rng, 16))),
        "070": lambda: (bits(rng, 1), bits(rng, 1), bits(rng, 1), 0, ("MODE3A", bits(rng, 12))),
        "090": lambda: (bits(rng, 1), bits(rng, 1), ("FL", bits(rng, 14))),
        "130": lambda: compound(rng, {k: r(8) for k in ("SRL", "SRR", "SAM", "PRL", "PAM", "RPD", "APD")}),
        "220": r(24),
        "240": r(48),
        "250": lambda: [bits(rng, 64) for _ in range(rng.randint(0, 3))],
        "161": lambda: (0, ("TRN", bits(rng, 12))),
        "042": lambda: (("X", bits(rng, 16)), ("Y", bits(rng, 16))),
        "200": lambda: (("GSP", bits(rng, 16)), ("HDG", bits(rng, 16))),
        "170": lambda: extended(rng, 2),
        "210": r(32),
        "030": lambda: [bits(rng, 7) for _ in range(rng.randint(1, 3))],
        "080": r(16),
        "100": r(32),
        "110": lambda: (0, ("3DH", bits(rng, 14))),
        "120": lambda: compound(rng, {"CAL": r(16), "RDS": lambda: [bits(rng, 48) for _ in range(rng.randint(0, 2))]}),
        "230": r(16),
        "260": r(56),
        "055": r(8),
        "050": r(16),
        "065": r(8),
        "060": r(16),
    }
    return with_some(rng, items, optional)


def record034(rng: random.Random, sacsic: tuple[int, int]) -> dict:
    r = lambda n: (lambda: bits(rng, n))  # noqa: E731
    items = {
        "010": source(rng, sacsic),
        "000": rng.choice([1, 2, 3, 4]),
        "030": rng.randrange(86400 * 128),
    }
    optional = {
        "020": r(8),
        "041": r(16),
        "050": lambda: compound(rng, {"COM": r(8), "PSR": r(8), "SSR": r(8), "MDS": r(16)}),
        "060": lambda: compound(rng, {"COM": r(8), "PSR": r(8), "SSR": r(8), "MDS": r(8)}),
        "070": lambda: [bits(rng, 16) for _ in range(rng.randint(0, 3))],
        "100": r(64),
        "110": r(8),
        "120": lambda: (("HGT", bits(rng, 16)), ("LAT", bits(rng, 24)), ("LON", bits(rng, 24))),
        "090": r(16),
    }
    return with_some(rng, items, optional)


def record062(rng: random.Random, sacsic: tuple[int, int]) -> dict:
    r = lambda n: (lambda: bits(rng, n))  # noqa: E731
    items = {
        "010": source(rng, sacsic),
        "070": rng.randrange(86400 * 128),
        "040": bits(rng, 16),
    }
    adr = {"ADR": r(24), "ID": r(48), "MHG": r(16), "IAS": r(16), "TAS": r(16), "SAL": r(16), "FSS": r(16),
           "TIS": lambda: extended(rng, 1), "TID": lambda: [bits(rng, 120) for _ in range(rng.randint(0, 2))],
           "COM": r(16), "SAB": r(16), "ACS": r(56), "BVR": r(16), "GVR": r(16), "RAN": r(16), "TAR": r(16),
           "TAN": r(16), "GS": r(16), "VUN": r(8), "MET": r(64), "EMC": r(8), "POS": r(48), "GAL": r(16),
           "PUN": r(8), "BDSDATA": lambda: [bits(rng, 64) for _ in range(rng.randint(0, 2))], "IAR": r(16),
           "MAC": r(16), "BPS": r(16)}
    ages = {k: r(8) for k in ("TRK", "PSR", "SSR", "MDS", "ES", "VDL", "UAT", "LOP", "MLT")} | {"ADS": r(16)}
    data_ages = {k: r(8) for k in ("MFL", "MD1", "MD2", "MDA", "MD4", "MD5", "MHG", "IAS", "TAS", "SAL", "FSS",
                                   "TID", "COM", "SAB", "ACS", "BVR", "GVR", "RAN", "TAR", "TAN", "GSP", "VUN",
                                   "MET", "EMC", "POS", "GAL", "PUN", "MB", "IAR", "MAC", "BPS")}
    plan = {"TAG": r(16), "CS": r(56), "IFI": r(32), "FCT": r(8), "TAC": r(32), "WTC": r(8), "DEP": r(32),
            "DST": r(32), "RDS": r(24), "CFL": r(16), "CTL": r(16),
            "TOD": lambda: [bits(rng, 32) for _ in range(rng.randint(0, 2))], "AST": r(48), "STS": r(8),
            "STD": r(56), "STA": r(56), "PEM": r(16), "PEC": r(56)}
    optional = {
        "015": r(8),
        "105": lambda: (("LAT", bits(rng, 32)), ("LON", bits(rng, 32))),
        "100": lambda: (("X", bits(rng, 24)), ("Y", bits(rng, 24))),
        "185": lambda: (("VX", bits(rng, 16)), ("VY", bits(rng, 16))),
        "210": r(16),
        "060": lambda: (bits(rng, 1), bits(rng, 1), bits(rng, 1), 0, ("MODE3A", bits(rng, 12))),
        "245": r(56),
        "380": lambda: compound(rng, adr),
        "080": lambda: extended(rng, 3),
        "290": lambda: compound(rng, ages),
        "200": r(8),
        "295": lambda: compound(rng, data_ages),
        "136": r(16),
        "130": r(16),
        "135": r(16),
        "220": r(16),
        "390": lambda: compound(rng, plan),
        "270": lambda: extended(rng, 3),
        "300": r(8),
        "110": lambda: compound(rng, {"SUM": r(8), "PMN": r(32), "POS": r(48), "GA": r(16), "EM1": r(16),
                                      "TOS": r(8), "XP": r(8)}),
        "120": r(16),
        "510": lambda: [(bits(rng, 8), bits(rng, 15)) for _ in range(rng.randint(1, 3))],
        "500": lambda: compound(rng, {"APC": r(32), "COV": r(16), "APW": r(32), "AGA": r(8), "ABA": r(8),
                                      "ATV": r(16), "AA": r(16), "ARC": r(8)}),
        "340": lambda: compound(rng, {"SID": r(16), "POS": r(32), "HEIGHT": r(16), "MDC": r(16), "MDA": r(16),
                                      "TYP": r(8)}),
    }
    return with_some(rng, items, optional)


def quantity(record, item: str, sub: str | None, unit: str) -> float | None:
    i = record.get_item(item)
    if i is None:
        return None
    v = i.variation
    if sub is not None:
        v = v.get_item(sub).variation
    return v.content.as_quantity(unit)


def raw(record, item: str, sub: str | None = None) -> int | None:
    i = record.get_item(item)
    if i is None:
        return None
    v = i.variation
    if sub is not None:
        v = v.get_item(sub).variation
    return v.as_uint()


def expected(category: int, record) -> dict:
    """What libasterix decodes from a record, in the units of the specification."""
    out = {"category": category, "sac": raw(record, "010", "SAC"), "sic": raw(record, "010", "SIC")}
    if category == 48:
        out |= {"time_of_day": quantity(record, "140", None, "s"),
                "range_nm": quantity(record, "040", "RHO", "NM"), "azimuth_deg": quantity(record, "040", "THETA", "°"),
                "mode3a": raw(record, "070", "MODE3A"), "flight_level": quantity(record, "090", "FL", "FL"),
                "height_ft": quantity(record, "110", "3DH", "ft"), "track_number": raw(record, "161", "TRN"),
                "x_nm": quantity(record, "042", "X", "NM"), "y_nm": quantity(record, "042", "Y", "NM"),
                "ground_speed_nm_s": quantity(record, "200", "GSP", "NM/s"), "heading_deg": quantity(record, "200", "HDG", "°")}
        i020 = record.get_item("020")
        if i020 is not None:
            out["typ"] = i020.variation.get_item("TYP").variation.as_uint()
            out["sim"] = i020.variation.get_item("SIM").variation.as_uint()
            tst = i020.variation.get_item("TST")
            out["tst"] = tst.variation.as_uint() if tst is not None else 0
        i170 = record.get_item("170")
        if i170 is not None:
            out["cnf"] = i170.variation.get_item("CNF").variation.as_uint()
    elif category == 34:
        out |= {"message_type": raw(record, "000"), "time_of_day": quantity(record, "030", None, "s"),
                "sector_deg": quantity(record, "020", None, "°"), "rotation_period_s": quantity(record, "041", None, "s"),
                "height_m": quantity(record, "120", "HGT", "m"), "lat_deg": quantity(record, "120", "LAT", "°"),
                "lon_deg": quantity(record, "120", "LON", "°")}
    else:
        out |= {"time_of_day": quantity(record, "070", None, "s"), "track_number": raw(record, "040"),
                "lat_deg": quantity(record, "105", "LAT", "°"), "lon_deg": quantity(record, "105", "LON", "°"),
                "x_m": quantity(record, "100", "X", "m"), "y_m": quantity(record, "100", "Y", "m"),
                "vx_m_s": quantity(record, "185", "VX", "m/s"), "vy_m_s": quantity(record, "185", "VY", "m/s"),
                "geometric_altitude_ft": quantity(record, "130", None, "ft"),
                "flight_level": quantity(record, "136", None, "FL"), "mode3a": raw(record, "060", "MODE3A")}
        i080 = record.get_item("080")
        if i080 is not None:
            out["cnf"] = i080.variation.get_item("CNF").variation.as_uint()
            sim, tse = i080.variation.get_item("SIM"), i080.variation.get_item("TSE")
            out["sim"] = sim.variation.as_uint() if sim is not None else 0
            out["tse"] = tse.variation.as_uint() if tse is not None else 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--datagrams", type=int, default=300)
    parser.add_argument("--out", default=str(Path(__file__).with_name("asterix_fixtures.json")))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    specs = {48: (CAT048, record048), 34: (CAT034, record034), 62: (CAT062, record062)}
    cases = []
    for _ in range(args.datagrams):
        blocks, skipped = [], 0
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.1:
                block = CAT002.create([CAT002.cv_record.create({"010": (("SAC", 9), ("SIC", 9)), "000": 1})]).unparse().to_bytes()
                blocks.append(block)
                skipped += 1
                continue
            category = rng.choice(sorted(specs))
            spec, make = specs[category]
            sacsic = (rng.randrange(256), rng.randrange(256))
            records = [spec.cv_record.create(make(rng, sacsic)) for _ in range(rng.randint(1, 4))]
            blocks.append(spec.create(records).unparse().to_bytes())
        datagram = b"".join(blocks)
        # What libasterix reads back from the bytes, block by block.
        decoded = []
        raw_blocks = RawDatablock.parse(Bits.from_bytes(datagram))
        assert not isinstance(raw_blocks, ValueError), raw_blocks
        for block in raw_blocks:
            category = block.get_category()
            if category not in specs:
                continue
            parsed = specs[category][0].cv_uap.parse(block.get_raw_records())
            assert not isinstance(parsed, ValueError), parsed
            decoded += [expected(category, record) for record in parsed]
        cases.append({"hex": datagram.hex(), "records": decoded, "unknown_blocks": skipped})
    Path(args.out).write_text(json.dumps({"generator": "libasterix 0.36.3", "seed": args.seed, "cases": cases}, indent=1) + "\n")
    print(f"{args.out}: {len(cases)} datagrams, {sum(len(c['records']) for c in cases)} records")


if __name__ == "__main__":
    main()
