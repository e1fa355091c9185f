#!/usr/bin/env bash
# Ingest a generated long-layout file (default 1,000,000 rows) with vitalsigns
# and read the same file with pandas, side by side, on this machine:
#   scripts/compare-pandas.sh [ROWS]
# Needs Go, and Debian's python3-pandas and python3-openpyxl for the pandas
# side (apt-get install -y python3-pandas python3-openpyxl). The numbers go
# into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

go build -o "$dir/vitalsigns" ./cmd/vitalsigns
go run ./internal/benchgen/cmd/benchgen "$rows" "$dir"
ls -l "$dir"/bench.*

for f in csv xlsx; do
  /usr/bin/time -f "vitalsigns ingest --dry-run bench.$f (parse+validate): %e s, peak RSS %M KB" \
    "$dir/vitalsigns" --log.level warn --config "$dir/config.yaml" --data-dir "$dir/dry-$f" ingest --dry-run "$dir/bench.$f" >/dev/null
  /usr/bin/time -f "vitalsigns ingest bench.$f (parse+validate+store): %e s, peak RSS %M KB" \
    "$dir/vitalsigns" --log.level warn --config "$dir/config.yaml" --data-dir "$dir/data-$f" ingest "$dir/bench.$f" >/dev/null
  if /usr/bin/python3 -c 'import pandas, openpyxl' 2>/dev/null; then
    /usr/bin/python3 scripts/pandas_read.py "$dir/bench.$f"
  else
    echo "pandas: not installed (apt-get install python3-pandas python3-openpyxl)"
  fi
done
