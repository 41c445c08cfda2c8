import FuzzSupport
import MSRCore

/// The dataset archive reader (msr's bounded zip reader over zlib, with its zip-slip and zip-bomb
/// checks). It reads a path, so the input is written to a scratch file first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = Fuzz.scratch(Fuzz.bytes(data, size))
    // A small cap, so that a bomb is refused quickly, as a big one would be by a real cap.
    let maxBytes = 1 << 20
    if let csv = Fuzz.read("DatasetArchive.readCSV", { try DatasetArchive.readCSV(zipPath: path, maxBytes: maxBytes) }) {
        Fuzz.check(csv.bytes.count <= maxBytes, "DatasetArchive.readCSV returned \(csv.bytes.count) bytes, above its cap")
    }
    return 0
}
