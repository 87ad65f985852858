#!/usr/bin/env bash
# Time and peak memory of `wijkzicht synth` at scales 0.01, 0.1 and 1 (GNU time -v), written to
# docs/bench-synth.md. Usage: bench/synth_scale.sh [BINARY] [OUTDIR] [SCALES...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build/rel-synth/wijkzicht}"
out="${2:-/tmp/wz-synth-bench}"
shift $(( $# > 2 ? 2 : $# )) || true
scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(0.01 0.1 1)
report="$root/docs/bench-synth.md"
mkdir -p "$out"
{
  echo "# wijkzicht synth: time and memory by scale"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GB RAM."
  echo "Binary: \`$bin\` (release preset). Command: \`wijkzicht synth --scale S --seed 1 --out DIR\` (all parts)."
  echo "Measured with \`/usr/bin/time -v\` by \`bench/synth_scale.sh\` on $(date -u +%Y-%m-%d)."
  echo
  echo "| scale | residents | populated cells | wall time (s) | user+sys (s) | peak RSS (MB) | output (MB) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
} > "$report.tmp"
for s in "${scales[@]}"; do
  dir="$out/scale-$s"
  rm -rf "$dir"
  /usr/bin/time -v "$bin" -q synth --scale "$s" --seed 1 --out "$dir" 2> "$out/time-$s.txt"
  wall=$(awk -F': ' '/Elapsed/{print $2}' "$out/time-$s.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$out/time-$s.txt")
  rss=$(awk -F': ' '/Maximum resident/{printf "%.0f", $2/1024}' "$out/time-$s.txt")
  res=$(python3 -c "import json;t=json.load(open('$dir/truth.json'));print(t['counts']['residents_2022'], t['counts']['populated_cells'])")
  mb=$(du -sm "$dir" | cut -f1)
  echo "| $s | ${res% *} | ${res#* } | $wall | $cpu | $rss | $mb |" >> "$report.tmp"
done
{
  echo
  echo "File sizes at the largest scale run (bytes):"
  echo
  echo '```'
  (cd "$out/scale-${scales[-1]}" && find . -type f -printf '%s %p\n' | sort -k2)
  echo '```'
} >> "$report.tmp"
mv "$report.tmp" "$report"
cat "$report"
