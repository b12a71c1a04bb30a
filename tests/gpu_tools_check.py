#!/usr/bin/env python3
"""CTest `gpu_tools`: the GPU-check scripts' behaviour that needs no GPU.

bench/summarize_cuda.py: the conv table's per-training-step total is
sum(per_step x time) over the layers (computed here independently), the
ratio counter is shown, a run cut off mid-file keeps its complete entries.
tools/gpu-check.sh and tools/build-gpu-bins.sh: usage errors exit 2; a
missing or damaged bundle and a machine without a GPU (a fake nvidia-smi
that fails) exit 1 with a message saying so, quickly. Standard library only;
about a second.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cmd, env=None, timeout=30):
    p = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout


def bench_entry(name, ms, **counters):
    e = {"name": name + "/manual_time", "real_time": ms * 1e3, "time_unit": "us"}
    e.update(counters)
    return e


def summarize_checks(tmp):
    # Two conv layers, two contenders; per_step 3 and 2; one pass unused (0).
    rows = [
        ("conv2d/a/fwd", 3, {"cudnn_tf32": 0.5, "v9_test": 0.25}),
        ("conv2d/b/fwd", 2, {"cudnn_tf32": 1.5, "v9_test": 2.0}),
        ("conv2d/b/bwd_weight", 0, {"cudnn_tf32": 7.0, "v9_test": 9.0}),
    ]
    bench = []
    for group, n, times in rows:
        for who, ms in times.items():
            bench.append(bench_entry(f"{group}/{who}", ms, per_step=n, **{
                "TFLOP/s": 1.0, "tf32_peak": 0.5, "x_cudnn_tf32": times["cudnn_tf32"] / ms}))
    path = os.path.join(tmp, "b.json")
    with open(path, "w") as f:
        json.dump({"context": {"card": "test"}, "benchmarks": bench}, f, indent=2)
    rc, out = run([sys.executable, "bench/summarize_cuda.py", path])
    check(rc == 0, "summarize_cuda.py exits 0")
    total = [l for l in out.splitlines() if "per training step" in l]
    want = {w: sum(n * t[w] for _, n, t in rows) for w in ("cudnn_tf32", "v9_test")}
    check(len(total) == 1 and f"{want['cudnn_tf32']:.2f} ms" in total[0]
          and f"{want['v9_test']:.2f} ms" in total[0],
          f"per-step totals {want} in: {total}")
    check("**2.00x**" in out, "the ratio x_cudnn_tf32 = 0.5 / 0.25 is shown as 2.00x")

    # A run killed mid-way: the JSON stops inside the third entry.
    text = json.dumps({"context": {"card": "test"}, "benchmarks": bench[:3]}, indent=2)
    cut = text.index(bench[2]["name"]) + 5
    part = os.path.join(tmp, "part.json")
    with open(part, "w") as f:
        f.write(text[:cut])
    merged = os.path.join(tmp, "m.json")
    rc, out = run([sys.executable, "bench/summarize_cuda.py", "--merge", merged, part, path])
    with open(merged) as f:
        m = json.load(f)
    check(rc == 0 and len(m["benchmarks"]) == 2 + len(bench),
          f"merge keeps the 2 complete entries of the cut file plus {len(bench)}: "
          f"got {len(m['benchmarks'])}")
    check(m["context"].get("truncated") == "yes", "merge marks the context truncated")
    rc, _ = run([sys.executable, "bench/summarize_cuda.py"])
    check(rc == 2, "summarize_cuda.py without arguments exits 2")


def script_checks(tmp):
    gc, bb = "tools/gpu-check.sh", "tools/build-gpu-bins.sh"
    for args in (["--bogus"], ["--prebuilt"], ["--budget", "x"]):
        rc, out = run(["bash", gc] + args)
        check(rc == 2 and "gpu-check.sh:" in out, f"gpu-check.sh {' '.join(args)}: exit 2 ({rc})")
    for args in (["--bogus"], ["--jobs"], ["--jobs", "x"]):
        rc, out = run(["bash", bb] + args)
        check(rc == 2 and "build-gpu-bins.sh:" in out,
              f"build-gpu-bins.sh {' '.join(args)}: exit 2 ({rc})")
    rc, out = run(["bash", gc, "--prebuilt", os.path.join(tmp, "nowhere")])
    check(rc == 1 and "no such directory" in out, f"missing bundle: exit 1 ({rc}: {out.strip()})")

    # A bundle that passes the checks, on a machine whose nvidia-smi fails.
    bundle = os.path.join(tmp, "bins")
    os.makedirs(os.path.join(bundle, "bin"))
    sums = []
    for b in ("mgst_tests", "mgst_bench_cuda", "mgst"):
        data = ("fake " + b).encode()
        with open(os.path.join(bundle, "bin", b), "wb") as f:
            f.write(data)
        sums.append(f"{hashlib.sha256(data).hexdigest()}  bin/{b}\n")
    with open(os.path.join(bundle, "SHA256SUMS"), "w") as f:
        f.writelines(sums)
    with open(os.path.join(bundle, "MANIFEST"), "w") as f:
        f.write("commit: test\nglibc needed: 2.0\n")
    fake = os.path.join(tmp, "fakebin")
    os.makedirs(fake)
    with open(os.path.join(fake, "nvidia-smi"), "w") as f:
        f.write("#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate "
                "with the NVIDIA driver.'\nexit 9\n")
    os.chmod(os.path.join(fake, "nvidia-smi"), 0o755)
    env = dict(os.environ, PATH=fake + os.pathsep + os.environ.get("PATH", ""),
               OUT=os.path.join(tmp, "out"))
    rc, out = run(["bash", gc, "--prebuilt", bundle], env=env, timeout=60)
    check(rc == 1 and "no GPU here" in out and "NVIDIA-SMI has failed" in out,
          f"no GPU: exit 1 naming it ({rc}: {out.strip()[:160]})")
    check(not os.path.exists(os.path.join(tmp, "out")), "no GPU: nothing written to $OUT")

    with open(os.path.join(bundle, "bin", "mgst"), "ab") as f:
        f.write(b"x")
    rc, out = run(["bash", gc, "--prebuilt", bundle], env=env, timeout=60)
    check(rc == 1 and "SHA256SUMS" in out, f"damaged bundle: exit 1 ({rc}: {out.strip()[:160]})")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        summarize_checks(tmp)
        script_checks(tmp)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()
