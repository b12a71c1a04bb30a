#!/usr/bin/env python3
"""The ONNX export against `mgst purify` (CTest `onnx_export`).

Trains two tiny models through the mgst binary (residual and plain, a few
steps at a high learning rate so every layer's weights move), exports each with
`mgst export --onnx`, checks the file with onnx.checker, runs it with
onnxruntime on the images `mgst purify` gets (sizes that are multiples of 4 and
sizes that are not, one image alone and two stacked in one batch) and requires
max |onnx - purify| <= 1/255 against purify's 8-bit PNGs.

Exits 77 (CTest: SKIPPED) when numpy, onnx or onnxruntime cannot be imported
or the binary was built without ONNX.
Usage: onnx_check.py MGST_BINARY [WORK_DIR]   (default: a new $TMPDIR/mgst_test_onnx_*,
       removed after a pass, kept after a failure)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
try:
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError as e:  # the suite cannot run here; say why
    print(f"SKIP: {e} (tools/setup.sh installs python3-onnx and onnxruntime)")
    sys.exit(SKIP)

# Sizes that are multiples of 4 and sizes purify pads (bottom/right) to one,
# by 1, 2 and 3 rows and columns.
SIZES = [(20, 28), (36, 44), (21, 30), (37, 45), (23, 31)]
TOL = 1.0 / 255 + 1e-6


# ---- 8-bit PNG without PIL: write filter 0 rows, read all five filters ----
def write_png(path, img):
    """img: uint8 (H, W) or (H, W, 3)."""
    h, w = img.shape[:2]
    ctype = 0 if img.ndim == 2 else 2
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def read_png(path):
    """8-bit, non-interlaced grey/RGB/RGBA PNG -> uint8 (H, W, C)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0, f"{path}: unsupported PNG"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    c = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * c
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, np.int32)
        for x in range(stride):
            a = cur[x - c] if x >= c else 0
            b = prev[x]
            d = prev[x - c] if x >= c else 0
            if ftype == 0:
                pred = 0
            elif ftype == 1:
                pred = a
            elif ftype == 2:
                pred = b
            elif ftype == 3:
                pred = (a + b) // 2
            else:  # Paeth
                p = a + b - d
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - d)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else d)
            cur[x] = (line[x] + pred) & 255
        out[y], prev = cur, cur
    return out.reshape(h, w, c).astype(np.uint8)


# ---- data: smooth colour fields with noise, elliptic 0/255 masks ----------
def make_image(rng, h, w):
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    base = np.stack([np.sin(6 * xx + rng.uniform(0, 6)) * np.cos(4 * yy + rng.uniform(0, 6))
                     for _ in range(3)], -1)
    img = 0.5 + 0.35 * base + 0.08 * rng.standard_normal((h, w, 3))
    return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)


def make_mask(rng, h, w):
    yy, xx = np.mgrid[0:h, 0:w]
    cy, cx = h * rng.uniform(0.3, 0.7), w * rng.uniform(0.3, 0.7)
    inside = ((yy - cy) / (0.3 * h)) ** 2 + ((xx - cx) / (0.35 * w)) ** 2 <= 1
    return (inside * 255).astype(np.uint8)


def write_set(rng, folder, sizes, prefix):
    for d in ("img", "mask"):
        os.makedirs(os.path.join(folder, d), exist_ok=True)
    for i, (h, w) in enumerate(sizes):
        name = f"{prefix}{i}_{h}x{w}.png"
        write_png(os.path.join(folder, "img", name), make_image(rng, h, w))
        write_png(os.path.join(folder, "mask", name), make_mask(rng, h, w))


def mgst(binary, *args):
    cmd = [binary, *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout


# ---- the checks --------------------------------------------------------------
def check_model_file(path, residual):
    model = onnx.load(path)
    onnx.checker.check_model(model)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    assert opset >= 13, f"opset {opset} < 13"
    (inp,), (out,) = model.graph.input, model.graph.output
    dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    assert dims == ["N", 4, "H", "W"], f"input dims {dims}"
    dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
    assert dims == ["N", 3, "H", "W"], f"output dims {dims}"
    meta = {p.key: p.value for p in model.metadata_props}
    assert meta.get("residual") == ("true" if residual else "false"), meta
    return opset


def onnx_input(folder, name):
    img = read_png(os.path.join(folder, "img", name)).astype(np.float32) / 255
    mask = read_png(os.path.join(folder, "mask", name))[..., :1].astype(np.float32) / 255
    return np.concatenate([img, mask], -1).transpose(2, 0, 1)[None]  # (1, 4, H, W)


def compare(session, folder, purified, names):
    """Max |onnx - purify| over `names`, each alone and the equal-sized ones stacked."""
    worst, levels, inside, change = 0.0, 0, [], []
    batches = [[n] for n in names]
    by_size = {}
    for n in names:
        by_size.setdefault(n.split("_")[1], []).append(n)
    batches += [b for b in by_size.values() if len(b) > 1]  # dynamic N
    for batch in batches:
        x = np.concatenate([onnx_input(folder, n) for n in batch])
        (y,) = session.run(["purified"], {"input": x})
        assert y.shape == (len(batch), 3) + x.shape[2:], f"{batch}: output {y.shape}"
        for k, n in enumerate(batch):
            ref = read_png(os.path.join(purified, n)).astype(np.float32) / 255
            got = np.clip(y[k].transpose(1, 2, 0), 0, 1)
            diff = float(np.abs(got - ref).max())
            # 8-bit levels apart after rounding as purify's PNG writer does
            lv = int(np.abs(np.round(got * 255) - np.round(ref * 255)).max())
            print(f"  {n:16s} batch of {len(batch)}: max |onnx - purify| = {diff * 255:.3f}/255,"
                  f" {lv} levels after rounding")
            worst, levels = max(worst, diff), max(levels, lv)
            inside.append(float(((y[k] > 0) & (y[k] < 1)).mean()))
            change.append(float(np.abs(y[k] - x[k, :3]).mean()))
    # The comparison means something only if the net changes the image and
    # its output is mostly not clamped away.
    assert min(inside) >= 0.5, f"only {min(inside):.0%} of the output inside (0,1)"
    assert min(change) >= 0.01, f"mean |y - x| {min(change):.4f}: the net is ~ the identity"
    print(f"  output inside (0,1): >= {min(inside):.0%}; mean |y - x| >= {min(change):.3f}")
    return worst, levels


def run_mode(binary, work, residual):
    mode = "residual" if residual else "plain"
    run = os.path.join(work, f"run_{mode}")
    mgst(binary, "train", "--content", f"{work}/train/img", "--masks", f"{work}/train/mask",
         "--style", f"{work}/train/img", "--style-masks", f"{work}/train/mask",
         "--out", run, "--size", "24x32", "--batch", "2", "--steps", "3", "--warmup-steps", "1",
         "--lr", "3e-4", "--device", "cpu", "--quiet", "--residual" if residual else "--no-residual")
    ckpt = os.path.join(run, "checkpoint.safetensors")
    onnx_path = os.path.join(work, f"{mode}.onnx")
    print(mgst(binary, "export", "--model", ckpt, "--onnx", onnx_path).strip())
    opset = check_model_file(onnx_path, residual)
    purified = os.path.join(work, f"purified_{mode}")
    mgst(binary, "purify", "--model", ckpt, "--input", f"{work}/test/img", "--masks",
         f"{work}/test/mask", "--out", purified, "--device", "cpu", "--batch", "2",
         # each image at its own size, as the graph runs it (not the checkpoint's --size)
         "--size", "native")
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    names = sorted(os.listdir(f"{work}/test/img"))
    worst, levels = compare(session, f"{work}/test", purified, names)
    print(f"{mode}: opset {opset}, max |onnx - purify| = {worst * 255:.3f}/255 "
          f"({levels} 8-bit levels) over {len(names)} images")
    return worst


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    binary = sys.argv[1]
    if "[not in this build]" in mgst(binary, "export", "--help"):
        print("SKIP: this mgst was built without ONNX (libonnx-dev not found at configure time)")
        sys.exit(SKIP)
    own_work = len(sys.argv) == 2  # a fresh folder of our own: concurrent runs never share one
    work = tempfile.mkdtemp(prefix="mgst_test_onnx_") if own_work else sys.argv[2]
    if not own_work:
        shutil.rmtree(work, ignore_errors=True)
    rng = np.random.default_rng(17)
    write_set(rng, f"{work}/train", [(32, 40)] * 4, "t")
    write_set(rng, f"{work}/test", SIZES + [SIZES[2]], "e")  # two 21x30: a batch of 2
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}")
    worst = max(run_mode(binary, work, True), run_mode(binary, work, False))
    if worst > TOL:
        sys.exit(f"FAIL: max |onnx - purify| = {worst * 255:.3f}/255 > 1/255")
    print(f"PASS: max |onnx - purify| = {worst * 255:.3f}/255 (<= 1/255)")
    if own_work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
