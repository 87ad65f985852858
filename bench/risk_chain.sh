#!/usr/bin/env bash
# The undermining chain end to end at one scale of the synthetic country: risk ingest, indicators (with
# hot spots over the buurt polygons), network and publish (disclosure control): wall time, CPU and peak
# memory of each step (GNU time -v) and the ingest rate in MB/s of extract text, written to
# docs/bench-risk.md. Usage: bench/risk_chain.sh [BINARY] [WORKDIR] [SCALE]
# The country is generated once per scale into WORKDIR (synth with micro-data, boundaries imported).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build/release/wijkzicht}"
work="${2:-/tmp/wz-risk-bench}"
scale="${3:-1}"
report="$root/docs/bench-risk.md"
country="$work/country-$scale"
mkdir -p "$work"
if [ ! -f "$country/.imported" ]; then
  rm -rf "$country"
  "$bin" -q synth --scale "$scale" --seed 1 --out "$country"
  (cd "$country" && grep '^wijkzicht import boundaries ' README.md | while read -r line; do
     # shellcheck disable=SC2086
     "$bin" -q ${line#wijkzicht } --store "$country/store.gpkg"
   done)
  touch "$country/.imported"
fi
zone="$work/zone-$scale.db"
rm -f "$zone" "$zone.audit.log" "$work/aggregates-$scale.gpkg"
key="$country/microdata/pseudonym.key"
mb=$(du -cm "$country"/microdata/*.csv | tail -1 | cut -f1)
steps=(
  "ingest|risk ingest --extracts $country/microdata --key-file $key --protected $zone"
  "indicators|risk indicators --key-file $key --protected $zone --store $country/store.gpkg"
  "network|risk network --key-file $key --protected $zone"
  "publish|risk publish --key-file $key --protected $zone --store $country/store.gpkg --out $work/aggregates-$scale.gpkg"
)
rows=()
total=0
for s in "${steps[@]}"; do
  name="${s%%|*}"
  args="${s#*|}"
  # shellcheck disable=SC2086
  /usr/bin/time -v "$bin" -q $args 2> "$work/time-$name.txt"
  wall=$(awk -F': ' '/Elapsed/{print $2}' "$work/time-$name.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$work/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident/{printf "%.0f", $2/1024}' "$work/time-$name.txt")
  total=$(python3 -c "print(round($total + $wall, 2))")
  rows+=("| $name | $wall | $cpu | $rss |")
  [ "$name" = ingest ] && rate=$(python3 -c "print(round($mb / $wall, 1))")
done
persons=$(python3 -c "import json;print(json.load(open('$country/truth.json'))['microdata']['persons'])")
{
  echo "# The undermining chain (risk ingest, indicators, network, publish)"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GB RAM."
  echo "Binary: \`$bin\` (release preset). Synthetic country \`--scale $scale --seed 1\`: $persons persons, $mb MB of extract CSV."
  echo "Measured with \`/usr/bin/time -v\` by \`bench/risk_chain.sh\` on $(date -u +%Y-%m-%d); zone size $(du -m "$zone" | cut -f1) MB."
  echo
  echo "| step | wall time (s) | user+sys (s) | peak RSS (MB) |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Total wall time: $total s. Ingest rate: $rate MB/s of extract text."
} > "$report"
cat "$report"
