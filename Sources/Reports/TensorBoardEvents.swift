// TensorBoard's event-file format for scalars, written without TensorFlow or protobuf: a file of
// TFRecords, each holding one serialized `Event` message. A record is the payload's length
// (uint64, little-endian), the masked CRC-32C of those 8 bytes, the payload, and its masked CRC-32C.
// Only the fields scalars need are encoded (tensorflow/core/util/event.proto, summary.proto):
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }    Value { string tag = 1; float simple_value = 2; }
// The first event of a file names the version ("brain.Event:2"); TensorBoard reads any file in the
// log directory whose name contains "tfevents".

/// One step's scalars.
public struct ScalarEvent: Sendable, Equatable {
    public var step: Int
    /// Seconds since 1970 (what TensorBoard's "relative" and "wall" axes use).
    public var wallTime: Double
    public var scalars: [(tag: String, value: Float)]

    public init(step: Int, wallTime: Double, scalars: [(tag: String, value: Float)]) {
        self.step = step; self.wallTime = wallTime; self.scalars = scalars
    }

    public static func == (a: ScalarEvent, b: ScalarEvent) -> Bool {
        a.step == b.step && a.wallTime == b.wallTime && a.scalars.count == b.scalars.count
            && zip(a.scalars, b.scalars).allSatisfy { $0.tag == $1.tag && $0.value.bitPattern == $1.value.bitPattern }
    }
}

public enum TensorBoardEvents {
    /// A whole event file: the version event at `startTime`, then one event per step.
    public static func file(startTime: Double, events: [ScalarEvent]) -> [UInt8] {
        var out = record(versionEvent(wallTime: startTime))
        for event in events { out += record(scalarEvent(event)) }
        return out
    }

    /// The serialized `Event` carrying `file_version`.
    public static func versionEvent(wallTime: Double) -> [UInt8] {
        var message = Protobuf()
        message.double(1, wallTime)
        message.bytes(3, Array("brain.Event:2".utf8))
        return message.buffer
    }

    /// The serialized `Event` carrying one summary with a simple value per scalar.
    public static func scalarEvent(_ event: ScalarEvent) -> [UInt8] {
        var summary = Protobuf()
        for (tag, value) in event.scalars {
            var v = Protobuf()
            v.bytes(1, Array(tag.utf8))
            v.float(2, value)
            summary.bytes(1, v.buffer)
        }
        var message = Protobuf()
        message.double(1, event.wallTime)
        if event.step != 0 { message.varint(2, UInt64(bitPattern: Int64(event.step))) }   // proto3: 0 is left out
        message.bytes(5, summary.buffer)
        return message.buffer
    }

    /// `payload` framed as a TFRecord.
    public static func record(_ payload: [UInt8]) -> [UInt8] {
        var length = [UInt8]()
        appendLittleEndian(&length, UInt64(payload.count))
        var out = length
        appendLittleEndian(&out, maskedCRC32C(length))
        out += payload
        appendLittleEndian(&out, maskedCRC32C(payload))
        return out
    }

    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord uses.
    public static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked CRC: rotated right by 15 bits plus a constant (a CRC of data that itself
    /// contains CRCs is otherwise weak).
    public static func maskedCRC32C(_ bytes: [UInt8]) -> UInt32 {
        let crc = crc32c(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { out += $0 }
}

/// The protobuf wire format, as much as Event needs: varints, 64- and 32-bit fixed, and
/// length-delimited fields.
private struct Protobuf {
    var buffer: [UInt8] = []

    mutating func key(_ field: Int, _ wireType: UInt64) { appendVarint(UInt64(field) << 3 | wireType) }
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { buffer.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        buffer.append(UInt8(v))
    }
    mutating func varint(_ field: Int, _ value: UInt64) { key(field, 0); appendVarint(value) }
    mutating func double(_ field: Int, _ value: Double) { key(field, 1); appendLittleEndian(&buffer, value.bitPattern) }
    mutating func float(_ field: Int, _ value: Float) { key(field, 5); appendLittleEndian(&buffer, value.bitPattern) }
    mutating func bytes(_ field: Int, _ value: [UInt8]) { key(field, 2); appendVarint(UInt64(value.count)); buffer += value }
}
