#!/usr/bin/env python3
"""Convert torchvision's VGG-19 weights to the safetensors file `mgst --vgg` reads.

Usage:
    python3 scripts/convert_vgg19.py vgg19-dcbb9e9d.pth vgg19.safetensors
    python3 scripts/convert_vgg19.py --from-torchvision vgg19.safetensors   # needs torchvision + its cached weights

Keeps only the convolutional part, under torchvision's own key names
(features.N.weight, features.N.bias), as float32. The file is written with a
plain safetensors writer (8-byte little-endian header length, JSON header,
raw data), so the `safetensors` package is not needed.
"""
import json
import struct
import sys


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, t in tensors:
        data = t.detach().cpu().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def main(argv):
    import torch
    if len(argv) == 3 and argv[1] == "--from-torchvision":
        import torchvision
        state = torchvision.models.vgg19(weights="IMAGENET1K_V1").state_dict()
        out = argv[2]
    elif len(argv) == 3:
        state = torch.load(argv[1], map_location="cpu")
        if "state_dict" in state:
            state = state["state_dict"]
        out = argv[2]
    else:
        print(__doc__)
        return 2
    convs = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
    tensors = []
    for i in convs:
        for kind in ("weight", "bias"):
            key = f"features.{i}.{kind}"
            if key not in state:
                print(f"error: {key} missing from the checkpoint (is it torchvision's vgg19?)")
                return 1
            tensors.append((key, state[key]))
    write_safetensors(out, tensors, {"format": "torchvision-vgg19-features"})
    print(f"wrote {out}: {len(tensors)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
