import FuzzSupport
import MSRCore

/// The playlist reader msr-predict and msr-evaluate use (MPD playlist or slice, Web API object,
/// plain array; inline features under the schema's names); and msr-factorize's slice scanner,
/// which must read exactly what the reader reads whenever it reads a file at all.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaylist(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let reader = PlaylistReader(file: "fuzz.json", featureNames: Fuzz.schema.features.map(\.name))
    Fuzz.read("PlaylistReader.parse") { try reader.parse(bytes) }
    if let scanned = SliceTracks.scan(bytes) {
        let read = Fuzz.read("PlaylistReader.parse") { try PlaylistReader(file: "fuzz.json", featureNames: []).parse(bytes) }
        Fuzz.check(read.map(SliceTracks.init) == scanned, "SliceTracks.scan read what PlaylistReader reads otherwise or refuses")
    }
    return 0
}
