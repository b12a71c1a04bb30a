#!/usr/bin/env python3
"""Writes the seed corpus: a few tiny valid files per fuzz target.

fuzz/corpus/safetensors/: F32/F16/BF16/F64 tensors, metadata, a 0-d and an
empty tensor, an mgst-checkpoint-like header. fuzz/corpus/image/: PNG (grey,
grey+alpha, RGB, RGBA, palette, 16-bit), JPEG, BMP, each a few pixels. Needs
Python 3 (+ Pillow for the JPEG/BMP/palette seeds). Rerun to regenerate.
"""
import io
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def safetensors(tensors, metadata=None):
    header, blob = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + blob


def png(width, height, colour_type, bit_depth, rows, palette=None):
    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data +
                struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", palette)
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    return out + chunk(b"IEND", b"")


def jpeg_dc_overflow(progressive, blocks=16):
    """A 1-component JPEG, 8 x 8*blocks, whose every block's DC difference is
    -32767 (Huffman code '0' -> category 15, then 15 zero bits), under a
    16-bit quantizer of 65535 (baseline) or a 2^13 point transform
    (progressive, Al = 13): the DC value, summed over blocks and scaled,
    overflows an int in stb_image (fuzz/CMakeLists.txt says why that check
    is off in those two functions)."""
    def seg(marker, body):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body
    out = b"\xff\xd8" + seg(0xDB, b"\x10" + struct.pack(">64H", *[65535] * 64))
    out += seg(0xC2 if progressive else 0xC0, struct.pack(">BHHB", 8, 8, 8 * blocks, 1) + b"\x01\x11\x00")
    out += seg(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x0f")  # DC table: '0' -> 15
    out += seg(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00")  # AC table: '0' -> end of block
    out += seg(0xDA, b"\x01\x01\x00" + (bytes([0, 0, 13]) if progressive else bytes([0, 63, 0])))
    bits = ("0" * 16 + ("" if progressive else "0")) * blocks    # DC code, 15 bits, [EOB]
    bits += "1" * (-len(bits) % 8)
    return out + bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)) + b"\xff\xd9"


def write(sub, name, data):
    d = os.path.join(HERE, "corpus", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    f32 = struct.pack("<6f", 0, 1, 2, 3, -1.5, 1e-3)
    write("safetensors", "f32.safetensors",
          safetensors({"c1.conv.weight": ("F32", [2, 3], f32)}))
    write("safetensors", "dtypes.safetensors", safetensors({
        "a": ("F16", [2], struct.pack("<2H", 0x3C00, 0x8001)),
        "b": ("BF16", [1, 2], struct.pack("<2H", 0x3F80, 0x7F80)),
        "c": ("F64", [1], struct.pack("<d", 0.25)),
        "scalar": ("F32", [], struct.pack("<f", 7)),
        "empty": ("F32", [0, 3], b""),
    }))
    write("safetensors", "checkpoint.safetensors", safetensors(
        {"c4.conv.bias": ("F32", [3], struct.pack("<3f", 0, 0, 0)),
         "adam.m.c4.conv.bias": ("F32", [3], struct.pack("<3f", 1, 2, 3))},
        {"format": "mgst-checkpoint-v1", "residual": "true", "step": "4",
         "config": json.dumps({"height": 24, "width": 32, "loss": {"w_style": 3e5}})}))
    write("safetensors", "empty_header.safetensors", safetensors({}))

    write("image", "grey.png", png(3, 2, 0, 8, [b"\x00\x80\xff", b"\x01\x02\x03"]))
    write("image", "grey_alpha.png", png(2, 2, 4, 8, [b"\x00\xff\x80\x10", b"\x02\x00\x03\xff"]))
    write("image", "rgb.png", png(2, 2, 2, 8, [bytes(range(6)), bytes(range(250, 256))]))
    write("image", "rgba.png", png(2, 1, 6, 8, [bytes(range(8))]))
    write("image", "palette.png", png(4, 1, 3, 2, [b"\x1b"], palette=b"\x00\x00\x00\xff\x00\x00\x00\xff\x00\x00\x00\xff"))
    write("image", "rgb16.png", png(1, 2, 2, 16, [bytes(range(6)), bytes(range(6, 12))]))
    write("image", "regress_jpeg_dc_overflow_baseline.jpg", jpeg_dc_overflow(False))
    write("image", "regress_jpeg_dc_overflow_progressive.jpg", jpeg_dc_overflow(True))
    try:
        from PIL import Image
    except ImportError:
        print("Pillow missing: JPEG/BMP seeds skipped")
        return
    im = Image.new("RGB", (8, 8))
    im.putdata([(x * 30, y * 30, (x + y) * 15) for y in range(8) for x in range(8)])
    for name, fmt, kw in [("rgb.jpg", "JPEG", {"quality": 90}),
                          ("progressive.jpg", "JPEG", {"quality": 50, "progressive": True}),
                          ("rgb.bmp", "BMP", {})]:
        b = io.BytesIO()
        im.save(b, fmt, **kw)
        write("image", name, b.getvalue())
    g = io.BytesIO()
    im.convert("L").save(g, "JPEG", quality=80)
    write("image", "grey.jpg", g.getvalue())
    m = io.BytesIO()
    Image.new("L", (4, 4), 2).save(m, "BMP")
    write("image", "labels.bmp", m.getvalue())


if __name__ == "__main__":
    main()
