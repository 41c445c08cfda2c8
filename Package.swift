// swift-tools-version: 6.2
import PackageDescription

/// The release build of a stage that does not go on the network is one fully static executable on
/// Linux (glibc, libyaml, zlib and libstdc++ linked in, as the Swift runtime already is): it starts
/// without the dynamic loader, which mapped and relocated seven shared libraries at every start
/// (about 2 ms of a 7 ms cold msr-predict), and runs on any x86-64 Linux host, a Spark executor
/// without libyaml included. The stages that go on the network link libcurl (URLSession) and stay
/// dynamic; debug builds too (the test bundles link the executables' modules).
let standalone: [LinkerSetting] = [
    .unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release)),
]

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
        .executable(name: "msr-factorize", targets: ["msr-factorize"]),
        // The HTTP service (issue 10): its own targets, so that no stage links its dependencies.
        .executable(name: "msr-serve", targets: ["msr-serve"]),
        // Every command above in one executable, for the container image (Sources/msr/main.swift).
        .executable(name: "msr", targets: ["msr"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // The service's stack; only MSRService and msr-serve depend on these.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(name: "SystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CMemory"),
        // The Swift runtime's global-executor hook, reached at link time (EventLoopConcurrency).
        .target(name: "CExecutorHook"),
        // Optimised in debug builds too: the tests train, cluster and factorise real models through
        // it (424 tests in 86 s instead of 291 s, for 40 s more compiling; CI's time limit). Its code
        // checks with `precondition`, never `assert`, so no check is lost at -O.
        .target(
            name: "MSRCore",
            dependencies: [
                "CLibYAML",
                "CMemory",
                "SystemZlib",
            ],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The stages' command lines; those that go on the network (a download, MLflow) are in
        // MSRNetwork, which only they link.
        .target(
            name: "MSRCLI",
            dependencies: [
                "MSRCore",
                "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "MSRNetwork", dependencies: ["MSRCore", "MSRCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "msr-ingest", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .executableTarget(name: "msr-validate", dependencies: ["MSRCLI", "MSRCore"], linkerSettings: standalone),
        .executableTarget(name: "msr-transform", dependencies: ["MSRCLI", "MSRCore"], linkerSettings: standalone),
        .executableTarget(name: "msr-train", dependencies: ["MSRCLI", "MSRCore"], linkerSettings: standalone),
        .executableTarget(name: "msr-evaluate", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .executableTarget(name: "msr-cluster", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .executableTarget(name: "msr-predict", dependencies: ["MSRCLI", "MSRCore"], linkerSettings: standalone),
        .executableTarget(name: "msr-monitor", dependencies: ["MSRCLI", "MSRCore"], linkerSettings: standalone),
        .executableTarget(name: "msr-feed", dependencies: ["MSRCLI", "MSRCore"], linkerSettings: standalone),
        .executableTarget(name: "msr-factorize", dependencies: ["MSRCLI", "MSRCore", "MSRNetwork"]),
        .target(
            name: "MSRService",
            dependencies: [
                "MSRCore",
                "MSRCLI",
                "CExecutorHook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("openapi.yaml")]
        ),
        .executableTarget(
            name: "msr-serve",
            dependencies: ["MSRService"]
        ),
        .executableTarget(name: "msr", dependencies: ["MSRCLI", "MSRNetwork", "MSRService"]),
        .target(
            name: "MSRTestSupport",
            dependencies: ["MSRCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "MSRCoreTests", dependencies: ["MSRCore", "MSRCLI", "MSRNetwork", "MSRTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["MSRCore", "MSRTestSupport", "msr-ingest", "msr-validate", "msr-transform", "msr-train", "msr-evaluate", "msr-cluster", "msr-predict", "msr-monitor", "msr-feed", "msr-factorize"]
        ),
        .testTarget(
            name: "MSRServiceTests",
            dependencies: [
                "MSRService", "MSRCore", "MSRTestSupport",
                "msr-ingest", "msr-validate", "msr-transform", "msr-train", "msr-evaluate", "msr-cluster", "msr-serve",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
