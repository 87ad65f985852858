#!/usr/bin/env python3
"""PySAL timings for the same work as bench/bench_spatial.cpp (docs/bench-spatial.md).

    scripts/install-deps bench-reference      # python3-libpysal python3-numpy (and python3-gdal)
    python3 bench/spatial_reference.py [buurt_2014.gpkg]

Debian bookworm packages libpysal (weights) but not esda (Moran, local Moran, G): there is no
python3-esda, and PyPI is out of reach here, so only the weights are timed with PySAL. Prints one line
per step: step,seconds.
"""
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
from osgeo import ogr  # noqa: E402
import libpysal  # noqa: E402
from libpysal.cg import Polygon  # noqa: E402
from libpysal.weights import DistanceBand, Queen, Rook  # noqa: E402


def timed(step, fn):
    t0 = time.perf_counter()
    value = fn()
    print(f"{step},{time.perf_counter() - t0:.3f}", flush=True)
    return value


def main():
    gpkg = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/real/cbs-boundaries-2014-2015/buurt_2014.gpkg"
    source = ogr.Open(gpkg)
    layer = source.GetLayer(0)

    def read_polygons():
        polys = []
        for feature in layer:
            g = feature.GetGeometryRef()
            if g is None or g.IsEmpty():
                continue
            parts, holes = [], []
            for p in range(g.GetGeometryCount()):
                poly = g.GetGeometryRef(p)
                for r in range(poly.GetGeometryCount()):
                    ring = poly.GetGeometryRef(r)
                    pts = [(ring.GetX(k), ring.GetY(k)) for k in range(ring.GetPointCount())]
                    (parts if r == 0 else holes).append(pts)
            polys.append(Polygon(parts, holes or None))
        return polys

    print(f"# libpysal {libpysal.__version__}, numpy {np.__version__}")
    polys = timed("buurten_read_polygons_ogr", read_polygons)
    print(f"# buurten with geometry: {len(polys)}")
    timed("buurten_queen", lambda: Queen.from_iterable(polys))
    timed("buurten_rook", lambda: Rook.from_iterable(polys))

    # The 500,000-cell grid of bench_spatial.cpp: half of a 1000 x 1000 block, hash-thinned the same
    # way is not reproduced here; a full 1000 x 500 block has the same size.
    timed("grid_lat2W_queen_500k", lambda: libpysal.weights.lat2W(1000, 500, rook=False))
    xs, ys = np.meshgrid(np.arange(1000.0), np.arange(500.0))
    coords = np.column_stack([xs.ravel(), ys.ravel()])
    timed("grid_distanceband_queen_500k", lambda: DistanceBand(coords, threshold=1.5, binary=True, silence_warnings=True))


if __name__ == "__main__":
    main()
