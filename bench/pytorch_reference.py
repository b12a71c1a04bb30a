#!/usr/bin/env python3
"""PyTorch implementation of docs/METHOD.md, timed like `mgst bench`.

Same transform net (reflection pad, conv, instance norm with affine, ReLU,
5 residual blocks, nearest x2 upsampling, zero-initialised c4 with the
residual output y = x + c4(...)), same loss network (VGG-19 features up to
relu4_1 in torchvision's layout, seeded random init like torchvision's
kaiming-normal fan_out, ImageNet normalisation, frozen), same losses (content
at relu2_2 full + attention-masked, region style with the masked Gram
(F*w)(F*w)^T / (C*sum(w) + 1e-8) on attention and bkgd against a mean target,
task-guided edge loss on luminance, TV; weights 1, 1e4, 10, 0.1) and Adam
(lr 1e-3). Inputs are synthetic and in memory (uniform random image + soft
elliptic blob mask, a random style image with its own blob), as in
`mgst bench`.

A training step = transform forward, VGG on y (to relu4_1) and on x (to
relu2_2, no grad: the constant content target), losses, backward, Adam step,
loss.item(). Inference = transform forward under torch.no_grad(). Median of
the timed repeats after warm-up. Prints one JSON object on stdout with the
same keys as `mgst bench --json`; progress goes to stderr.

Needs only torch (no torchvision, no numpy). On CPU use Debian's python3-torch
with libopenblas0-openmp (the script records which BLAS is loaded: the
reference BLAS would make PyTorch several times slower and flatter mgst):
    /usr/bin/python3 bench/pytorch_reference.py --device cpu --threads 2 --size 256
On a GPU it times eager mode and, when it works, torch.compile as well
("torch_compile" in the JSON).

That this is the same computation is checked, not assumed:
    /usr/bin/python3 bench/pytorch_reference.py --check-against-mgst build/mgst
writes this script's VGG and a random plain transform net as safetensors and a
content/style pair as PNGs, and compares the four loss terms with `mgst eval`
(they agree to ~1e-7 relative).
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- transform net (METHOD.md names: c1.conv.weight, c1.norm.weight, r1.conv1.*, ...) ----
class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride=1, upsample=False, norm=True, relu=True):
        super().__init__()
        self.upsample, self.relu = upsample, relu
        self.pad = nn.ReflectionPad2d(k // 2)
        self.conv = nn.Conv2d(cin, cout, k, stride)
        self.norm = nn.InstanceNorm2d(cout, affine=True, eps=1e-5) if norm else None

    def forward(self, h):
        if self.upsample:
            h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = self.conv(self.pad(h))
        if self.norm is not None:
            h = self.norm(h)
        return F.relu(h) if self.relu else h


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pad1, self.conv1 = nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3)
        self.norm1 = nn.InstanceNorm2d(c, affine=True, eps=1e-5)
        self.pad2, self.conv2 = nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3)
        self.norm2 = nn.InstanceNorm2d(c, affine=True, eps=1e-5)

    def forward(self, x):
        h = F.relu(self.norm1(self.conv1(self.pad1(x))))
        return x + self.norm2(self.conv2(self.pad2(h)))


class TransformNet(nn.Module):
    def __init__(self, residual=True):
        super().__init__()
        self.residual = residual
        self.c1 = ConvLayer(4, 32, 9)
        self.c2 = ConvLayer(32, 64, 3, 2)
        self.c3 = ConvLayer(64, 128, 3, 2)
        for i in range(1, 6):
            setattr(self, f"r{i}", ResidualBlock(128))
        self.u1 = ConvLayer(128, 64, 3, upsample=True)
        self.u2 = ConvLayer(64, 32, 3, upsample=True)
        self.c4 = ConvLayer(32, 3, 9, norm=False, relu=False)
        if residual:  # start from the identity
            nn.init.zeros_(self.c4.conv.weight)
            nn.init.zeros_(self.c4.conv.bias)

    def forward(self, x, m):
        h = self.c3(self.c2(self.c1(torch.cat([x, m], 1))))
        for i in range(1, 6):
            h = getattr(self, f"r{i}")(h)
        h = self.c4(self.u2(self.u1(h)))
        return x + h if self.residual else h


# ---- VGG-19 features up to the deepest layer used (torchvision indices) ----
VGG_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
           512, 512, 512, 512, "M"]


def vgg_layer_indices():
    """relu{b}_{i} -> index of that ReLU in torchvision's vgg19().features."""
    names, idx, block, conv = {}, 0, 1, 0
    for v in VGG_CFG:
        if v == "M":
            idx += 1
            block, conv = block + 1, 0
        else:
            conv += 1
            names[f"relu{block}_{conv}"] = idx + 1
            idx += 2
    return names


class Vgg19(nn.Module):
    def __init__(self, deepest="relu4_1"):
        super().__init__()
        self.index = vgg_layer_indices()
        last = self.index[deepest]
        layers, cin = [], 3
        for v in VGG_CFG:
            if len(layers) > last:
                break
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                conv = nn.Conv2d(cin, v, 3, padding=1)
                nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(conv.bias)
                layers += [conv, nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers[: last + 1])  # keys features.N.weight
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        for p in self.parameters():
            p.requires_grad_(False)

    def forward(self, img, layers):
        want = {self.index[l]: l for l in layers}
        last = max(want)
        out, h = {}, (img - self.mean) / self.std
        for i, mod in enumerate(self.features):
            h = mod(h)
            if i in want:
                out[want[i]] = h
            if i == last:
                break
        return out


def layer_stride(layer):  # relu{b}_{i}: 2^(b-1)
    return 2 ** (int(layer[4]) - 1)


# ---- METHOD.md's losses ----
EPS = 1e-8
EMPTY = 1e-6
STYLE_LAYERS = ["relu1_1", "relu2_1", "relu3_1", "relu4_1"]
CONTENT_LAYER = "relu2_2"
W_CONTENT, W_STYLE, W_TASK, W_TV, LAMBDA_ATT = 1.0, 1e4, 10.0, 0.1, 1.0


def pooled(m, stride):
    att = F.avg_pool2d(m, stride, stride) if stride > 1 else m
    return att, 1.0 - att


def masked_gram(feat, w):
    """feat (N,C,H,W), w (N,1,H,W) -> (N,C,C) = (F*w)(F*w)^T / (C*sum(w) + eps)."""
    n, c = feat.shape[:2]
    fw = (feat * w).reshape(n, c, -1)
    denom = c * w.reshape(n, -1).sum(1) + EPS
    return torch.bmm(fw, fw.transpose(1, 2)) / denom.view(n, 1, 1)


def luminance(img):
    return 0.299 * img[:, 0:1] + 0.587 * img[:, 1:2] + 0.114 * img[:, 2:3]


def total_loss(vgg, y, x, m, target):
    n = y.shape[0]
    fy = vgg(y, STYLE_LAYERS + [CONTENT_LAYER])
    with torch.no_grad():
        fx = vgg(x, [CONTENT_LAYER])[CONTENT_LAYER]
    # Content: full + attention region.
    f = fy[CONTENT_LAYER]
    mc, _ = pooled(m, layer_stride(CONTENT_LAYER))
    d2 = ((f - fx) ** 2).sum(1, keepdim=True) * mc
    masked = d2.reshape(n, -1).sum(1) / (f.shape[1] * mc.reshape(n, -1).sum(1) + EPS)
    l_content = F.mse_loss(f, fx) + LAMBDA_ATT * masked.mean()
    # Region style against the set-mean target, empty-region guard per sample.
    l_style = 0.0
    for layer in STYLE_LAYERS:
        feat = fy[layer]
        for w, tgt in zip(pooled(m, layer_stride(layer)), target[layer]):
            g = masked_gram(feat, w)
            valid = (w.reshape(n, -1).sum(1) >= EMPTY).to(g.dtype)
            per = ((g - tgt) ** 2).mean((1, 2)) * valid
            l_style = l_style + per.sum() / n
    # Task-guided edge loss on luminance in the attention region.
    gy, gx = luminance(y), luminance(x)
    ex = ((gy[..., :, 1:] - gy[..., :, :-1]) - (gx[..., :, 1:] - gx[..., :, :-1])) ** 2
    ey = ((gy[..., 1:, :] - gy[..., :-1, :]) - (gx[..., 1:, :] - gx[..., :-1, :])) ** 2
    num = (ex * m[..., :, :-1]).reshape(n, -1).sum(1) + (ey * m[..., :-1, :]).reshape(n, -1).sum(1)
    l_task = (num / (m.reshape(n, -1).sum(1) + EPS)).mean()
    # Total variation.
    l_tv = ((y[..., :, 1:] - y[..., :, :-1]) ** 2).mean() + ((y[..., 1:, :] - y[..., :-1, :]) ** 2).mean()
    return W_CONTENT * l_content + W_STYLE * l_style + W_TASK * l_task + W_TV * l_tv


# ---- synthetic inputs (as mgst bench: uniform image, soft elliptic blob) ----
def blob_mask(n, h, w, gen, device):
    ys = torch.arange(h, dtype=torch.float32).view(h, 1) + 0.5
    xs = torch.arange(w, dtype=torch.float32).view(1, w) + 0.5
    masks = []
    for _ in range(n):
        cy = h * (0.4 + 0.2 * torch.rand(1, generator=gen).item())
        cx = w * (0.4 + 0.2 * torch.rand(1, generator=gen).item())
        ry, rx = max(2.0, h * 0.28), max(2.0, w * 0.3)
        r = torch.sqrt(((ys - cy) / ry) ** 2 + ((xs - cx) / rx) ** 2)
        masks.append(((1 - r) * min(rx, ry) / 2 + 0.5).clamp(0, 1))
    return torch.stack(masks).unsqueeze(1).to(device)


def blas_in_use():
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({l.split()[-1] for l in f if "blas" in l.lower() or "mkl" in l.lower()})
        return [os.path.basename(p) for p in libs if p.startswith("/")]
    except OSError:
        return []


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def run(args, device, compiled):
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    n, h, w = args.batch, args.height, args.width
    x = torch.rand(n, 3, h, w, generator=gen).to(device)
    m = blob_mask(n, h, w, gen, device)
    s = torch.rand(1, 3, h, w, generator=gen).to(device)
    ms = blob_mask(1, h, w, gen, device)
    net = TransformNet(residual=True).to(device)
    vgg = Vgg19(STYLE_LAYERS[-1]).to(device).eval()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    with torch.no_grad():  # the mean style target of a one-image style set
        fs = vgg(s, STYLE_LAYERS)
        target = {l: [masked_gram(fs[l], r) for r in pooled(ms, layer_stride(l))]
                  for l in STYLE_LAYERS}

    fwd_net = net
    loss_fn = total_loss
    if compiled:
        fwd_net = torch.compile(net)
        loss_fn = torch.compile(total_loss)

    losses = []

    def train_step():
        opt.zero_grad(set_to_none=True)
        y = fwd_net(x, m)
        loss = loss_fn(vgg, y, x, m, target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        sync(device)

    def infer():
        with torch.no_grad():
            y = fwd_net(x, m)
        sync(device)
        return y

    def reset_peak():
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats()

    def peak():
        if device.type == "cuda":
            return torch.cuda.max_memory_allocated()
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    tag = "torch.compile" if compiled else "eager"
    for i in range(args.warmup):
        t0 = time.perf_counter()
        train_step()
        log(f"  [{tag}] warm-up train step {i + 1}/{args.warmup}: {1e3 * (time.perf_counter() - t0):.1f} ms")
    reset_peak()
    train_ms = []
    for i in range(args.steps):
        t0 = time.perf_counter()
        train_step()
        train_ms.append(1e3 * (time.perf_counter() - t0))
        log(f"  [{tag}] train step {i + 1}/{args.steps}: {train_ms[-1]:.1f} ms")
    train_peak = peak()
    for _ in range(args.warmup):
        infer()
    reset_peak()
    infer_ms = []
    for _ in range(args.infer_steps):
        t0 = time.perf_counter()
        infer()
        infer_ms.append(1e3 * (time.perf_counter() - t0))
    infer_peak = peak()
    step, inf = statistics.median(train_ms), statistics.median(infer_ms)
    log(f"  [{tag}] inference: median {inf:.1f} ms over {args.infer_steps} repeats")
    out = {
        "train_step_ms": step,
        "train_images_per_s": n / (step / 1e3),
        "infer_ms": inf,
        "infer_images_per_s": n / (inf / 1e3),
        "peak_memory_bytes": train_peak,
        "infer_peak_memory_bytes": infer_peak,
        "peak_memory_kind": "cuda_max_memory_allocated" if device.type == "cuda"
        else "process_max_rss",
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "train_step_ms_all": train_ms,
        "infer_ms_all": infer_ms,
        "losses": losses,
        "loss_finite": all(math.isfinite(v) for v in losses),
        "parameters": sum(p.numel() for p in net.parameters()),
    }
    if args.profile and not compiled:
        out["ops"] = profile_ops(train_step, device, args.top)
    return out


def profile_ops(train_step, device, top):
    """One step under torch.profiler: the top ops by self time."""
    try:
        from torch.profiler import ProfilerActivity, profile
        acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
        with profile(activities=acts) as prof:
            train_step()
        rows = []
        key = "self_cuda_time_total" if device.type == "cuda" else "self_cpu_time_total"
        total = sum(getattr(e, key) for e in prof.key_averages()) or 1.0
        for e in sorted(prof.key_averages(), key=lambda e: -getattr(e, key))[:top]:
            rows.append({"op": e.key, "count": e.count, "self_ms": getattr(e, key) / 1e3,
                         "share_of_self_time": getattr(e, key) / total})
        return rows
    except Exception as ex:  # the profiler is a nicety, not the benchmark
        log(f"  profiler failed: {ex}")
        return []


# ---- --check-against-mgst: the same losses as `mgst eval`, same weights ----
def _save_safetensors(path, tensors, meta):
    import struct
    hdr, off, blobs = {}, 0, []
    for k, t in tensors.items():
        v = t.detach().float().flatten().tolist()
        b = struct.pack(f"<{len(v)}f", *v)
        hdr[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    hdr["__metadata__"] = meta
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def _save_png(path, img):
    """img (C,H,W) uint8 tensor, C = 1 or 3: 8-bit grey/RGB PNG."""
    import struct
    import zlib
    c, h, w = img.shape
    rows = img.permute(1, 2, 0).reshape(h, w * c).tolist()
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0 if c == 1 else 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
                + chunk(b"IEND", b""))


def check_against_mgst(mgst, size=64, seed=3):
    """Writes this script's random VGG and a random plain (non-residual) transform
    net as safetensors, a content/style pair as PNGs, and compares the four
    unweighted loss terms with `mgst eval`. Returns 0 when all agree to 1e-4."""
    import subprocess
    import tempfile
    global W_CONTENT, W_STYLE, W_TASK, W_TV
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    d = tempfile.mkdtemp(prefix="mgst_ref_check_")
    img8 = lambda: (torch.rand(3, size, size, generator=gen) * 255).round().to(torch.uint8)
    msk8 = lambda: (blob_mask(1, size, size, gen, "cpu")[0] * 255).round().to(torch.uint8)
    x8, s8, m8, ms8 = img8(), img8(), msk8(), msk8()
    for name, a in (("c", x8), ("s", s8), ("m", m8), ("sm", ms8)):
        _save_png(f"{d}/{name}.png", a)
    x, s, m, ms = (a[None].float() / 255 for a in (x8, s8, m8, ms8))
    vgg, net = Vgg19("relu4_1"), TransformNet(residual=False)
    _save_safetensors(f"{d}/vgg.safetensors", {k: v for k, v in vgg.state_dict().items()
                                               if k.startswith("features")}, {})
    _save_safetensors(f"{d}/net.safetensors", dict(net.state_dict()), {"residual": "false"})
    saved = (W_CONTENT, W_STYLE, W_TASK, W_TV)
    terms = {}
    with torch.no_grad():
        fs = vgg(s, STYLE_LAYERS)
        target = {l: [masked_gram(fs[l], r) for r in pooled(ms, layer_stride(l))] for l in STYLE_LAYERS}
        y = net(x, m)
        for name, wts in (("content", (1, 0, 0, 0)), ("style", (0, 1, 0, 0)),
                          ("task", (0, 0, 1, 0)), ("tv", (0, 0, 0, 1))):
            W_CONTENT, W_STYLE, W_TASK, W_TV = wts
            terms[name] = total_loss(vgg, y, x, m, target).item()
    W_CONTENT, W_STYLE, W_TASK, W_TV = saved
    out = subprocess.run([mgst, "eval", "--transform", f"{d}/net.safetensors", "--no-residual",
                          "--vgg", f"{d}/vgg.safetensors", "--content", f"{d}/c.png", "--mask",
                          f"{d}/m.png", "--style", f"{d}/s.png", "--style-mask", f"{d}/sm.png",
                          "--json"], stdout=subprocess.PIPE, text=True, check=True).stdout
    j = json.loads(out)
    ok = True
    for k, v in terms.items():
        rel = abs(v - j[k]) / max(abs(j[k]), 1e-12)
        ok = ok and rel < 1e-4
        print(f"{k:8s} pytorch {v:.7g}  mgst {j[k]:.7g}  rel diff {rel:.1e}")
    print("agree" if ok else "DISAGREE")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cpu", help="cpu | cuda | auto (default cpu)")
    ap.add_argument("--size", default="256", help="S or HxW (default 256)")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=5, help="timed training steps (median)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed warm-up steps")
    ap.add_argument("--infer-steps", type=int, default=10, help="timed inference repeats")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads (torch.set_num_threads)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--compile", choices=["auto", "on", "off"], default="auto",
                    help="also time torch.compile (auto: on CUDA when available)")
    ap.add_argument("--profile", action="store_true", help="add a torch.profiler op table")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--check-against-mgst", metavar="MGST",
                    help="instead of timing: compare this script's loss terms with `MGST eval` "
                         "on the same weights and images (64x64, plain net)")
    args = ap.parse_args()
    if args.check_against_mgst:
        sys.exit(check_against_mgst(args.check_against_mgst))
    hw = args.size.lower().split("x")
    args.height, args.width = (int(hw[0]), int(hw[-1]))
    if args.height % 4 or args.width % 4:
        sys.exit("--size: H and W must be multiples of 4")
    dev = args.device
    if dev == "auto":
        dev = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(dev)
    torch.set_num_threads(args.threads)

    if device.type == "cuda":
        desc = torch.cuda.get_device_name(0)
    else:
        desc = "unknown CPU"
        try:
            with open("/proc/cpuinfo") as f:
                desc = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
        except (OSError, StopIteration):
            pass
        desc += f", {torch.get_num_threads()} threads"
    log(f"pytorch_reference: torch {torch.__version__}, {dev} ({desc}), "
        f"{args.height}x{args.width}, batch {args.batch}, {args.warmup} warm-up + {args.steps} timed steps")
    res = {"framework": "pytorch", "torch_version": torch.__version__, "device": desc,
           "device_kind": device.type, "threads": torch.get_num_threads() if device.type == "cpu" else 0,
           "height": args.height, "width": args.width, "batch": args.batch, "steps": args.steps,
           "warmup": args.warmup, "infer_steps": args.infer_steps}
    res.update(run(args, device, compiled=False))
    res.setdefault("ops", [])
    if device.type == "cpu":
        res["blas"] = blas_in_use()
        res["mkldnn"] = torch.backends.mkldnn.is_available()
    want_compile = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    if want_compile:
        if not hasattr(torch, "compile"):
            res["torch_compile"] = {"error": f"torch {torch.__version__} has no torch.compile"}
        else:
            try:
                res["torch_compile"] = run(args, device, compiled=True)
            except Exception as ex:
                res["torch_compile"] = {"error": f"{type(ex).__name__}: {ex}"[:500]}
                log(f"  torch.compile failed: {res['torch_compile']['error']}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
