#!/usr/bin/python3
"""Opens a wijkzicht store in QGIS itself (headless), loads every map layer with its default style from
the GeoPackage's layer_styles table, renders it to PNG and checks the colour of known areas.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_test.py STORE OUT_DIR CLASS_COLOURS

CLASS_COLOURS: the nine class colours of the model preset, comma-separated (#rrggbb). For each score map
layer (kind 'score') and each class present in its latest year, the largest area of that class must be
drawn in that class's colour at its point on surface; for each typology layer a designated area in the
designation colour. Prints one JSON line per checked area and a summary; exit 0 when every check
passed, 1 when one failed, 77 when QGIS is not installed.
"""
import json
import os
import sqlite3
import sys

try:
    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob,
                           QgsMapSettings, QgsPointXY, QgsRectangle, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except ImportError as e:  # not installed: the caller skips
    print(f"QGIS Python bindings not available: {e}")
    sys.exit(77)

DESIGNATED = "#d7301f"
# The LISA clusters of the hot-spot layers' default style (src/jobs/map_layers.cpp).
CLUSTERS = {"HH": "#d7191c", "LL": "#2c7bb6", "HL": "#fdae61", "LH": "#abd9e9", "ns": "#f0f0f0"}


def rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def main():
    store, out_dir, colours = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    os.makedirs(out_dir, exist_ok=True)
    app = QgsApplication([], False)
    app.initQgis()
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    layers = db.execute("SELECT layer_name, kind FROM wz_map_layers ORDER BY layer_name").fetchall()
    failures, checks = [], 0
    for name, kind in layers:
        layer = QgsVectorLayer(f"{store}|layername={name}", name, "ogr")
        if not layer.isValid():
            failures.append(f"{name}: QGIS cannot open the layer")
            continue
        renderer = layer.renderer()
        rtype = renderer.type() if renderer else "none"
        # The default style from layer_styles: a categorised renderer (a layer without it draws one symbol).
        if rtype != "categorizedSymbol":
            failures.append(f"{name}: renderer {rtype}, not the default style's categorizedSymbol")
            continue
        n_styles = layer.listStylesInDatabase()[0]
        settings = QgsMapSettings()
        settings.setLayers([layer])
        settings.setDestinationCrs(layer.crs())
        extent = QgsRectangle(layer.extent())
        extent.scale(1.05)
        settings.setExtent(extent)
        settings.setOutputSize(QSize(1600, 1600))
        settings.setBackgroundColor(QColor(255, 255, 255))
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        png = os.path.join(out_dir, f"{name}.png")
        image.save(png, "PNG")
        m2p = settings.mapToPixel()
        # The areas to probe: (code, expected colour, what).
        probes = []
        if kind == "score":
            latest = max(f["year"] for f in layer.getFeatures())
            best = {}
            for f in layer.getFeatures():
                k = f["class"]
                if f["year"] != latest or not isinstance(k, int) or not f.hasGeometry():  # NULL: a QVariant
                    continue
                area = f.geometry().area()
                if k not in best or area > best[k][0]:
                    best[k] = (area, f)
            for k, (_, f) in sorted(best.items()):
                probes.append((f, colours[k - 1], f"class {k} ({f['class_name']}) {latest}"))
        elif kind.startswith("hotspots"):
            # the largest area of each cluster value present, in its colour of the default style
            best = {}
            for f in layer.getFeatures():
                k = f["cluster"]
                if not isinstance(k, str) or k not in CLUSTERS or not f.hasGeometry():
                    continue
                area = f.geometry().area()
                if k not in best or area > best[k][0]:
                    best[k] = (area, f)
            for k, (_, f) in sorted(best.items()):
                probes.append((f, CLUSTERS[k], f"cluster {k}"))
        else:
            for f in layer.getFeatures():
                if f["designated"] == 1 and f.hasGeometry():
                    probes.append((f, DESIGNATED, "designated"))
                    break
        for f, colour, what in probes:
            point = f.geometry().pointOnSurface().asPoint()
            px = m2p.transform(QgsPointXY(point))
            x, y = int(round(px.x())), int(round(px.y()))
            got = QColor(image.pixel(x, y))
            want = rgb(colour)
            ok = all(abs(a - b) <= 3 for a, b in zip((got.red(), got.green(), got.blue()), want))
            checks += 1
            print(json.dumps({"layer": name, "code": f["code"], "what": what, "pixel": [x, y],
                              "expected": colour, "found": got.name(), "ok": ok}))
            if not ok:
                failures.append(f"{name}: {f['code']} ({what}) drawn in {got.name()}, expected {colour}")
        print(json.dumps({"layer": name, "renderer": rtype, "styles_in_database": n_styles, "png": png,
                          "probes": len(probes)}))
        if not probes and kind == "score":
            failures.append(f"{name}: no area to check")
    print(json.dumps({"layers": len(layers), "checks": checks, "failures": failures}))
    return 1 if failures or not layers else 0


if __name__ == "__main__":
    code = main()
    # QGIS 3.22 headless crashes while tearing down (exitQgis or the interpreter's exit, SIGSEGV after
    # every check has run): leave at once with the result.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
