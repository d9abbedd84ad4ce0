"""Compares two PNG files pixel by pixel (RGB; any filter; 8-bit RGB or RGBA, no interlace).

Used by .ci/render-check: the first is metarl's still, the second the browser's screenshot of
the page at the same frame. Passes when at most 0.5% of pixels differ by more than 48 in some
channel (edges: the still is supersampled, the page is not) and the mean difference is at most
0.8 levels. Measured on grasp-lift frame 120 at 640x480 (camera at distance 1.9): the same frame 0.16% and 0.22; the
camera turned by 1 degree 1.1% and 1.3; another episode's frame 8% and 8.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) != crc:
            sys.exit(f"{path}: chunk {kind!r} has a bad CRC")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[x * channels + k] for x in range(width) for k in range(3)))
        previous = line
    return width, height, b"".join(rows)


ours, theirs, name = sys.argv[1], sys.argv[2], sys.argv[3]
w1, h1, a = read_png(ours)
w2, h2, b = read_png(theirs)
if (w1, h1) != (w2, h2):
    sys.exit(f"{name}: sizes differ: still {w1}x{h1}, screenshot {w2}x{h2}")
pixels = w1 * h1
differing = sum(1 for p in range(pixels) if max(abs(a[3 * p + k] - b[3 * p + k]) for k in range(3)) > 48)
mean = sum(abs(x - y) for x, y in zip(a, b)) / len(a)
background = bytes(round(v * 255) for v in (0.93, 0.95, 0.97))
drawn = sum(1 for p in range(pixels) if a[3 * p:3 * p + 3] != background)
print(f"render-check: {name}: {differing / pixels:.2%} of pixels differ by more than 48, mean difference {mean:.2f}, "
      f"{drawn / pixels:.0%} of the still is not background")
if drawn < 0.05 * pixels:
    sys.exit(f"{name}: the still is almost empty")
if differing > 0.005 * pixels or mean > 0.8:
    sys.exit(f"{name}: the browser's frame and the still disagree")
