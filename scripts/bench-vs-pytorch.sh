#!/usr/bin/env bash
# Leuko against PyTorch running exactly Leuko's network, side by side in one window.
#
#   scripts/bench-vs-pytorch.sh [--rounds N] [--venv DIR] [--leuko BINARY] [--twin FILE] [--out DIR]
#
# Runs ../shared/bench/leuko_twin.py (PyTorch) and `leuko bench model --threads 1,2` one after
# the other, N rounds (default 2), and prints each figure of both with the ratio Leuko / PyTorch
# per round, and the CPU. Without --venv it creates a virtual environment with `pip install
# torch` in a temporary folder (removed at the end). The raw JSON of every run is kept in --out
# (default: a temporary folder, printed). Run it on a quiet machine: nothing else may be busy.
#
# The twin's training step is cross-entropy on both heads and AdamW; Leuko's is its full
# multi-task loss (cross-entropy, Dice, gate, CAM alignment) and AdamW: slightly more work.
set -euo pipefail

rounds=2
venv=""
leuko=".build/release/leuko"
twin="../shared/bench/leuko_twin.py"
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --venv) venv="$2"; shift 2 ;;
        --leuko) leuko="$2"; shift 2 ;;
        --twin) twin="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-vs-pytorch: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
case "$rounds" in ''|*[!0-9]*|0) echo "bench-vs-pytorch: --rounds must be a positive integer" >&2; exit 64 ;; esac
[ -x "$leuko" ] || { echo "bench-vs-pytorch: no Leuko binary at $leuko (swift build -c release)" >&2; exit 66; }
[ -f "$twin" ] || { echo "bench-vs-pytorch: no PyTorch twin at $twin" >&2; exit 66; }

cleanup=""
if [ -z "$venv" ]; then
    venv="$(mktemp -d)/torch"
    cleanup="$(dirname "$venv")"
    echo "creating a virtual environment with PyTorch in $venv (pip install torch) ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch >&2
fi
trap '[ -n "$cleanup" ] && rm -rf "$cleanup"' EXIT
[ -x "$venv/bin/python" ] || { echo "bench-vs-pytorch: no python in $venv" >&2; exit 66; }
if [ -z "$out" ]; then out="$(mktemp -d)"; fi
mkdir -p "$out"

lscpu > "$out/lscpu.txt"
for round in $(seq 1 "$rounds"); do
    echo "round $round: PyTorch twin ..." >&2
    "$venv/bin/python" -W ignore "$twin" > "$out/twin-$round.json"
    echo "round $round: leuko bench model ..." >&2
    "$leuko" bench model --threads 1,2 --repeats 7 > "$out/leuko-$round.json"
done
echo "raw results in $out" >&2

python3 - "$out" "$rounds" <<'EOF'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open(f"{out}/lscpu.txt") if l.startswith("Model name")), "unknown")
flags = next((l for l in open(f"{out}/lscpu.txt") if l.startswith("Flags")), "")
isa = "AVX-512" if "avx512f" in flags else ("AVX2" if "avx2" in flags else "no AVX2")
figures = [("ms per crop, batch 1, 1 thread", "infer", 1, 1), ("ms per crop, batch 1, 2 threads", "infer", 1, 2),
           ("ms per crop, batch 32, 1 thread", "infer", 32, 1), ("ms per crop, batch 32, 2 threads", "infer", 32, 2),
           ("training step ms, batch 32, 1 thread", "train_step", 32, 1),
           ("training step ms, batch 32, 2 threads", "train_step", 32, 2)]
print(f"CPU: {cpu} ({isa}); {rounds} round(s), PyTorch and Leuko alternately")
print("| figure | round | PyTorch twin | Leuko | Leuko / PyTorch |")
print("| --- | --- | --- | --- | --- |")
summary = {"cpu": cpu, "isa": isa, "rounds": []}
for r in range(1, rounds + 1):
    twin = json.load(open(f"{out}/twin-{r}.json"))
    leuko = {c["threads"]: c for c in json.load(open(f"{out}/leuko-{r}.json"))["cases"]}
    rows = []
    for name, mode, batch, threads in figures:
        t = next(x for x in twin["runs"] if x["mode"] == mode and x["threads"] == threads and x["batch"] == batch)
        torch_ms = t["ms_per_crop"] if mode == "infer" else t["ms"]
        c = leuko[threads]
        leuko_ms = (c["inference_ms_per_crop_batch1"] if batch == 1 else c["inference_ms_per_crop_batch32"]) \
            if mode == "infer" else c["training_step_s_batch32"] * 1000
        ratio = leuko_ms / torch_ms
        rows.append({"figure": name, "pytorch_ms": torch_ms, "leuko_ms": leuko_ms, "ratio": ratio})
        print(f"| {name} | {r} | {torch_ms:.2f} | {leuko_ms:.2f} | {ratio:.2f} |")
    summary["rounds"].append({"torch": twin.get("torch"), "rows": rows})
json.dump(summary, open(f"{out}/summary.json", "w"), indent=1)
EOF
