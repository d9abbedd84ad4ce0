import Testing
import Reports

// The bytes are checked against TensorBoard's own code: the expected hex strings below were
// printed by tensorboard 2.21.0 (protobuf 7.36) on this machine kind, with
//   event_pb2.Event(wall_time=1700000000.25, step=7, summary=summary_pb2.Summary(value=[
//       Value(tag="meta/post_update_return", simple_value=-12.5), Value(tag="a", simple_value=0.1)]))
//   .SerializeToString().hex()
// and tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c.
@Suite("TensorBoard event files")
struct TensorBoardEventsTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("CRC-32C: the standard check value, and TFRecord's masking as TensorBoard computes it")
    func crc() {
        #expect(TensorBoardEvents.crc32c(Array("123456789".utf8)) == 0xE306_9283)
        #expect(TensorBoardEvents.maskedCRC32C(Array("123456789".utf8)) == 0xC78A_B0E5)
        #expect(TensorBoardEvents.maskedCRC32C([5, 0, 0, 0, 0, 0, 0, 0]) == 0x3E04_B2EA)
    }

    @Test("a scalar event and the version event serialize byte for byte as TensorBoard's protobuf does")
    func events() {
        let event = ScalarEvent(step: 7, wallTime: 1_700_000_000.25,
                                scalars: [("meta/post_update_return", -12.5), ("a", 0.1)])
        #expect(hex(TensorBoardEvents.scalarEvent(event))
                == "0900001040fc54d94110072a2a0a1e0a176d6574612f706f73745f7570646174655f72657475726e15000048c10a080a016115cdcccc3d")
        #expect(hex(TensorBoardEvents.versionEvent(wallTime: 1_700_000_000.25)) == "0900001040fc54d9411a0d627261696e2e4576656e743a32")
    }

    @Test("records frame the payload: length, its masked CRC, the payload, its masked CRC")
    func record() {
        let payload: [UInt8] = [1, 2, 3, 4, 5]
        let r = TensorBoardEvents.record(payload)
        #expect(r.count == 8 + 4 + 5 + 4)
        #expect(Array(r[0..<8]) == [5, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = UInt32(r[8]) | UInt32(r[9]) << 8 | UInt32(r[10]) << 16 | UInt32(r[11]) << 24
        #expect(lengthCRC == 0x3E04_B2EA)
        #expect(Array(r[12..<17]) == payload)
        let dataCRC = UInt32(r[17]) | UInt32(r[18]) << 8 | UInt32(r[19]) << 16 | UInt32(r[20]) << 24
        #expect(dataCRC == TensorBoardEvents.maskedCRC32C(payload))
        // A file is the version record, then one record per event.
        let file = TensorBoardEvents.file(startTime: 1, events: [ScalarEvent(step: 1, wallTime: 2, scalars: [("x", 1)])])
        #expect(file.count == TensorBoardEvents.record(TensorBoardEvents.versionEvent(wallTime: 1)).count
                + TensorBoardEvents.record(TensorBoardEvents.scalarEvent(ScalarEvent(step: 1, wallTime: 2, scalars: [("x", 1)]))).count)
    }
}
