#!/usr/bin/env python3
"""Rook and queen neighbour checksums from PySAL (libpysal) for the CBS buurten 2014, for
tests/spatial/spdep_reference_test.cpp. Run ONCE from the repository root (needs Debian's
python3-libpysal and python3-gdal; CI does not run it):

    python3 tests/spatial/reference/make_pysal_reference.py \
        ../shared/data/real/cbs-boundaries-2014-2015/buurt_2014.gpkg tests/spatial/reference

Writes buurt2014_pysal_contiguity.csv: per buurt (layer order) the count, sum and sum of squares of the
1-based indices of its neighbours for
  pysal_queen        libpysal Queen.from_iterable (shared vertex)
  pysal_rook         libpysal Rook.from_iterable on rings with repeated consecutive vertices removed
  pysal_rook_raw     the same on the rings as stored: libpysal then also joins two buurten that both
                     repeat a vertex they share (the zero-length "edge" (p, p)), a single shared point
Empty geometries are left out of PySAL (it cannot read them) and count as islands.
"""
import sys
import warnings

warnings.filterwarnings("ignore")
from osgeo import ogr  # noqa: E402
from libpysal.cg import Polygon  # noqa: E402
from libpysal.weights import Queen, Rook  # noqa: E402


def without_repeats(points):
    out = [points[0]]
    for p in points[1:]:
        if p != out[-1]:
            out.append(p)
    return out


def main():
    gpkg = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/real/cbs-boundaries-2014-2015/buurt_2014.gpkg"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "tests/spatial/reference"
    source = ogr.Open(gpkg)  # keep the data source alive while its layer is read
    layer = source.GetLayer(0)
    ids, raw, clean, index = [], [], [], []
    for i, feature in enumerate(layer):
        ids.append(feature.GetField("statcode"))
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
        raw.append(Polygon(parts, holes or None))
        clean.append(Polygon([without_repeats(p) for p in parts], [without_repeats(h) for h in holes] or None))
        index.append(i)
    weights = {
        "pysal_queen": Queen.from_iterable(clean),
        "pysal_rook": Rook.from_iterable(clean),
        "pysal_rook_raw": Rook.from_iterable(raw),
    }
    n = len(ids)
    columns = {}
    for name, w in weights.items():
        card, s1, s2 = [0] * n, [0] * n, [0] * n
        for k, nbrs in w.neighbors.items():
            full = [index[j] + 1 for j in nbrs]
            card[index[k]] = len(full)
            s1[index[k]] = sum(full)
            s2[index[k]] = sum(v * v for v in full)
        columns[name] = (card, s1, s2)
    with open(f"{out_dir}/buurt2014_pysal_contiguity.csv", "w") as f:
        header = ["id"] + [f"{name}_{part}" for name in weights for part in ("card", "sum", "sumsq")]
        f.write(",".join(header) + "\n")
        for i in range(n):
            row = [ids[i]]
            for name in weights:
                row += [str(columns[name][0][i]), str(columns[name][1][i]), str(columns[name][2][i])]
            f.write(",".join(row) + "\n")
    print({name: int(w.s0) for name, w in weights.items()})


if __name__ == "__main__":
    main()
