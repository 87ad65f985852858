#!/usr/bin/env python3
"""NumPy reference for the in-memory steps of `wijkzicht score` (issue 4), on the input that
bench/bench_score.cpp writes with WZ_BENCH_SCORE_NPY=DIR:

    WZ_BENCH_SCORE_NPY=/tmp/score-npy build/h4-rel/bench/wijkzicht_bench \
        --benchmark_filter=BM_ScoreInMemoryEndToEnd
    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/score_reference.py /tmp/score-npy

A straightforward vectorised version, as an analyst would write it (no Python loops over rows):
transforms, weighted sums per dimension (a matrix product), per-year weighted means (np.bincount),
classes (np.searchsorted), development for every pair of years, aggregation to every level
(np.bincount for the cells, np.add.at up the hierarchy), the national picture. It times each step,
then checks its numbers against the C++ results (results.json) to 1e-9 relative and prints them.
Needs Debian's python3-numpy (`scripts/install-deps bench-reference`).
"""
import json
import os
import sys
import time

import numpy as np

RTOL = 1e-9


def classify(edges, v):
    """Class = 1 + the number of edges at or below the value."""
    return np.searchsorted(edges, v, side="right") + 1


def score_cells(X, meta, year, residents):
    ny, nd = len(meta["years"]), len(meta["dimensions"])
    tr = np.array(meta["transform"])
    T = np.empty_like(X)
    ident, logs, logits = tr == "identity", tr == "log", tr == "logit"
    T[ident] = X[ident]
    T[logs] = np.log(X[logs])
    xl = X[logits]
    T[logits] = np.log(xl) - np.log(1.0 - xl)
    del xl
    W = np.zeros((nd, len(tr)))
    W[np.array(meta["dimension"]), np.arange(len(tr))] = meta["weight"]
    D = W @ T  # raw dimension parts, (nd, rows)
    del T
    valid = np.isfinite(D).all(axis=0)
    use = valid & (residents > 0)
    wsum = np.bincount(year[use], weights=residents[use], minlength=ny)
    raw = np.stack([np.bincount(year[use], weights=(residents * D[d])[use], minlength=ny) for d in range(nd)],
                   axis=1) / wsum[:, None]
    base = meta["years"].index(meta["base_year"])
    k = raw[base]
    ndm = raw - k
    national_mean = meta["offset"] + ndm.sum(axis=1)
    part = D - k[:, None]
    score = meta["offset"] + part.sum(axis=0)
    dims = part - ndm[year].T
    rel = dims.sum(axis=0)
    score[~valid] = np.nan
    rel[~valid] = np.nan
    dims[:, ~valid] = np.nan
    cls = np.where(valid, classify(np.array(meta["class_edges"]), np.nan_to_num(score)), 0)
    return dict(score=score, rel=rel, dims=dims, cls=cls, valid=valid, national_mean=national_mean,
                national_dim_mean=ndm, invalid_rows=int((~valid).sum()))


def develop(cell, year, residents, s, meta):
    ny, nc = len(meta["years"]), meta["cells"]
    edges = np.array(meta["development_edges"])
    at = np.full((ny, nc), -1, dtype=np.int64)
    at[year, cell] = np.arange(len(cell))
    out_cls, out_res = [], []
    for a in range(ny):
        for b in range(a + 1, ny):
            ra, rb = at[a], at[b]
            ok = (ra >= 0) & (rb >= 0)
            ok[ok] = s["valid"][ra[ok]] & s["valid"][rb[ok]]
            d = classify(edges, s["score"][rb[ok]] - s["score"][ra[ok]])
            c = np.zeros(nc, dtype=np.uint8)
            c[ok] = d
            out_cls.append(c)
            out_res.append(np.bincount(d - 1, weights=residents[rb[ok]], minlength=len(edges) + 1))
    return out_cls, out_res


def aggregate(cell, year, residents, s, cell_area, parents, meta):
    """Per level a matrix [area * years + year, quantity] of sums, then means, visibility and classes."""
    ny, nd = len(meta["years"]), len(meta["dimensions"])
    sizes = meta["level_sizes"]
    area = cell_area[cell]
    inside = area >= 0
    idx = area.astype(np.int64) * ny + year
    nb = sizes[0] * ny
    scored = inside & s["valid"]
    weighted = scored & (residents > 0)
    q = 5 + nd + 18  # residents, weight, cells, score, rel, dims, res_by_class (9), cells_by_class (9)
    M = np.zeros((nb, q))
    M[:, 0] = np.bincount(idx[inside], weights=residents[inside], minlength=nb)
    M[:, 1] = np.bincount(idx[weighted], weights=residents[weighted], minlength=nb)
    M[:, 2] = np.bincount(idx[scored], minlength=nb)
    M[:, 3] = np.bincount(idx[weighted], weights=(residents * s["score"])[weighted], minlength=nb)
    M[:, 4] = np.bincount(idx[weighted], weights=(residents * s["rel"])[weighted], minlength=nb)
    for d in range(nd):
        M[:, 5 + d] = np.bincount(idx[weighted], weights=(residents * s["dims"][d])[weighted], minlength=nb)
    kidx = idx[scored] * 9 + s["cls"][scored] - 1
    M[:, 5 + nd:14 + nd] = np.bincount(kidx, weights=residents[scored], minlength=nb * 9).reshape(nb, 9)
    M[:, 14 + nd:] = np.bincount(kidx, minlength=nb * 9).reshape(nb, 9)
    sums = [M]
    for level, parent in enumerate(parents):
        up = np.zeros((sizes[level + 1] * ny, q))
        p = np.repeat(parent.astype(np.int64), ny) * ny + np.tile(np.arange(ny), len(parent))
        keep = np.repeat(parent >= 0, ny)
        np.add.at(up, p[keep], sums[-1][keep])
        sums.append(up)
    edges = np.array(meta["class_edges"])
    levels = []
    for name, S in zip(meta["levels"], sums):
        shown = (S[:, 1] > 0) & (S[:, 0] >= meta["min_residents"])
        with np.errstate(invalid="ignore", divide="ignore"):
            means = S[:, 3:5 + nd] / S[:, 1:2]
        means[~shown] = np.nan
        cls = np.where(shown, classify(edges, np.nan_to_num(means[:, 0])), 0)
        levels.append(dict(level=name, residents=S[:, 0], weight=S[:, 1], cells=S[:, 2], score=means[:, 0],
                           rel=means[:, 1], dims=means[:, 2:], cls=cls, res_by_class=S[:, 5 + nd:14 + nd],
                           cells_by_class=S[:, 14 + nd:]))
    return levels


def picture(year, residents, s, levels, meta):
    ny = len(meta["years"])
    v = s["valid"]
    cls, yv, rv = s["cls"][v], year[v], residents[v]
    classes = np.bincount(yv * 10 + cls, weights=rv, minlength=ny * 10).reshape(ny, 10)[:, 1:]
    buurt = levels[0]
    onv_res = buurt["res_by_class"][:, :3].sum(axis=1).reshape(-1, ny)
    years = dict(residents=classes.sum(axis=1), onvoldoende=classes[:, :3].sum(axis=1), zwak=classes[:, 3],
                 good=classes[:, 5:].sum(axis=1),
                 onvoldoende_areas=(onv_res >= 100).sum(axis=0),
                 areas_populated=(buurt["residents"].reshape(-1, ny) > 0).sum(axis=0))
    years["mean_score"] = np.bincount(yv[rv > 0], weights=(rv * s["score"][v])[rv > 0], minlength=ny) / \
        np.bincount(yv[rv > 0], weights=rv[rv > 0], minlength=ny)
    # Development by group and starting class, first to last year (buurten shown in both years).
    groups = np.array(meta["group_of_buurt"])
    names, gidx = np.unique(groups, return_inverse=True)
    c0, c1 = buurt["cls"].reshape(-1, ny)[:, 0], buurt["cls"].reshape(-1, ny)[:, -1]
    s0, s1 = buurt["score"].reshape(-1, ny)[:, 0], buurt["score"].reshape(-1, ny)[:, -1]
    both = (c0 > 0) & (c1 > 0)
    key = gidx[both] * 10 + c0[both]
    n = np.bincount(key, minlength=len(names) * 10).reshape(-1, 10)
    start = np.bincount(key, weights=s0[both], minlength=len(names) * 10).reshape(-1, 10)
    change = np.bincount(key, weights=(s1 - s0)[both], minlength=len(names) * 10).reshape(-1, 10)
    group_rows = []
    for g, name in enumerate(names):
        for k in range(1, 10):
            if n[g, k]:
                group_rows.append((name, k, int(n[g, k]), start[g, k] / n[g, k], change[g, k] / n[g, k]))
        weak, strong = slice(1, 5), slice(7, 10)
        with np.errstate(invalid="ignore", divide="ignore"):
            gap = change[g, weak].sum() / n[g, weak].sum() - change[g, strong].sum() / n[g, strong].sum()
        group_rows.append((name + " (weak minus strong)", None, int(n[g, weak].sum() + n[g, strong].sum()),
                           None, gap))
    # Regions by type against the country (COROP-plus level).
    cp = levels[meta["levels"].index("corop_plus")]
    types = np.array([t if t else "overig" for t in meta["type_of_region"]])
    R = cp["residents"].reshape(-1, ny)
    W = cp["weight"].reshape(-1, ny)
    S = np.where(np.isfinite(cp["score"]) & (cp["weight"] > 0), cp["score"] * cp["weight"], 0).reshape(-1, ny)
    Wok = np.where(np.isfinite(cp["score"]) & (cp["weight"] > 0), W.reshape(-1), 0).reshape(-1, ny)
    O = cp["res_by_class"][:, :3].sum(axis=1).reshape(-1, ny)
    region_rows = {}
    for t in ["nederland"] + sorted(set(types)):
        sel = np.ones(len(types), bool) if t == "nederland" else types == t
        mean = S[sel].sum(axis=0) / Wok[sel].sum(axis=0)
        region_rows[t] = dict(regions=int(sel.sum()), residents=R[sel].sum(axis=0), mean=mean,
                              onv=O[sel].sum(axis=0) / R[sel].sum(axis=0), change=mean - mean[0])
    for t in region_rows:
        region_rows[t]["against"] = region_rows[t]["mean"] - region_rows["nederland"]["mean"]
    return classes, years, group_rows, region_rows


def close(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((np.isnan(a) & np.isnan(b)) |
                                               (np.abs(a - b) <= RTOL * np.maximum(np.abs(b), 1e-300))))


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("WZ_BENCH_SCORE_NPY", "")
    if not d:
        sys.exit("usage: score_reference.py DIR (written by wijkzicht_bench with WZ_BENCH_SCORE_NPY=DIR)")
    meta = json.load(open(os.path.join(d, "meta.json")))
    ref = json.load(open(os.path.join(d, "results.json")))
    t = time.perf_counter()
    X = np.load(os.path.join(d, "indicators.npy"))
    cell = np.load(os.path.join(d, "cell.npy"))
    year = np.load(os.path.join(d, "year.npy")).astype(np.int64)
    residents = np.load(os.path.join(d, "residents.npy"))
    cell_area = np.load(os.path.join(d, "cell_area.npy"))
    parents = [np.load(os.path.join(d, f"parent_{i}.npy")) for i in range(len(meta["levels"]) - 1)]
    print(f"loaded {X.shape[1]:,} cell-years x {X.shape[0]} indicators in {time.perf_counter() - t:.2f} s "
          f"(numpy {np.__version__})")

    times = {}
    c0 = time.process_time()
    t0 = t = time.perf_counter()
    s = score_cells(X, meta, year, residents)
    times["scores, dimension scores, classes"] = time.perf_counter() - t
    t = time.perf_counter()
    dev_cls, dev_res = develop(cell, year, residents, s, meta)
    times["development, 15 pairs of years"] = time.perf_counter() - t
    t = time.perf_counter()
    levels = aggregate(cell, year, residents, s, cell_area, parents, meta)
    times["aggregation to every level"] = time.perf_counter() - t
    t = time.perf_counter()
    classes, years, group_rows, region_rows = picture(year, residents, s, levels, meta)
    times["national picture"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    cpu = time.process_time() - c0
    for k, v in times.items():
        print(f"  {k:<40} {v:7.3f} s")
    print(f"  {'total (in-memory work)':<40} {total:7.3f} s wall, {cpu:.3f} s CPU (all threads)")

    # Check against the C++ results.
    checks = []
    checks.append(("national mean per year", close(s["national_mean"], ref["national_mean"])))
    checks.append(("national dimension means", close(s["national_dim_mean"], ref["national_dim_mean"])))
    checks.append(("rows without a score", s["invalid_rows"] == ref["invalid_rows"] + ref["missing_rows"]))
    pc = ref["picture_classes"]
    checks.append(("residents per class and year", close(classes.reshape(-1), pc["residents"])))
    checks.append(("development: residents per class, 15 pairs", close(np.array(dev_res), ref["development_residents_by_class"])))
    for lv, rl in zip(levels, ref["levels"]):
        shown = lv["cls"] > 0
        ok = (lv["level"] == rl["level"] and int(shown.sum()) == rl["shown"] and
              close(np.nansum(lv["score"][shown]), rl["score_sum"]) and close(lv["residents"].sum(), rl["residents"])
              and close(lv["score"][:len(rl["first_scores"])], [np.nan if v is None else v for v in rl["first_scores"]]))
        checks.append((f"level {lv['level']}: areas shown, score sum, residents", ok))
    py = ref["picture_years"]
    checks.append(("picture: mean score per year", close(years["mean_score"], py["mean_score"])))
    checks.append(("picture: onvoldoende residents", close(years["onvoldoende"], py["onvoldoende_residents"])))
    checks.append(("picture: onvoldoende areas, populated areas",
                   list(years["onvoldoende_areas"]) == py["onvoldoende_areas"] and
                   list(years["areas_populated"]) == py["areas_populated"]))
    pg = ref["picture_groups"]
    checks.append(("picture: development by group and class",
                   [r[0] for r in group_rows] == pg["group"] and [r[2] for r in group_rows] == pg["areas"] and
                   close([np.nan if r[4] is None else r[4] for r in group_rows],
                         [np.nan if v is None else v for v in pg["mean_change"]])))
    pr = ref["picture_regions"]
    mine = [(t, region_rows[t]) for t in sorted(region_rows)]
    checks.append(("picture: regions against the country",
                   [t for t, _ in mine for _ in meta["years"]] == pr["region_type"] and
                   close(np.concatenate([r["mean"] for _, r in mine]), pr["mean_score"]) and
                   close(np.concatenate([r["against"] for _, r in mine]), pr["against_country"])))
    print("\nyear  national mean (NumPy)   national mean (C++)    residents onvoldoende (1-3)")
    for y, a, b, o in zip(meta["years"], s["national_mean"], ref["national_mean"], years["onvoldoende"]):
        print(f"{y}  {a:.15f}  {b:.15f}  {o:14,.0f}")
    print("\nresidents per class (NumPy), years x classes 1..9")
    for y, row in zip(meta["years"], classes):
        print(f"{y} " + " ".join(f"{v:10,.0f}" for v in row))
    print()
    for name, ok in checks:
        print(f"  {'OK  ' if ok else 'DIFF'} {name}")
    bad = [n for n, ok in checks if not ok]
    if bad:
        sys.exit(f"{len(bad)} checks differ from the C++ results")
    print(f"\nall {len(checks)} checks agree to {RTOL:g} relative; NumPy in-memory total {total:.3f} s wall, "
          f"{cpu:.3f} s CPU")


if __name__ == "__main__":
    main()
