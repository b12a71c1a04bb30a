#!/usr/bin/env python3
"""Summary tables (markdown) of mgst_bench_cuda's JSON (--benchmark_out).

    python3 bench/summarize_cuda.py bench_cuda.json
    python3 bench/summarize_cuda.py --merge OUT.json PART.json...

--merge joins the JSON of several runs (tools/gpu-check.sh runs one per
family) into one file with the first run's context; a run cut off by a time
limit leaves JSON without its closing brackets: its complete entries are kept.

One row per problem (conv layer and pass, GEMM, Gram layer and pass), one
column per contender in the order the binary ran them (references first).
Compute-bound cells: TFLOP/s, share of the card's dense TF32 peak, and the
ratio to the reference (cuDNN / cuBLAS TF32) from the same run (> 1: faster).
Memory-bound cells (instance norm, Adam): GB/s. The conv table ends with the
time one training step spends in each contender's convolutions (sum over the
layers of per_step x time; a contender missing a row gets no total).
Standard library only.
"""
import collections
import json
import sys


def read_json(path):
    """The JSON of `path`; for a run killed mid-way, its complete entries."""
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        cut = text.rfind("\n    }")  # the end of the last complete benchmark entry
        if cut < 0:
            raise
        data = json.loads(text[:cut + 6] + "\n  ]\n}")
        data.setdefault("context", {})["truncated"] = "yes"
        return data


def merge(out, parts):
    merged = {"context": {}, "benchmarks": []}
    for p in parts:
        try:
            d = read_json(p)
        except (OSError, ValueError) as e:
            print(f"summarize_cuda.py: skipping {p}: {e}", file=sys.stderr)
            continue
        merged["context"] = merged["context"] or dict(d.get("context", {}))
        if d.get("context", {}).get("truncated"):
            merged["context"]["truncated"] = "yes"
        merged["benchmarks"] += d.get("benchmarks", [])
    with open(out, "w") as f:
        json.dump(merged, f, indent=1)
    print(f"{out}: {len(merged['benchmarks'])} benchmarks from {len(parts)} file(s)")
    return 0 if merged["benchmarks"] else 1


def load(path):
    data = read_json(path)
    groups = collections.OrderedDict()  # group -> OrderedDict(contender -> benchmark)
    for b in data.get("benchmarks", []):
        name = b["name"].replace("/manual_time", "")
        group, _, who = name.rpartition("/")
        groups.setdefault(group, collections.OrderedDict())[who] = b
    return data.get("context", {}), groups


def ms(b):
    t = b["real_time"]
    unit = b.get("time_unit", "ns")
    return t * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def cell(b, ref):
    if b.get("error_occurred"):
        return "ERR: " + b.get("error_message", "")[:40]
    if "TFLOP/s" in b:
        s = f"{b['TFLOP/s']:.1f} TF/s"
        if "tf32_peak" in b:
            s += f", {100 * b['tf32_peak']:.0f}%"
        x = b.get("x_" + ref) if ref else None
        if x is not None:
            s += f", **{x:.2f}x**"
        return s
    if "GB/s" in b:
        return f"{b['GB/s']:.0f} GB/s ({ms(b):.3f} ms)"
    return f"{ms(b):.3f} ms"


def table(title, groups, ref, note):
    """Markdown table of `groups` (all of one family); returns lines."""
    cols = []
    for g in groups.values():
        for who in g:
            if who not in cols:
                cols.append(who)
    per_step = any("per_step" in b for g in groups.values() for b in g.values())
    lines = [f"### {title}", "", note, ""]
    head = ["problem"] + (["per step"] if per_step else []) + cols
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for name, g in groups.items():
        first = next(iter(g.values()))
        row = [name] + ([str(int(first.get("per_step", 0)))] if per_step else [])
        row += [cell(g[c], ref) if c in g else "" for c in cols]
        lines.append("| " + " | ".join(row) + " |")
    if per_step:
        totals = []
        for c in cols:
            t, complete = 0.0, True
            for g in groups.values():
                b = g.get(c)
                n = int(next(iter(g.values())).get("per_step", 0))
                if n == 0:
                    continue
                if b is None or b.get("error_occurred"):
                    complete = False
                    break
                t += n * ms(b)
            totals.append(f"{t:.2f} ms" if complete else "-")
        lines.append("| **per training step** | | " + " | ".join(totals) + " |")
    lines.append("")
    return lines


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--merge":
        sys.exit(merge(sys.argv[2], sys.argv[3:]))
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print("usage: summarize_cuda.py BENCH_CUDA_JSON | --merge OUT PART...", file=sys.stderr)
        sys.exit(2)
    try:
        ctx, groups = load(sys.argv[1])
    except (OSError, ValueError) as e:
        sys.exit(f"summarize_cuda.py: cannot read {sys.argv[1]}: {e}")
    fam = collections.OrderedDict()
    for g, rows in groups.items():
        fam.setdefault(g.split("/")[0], collections.OrderedDict())[g.split("/", 1)[1]] = rows
    peak = ctx.get("tf32_peak_tflops", "0")
    out = [f"Card: {ctx.get('card', '?')}; dense peaks used: TF32 {float(peak):.1f}, "
           f"FP32 {float(ctx.get('fp32_peak_tflops', '0')):.1f} TFLOP/s (0: unknown card). "
           f"cuDNN {ctx.get('cudnn_version', '-')}, cuBLAS {ctx.get('cublas_version', '-')} (run time). "
           f"Cells: TFLOP/s, % of the TF32 peak, **time ratio to the reference** (> 1: faster)."]
    if ctx.get("truncated"):
        out[0] += " **A run was cut off by its time limit: rows are missing.**"
    out.append("")
    spec = {
        "conv2d": ("conv2d, batch 4 at 256x256 (the model's layers)", "cudnn_tf32",
                   "Reference: cuDNN TF32 (NCHW, tensor-op math, cudnnFind's fastest). "
                   "per step: runs in one training step; the last row sums per step x time."),
        "sgemm": ("sgemm", "cublas_tf32", "Reference: cuBLAS SGEMM with TF32 tensor-op math."),
        "gram": ("masked Gram (VGG style layers, batch 4)", "cublas_sgemm_tf32",
                 "Reference: cuBLAS TF32 GEMM of the same product on pre-masked input."),
    }
    for f, rows in fam.items():
        title, ref, note = spec.get(f, (f, None, "Memory-bound: GB/s (time)."))
        out += table(title, rows, ref, note)
    print("\n".join(out))


if __name__ == "__main__":
    main()
