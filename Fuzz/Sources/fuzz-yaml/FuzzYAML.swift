import FuzzSupport
import MSRCore

/// The YAML loader (libyaml's events, merge keys, duplicate keys) and the three files read
/// through it: config.yaml (ProjectConfig), params.yaml (Params) and schema.yaml (Schema).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    guard Fuzz.read("YAMLLoader.parse", { try YAMLLoader.parse(bytes, file: "fuzz.yaml") }) != nil else { return 0 }
    // Only a document that parses can be any of the files: the loads below parse it again.
    let path = Fuzz.scratch(bytes)
    Fuzz.read("ProjectConfig.load") { try ProjectConfig.load(path: path) }
    Fuzz.read("Params.load") { try Params.load(path: path) }
    Fuzz.read("Schema.load") { try Schema.load(path: path) }
    return 0
}
