#!/usr/bin/env python3
"""Onboarding curve: how accuracy on a source grows with the number of its cells a technician
verified, for weights that never saw that source (train them with `leuko train --hold-out NAME`).

For each count N (stratified by class, seeded), the first N cells of a seeded per-class order
are the "verified" cells and every other labelled image of the source is "the rest":
  N = 0:  leuko eval on the rest with the weights as they are;
  N > 0:  leuko adapt --verified on the N cells (it keeps 30 % aside and refuses worse weights;
          refused -> the original weights stay), then leuko eval on the rest.
Scratch dataset folders hold symlinks to the source's files (nothing is copied). Prints one JSON
line per N and a table.

  scripts/onboarding-curve.py --weights hold-out.safetensors --data ../shared/datasets/NAME \
      [--counts 0,10,25,50,100] [--seed 1] [--leuko .build/release/leuko] [--work /tmp/onboarding] \
      [-- extra leuko adapt options]
"""
import argparse, csv, json, os, random, shutil, subprocess, sys


def read_index(folder):
    with open(os.path.join(folder, "index.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return [r for r in rows if r.get("class") not in (None, "", "mixed", "unlabeled")]


def write_folder(path, source, rows, columns):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    with open(os.path.join(path, "index.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
            for col in ("image", "mask", "annotation"):
                rel = r.get(col)
                if rel:
                    dst = os.path.join(path, rel)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    if not os.path.lexists(dst):
                        os.symlink(os.path.join(source, rel), dst)


def stratified(rows, n, seed):
    by_class = {}
    for r in rows:
        by_class.setdefault(r["class"], []).append(r)
    rng = random.Random(seed)
    for members in by_class.values():
        rng.shuffle(members)
    # Round-robin over classes (largest first), so N cells cover the classes evenly.
    order, depth = [], 0
    classes = sorted(by_class, key=lambda c: (-len(by_class[c]), c))
    while len(order) < len(rows):
        for c in classes:
            if depth < len(by_class[c]):
                order.append(by_class[c][depth])
        depth += 1
    chosen = order[:n]
    ids = {id(r) for r in chosen}
    return chosen, [r for r in rows if id(r) not in ids]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--counts", default="0,10,25,50,100")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--leuko", default=".build/release/leuko")
    ap.add_argument("--work", default="/tmp/leuko-onboarding")
    ap.add_argument("--views", default="2")
    ap.add_argument("adapt_options", nargs="*")
    args = ap.parse_args()
    source = os.path.abspath(args.data)
    name = os.path.basename(source.rstrip("/"))
    rows = read_index(source)
    with open(os.path.join(source, "index.csv"), newline="") as f:
        columns = next(csv.reader(f))
    results = []
    for n in [int(x) for x in args.counts.split(",")]:
        verified, rest = stratified(rows, n, args.seed)
        work = os.path.join(args.work, f"{name}-{n}")
        write_folder(os.path.join(work, "rest"), source, rest, columns)
        weights, adapt = args.weights, None
        if n > 0:
            write_folder(os.path.join(work, "verified"), source, verified, columns)
            out = os.path.join(work, "adapted.safetensors")
            if os.path.exists(out):
                os.remove(out)
            p = subprocess.run([args.leuko, "adapt", "--verified", os.path.join(work, "verified"), "--weights", args.weights,
                                "--out", out, "--seed", str(args.seed)] + args.adapt_options, capture_output=True, text=True)
            adapt = {"status": p.returncode, "record": json.loads(p.stdout) if p.stdout.strip().startswith("{") else None,
                     "stderr": p.stderr.strip().splitlines()[-1:] }
            if p.returncode == 0:
                weights = out
        report = os.path.join(work, "eval.json")
        p = subprocess.run([args.leuko, "eval", "--data", os.path.join(work, "rest"), "--weights", weights,
                            "--views", args.views, "--json", report], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"leuko eval failed for N={n}: {p.stderr}")
        with open(report) as f:
            ev = json.load(f)
        line = {"verified": n, "rest": len(rest), "adapted": weights != args.weights,
                "accuracy": ev.get("accuracy"), "macro_f1": ev.get("macro_f1"), "ece": ev.get("ece"), "adapt": adapt}
        results.append(line)
        print(json.dumps(line), flush=True)
    print(f"\n| verified cells | adapted | cells evaluated | accuracy | macro-F1 | ECE |\n| --- | --- | --- | --- | --- | --- |")
    for r in results:
        fmt = lambda v: "" if v is None else f"{v:.3f}"
        print(f"| {r['verified']} | {'yes' if r['adapted'] else 'no'} | {r['rest']} | {fmt(r['accuracy'])} | {fmt(r['macro_f1'])} | {fmt(r['ece'])} |")


if __name__ == "__main__":
    main()
