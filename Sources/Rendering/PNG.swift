import Foundation

// The project's own PNG writer (RFC 2083 / ISO 15948): 8-bit RGB, each row Sub-filtered, one
// zlib stream (RFC 1950) holding one DEFLATE block (RFC 1951) with the fixed Huffman codes and
// greedy LZ77 matches found through a hash chain. Renders are mostly flat colour, which Sub turns
// into long runs of zeros, so the fixed codes compress them well without building trees.

public enum PNG {
    /// The PNG file of `image`.
    public static func encode(_ image: Image) -> [UInt8] {
        let rowBytes = image.width * 3
        var filtered = [UInt8]()
        filtered.reserveCapacity((rowBytes + 1) * image.height)
        for y in 0..<image.height {
            filtered.append(1)  // filter type Sub: each byte minus the byte one pixel left
            let row = y * rowBytes
            for i in 0..<rowBytes {
                let left = i >= 3 ? image.pixels[row + i - 3] : 0
                filtered.append(image.pixels[row + i] &- left)
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = [UInt8]()
        header.appendBigEndian(UInt32(image.width))
        header.appendBigEndian(UInt32(image.height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, adaptive filters, no interlace
        chunk("IHDR", header, into: &out)
        chunk("IDAT", zlib(filtered), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        out.appendBigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        out += typed
        out.appendBigEndian(crc32(typed))
    }

    /// A zlib stream: header (deflate, 32 KiB window, no dictionary), the DEFLATE data, Adler-32.
    public static func zlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // CMF, FLG: (0x78 << 8 | 0x01) % 31 == 0, fastest-level hint
        out += Deflate.compress(data)
        out.appendBigEndian(adler32(data))
        return out
    }

    /// CRC-32 (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320), as PNG chunks use it.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        // 5552 bytes is the longest run whose sums cannot overflow 32 bits before the modulo.
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + 5552)
            while i < end { a += UInt32(bytes[i]); b += a; i += 1 }
            a %= 65521; b %= 65521
        }
        return b << 16 | a
    }
}

/// DEFLATE compression with the fixed Huffman codes (one final block of type 01).
public enum Deflate {
    public static func compress(_ data: [UInt8]) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE 01: fixed codes
        let window = 32768, hashSize = 1 << 15, maxChain = 48
        var head = [Int32](repeating: -1, count: hashSize)
        var previous = [Int32](repeating: -1, count: window)
        func hash(_ i: Int) -> Int {
            (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & (hashSize - 1)
        }
        func insert(_ i: Int) {
            guard i + 2 < data.count else { return }
            let h = hash(i)
            previous[i & (window - 1)] = head[h]
            head[h] = Int32(i)
        }
        var i = 0
        while i < data.count {
            var bestLength = 0, bestDistance = 0
            if i + 2 < data.count {
                var candidate = Int(head[hash(i)])
                var chain = 0
                let limit = min(258, data.count - i)
                while candidate >= 0, i - candidate <= window, chain < maxChain {
                    var n = 0
                    while n < limit && data[candidate + n] == data[i + n] { n += 1 }
                    if n > bestLength { bestLength = n; bestDistance = i - candidate; if n == limit { break } }
                    let next = Int(previous[candidate & (window - 1)])
                    if next >= candidate { break }  // the slot was reused by a newer position
                    candidate = next
                    chain += 1
                }
            }
            if bestLength >= 3 {
                writeLength(bestLength, &bits)
                writeDistance(bestDistance, &bits)
                for k in 0..<bestLength { insert(i + k) }
                i += bestLength
            } else {
                writeLiteral(Int(data[i]), &bits)
                insert(i)
                i += 1
            }
        }
        writeLiteral(256, &bits)  // end of block
        return bits.finish()
    }

    /// The fixed literal/length code of symbol `s` (RFC 1951 §3.2.6), most significant bit first.
    static func writeLiteral(_ s: Int, _ bits: inout BitWriter) {
        switch s {
        case 0...143: bits.writeCode(0x30 + s, count: 8)
        case 144...255: bits.writeCode(0x190 + s - 144, count: 9)
        case 256...279: bits.writeCode(s - 256, count: 7)
        default: bits.writeCode(0xC0 + s - 280, count: 8)
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                               4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func writeLength(_ length: Int, _ bits: inout BitWriter) {
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        writeLiteral(257 + code, &bits)
        bits.write(UInt32(length - lengthBase[code]), count: lengthExtra[code])
    }

    static func writeDistance(_ distance: Int, _ bits: inout BitWriter) {
        var code = distanceBase.count - 1
        while distanceBase[code] > distance { code -= 1 }
        bits.writeCode(code, count: 5)
        bits.write(UInt32(distance - distanceBase[code]), count: distanceExtra[code])
    }
}

/// DEFLATE's bit order: values least significant bit first, Huffman codes most significant first.
struct BitWriter {
    var bytes: [UInt8] = []
    var buffer: UInt64 = 0
    var filled = 0

    mutating func write(_ value: UInt32, count: Int) {
        guard count > 0 else { return }
        buffer |= UInt64(value & (UInt32.max >> (32 - count))) << filled
        filled += count
        while filled >= 8 { bytes.append(UInt8(buffer & 0xFF)); buffer >>= 8; filled -= 8 }
    }

    /// Writes a Huffman code: its bits reversed, so the first bit sent is its most significant.
    mutating func writeCode(_ code: Int, count: Int) {
        var reversed: UInt32 = 0
        for k in 0..<count where code >> k & 1 != 0 { reversed |= 1 << (count - 1 - k) }
        write(reversed, count: count)
    }

    mutating func finish() -> [UInt8] {
        if filled > 0 { bytes.append(UInt8(buffer & 0xFF)) }
        buffer = 0; filled = 0
        return bytes
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ v: UInt32) {
        append(UInt8(v >> 24)); append(UInt8(v >> 16 & 0xFF)); append(UInt8(v >> 8 & 0xFF)); append(UInt8(v & 0xFF))
    }
}
