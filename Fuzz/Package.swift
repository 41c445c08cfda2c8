// swift-tools-version: 6.0
// libFuzzer targets for msr's readers (issue 9). Built apart from the product package so that its
// targets are untouched: `scripts/fuzz TARGET SECONDS` builds this package with
// `--sanitize fuzzer -Xswiftc -sanitize=fuzzer,address` into Fuzz/.build and runs one target.
import PackageDescription

/// One executable per reader; each is a single file defining `LLVMFuzzerTestOneInput` (libFuzzer
/// supplies `main`).
let targets = ["csv", "yaml", "json", "playlist", "zip", "inflate", "model", "mixture", "scaler", "song-index", "factors"]

let package = Package(
    name: "msr-fuzz",
    dependencies: [.package(name: "msr", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "MSRCore", package: "msr")]),
        // zlib, for the inflater's differential target.
        .systemLibrary(name: "FuzzZlib"),
    ] + targets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: ["FuzzSupport", .product(name: "MSRCore", package: "msr")] + (name == "inflate" ? ["FuzzZlib"] : []),
            // No top-level code: libFuzzer's own main calls the entry point.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    },
    swiftLanguageModes: [.v6]
)
