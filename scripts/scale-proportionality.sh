#!/usr/bin/env bash
# The red-cell scale check of the model issue: resized copies of shared images should give
# estimates proportional to the factor. Prints, per image, the red-cell diameter (px) that
# `leuko scale --resize F` estimates divided by F, for F = 1, 0.5, 0.75, 1.5, 2, 2.5 ("none": no
# estimate); a proportional estimator prints the same number across a row.
#   scripts/scale-proportionality.sh [LEUKO_BINARY] [DATASETS_DIR]
set -euo pipefail
B=${1:-.build/release/leuko}
D=${2:-../shared/datasets}
files="$(ls "$D"/bccd/JPEGImages/*.jpg | awk 'NR%15==1') $(for c in neutrophil lymphocyte monocyte eosinophil basophil erythroblast ig platelet; do ls "$D"/pbc/$c/* | awk 'NR%60==3'; done)"
for f in $files; do
  line="$(basename "$f")"
  for r in 1 0.5 0.75 1.5 2 2.5; do
    v=$("$B" scale --json --resize $r "$f" | python3 -c "import json,sys; e=json.load(sys.stdin)[0].get('red_cell_estimate'); print(round(e['red_cell_diameter_px']/$r,2) if e else 'none')")
    line="$line $v"
  done
  echo "$line"
done
