#!/usr/bin/env python3
"""Write the geodesy fixtures of Haechi's Geodesy tests (Tests/GeodesyTests/Fixtures/geodesy-pymap3d.json).

Every expected value is computed by pymap3d (an independent implementation, on the WGS84 ellipsoid,
``deg=True``), for a fixed list of sites around the world plus a few seeded random ones. At each site
there are two sensors, one at the site origin and one a few kilometres away, and each sensor sees
three targets drawn as (azimuth, elevation, range). The sections of the file, one per conversion:

- ``geodetic2ecef``, ``ecef2geodetic``: every site, sensor and target; ``ecef2geodetic`` also has
  points just off the polar axis.
- ``geodetic2enu``, ``enu2geodetic``, ``ecef2enu``, ``enu2ecef``: in the site's east-north-up frame.
- ``enu2aer``, ``aer2enu``: polar measurements in the site frame (the "site-parallel" convention of
  Haechi's ``PolarMeasurement(of:from:)``: the sensor's horizontal plane is the site's).
- ``geodetic2aer``, ``aer2geodetic``: exact polar measurements in the sensor's own tangent frame
  (Haechi's ``SensorFrame``).

Units and orders: ``geodetic`` is [latitude °, longitude °, ellipsoidal height m]; ``ecef`` is
[x, y, z] m; ``enu`` is [east, north, up] m; ``aer`` is [azimuth ° clockwise from north in [0, 360),
elevation °, slant range m], pymap3d's order.

pymap3d's ``enu2aer`` rounds any ENU component under 1 mm to zero; the generator refuses inputs that
would meet that rounding, so no fixture depends on it.

The output is deterministic (fixed sites, fixed seed, sorted keys, shortest round-trip float repr):
rerunning the script with the same pymap3d and numpy rewrites the same file.
Tests/Interop/test_fixture_generators.py checks that.

Usage: python Tests/GeodesyTests/Fixtures/gen_geodesy_fixtures.py [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pymap3d as pm

# The shared fixture layout (Tests/Interop/fixture_json.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Interop"))
from fixture_json import render  # noqa: E402


HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "geodesy-pymap3d.json"
GENERATOR = "Tests/GeodesyTests/Fixtures/gen_geodesy_fixtures.py"
SEED = 20_250_601

#: (name, latitude °, longitude °, ellipsoidal height m): the range itself, high latitudes, both
#: hemispheres, the antimeridian, and heights from below the ellipsoid to balloon altitude.
FIXED_SITES = [
    ("saemangeum", 35.85, 126.55, 5.0),
    ("gulf-of-guinea", 0.0, 0.0, 0.0),
    ("dead-sea", 31.5, 35.5, -100.0),
    ("tromso", 69.65, 18.96, 100.0),
    ("svalbard-balloon", 78.2, 15.6, 30_000.0),
    ("near-north-pole", 89.5, -45.0, 200.0),
    ("ten-metres-from-north-pole", 89.9999, 60.0, 50.0),
    ("south-pole", -90.0, 0.0, 2_835.0),
    ("mcmurdo", -77.85, 166.67, 2_800.0),
    ("buenos-aires", -34.6, -58.4, 25.0),
    ("punta-arenas", -53.2, -70.9, 40.0),
    ("nevada", 37.2, -115.8, 1_400.0),
    ("fairbanks", 64.8, -147.7, 150.0),
    ("mauna-kea", 19.82, -155.47, 4_200.0),
    ("aleutians-antimeridian", 51.9, 179.99, 10.0),
]
RANDOM_SITES = 4
TARGETS_PER_SENSOR = 3


def floats(values) -> list[float]:
    """Python floats (pymap3d answers numpy scalars), so that json writes their shortest repr."""
    return [float(v) for v in values]


def geodetic(lat: float, lon: float, h: float) -> list[float]:
    return floats((lat, lon, h))


def check_no_aer_rounding(enu: list[float]) -> None:
    # pymap3d.enu2aer sets components under 1 mm to 0; keep the fixtures clear of that.
    for c in enu:
        if c != 0 and abs(c) < 1e-3:
            raise ValueError(f"ENU component {c!r} would be rounded to zero by pymap3d.enu2aer")


def build() -> dict:
    rng = np.random.default_rng(SEED)
    sites = list(FIXED_SITES)
    for i in range(RANDOM_SITES):
        lat, lon, h = rng.uniform(-89.0, 89.0), rng.uniform(-180.0, 180.0), rng.uniform(-100.0, 30_000.0)
        sites.append((f"random-{i}", round(float(lat), 6), round(float(lon), 6), round(float(h), 3)))

    sections: dict[str, list[dict]] = {name: [] for name in (
        "geodetic2ecef", "ecef2geodetic", "geodetic2enu", "enu2geodetic", "ecef2enu", "enu2ecef",
        "enu2aer", "aer2enu", "geodetic2aer", "aer2geodetic")}

    def add_point(name: str, g: list[float]) -> None:
        ecef = floats(pm.geodetic2ecef(*g))
        sections["geodetic2ecef"].append({"name": name, "geodetic": g, "ecef": ecef})
        sections["ecef2geodetic"].append({"name": name, "ecef": ecef, "geodetic": floats(pm.ecef2geodetic(*ecef))})

    for site_name, lat0, lon0, h0 in sites:
        site = geodetic(lat0, lon0, h0)
        add_point(site_name, site)
        # The second sensor: a seeded offset of up to 5 km in the site frame, 0 to 50 m up.
        offset = [round(float(v), 3) for v in (rng.uniform(-5_000, 5_000), rng.uniform(-5_000, 5_000), rng.uniform(0, 50))]
        remote = floats(pm.enu2geodetic(*offset, *site))
        sections["enu2geodetic"].append({"name": f"{site_name}/sensor-1", "origin": site, "enu": offset, "geodetic": remote})
        sensors = [(f"{site_name}/sensor-0", site), (f"{site_name}/sensor-1", remote)]
        add_point(sensors[1][0], remote)
        for sensor_name, sensor in sensors:
            sensor_enu = floats(pm.geodetic2enu(*sensor, *site))
            sections["geodetic2enu"].append({"name": sensor_name, "origin": site, "geodetic": sensor, "enu": sensor_enu})
            for k in range(TARGETS_PER_SENSOR):
                name = f"{sensor_name}/target-{k}"
                # Ranges log-uniform from 50 m to 40 km; elevations from just below the horizon to near zenith.
                aer = [round(float(rng.uniform(0, 360)), 6), round(float(rng.uniform(-2, 85)), 6),
                       round(float(10 ** rng.uniform(math.log10(50), math.log10(40_000))), 3)]
                target = floats(pm.aer2geodetic(*aer, *sensor))
                add_point(name, target)
                sections["aer2geodetic"].append({"name": name, "sensor": sensor, "aer": aer, "geodetic": target})
                sections["geodetic2aer"].append({"name": name, "sensor": sensor, "geodetic": target,
                                                 "aer": floats(pm.geodetic2aer(*target, *sensor))})
                sections["aer2enu"].append({"name": name, "aer": aer, "enu": floats(pm.aer2enu(*aer))})

                target_enu = floats(pm.geodetic2enu(*target, *site))
                sections["geodetic2enu"].append({"name": name, "origin": site, "geodetic": target, "enu": target_enu})
                sections["enu2geodetic"].append({"name": name, "origin": site, "enu": target_enu,
                                                 "geodetic": floats(pm.enu2geodetic(*target_enu, *site))})
                target_ecef = floats(pm.geodetic2ecef(*target))
                sections["ecef2enu"].append({"name": name, "origin": site, "ecef": target_ecef,
                                             "enu": floats(pm.ecef2enu(*target_ecef, *site))})
                sections["enu2ecef"].append({"name": name, "origin": site, "enu": target_enu,
                                             "ecef": floats(pm.enu2ecef(*target_enu, *site))})
                # Site-parallel polar: the offset target − sensor, both in the site frame.
                delta = [t - s for t, s in zip(target_enu, sensor_enu)]
                check_no_aer_rounding(delta)
                sections["enu2aer"].append({"name": name, "sensor_enu": sensor_enu, "target_enu": target_enu,
                                            "aer": floats(pm.enu2aer(*delta))})

    # ECEF points a kilometre, a metre and a millimetre off the polar axis, 100 m above each pole,
    # where the textbook height h = p / cos(lat) - N loses precision.
    for pole, sign in (("north", 1.0), ("south", -1.0)):
        z = float(pm.geodetic2ecef(sign * 90.0, 0.0, 100.0)[2])
        for label, d in (("1km", 1_000.0), ("1m", 1.0), ("1mm", 1e-3)):
            ecef = [0.6 * d, -0.8 * d, z]
            sections["ecef2geodetic"].append({"name": f"{pole}-pole-axis-{label}", "ecef": ecef,
                                              "geodetic": floats(pm.ecef2geodetic(*ecef))})

    return {
        "generator": GENERATOR,
        "pymap3d": pm.__version__,
        "numpy": np.__version__,
        "seed": SEED,
        "ellipsoid": "WGS84 (pymap3d Ellipsoid.from_name('wgs84'))",
        "units": "geodetic [lat deg, lon deg, ellipsoidal height m]; ecef [x, y, z] m; enu [e, n, u] m; "
                 "aer [azimuth deg clockwise from north in [0, 360), elevation deg, slant range m]",
        "notes": "enu2aer/aer2enu are polar measurements in the site frame (site-parallel); "
                 "geodetic2aer/aer2geodetic are in the sensor's own tangent frame. enu2aer's input offset is "
                 "target_enu - sensor_enu.",
        **sections,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the fixtures")
    args = parser.parse_args()
    args.out.write_text(render(build()), encoding="utf-8")


if __name__ == "__main__":
    main()
