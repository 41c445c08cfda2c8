// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "msr",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MSRCore", targets: ["MSRCore"]),
        .executable(name: "msr-ingest", targets: ["msr-ingest"]),
        .executable(name: "msr-validate", targets: ["msr-validate"]),
        .executable(name: "msr-transform", targets: ["msr-transform"]),
        .executable(name: "msr-train", targets: ["msr-train"]),
        .executable(name: "msr-evaluate", targets: ["msr-evaluate"]),
        .executable(name: "msr-cluster", targets: ["msr-cluster"]),
        .executable(name: "msr-predict", targets: ["msr-predict"]),
        .executable(name: "msr-monitor", targets: ["msr-monitor"]),
        .executable(name: "msr-feed", targets: ["msr-feed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "CMemory"),
        .target(
            name: "MSRCore",
            dependencies: [
                "CLibYAML",
                "CMemory",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(name: "MSRNetwork", dependencies: ["MSRCore"]),
        .target(
            name: "MSRCLI",
            dependencies: [
                "MSRCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "msr-ingest", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .executableTarget(name: "msr-validate", dependencies: ["MSRCLI", "MSRCore"]),
        .executableTarget(name: "msr-transform", dependencies: ["MSRCLI", "MSRCore"]),
        .executableTarget(name: "msr-train", dependencies: ["MSRCLI", "MSRCore"]),
        .executableTarget(name: "msr-evaluate", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .executableTarget(name: "msr-cluster", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .executableTarget(name: "msr-predict", dependencies: ["MSRCLI", "MSRCore"]),
        .executableTarget(name: "msr-monitor", dependencies: ["MSRCLI", "MSRCore"]),
        .executableTarget(name: "msr-feed", dependencies: ["MSRCLI", "MSRCore"]),
        .target(
            name: "MSRTestSupport",
            dependencies: ["MSRCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "MSRCoreTests", dependencies: ["MSRCore", "MSRNetwork", "MSRTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["MSRCore", "MSRTestSupport", "msr-ingest", "msr-validate", "msr-transform", "msr-train", "msr-evaluate", "msr-cluster", "msr-predict", "msr-monitor", "msr-feed"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
