import FuzzSupport
import MSRCore

/// The playlist reader msr-predict and msr-evaluate use (MPD playlist or slice, Web API object,
/// plain array; inline features under the schema's names); msr-factorize's slice scanner, and
/// msr-serve's request body scanner (the input as a body, and as the body's playlist), which
/// must read exactly what the reader reads whenever they read the input at all.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaylist(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let reader = PlaylistReader(file: "fuzz.json", featureNames: Fuzz.schema.features.map(\.name))
    Fuzz.read("PlaylistReader.parse") { try reader.parse(bytes) }
    if let scanned = SliceTracks.scan(bytes) {
        let read = Fuzz.read("PlaylistReader.parse") { try PlaylistReader(file: "fuzz.json", featureNames: []).parse(bytes) }
        Fuzz.check(read.map(SliceTracks.init) == scanned, "SliceTracks.scan read what PlaylistReader reads otherwise or refuses")
    }
    // The schema's features, and features named like track keys (a schema may have them).
    let readers = [reader, PlaylistReader(file: "fuzz.json", featureNames: ["id", "track_uri"])]
    for reader in readers {
        for body in [bytes, Array(#"{"k": 5, "playlist": "#.utf8) + bytes + [UInt8(ascii: "}")]] { checkScan(reader, body) }
    }
    return 0
}

/// Whatever `scanBody` reads, the general way reads the same.
private func checkScan(_ reader: PlaylistReader, _ body: [UInt8]) {
    guard let scanned = reader.scanBody(body, playlistKey: "playlist") else { return }
    guard case .object(var members)? = try? JSONParser.parse(body), let value = members.removeValue(forKey: "playlist") else {
        return Fuzz.check(false, "scanBody read a body that is no JSON object with a playlist")
    }
    let read = Fuzz.read("PlaylistReader.playlists") { try reader.playlists(value) }
    Fuzz.check(read == [scanned.playlist] && members == scanned.scalars, "scanBody read what the general way reads otherwise or refuses")
}
