import MSRTestSupport
import SystemZlib
import XCTest
@testable import MSRCore

/// `Inflater` against zlib, the decoder it replaced: every kind of stream zlib's deflate writes
/// comes back byte for byte, and damaged streams get zlib's verdict (the same output, or an
/// error of the same kind and wording).
final class InflaterTests: XCTestCase {
    /// zlib's raw deflate of `data` at `level` with `strategy`.
    private func deflated(_ data: [UInt8], level: Int32, strategy: Int32, memLevel: Int32 = 8) -> [UInt8] {
        var stream = z_stream()
        XCTAssertEqual(deflateInit2_(&stream, level, Z_DEFLATED, -MAX_WBITS, memLevel, strategy, ZLIB_VERSION,
                                     Int32(MemoryLayout<z_stream>.size)), Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                XCTAssertEqual(deflate(&stream, Z_FINISH), Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<produced])
    }

    /// What zlib makes of `stream`: its output, or its error's kind and message.
    private func zlibVerdict(_ stream: [UInt8]) -> Result<[UInt8], Inflater.Failure> {
        var z = z_stream()
        guard inflateInit2_(&z, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(.invalid("init"))
        }
        defer { inflateEnd(&z) }
        var input = stream, result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return input.withUnsafeMutableBufferPointer { source in
            z.next_in = source.baseAddress
            z.avail_in = uInt(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { target in
                    z.next_out = target.baseAddress
                    z.avail_out = uInt(target.count)
                    let status = inflate(&z, Z_NO_FLUSH)
                    return (status, target.count - Int(z.avail_out))
                }
                result += chunk[..<produced]
                switch status {
                case Z_STREAM_END:
                    return z.avail_in == 0 ? .success(result) : .failure(.trailing(unused: Int(z.avail_in)))
                case Z_OK:
                    continue
                case Z_BUF_ERROR where z.avail_in == 0:
                    return .failure(.truncated)
                default:
                    return .failure(.invalid(z.msg.map { String(cString: $0) } ?? "error \(status)"))
                }
            }
        }
    }

    private func ours(_ stream: [UInt8], chunkSize: Int = 1 << 16) -> Result<[UInt8], Inflater.Failure> {
        var result: [UInt8] = []
        do {
            try stream.withUnsafeBytes { input in
                try Inflater.inflate(input, chunkSize: chunkSize) { result += $0 }
            }
            return .success(result)
        } catch let failure as Inflater.Failure {
            return .failure(failure)
        } catch {
            return .failure(.invalid("\(error)"))
        }
    }

    /// Data of every shape a match can take: text (a CSV), random bytes (stored and literal
    /// blocks), one byte repeated (distance 1), short periods (distances under 8) and long
    /// repeats far back (distances up to 32 KiB), and the empty input.
    private func samples() -> [(String, [UInt8])] {
        var random = SplitMix64(seed: 9)
        var csv = "id,name,x\n"
        for row in 0..<12_000 { csv += "\(row),song \(random.next() % 500),\(Double(random.next() % 100_000) / 1000)\n" }
        let noise = (0..<150_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let block = (0..<20_000).map { _ in UInt8(truncatingIfNeeded: random.next() % 7) }
        var far: [UInt8] = []
        for k in 0..<12 { far += block; far += noise[(k * 100)..<(k * 100 + 13_000)] }
        var periodic: [UInt8] = []
        for period in 2...9 { for k in 0..<9_000 { periodic.append(UInt8(k % period) &+ UInt8(period * 16)) } }
        return [("empty", []), ("one byte", [42]), ("csv", Array(csv.utf8)), ("noise", noise),
                ("run", [UInt8](repeating: 7, count: 100_000)), ("periodic", periodic), ("far", far)]
    }

    func testEveryStreamZlibWritesInflatesToItsData() {
        let strategies: [(String, Int32)] = [("default", Z_DEFAULT_STRATEGY), ("filtered", Z_FILTERED),
                                            ("huffman only", Z_HUFFMAN_ONLY), ("rle", Z_RLE), ("fixed", Z_FIXED)]
        for (name, data) in samples() {
            for level: Int32 in [0, 1, 6, 9] {
                for (strategyName, strategy) in strategies {
                    // memLevel 1 makes small blocks: many dynamic tables.
                    for memLevel: Int32 in [1, 9] {
                        let stream = deflated(data, level: level, strategy: strategy, memLevel: memLevel)
                        let what = "\(name), level \(level), \(strategyName), memLevel \(memLevel)"
                        for chunk in [1 << 16, 1 << 20] {
                            guard case .success(let inflated) = ours(stream, chunkSize: chunk) else {
                                XCTFail("\(what): \(ours(stream, chunkSize: chunk))")
                                continue
                            }
                            XCTAssertTrue(inflated == data, "\(what), chunk \(chunk): \(inflated.count) bytes, expected \(data.count)")
                        }
                    }
                }
            }
        }
    }

    /// Streams damaged every way (a bit flipped, a byte changed, cut short, bytes appended) get
    /// zlib's verdict: the same output when it reads them, the same failure when it does not.
    func testDamagedStreamsGetZlibsVerdict() {
        var random = SplitMix64(seed: 21)
        var verdicts: [String: Int] = [:]
        for (name, data) in samples() where data.count > 1 {
            for (level, strategy) in [(Int32(6), Z_DEFAULT_STRATEGY), (1, Z_FIXED), (9, Z_HUFFMAN_ONLY), (0, Z_DEFAULT_STRATEGY)] {
                let stream = deflated(Array(data.prefix(40_000)), level: level, strategy: strategy, memLevel: 1)
                for trial in 0..<150 {
                    var damaged = stream
                    switch trial % 5 {
                    case 0, 1:
                        // Early bits hold the block headers and tables: damage there most often.
                        let bit = Int(random.next() % UInt64(trial % 2 == 0 ? Swift.min(damaged.count * 8, 800) : damaged.count * 8))
                        damaged[bit / 8] ^= UInt8(1 << (bit % 8))
                    case 2:
                        damaged[Int(random.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: random.next())
                    case 3:
                        damaged = Array(damaged.prefix(Int(random.next() % UInt64(damaged.count))))
                    default:
                        damaged += (0..<(1 + random.next() % 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    }
                    let expected = zlibVerdict(damaged), got = ours(damaged)
                    XCTAssertEqual(got, expected, "\(name), level \(level), trial \(trial)")
                    switch expected {
                    case .success: verdicts["read", default: 0] += 1
                    case .failure(.truncated): verdicts["truncated", default: 0] += 1
                    case .failure(.trailing): verdicts["trailing", default: 0] += 1
                    case .failure(.invalid): verdicts["invalid", default: 0] += 1
                    }
                }
            }
        }
        // The damage reached every verdict: read anyway, truncated, trailing bytes, invalid.
        XCTAssertEqual(verdicts.count, 4, "\(verdicts)")
    }

    /// Hand-made streams for the checks zlib's own streams never need.
    func testHandMadeStreams() {
        // A stored block: BFINAL 1, BTYPE 00, LEN 3, NLEN ~3, then the bytes.
        XCTAssertEqual(ours([0x01, 0x03, 0x00, 0xFC, 0xFF, 65, 66, 67]), .success([65, 66, 67]))
        XCTAssertEqual(ours([0x01, 0x03, 0x00, 0xFC, 0xFE, 65, 66, 67]), .failure(.invalid("invalid stored block lengths")))
        XCTAssertEqual(ours([0x01, 0x03, 0x00, 0xFC, 0xFF, 65, 66]), .failure(.truncated))
        // A reserved block type (11).
        XCTAssertEqual(ours([0x07]), .failure(.invalid("invalid block type")))
        // A fixed block with a distance before the start: literal 'a', then length 3 distance 2.
        // Fixed codes: 'a' = 0x61 -> 8 bits 0x30 + 0x61 = 10010001; length 257 -> 7 bits 0000001;
        // distance code 1 -> 5 bits 00001.
        var bits: [Bool] = [true, true, false]  // BFINAL 1, BTYPE 01 (LSB first)
        func code(_ value: Int, _ count: Int) { for k in stride(from: count - 1, through: 0, by: -1) { bits.append(value >> k & 1 == 1) } }
        code(0x91, 8)
        code(1, 7)
        code(1, 5)
        code(0, 7)  // end of block
        var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (k, bit) in bits.enumerated() where bit { bytes[k / 8] |= UInt8(1 << (k % 8)) }
        XCTAssertEqual(ours(bytes), .failure(.invalid("invalid distance too far back")))
        XCTAssertEqual(zlibVerdict(bytes), .failure(.invalid("invalid distance too far back")))
        // Found by the fuzzer (scripts/fuzz inflate): a length-repeat code first, its two extra
        // bits past the end. zlib waits for them, so the stream is truncated before it is invalid.
        let repeatAtTheEnd: [UInt8] = [0x02, 0x14, 0x14, 0xFF, 0xFF, 0x14, 0x14, 0xFF, 0xFF, 0xFF, 0xBF]
        XCTAssertEqual(zlibVerdict(repeatAtTheEnd), .failure(.truncated))
        XCTAssertEqual(ours(repeatAtTheEnd), .failure(.truncated))
        // Nothing at all.
        XCTAssertEqual(ours([]), .failure(.truncated))
        XCTAssertEqual(zlibVerdict([]), .failure(.truncated))
    }
}
