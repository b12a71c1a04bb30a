#!/usr/bin/env python3
"""CTest mpi_train: data-parallel `mgst train` under mpirun (docs/SCALING.md).

usage: mpi_train_check.py MGST MPIRUN WITH_MPI(ON|OFF) WORK_DIR

On the built-in generated eyes (mgst demo --steps 0), 32x32, global batch 4,
seed 3, random crops, 5 steps:
  1. `mpirun -np 2` vs one process: every log.csv loss term within 1e-5
     relative; final weights within 1e-5 of the largest weight change; rank 1
     runs in another working directory with the same relative --out, and must
     write nothing there (rank 0 alone writes).
  2. A 2-rank run of 3 steps resumed by one process to 5 continues the
     one-process curve (rows 4 and 5 within 1e-5).
  3. Rank 1 killed (SIGKILL) as step 4 starts: the job fails naming rank 1,
     the step-2 checkpoint is intact (no temporaries left) and resuming it
     with one process reproduces rows 3..5.
  4. A NaN injected on rank 1 only: the job fails naming rank 1.
  5. --skip-bad with 3 truncated content images: each reported once.
With MGST_MPI_TEST_CUDA=1 (a GPU machine, not CI) first: `mpirun -np 1 mgst
train --device cuda` (gradients through ncclAllReduce on one rank) against
the same run without mpirun, losses within 1e-5.
Standard library only. Exits 77 (SKIPPED) when mgst was built without MPI
or mpirun is missing. Takes about 15 s on the 2-core CI machine.
"""
import csv
import json
import math
import os
import shutil
import struct
import subprocess
import sys

SKIP = 77
TOL = 1e-5


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, env=None, cwd=None, expect_ok=True):
    full_env = dict(os.environ, OMP_NUM_THREADS="1")
    full_env.update(env or {})
    p = subprocess.run(cmd, env=full_env, cwd=cwd, capture_output=True, text=True, timeout=300)
    if expect_ok and p.returncode != 0:
        fail("%s exited %d:\n%s\n%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def read_log(path):
    with open(path) as f:
        return {int(r["step"]): r for r in csv.DictReader(f)}


TERMS = ("content", "style", "task", "tv", "total")


def compare_logs(a, b, steps, what):
    """Fails on a term beyond TOL; returns the largest relative difference."""
    worst = 0.0
    for s in steps:
        if s not in a or s not in b:
            fail("%s: step %d missing from a log" % (what, s))
        for k in TERMS:
            x, y = float(a[s][k]), float(b[s][k])
            if not (math.isfinite(x) and math.isfinite(y)):
                fail("%s: step %d %s not finite (%r, %r)" % (what, s, k, x, y))
            if abs(x - y) > TOL * max(abs(x), abs(y), 1e-30):
                fail("%s: step %d %s: %.9g vs %.9g (relative %.2g > %g)"
                     % (what, s, k, x, y, abs(x - y) / max(abs(x), abs(y)), TOL))
            worst = max(worst, abs(x - y) / max(abs(x), abs(y), 1e-30))
    return worst


def read_safetensors(path):
    """{name: list of floats} (F32 only) and the metadata."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            fail("%s: %s is %s" % (path, name, info["dtype"]))
        b, e = info["data_offsets"]
        out[name] = struct.unpack("<%df" % ((e - b) // 4), data[b:e])
    return out, meta


def weights(path):
    arrays, _ = read_safetensors(path)
    return {k: v for k, v in arrays.items() if not k.startswith("adam.")}


def check_weights(one, two, worst_loss):
    """Final weights of the 1-process run vs the 2-rank run, per tensor:
    ||w1 - w2|| <= 1e-4 ||w1 - w(step 1)|| (the movement of steps 2..5).
    Tensors whose gradient is zero up to rounding (RMS gradient, from the
    1-process run's Adam v, below 1e-6 of the largest tensor's: the biases that
    feed an instance norm) are left out: Adam turns their rounding noise into
    +-lr steps (m/sqrt(v) ~ +-1), so they wander with any change of summation
    order and cannot change the output."""
    arrays, meta = read_safetensors(one + "/checkpoint.safetensors")
    bc = 1 - 0.999 ** int(meta["adam_steps"])
    rms = {k[len("adam.v."):]: math.sqrt(max(v) / bc) for k, v in arrays.items()
           if k.startswith("adam.v.")}
    top = max(rms.values())
    w1, w2 = weights(one + "/checkpoint.safetensors"), weights(two + "/checkpoint.safetensors")
    w_first = weights(one + "/checkpoint_1.safetensors")
    worst, skipped = 0.0, []
    for k in w1:
        if rms[k] < 1e-6 * top:
            skipped.append(k)
            continue
        diff = math.sqrt(sum((a - b) ** 2 for a, b in zip(w1[k], w2[k])))
        moved = math.sqrt(sum((a - b) ** 2 for a, b in zip(w1[k], w_first[k])))
        if moved <= 0 or diff > 1e-4 * moved:
            fail("final weights of %s: ||1 rank - 2 ranks|| = %.3g, steps 2-5 moved it %.3g"
                 % (k, diff, moved))
        worst = max(worst, diff / moved)
    if len(skipped) * 2 > len(w1):
        fail("%d of %d tensors have no gradient" % (len(skipped), len(w1)))
    print("2 ranks vs 1: losses within %.2g relative over 5 steps; final weights within %.2g of "
          "their movement (%d zero-gradient bias tensors left out)"
          % (worst_loss, worst, len(skipped)))


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    mgst, mpirun, with_mpi, work = sys.argv[1:]
    mgst = os.path.abspath(mgst)
    if with_mpi != "ON" or not mpirun or not os.path.exists(mpirun):
        print("SKIP: mgst built without MPI (MGST_MPI) or no mpirun")
        return SKIP
    mpi = [mpirun, "--oversubscribe", "--allow-run-as-root"]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    run([mgst, "demo", "--out", os.path.join(work, "demo"), "--steps", "0", "--count", "8",
         "--size", "32x32"])
    d = os.path.join(work, "demo", "data")
    # --no-residual and no warm-up: loss terms far from zero, so a relative
    # tolerance is meaningful (the residual net starts at identity, where the
    # content and task terms are 0).
    common = ["train", "--content", d + "/real", "--masks", d + "/real_masks",
              "--style", d + "/synthetic", "--style-masks", d + "/synthetic_masks",
              "--attention-labels", "255", "--size", "32x32", "--batch", "4", "--seed", "3",
              "--crop", "random", "--no-residual", "--warmup-steps", "0", "--quiet",
              "--device", "cpu"]  # 2 ranks on one GPU: NCCL refuses a duplicate GPU

    if os.environ.get("MGST_MPI_TEST_CUDA") == "1":
        cuda = [a if a != "cpu" else "cuda" for a in common] + ["--steps", "5"]
        run([mgst] + cuda + ["--out", os.path.join(work, "cuda_plain")])
        run(mpi + ["-np", "1", mgst] + cuda + ["--out", os.path.join(work, "cuda_nccl")])
        compare_logs(read_log(os.path.join(work, "cuda_plain", "log.csv")),
                     read_log(os.path.join(work, "cuda_nccl", "log.csv")), range(1, 6),
                     "CUDA: 1 rank under mpirun (NCCL) vs no mpirun")
        print("CUDA: 1 rank under mpirun (NCCL) matches the run without mpirun")

    # 1. two ranks vs one process; rank 1 in its own working directory.
    one = os.path.join(work, "one")
    run([mgst] + common + ["--steps", "5", "--checkpoint-every", "1", "--keep-checkpoints", "5",
                           "--out", one])
    r0, r1 = os.path.join(work, "rank0"), os.path.join(work, "rank1")
    os.makedirs(r0), os.makedirs(r1)
    argv = common + ["--steps", "5", "--out", "run"]
    run(mpi + ["-np", "1", "--wdir", r0, mgst] + argv + [":", "-np", "1", "--wdir", r1, mgst] + argv)
    if os.listdir(r1):
        fail("rank 1 wrote files: %s" % os.listdir(r1))
    two = os.path.join(r0, "run")
    expected = {"checkpoint.safetensors", "log.csv", "loss.png", "before_after.png"}
    if set(os.listdir(two)) != expected:
        fail("rank 0's run directory holds %s, expected %s" % (sorted(os.listdir(two)),
                                                               sorted(expected)))
    worst = compare_logs(read_log(one + "/log.csv"), read_log(two + "/log.csv"), range(1, 6),
                         "2 ranks vs 1")
    check_weights(one, two, worst)

    # 2. two ranks for 3 steps, resumed by one process to 5.
    half = os.path.join(work, "half")
    run(mpi + ["-np", "2", mgst] + common + ["--steps", "3", "--out", half])
    run([mgst, "train", "--resume", half, "--steps", "5", "--quiet"])
    compare_logs(read_log(one + "/log.csv"), read_log(half + "/log.csv"), range(1, 6),
                 "2 ranks resumed with 1")
    print("2 ranks resumed with 1: steps 4-5 continue the curve")

    # 3. rank 1 killed as step 4 starts; checkpoints every 2 steps.
    killed = os.path.join(work, "killed")
    argv = common + ["--steps", "5", "--checkpoint-every", "2", "--out", killed]
    p = run(mpi + ["-np", "1", mgst] + argv + [":", "-np", "1", "-x", "MGST_TEST_KILL_AT_STEP=4",
                                              mgst] + argv, expect_ok=False)
    out = p.stdout + p.stderr
    if p.returncode == 0 or "rank 1" not in out or ("signal 9" not in out and "Killed" not in out):
        fail("killed rank: exit %d, output does not name rank 1 and SIGKILL:\n%s"
             % (p.returncode, out))
    leftovers = [f for f in os.listdir(killed) if ".tmp." in f]
    if leftovers:
        fail("killed rank: temporaries left: %s" % leftovers)
    _, meta = read_safetensors(killed + "/checkpoint.safetensors")
    if meta.get("step") != "2":
        fail("killed rank: checkpoint at step %s, expected 2" % meta.get("step"))
    run([mgst, "train", "--resume", killed, "--quiet"])
    compare_logs(read_log(one + "/log.csv"), read_log(killed + "/log.csv"), range(1, 6),
                 "killed at step 4, resumed from step 2")
    print("rank 1 killed at step 4: job failed naming it; step-2 checkpoint intact, resumed")

    # 4. a NaN on rank 1 only.
    nan = os.path.join(work, "nan")
    argv = common + ["--steps", "5", "--out", nan]
    p = run(mpi + ["-np", "1", mgst] + argv + [":", "-np", "1", "-x",
                                              "MGST_TEST_INJECT_NAN_AT_STEP=2", mgst] + argv,
            expect_ok=False)
    out = p.stdout + p.stderr
    if p.returncode == 0 or "step 2: the loss is nan on rank 1 of 2" not in out:
        fail("NaN on rank 1: exit %d, no message naming rank 1:\n%s" % (p.returncode, out))
    print("NaN on rank 1 at step 2: job failed naming rank 1")

    # 5. --skip-bad, sharded: 3 truncated content images, each reported once.
    bad = os.path.join(work, "bad_real")
    shutil.copytree(d + "/real", bad)
    names = sorted(os.listdir(bad))[:3]
    for n in names:
        with open(os.path.join(bad, n), "r+b") as f:
            f.truncate(100)
    argv = [a if a != d + "/real" else bad for a in common] + [
        "--steps", "1", "--skip-bad", "--out", os.path.join(work, "skip")]
    p = run(mpi + ["-np", "2", mgst] + argv)
    for n in names:
        if p.stderr.count("skipping content pair: " + os.path.join(bad, n)) != 1:
            fail("--skip-bad: %s not reported exactly once:\n%s" % (n, p.stderr))
    print("--skip-bad on 2 ranks: each of 3 bad files reported once, the run trained")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
