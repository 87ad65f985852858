#!/usr/bin/env bash
# Load on the service over loopback with wrk (issue 14): area profiles with 1,000 connections held (paced
# to about 5,000 requests/s, then unpaced to saturation) and vector tiles of the 100 m grid. Prints wrk's
# summary with latency percentiles per scenario. PACE=ms sets the pause per connection (default 190).
#   bench/serve_load.sh STORE [SECONDS]
# STORE must be scored (`wijkzicht score`); its tiles are built first when absent (`wijkzicht tiles`).
# The per-address rate limit is turned off (--rate-limit 0): all of wrk's connections share 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE=${1:?usage: bench/serve_load.sh STORE [SECONDS]}
SECS=${2:-20}
WZ=${WZ:-build/release/wijkzicht}
TILES="${STORE%.gpkg}.tiles.mbtiles"
[ -f "$TILES" ] || /usr/bin/time -f "tiles: %e s, %M KB peak" "$WZ" tiles --store "$STORE"
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
: > "$WORK/users.toml"
"$WZ" serve --store "$STORE" --users "$WORK/users.toml" --port 0 --rate-limit 0 --threads 2 \
  --max-connections 20000 > "$WORK/out" 2> "$WORK/err" &
PID=$!
for _ in $(seq 600); do grep -q "listening on" "$WORK/out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$WORK/out" | tr -d '\n')
URL=${URL%/}
echo "server: $URL (pid $PID, $(grep -c processor /proc/cpuinfo) cores); store $STORE"
# wrk's Lua: area profiles of every buurt in turn; tiles of zoom 14 over the country's grid.
python3 - "$URL" "$WORK" <<'PY'
import json, sys, urllib.request
url, work = sys.argv[1], sys.argv[2]
areas = json.load(urllib.request.urlopen(url + "/api/v1/areas?level=buurt&limit=50000"))["areas"]
codes = [a["code"] for a in areas]
with open(work + "/profiles.lua", "w") as f:
    f.write("codes = {" + ",".join('"%s"' % c for c in codes) + "}\n")
    f.write("i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', '/api/v1/profile/' .. codes[(i % #codes) + 1])\nend\n")
# The same, paced: every connection waits PACE ms before each request, so 1,000 held connections send
# about 1000 / (PACE + latency) x 1000 requests/s and the latency is that of a server not driven past its
# capacity (wrk is closed-loop: unpaced, latency = connections / throughput by Little's law).
with open(work + "/profiles_paced.lua", "w") as f:
    f.write(open(work + "/profiles.lua").read())
    f.write("delay = function()\n  return tonumber(os.getenv('PACE') or '190')\nend\n")
meta = json.load(urllib.request.urlopen(url + "/tiles.json"))
w, s, e, n = meta["bounds"]
import math
def tile(lon, lat, z):
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * 2**z)
    return x, y
z = 14
x0, y1 = tile(w, s, z); x1, y0 = tile(e, n, z)
# Only tiles that hold cells: probe a grid of candidates once.
cands = [(x, y) for x in range(x0, x1 + 1, max(1, (x1 - x0) // 60)) for y in range(y0, y1 + 1, max(1, (y1 - y0) // 60))]
full = []
for x, y in cands:
    r = urllib.request.urlopen("%s/tiles/%d/%d/%d.pbf" % (url, z, x, y))
    if r.status == 200: full.append((x, y))
with open(work + "/tiles.lua", "w") as f:
    f.write("tiles = {" + ",".join('"/tiles/%d/%d/%d.pbf"' % (z, x, y) for x, y in full) + "}\n")
    f.write("i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format('GET', tiles[(i % #tiles) + 1], {['Accept-Encoding']='gzip'})\nend\n")
print("profiles of %d buurten; %d grid tiles at zoom %d with cells" % (len(codes), len(full), z))
PY
PACE=${PACE:-190}
echo "== area profiles, 1000 connections held, each paced at one request per ${PACE} ms + latency, ${SECS}s"
PACE=$PACE wrk -t2 -c1000 -d"${SECS}s" --latency --timeout 5s -s "$WORK/profiles_paced.lua" "$URL" | tee "$WORK/paced.txt"
echo "== area profiles, 1000 connections, unpaced (saturation), 2 threads, ${SECS}s"
wrk -t2 -c1000 -d"${SECS}s" --latency --timeout 5s -s "$WORK/profiles.lua" "$URL" | tee "$WORK/profiles.txt"
echo "== grid tiles (zoom 14), 100 connections, 2 threads, ${SECS}s"
wrk -t2 -c100 -d"${SECS}s" --latency --timeout 5s -s "$WORK/tiles.lua" "$URL" | tee "$WORK/tiles.txt"
echo "== server peak memory: $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MB"}')"
kill -TERM $PID; wait $PID || true
