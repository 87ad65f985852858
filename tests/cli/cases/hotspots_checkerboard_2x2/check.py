#!/usr/bin/env python3
"""Independent check of expected/out.csv (and the stdout.contains figures) for this case.

The layer is 2 x 2 squares of 100 m, c0 c1 in the lower row, c2 c3 above; rook neighbours:
c0: c1 c2, c1: c0 c3, c2: c0 c3, c3: c1 c2. Values 1 0 0 1 (a checkerboard), row-standardised
weights (0.5 each). Every figure below is computed here from the definitions in docs/spatial.md
(and spdep's localmoran conditional variance, localG), not taken from wijkzicht.

Run: python3 check.py   (exits non-zero and says why when a value in expected/out.csv is wrong)
"""
import csv
import math
import os
import sys

ids = ["c0", "c1", "c2", "c3"]
y = {"c0": 1.0, "c1": 0.0, "c2": 0.0, "c3": 1.0}
nb = {"c0": ["c1", "c2"], "c1": ["c0", "c3"], "c2": ["c0", "c3"], "c3": ["c1", "c2"]}
n = len(ids)
mean = sum(y.values()) / n
z = {i: y[i] - mean for i in ids}
sz2 = sum(v * v for v in z.values())
m2 = sz2 / n
w = {i: {j: 1.0 / len(nb[i]) for j in nb[i]} for i in ids}  # row-standardised

expected = {}
for i in ids:
    lag = sum(w[i][j] * z[j] for j in nb[i])
    Wi = sum(w[i].values())
    Wi2 = sum(v * v for v in w[i].values())
    I_spdep = n * z[i] * lag / sz2                       # c = 1
    E = -(z[i] ** 2 * Wi) / ((n - 1) * m2)               # conditional expectation
    V = (z[i] / m2) ** 2 * (n / (n - 2)) * (Wi2 - Wi ** 2 / (n - 1)) * (m2 - z[i] ** 2 / (n - 1))
    # G_i: neighbours without the area; mean and variance of the other n-1 values.
    others = [y[j] for j in ids if j != i]
    xbar_i = sum(others) / (n - 1)
    s2_i = sum(v * v for v in others) / (n - 1) - xbar_i ** 2
    S1 = sum(v * v for v in w[i].values())
    G_num = sum(w[i][j] * y[j] for j in nb[i])
    G_z = (G_num - Wi * xbar_i) / math.sqrt(s2_i * ((n - 1) * S1 - Wi ** 2) / (n - 2))
    # G_i*: binary weights with self, then row-standardised.
    star = nb[i] + [i]
    ws = {j: 1.0 / len(star) for j in star}
    Ws = sum(ws.values())
    S1s = sum(v * v for v in ws.values())
    Gs_num = sum(ws[j] * y[j] for j in star)
    Gs_z = (Gs_num - Ws * mean) / math.sqrt(m2 * (n * S1s - Ws ** 2) / (n - 1))
    expected[i] = {
        "value": y[i],
        "neighbours": len(nb[i]),
        "lag": lag,
        "I": (n - 1) / n * I_spdep,                      # default scaling n-1
        "I_z": (I_spdep - E) / math.sqrt(V),
        "quadrant": ("H" if z[i] > 0 else "L") + ("H" if lag > 0 else "L"),
        "G": G_num / sum(others),
        "G_z": G_z,
        "Gstar": Gs_num / sum(y.values()),
        "Gstar_z": Gs_z,
        # With --permutations 0 there is no pseudo-p: p columns empty, nothing significant
        # (docs/spatial.md: cluster = quadrant only when I_sig_fdr, hotspot only when Gstar_sig_fdr).
        "I_p": "", "I_z_sim": "", "Gstar_p": "",
        "I_sig_fdr": "0", "I_sig_bonferroni": "0", "Gstar_sig_fdr": "0", "Gstar_sig_bonferroni": "0",
        "cluster": "ns", "hotspot": "ns", "status": "ok",
    }

# Hand values, as a cross-check of the formulas above.
assert all(abs(expected[i]["I"] + 0.75) < 1e-15 for i in ids)
assert all(abs(expected[i]["I_z"] + math.sqrt(2)) < 1e-12 for i in ids)
assert abs(expected["c0"]["G_z"] + math.sqrt(2)) < 1e-12 and abs(expected["c1"]["G_z"] - math.sqrt(2)) < 1e-12
assert abs(expected["c0"]["Gstar_z"] + 1) < 1e-12 and abs(expected["c1"]["Gstar_z"] - 1) < 1e-12

# Global Moran's I under randomisation (spdep moran.test): I = -1, E = -1/3, Var = 2/9, z = -sqrt(2).
S0 = sum(sum(w[i].values()) for i in ids)
I = n / S0 * sum(w[i][j] * z[i] * z[j] for i in ids for j in nb[i]) / sz2
S1g = 0.5 * sum((w[i].get(j, 0) + w[j].get(i, 0)) ** 2 for i in ids for j in ids)
S2g = sum((sum(w[i].values()) + sum(w[j].get(i, 0) for j in ids)) ** 2 for i in ids)
b2 = n * sum(v ** 4 for v in z.values()) / sz2 ** 2
EI = -1 / (n - 1)
VI = (n * ((n * n - 3 * n + 3) * S1g - n * S2g + 3 * S0 ** 2)
      - b2 * ((n * n - n) * S1g - 2 * n * S2g + 6 * S0 ** 2)) / ((n - 1) * (n - 2) * (n - 3) * S0 ** 2) - EI ** 2
print(f"global I = {I!r}, E[I] = {EI!r}, Var = {VI!r}, z = {(I - EI) / math.sqrt(VI)!r}")
assert abs(I + 1) < 1e-15 and abs(VI - 2 / 9) < 1e-15

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "expected", "out.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
bad = []
if [r["id"] for r in rows] != ids:
    bad.append(f"ids {[r['id'] for r in rows]}")
for r in rows:
    for col, want in expected[r["id"]].items():
        got = r[col]
        if col not in r:
            ok = False
        elif isinstance(want, str):
            ok = got == want
        else:
            ok = got != "" and abs(float(got) - want) <= 1e-12 * max(1.0, abs(want))
        if not ok:
            bad.append(f"{r['id']} {col}: file has {got!r}, hand value {want!r}")
    extra = set(r) - set(expected[r["id"]]) - {"id"}
    if extra:
        bad.append(f"{r['id']}: columns not checked here: {sorted(extra)}")
for b in bad:
    print("MISMATCH", b)
print("checked", len(rows), "rows;", "all agree" if not bad else f"{len(bad)} mismatches")
sys.exit(1 if bad else 0)
