import Foundation
import Testing
@testable import Rendering

/// A reader of what Deflate writes (one final block with the fixed codes), written from RFC 1951
/// for the test: the round trip checks the encoder's codes, extra bits and distances.
private struct FixedInflater {
    let bytes: [UInt8]
    var position = 0  // in bits

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func bit() throws -> Int {
        guard position / 8 < bytes.count else { throw Failure.truncated }
        defer { position += 1 }
        return Int(bytes[position / 8] >> UInt8(position % 8) & 1)
    }
    mutating func bits(_ n: Int) throws -> Int {
        var v = 0
        for k in 0..<n { v |= try bit() << k }
        return v
    }
    enum Failure: Error { case truncated, badBlock, badCode, badDistance }

    mutating func symbol() throws -> Int {
        var code = 0
        for length in 1...9 {
            code = code << 1 | (try bit())
            switch (length, code) {
            case (7, 0...23): return 256 + code
            case (8, 0x30...0xBF): return code - 0x30
            case (8, 0xC0...0xC7): return 280 + code - 0xC0
            case (9, 0x190...0x1FF): return 144 + code - 0x190
            default: continue
            }
        }
        throw Failure.badCode
    }

    mutating func inflate() throws -> [UInt8] {
        guard try bits(1) == 1, try bits(2) == 1 else { throw Failure.badBlock }
        var out: [UInt8] = []
        while true {
            let s = try symbol()
            if s < 256 { out.append(UInt8(s)); continue }
            if s == 256 { return out }
            let code = s - 257
            let length = Deflate.lengthBase[code] + (try bits(Deflate.lengthExtra[code]))
            var d = 0
            for _ in 0..<5 { d = d << 1 | (try bit()) }
            let distance = Deflate.distanceBase[d] + (try bits(Deflate.distanceExtra[d]))
            guard distance <= out.count else { throw Failure.badDistance }
            for _ in 0..<length { out.append(out[out.count - distance]) }
        }
    }
}

@Suite("PNG writer")
struct PNGTests {
    @Test("CRC-32 and Adler-32 give the published check values")
    func checksums() {
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNG.crc32(Array("IEND".utf8)) == 0xAE42_6082)  // every PNG ends with these bytes
        #expect(PNG.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNG.adler32([]) == 1)
        // Past the 5552-byte block: 0xFF everywhere is the worst case for overflow.
        let long = [UInt8](repeating: 0xFF, count: 20000)
        var a: UInt64 = 1, b: UInt64 = 0
        for x in long { a = (a + UInt64(x)) % 65521; b = (b + a) % 65521 }
        #expect(PNG.adler32(long) == UInt32(b << 16 | a))
    }

    @Test("deflate round-trips random, repetitive and long-range data, and compresses runs")
    func deflateRoundTrip() throws {
        var state: UInt64 = 42
        func next() -> UInt8 { state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(state >> 56) }
        let random = (0..<5000).map { _ in next() }
        let runs = [UInt8](repeating: 7, count: 10000) + [1, 2, 3] + [UInt8](repeating: 0, count: 600)
        // A block repeated 32 000 bytes later (near the window's end), and matches of every length.
        let block = (0..<300).map { _ in next() }
        let far = block + [UInt8](repeating: 9, count: 31700) + block
        var lengths: [UInt8] = []
        for n in 3...258 { lengths += (0..<n).map { UInt8($0 % 5) } + [UInt8(n % 251), 255, 254] }
        for data in [[], [5], random, runs, far, lengths] {
            var reader = FixedInflater(Deflate.compress(data))
            #expect(try reader.inflate() == data)
        }
        // A 258-byte match costs 13 bits with the fixed codes (length 285, distance code 0).
        #expect(Deflate.compress(runs).count < 10603 / 258 * 13 / 8 + 16)
        #expect(Deflate.compress(random).count < random.count * 9 / 8 + 8)  // 8 or 9 bits a literal
    }

    @Test("a PNG file: signature, IHDR, chunk CRCs, zlib header and trailer, Sub-filtered rows")
    func file() throws {
        let w = 5, h = 3
        var pixels: [UInt8] = []
        for y in 0..<h { for x in 0..<w { pixels += [UInt8(40 * x), UInt8(80 * y), UInt8(x * y)] } }
        let png = PNG.encode(Image(width: w, height: h, pixels: pixels))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var chunks: [(String, [UInt8])] = []
        var p = 8
        while p < png.count {
            let n = Int(png[p]) << 24 | Int(png[p + 1]) << 16 | Int(png[p + 2]) << 8 | Int(png[p + 3])
            let typed = Array(png[(p + 4)..<(p + 8 + n)])
            let crc = png[(p + 8 + n)..<(p + 12 + n)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(PNG.crc32(typed) == crc)
            chunks.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4))))
            p += 12 + n
        }
        #expect(chunks.map(\.0) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks[0].1 == [0, 0, 0, 5, 0, 0, 0, 3, 8, 2, 0, 0, 0])
        let z = chunks[1].1
        #expect((Int(z[0]) << 8 | Int(z[1])) % 31 == 0 && z[0] & 0x0F == 8)
        var reader = FixedInflater(Array(z.dropFirst(2).dropLast(4)))
        let raw = try reader.inflate()
        #expect(z.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } == PNG.adler32(raw))
        // Undo the Sub filter row by row and recover the pixels.
        var decoded: [UInt8] = []
        for y in 0..<h {
            let row = raw[(y * (3 * w + 1))..<((y + 1) * (3 * w + 1))]
            #expect(row.first == 1)
            var line = Array(row.dropFirst())
            for i in 3..<line.count { line[i] = line[i] &+ line[i - 3] }
            decoded += line
        }
        #expect(decoded == pixels)
    }
}
