import FuzzSupport
import FuzzZlib
import MSRCore

/// msr's deflate decoder (`Inflater`, behind the dataset archive reader) against zlib's: on any
/// raw deflate stream both give the same output, or fail the same way (truncated, bytes after
/// the end, or invalid with zlib's message) after the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let cap = 4 << 20  // a bomb stops here, in both
    let ours = verdict(ours: input, cap: cap), zlib = verdict(zlib: input, cap: cap)
    let what = "\(ours.output.count) bytes then \(ours.end), zlib \(zlib.output.count) bytes then \(zlib.end)"
    // Output handed on before a failure is a chunk's worth apart (zlib's as it goes, this one's a
    // chunk at a time): what both handed on agrees, and so does how the stream ended unless the
    // cap cut one short.
    let shared = min(ours.output.count, zlib.output.count)
    Fuzz.check(ours.output.prefix(shared) == zlib.output.prefix(shared), "Inflater and zlib wrote different bytes: \(what)")
    if ours.end != "capped" && zlib.end != "capped" {
        Fuzz.check(ours.end == zlib.end, "Inflater and zlib disagree: \(what)")
        if ours.end == "end" { Fuzz.check(ours.output.count == zlib.output.count, "Inflater and zlib disagree: \(what)") }
    }
    return 0
}

/// Output (up to the cap) and how the stream ended.
private struct Verdict: Equatable {
    var output: [UInt8] = []
    var end = "capped"
}

private struct Capped: Error {}

private func verdict(ours input: UnsafeRawBufferPointer, cap: Int) -> Verdict {
    var result = Verdict()
    do {
        try Inflater.inflate(input, chunkSize: 1 << 16) { chunk in
            result.output += chunk.prefix(cap - result.output.count)
            if result.output.count >= cap { throw Capped() }
        }
        result.end = "end"
    } catch let failure as Inflater.Failure {
        switch failure {
        case .truncated: result.end = "truncated"
        case .trailing: result.end = "trailing"
        case .invalid(let reason): result.end = reason
        }
    } catch {}
    return result
}

private func verdict(zlib input: UnsafeRawBufferPointer, cap: Int) -> Verdict {
    var result = Verdict()
    var z = z_stream()
    guard inflateInit2_(&z, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("zlib init") }
    defer { inflateEnd(&z) }
    z.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    z.avail_in = uInt(input.count)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while result.output.count < cap {
        let (status, produced) = chunk.withUnsafeMutableBufferPointer { target in
            z.next_out = target.baseAddress
            z.avail_out = uInt(target.count)
            let status = inflate(&z, Z_NO_FLUSH)
            return (status, target.count - Int(z.avail_out))
        }
        result.output += chunk[..<produced].prefix(cap - result.output.count)
        switch status {
        case Z_STREAM_END:
            result.end = z.avail_in == 0 ? "end" : "trailing"
            return result
        case Z_OK: continue
        case Z_BUF_ERROR where z.avail_in == 0:
            result.end = "truncated"
            return result
        default:
            result.end = z.msg.map { String(cString: $0) } ?? "error"
            return result
        }
    }
    return result
}
