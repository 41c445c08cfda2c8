import FuzzSupport
import MSRCore

/// The playlist reader msr-predict and msr-evaluate use (MPD playlist or slice, Web API object,
/// plain array; inline features under the schema's names).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaylist(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let reader = PlaylistReader(file: "fuzz.json", featureNames: Fuzz.schema.features.map(\.name))
    Fuzz.read("PlaylistReader.parse") { try reader.parse(bytes) }
    return 0
}
