#!/usr/bin/env python3
"""mgst vs PyTorch, same machine, same run: prints the ratio table.

For each round and each size, runs `mgst bench --json` and then
bench/pytorch_reference.py with the same device, size, batch, steps and
warm-up (alternating, so both see the same machine state), and prints
ours/PyTorch for training and inference images/s (> 1: mgst is faster).
With several rounds, each figure is the median over rounds and the ratio
column is the median of the per-round ratios.

    /usr/bin/python3 bench/compare_pytorch.py --mgst build/mgst --device cpu \\
        --sizes 256,128 --rounds 3 --out bench_out

On CPU it must be Debian's python3 with python3-torch + libopenblas0-openmp;
it refuses to report a ratio when PyTorch runs on the reference BLAS (that
would flatter mgst) unless --allow-reference-blas is given. Needs only the
standard library here (torch only in the reference script's process).
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env):
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"command failed (exit {p.returncode}): {' '.join(cmd)}")
    lines = [l for l in p.stdout.splitlines() if l.strip().startswith("{")]
    if not lines:
        sys.exit(f"no JSON on stdout from: {' '.join(cmd)}")
    return json.loads(lines[-1])


def cpu_idle_fraction(seconds=2.0):
    """Share of all CPUs idle over `seconds` (from /proc/stat)."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total
    i0, t0 = snap()
    time.sleep(seconds)
    i1, t1 = snap()
    return (i1 - i0) / max(1, t1 - t0)


def wait_until_idle(frac, timeout_s):
    """Waits (at most timeout_s) until the machine is at least `frac` idle."""
    start = time.time()
    while True:
        idle = cpu_idle_fraction()
        if idle >= frac or time.time() - start > timeout_s:
            print(f"  machine {100 * idle:.0f}% idle{'' if idle >= frac else ' (gave up waiting)'}",
                  file=sys.stderr, flush=True)
            return idle
        time.sleep(5)


def git(*a):
    try:
        return subprocess.run(["git", *a], cwd=HERE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mgst", default=os.path.join(HERE, "..", "build", "mgst"),
                    help="the mgst binary (default ../build/mgst)")
    ap.add_argument("--python", default="/usr/bin/python3",
                    help="python with torch for the reference (default /usr/bin/python3)")
    ap.add_argument("--device", default="cpu", help="cpu | cuda")
    ap.add_argument("--sizes", default="256,128", help="comma-separated S or HxW")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--infer-steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2, help="CPU threads for both (OMP_NUM_THREADS)")
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds (median reported)")
    ap.add_argument("--out", default="", help="directory for the raw JSON of every run")
    ap.add_argument("--allow-reference-blas", action="store_true")
    ap.add_argument("--compile", choices=["auto", "on", "off"], default="auto",
                    help="passed to pytorch_reference.py: also time torch.compile "
                         "(auto: on CUDA; it takes minutes)")
    ap.add_argument("--wait-idle", type=float, default=0.0,
                    help="before each run wait until this share of the CPUs is idle, e.g. 0.9 "
                         "(shared machines; at most --wait-max seconds)")
    ap.add_argument("--wait-max", type=float, default=600)
    args = ap.parse_args()

    env = dict(os.environ)
    if args.device == "cpu":
        env["OMP_NUM_THREADS"] = str(args.threads)
    sizes = [s for s in args.sizes.split(",") if s]
    common = ["--device", args.device, "--batch", str(args.batch), "--steps", str(args.steps),
              "--warmup", str(args.warmup), "--infer-steps", str(args.infer_steps)]
    runs = {s: [] for s in sizes}  # size -> [(mgst, torch, loadavg)]
    for r in range(args.rounds):
        for s in sizes:
            if args.wait_idle > 0:
                wait_until_idle(args.wait_idle, args.wait_max)
            load = os.getloadavg()[0]
            ours = run_json([args.mgst, "bench", "--json", "--size", s] + common, env)
            if args.wait_idle > 0:
                wait_until_idle(args.wait_idle, args.wait_max)
            ref = run_json([args.python, os.path.join(HERE, "pytorch_reference.py"), "--size", s,
                            "--threads", str(args.threads), "--compile", args.compile] + common, env)
            if args.device == "cpu":
                blas = " ".join(ref.get("blas", []))
                if "openblas" not in blas.lower() and "mkl" not in blas.lower():
                    msg = f"PyTorch is not using OpenBLAS/MKL (loaded: {blas or 'none found'})"
                    if not args.allow_reference_blas:
                        sys.exit(msg + ": install libopenblas0-openmp, or pass --allow-reference-blas")
                    print("WARNING: " + msg, file=sys.stderr)
            runs[s].append((ours, ref, load))
            if args.out:
                os.makedirs(args.out, exist_ok=True)
                for name, j in (("mgst", ours), ("pytorch", ref)):
                    with open(os.path.join(args.out, f"{name}_{s}_round{r + 1}.json"), "w") as f:
                        json.dump(j, f, indent=1)

    first = runs[sizes[0]][0]
    print(f"# mgst vs PyTorch, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, "
          f"commit {git('rev-parse', '--short', 'HEAD') or '?'}"
          f"{' (+ local changes)' if git('status', '--porcelain', '--untracked-files=no') else ''}")
    print(f"# device: {first[0]['device']} | PyTorch {first[1].get('torch_version')} "
          f"(BLAS: {' '.join(first[1].get('blas', [])) or '-'}, mkldnn {first[1].get('mkldnn', '-')})")
    print(f"# batch {args.batch}, median of {args.steps} train steps / {args.infer_steps} inference "
          f"repeats after {args.warmup} warm-up; {args.rounds} round(s), median over rounds; "
          f"load average at start of each round: "
          + ", ".join(f"{l:.1f}" for s in sizes for (_, _, l) in runs[s]))
    print()
    print("| size | mgst train img/s | PyTorch train img/s | train ratio (target >= 0.67) "
          "| mgst infer img/s | PyTorch infer img/s | infer ratio (target >= 0.83) "
          "| mgst peak tensor MiB | mgst / PyTorch max RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    med = statistics.median
    for s in sizes:
        rs = runs[s]
        ot = med(o["train_images_per_s"] for o, _, _ in rs)
        pt = med(p["train_images_per_s"] for _, p, _ in rs)
        oi = med(o["infer_images_per_s"] for o, _, _ in rs)
        pi = med(p["infer_images_per_s"] for _, p, _ in rs)
        tr = med(o["train_images_per_s"] / p["train_images_per_s"] for o, p, _ in rs)
        ir = med(o["infer_images_per_s"] / p["infer_images_per_s"] for o, p, _ in rs)
        peak = med(o["peak_memory_bytes"] for o, _, _ in rs) / 2**20
        orss = med(o["peak_rss_bytes"] for o, _, _ in rs) / 2**20
        prss = med(p["peak_rss_bytes"] for _, p, _ in rs) / 2**20
        hw = f"{rs[0][0]['height']}x{rs[0][0]['width']}"
        print(f"| {hw} | {ot:.3f} | {pt:.3f} | **{tr:.2f}** | {oi:.2f} | {pi:.2f} | **{ir:.2f}** "
              f"| {peak:.0f} | {orss:.0f} / {prss:.0f} |")
        for o, p, _ in rs:
            if "torch_compile" in p and "train_images_per_s" in p["torch_compile"]:
                c = p["torch_compile"]
                print(f"| {hw} vs torch.compile | {o['train_images_per_s']:.3f} "
                      f"| {c['train_images_per_s']:.3f} "
                      f"| {o['train_images_per_s'] / c['train_images_per_s']:.2f} "
                      f"| {o['infer_images_per_s']:.2f} | {c['infer_images_per_s']:.2f} "
                      f"| {o['infer_images_per_s'] / c['infer_images_per_s']:.2f} | | |")
    if first[0].get("device_kind") == "cuda":
        print()
        print("mgst's CUDA step (issue 14 targets: host syncs 0 in a replayed step; train peak "
              "memory <= PyTorch's):")
        print()
        print("| size | kernels/step | host syncs/step | result waits/step | CUDA graph "
              "| mgst train peak MiB | PyTorch train peak MiB |")
        print("|---|---|---|---|---|---|---|")
        for s in sizes:
            o, p, _ = runs[s][0]
            hw = f"{o['height']}x{o['width']}"
            print(f"| {hw} | {o.get('launches_per_step', 0):.0f} "
                  f"| {o.get('host_syncs_per_step', 0):.0f} | {o.get('result_waits_per_step', 0):.0f} "
                  f"| {'yes' if o.get('cuda_graph') else 'no'} | {o['peak_memory_bytes'] / 2**20:.0f} "
                  f"| {p.get('peak_memory_bytes', 0) / 2**20:.0f} |")
    print()
    print("best-of (fastest single timed step / inference over all rounds; less sensitive to "
          "other processes on a shared machine):")
    print()
    print("| size | mgst train ms | PyTorch train ms | train ratio | mgst infer ms | PyTorch infer ms "
          "| infer ratio |")
    print("|---|---|---|---|---|---|---|")
    for s in sizes:
        rs = runs[s]
        ot = min(min(o["train_step_ms_all"]) for o, _, _ in rs)
        pt = min(min(p["train_step_ms_all"]) for _, p, _ in rs)
        oi = min(min(o["infer_ms_all"]) for o, _, _ in rs)
        pi = min(min(p["infer_ms_all"]) for _, p, _ in rs)
        hw = f"{rs[0][0]['height']}x{rs[0][0]['width']}"
        print(f"| {hw} | {ot:.0f} | {pt:.0f} | **{pt / ot:.2f}** | {oi:.1f} | {pi:.1f} "
              f"| **{pi / oi:.2f}** |")
    if args.rounds > 1:
        print()
        print("quiet rounds only (both runs' medians within 15% of that framework's fastest median "
              "at that size, per metric; on a shared machine this filters out rounds another "
              "process disturbed):")
        print()
        print("| size | metric | rounds kept | mgst ms | PyTorch ms | ratio (median of kept rounds) |")
        print("|---|---|---|---|---|---|")
        for s in sizes:
            rs = runs[s]
            for key, name in (("train_step_ms", "train"), ("infer_ms", "inference")):
                bo = min(o[key] for o, _, _ in rs)
                bp = min(p[key] for _, p, _ in rs)
                kept = [(i + 1, o[key], p[key]) for i, (o, p, _) in enumerate(rs)
                        if o[key] <= 1.15 * bo and p[key] <= 1.15 * bp]
                hw = f"{rs[0][0]['height']}x{rs[0][0]['width']}"
                if not kept:
                    print(f"| {hw} | {name} | none | | | |")
                    continue
                print(f"| {hw} | {name} | {','.join(str(k) for k, _, _ in kept)} "
                      f"| {med(a for _, a, _ in kept):.1f} | {med(b for _, _, b in kept):.1f} "
                      f"| **{med(b / a for _, a, b in kept):.2f}** |")
    for s in sizes:
        # The breakdown of the round with mgst's fastest median step: the
        # least disturbed by other processes.
        k, o = min(enumerate(o for o, _, _ in runs[s]), key=lambda t: t[1]["train_step_ms"])
        if not o.get("ops_by_shape"):
            continue
        print()
        print(f"mgst per-op breakdown, {o['height']}x{o['width']} (one traced step, round {k + 1}: "
              f"{o['traced_step_ms']:.0f} ms wall; top ops by (op, shape)):")
        print()
        print("| op | shape | count | fwd ms | bwd ms | share | fwd GFLOP/s | bwd GFLOP/s |")
        print("|---|---|---|---|---|---|---|---|")
        fmt = lambda v: "-" if v is None else f"{v:.1f}"
        for r in o["ops_by_shape"][:10]:
            print(f"| {r['op']} | {r['shape']} | {r['count']} | {r['forward_ms']:.0f} "
                  f"| {r['backward_ms']:.0f} | {100 * r['share']:.1f}% | {fmt(r['forward_gflops'])} "
                  f"| {fmt(r['backward_gflops'])} |")
    print()
    print("ratio = mgst images/s / PyTorch images/s (> 1: mgst faster). Train target: step time "
          "within 1.5x of PyTorch's (ratio >= 0.67); inference within 1.2x (ratio >= 0.83).")


if __name__ == "__main__":
    main()
