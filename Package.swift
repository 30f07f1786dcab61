// swift-tools-version: 6.1
// Haechi: the telemetry ingestor of a counter-UAS test range.
import PackageDescription

let package = Package(
    name: "Haechi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "haechi", targets: ["haechi"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "TelemetryModel", targets: ["TelemetryModel"]),
        .library(name: "TelemetryIngest", targets: ["TelemetryIngest"]),
        .library(name: "ZeroMQIngest", targets: ["ZeroMQIngest"]),
        .library(name: "Asterix", targets: ["Asterix"]),
        .library(name: "Sapient", targets: ["Sapient"]),
        .library(name: "LockFreeRing", targets: ["LockFreeRing"]),
        .library(name: "Tracking", targets: ["Tracking"]),
        .library(name: "MCAPCodec", targets: ["MCAPCodec"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "LiveView", targets: ["LiveView"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // SAPIENT's messages (BSI Flex 335 v2.0 is protobuf). Only the runtime library is built: the
        // code generated from Protos/sapient is committed (scripts/generate-sapient.sh), since building
        // the protoc-gen-swift plugin in every CI run would cost minutes.
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        // The live web view's HTTP and WebSocket server: no dependency beyond Foundation, so it adds
        // seconds to a clean build where Hummingbird with its WebSocket package adds minutes (docs/web.md).
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        // libzmq, reached only through the ZeroMQ module. The module map links with `link "zmq"`
        // rather than `pkgConfig: "libzmq"`: Debian's libzmq.pc pulls in `-isystem /usr/include/mit-krb5`,
        // which makes SwiftPM warn on every build, and the header sits in /usr/include anyway.
        .systemLibrary(
            name: "CLibZMQ",
            providers: [.apt(["libzmq3-dev"]), .brew(["zeromq"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CLibZMQ"]),
        // The compressors of MCAP chunks and zlib's CRC-32, reached only through MCAPCodec. Each module
        // map links by name (`link "zstd"`, `link "lz4"`, `link "z"`), as CLibZMQ does: the headers sit
        // in /usr/include and no pkg-config flags are needed.
        // libdeflate for CRC-32 rather than a table in Swift or zlib: the CRC is the recorder's largest
        // CPU cost per byte, and on the range machine libdeflate_crc32 (carry-less multiplication,
        // PCLMULQDQ) ran at 16.5 GB/s against 5.9 GB/s for zlib's braided crc32_z and 2.6 GB/s for
        // slicing-by-8 (C, -O2). zlib stays for crc32_combine, which lets the writer fold each chunk's
        // CRC into the data-section CRC without a second pass.
        .systemLibrary(name: "CLibZstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CLibLZ4", providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
        .systemLibrary(name: "CLibZ", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibDeflate", providers: [.apt(["libdeflate-dev"])]),
        // sync_file_range(2), which Swift's Glibc module leaves out: the recorder's write-behind thread
        // starts each chunk's writeback as soon as it is written (MCAPWriterOptions.writeBehind).
        .systemLibrary(name: "CLinuxFile"),
        .systemLibrary(name: "CLibCFormat"),
        // epoll(7), which Swift's Glibc module leaves out: the SAPIENT TCP listener's connections.
        .systemLibrary(name: "CLinuxPoll"),
        // libpq, PostgreSQL's client library, reached only through the Archive module (docs/architecture.md,
        // "The archive's client": libpq rather than postgres-nio).
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        .target(name: "MCAPCodec", dependencies: ["CLibZstd", "CLibLZ4", "CLibZ", "CLibDeflate", "CLinuxFile"]),
        .target(name: "TelemetryModel"),
        .target(name: "LockFreeRing", dependencies: [.product(name: "Atomics", package: "swift-atomics")]),
        .target(name: "Geodesy", dependencies: ["TelemetryModel"]),
        .target(name: "Simulation", dependencies: ["TelemetryModel", "Geodesy", "Asterix", "Sapient",
                                                  .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // Linear assignment, shared by the tracker and the evaluation (which must not import Tracking).
        .target(name: "TrackingMath"),
        .target(name: "Tracking", dependencies: ["TelemetryModel", "Geodesy", "TrackingMath"]),
        // Scores any system's tracks and detections against truth; no I/O, no clock, no Tracking.
        .target(name: "Evaluation", dependencies: ["TelemetryModel", "Geodesy", "TrackingMath"]),
        // The run log: SQLite through GRDB, SHA-256 through swift-crypto.
        .target(name: "RunLog", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]),
        // The shared archive on PostgreSQL (ranges' run-log chains, recordings' metadata, report manifests,
        // the re-evaluation queue) and the content-addressed recordings store. No evaluation: the runtime scores.
        .target(name: "Archive", dependencies: ["CLibPQ", "RunLog", .product(name: "Crypto", package: "swift-crypto")]),
        // Certification reports: rendering (HTML with SVG, Markdown, JSON; Korean and English) and Ed25519 signing.
        .target(name: "Reporting", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "SessionRecording", dependencies: ["MCAPCodec", "TelemetryIngest", "TelemetryModel", "Geodesy", "Sapient"]),
        .target(
            name: "TelemetryIngest",
            dependencies: [
                "TelemetryModel", "LockFreeRing", "Geodesy", "Asterix", "Sapient",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // SAPIENT (BSI Flex 335 v2.0): the generated messages, TCP framing, the ICD's validation rules
        // and Haechi's replies. No I/O.
        .target(name: "Sapient", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // ASTERIX (EUROCONTROL) framing and the CAT034, CAT048 and CAT062 records Haechi reads. No I/O.
        .target(name: "Asterix"),
        // What the transports are told: endpoints, CURVE keys and clients, UDP addresses, the ingest
        // settings. Plain values, no libzmq, so the config layer can be built and tested without it.
        .target(name: "TransportSettings", dependencies: ["TelemetryIngest", "TelemetryModel", "Asterix"]),
        // The ZeroMQ transport: endpoints, CURVE and ZAP, and the receive thread that feeds the core's pipeline.
        .target(
            name: "ZeroMQIngest",
            dependencies: [
                "ZeroMQ", "TelemetryIngest", "TransportSettings", "TelemetryModel", "Asterix", "Sapient", "CLinuxPoll",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The live web view: the picture (tracks, truth, sources' health) and its server. No libzmq.
        .target(name: "LiveView", dependencies: ["TelemetryModel", "TelemetryIngest", "Tracking", "TrackingMath", "Geodesy",
                                                 .product(name: "FlyingFox", package: "FlyingFox")]),
        // The configuration layer: the YAML files (ingest config, tracker, scenario, test plan), their
        // checked settings and the one error type. No libzmq, so it is tested on its own.
        .target(
            name: "TestbedConfiguration",
            dependencies: [
                "TelemetryModel", "TelemetryIngest", "TransportSettings", "LiveView", "Asterix", "Sapient", "Tracking", "Simulation",
                "Geodesy", "Evaluation", "RunLog", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "TestbedRuntime",
            dependencies: [
                "TestbedConfiguration", "LiveView", "TransportSettings", "ZeroMQ", "TelemetryModel", "TelemetryIngest", "ZeroMQIngest", "Geodesy", "Simulation", "Sapient", "Tracking", "TrackingMath", "SessionRecording", "MCAPCodec", "RunLog", "Archive", "Reporting", "Evaluation", "CLibCFormat",
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "haechi",
            dependencies: [
                "TestbedRuntime", "TestbedConfiguration", "TransportSettings", "Simulation", "SessionRecording", "RunLog", "Reporting", "Evaluation", "TelemetryModel", "TelemetryIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Helpers shared by the test targets (STYLE: one test target per module, plus a support target).
        .target(name: "TestSupport", dependencies: ["TelemetryIngest", "TelemetryModel"], path: "Tests/TestSupport"),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "LockFreeRingTests", dependencies: ["LockFreeRing"]),
        .testTarget(
            name: "TelemetryModelTests",
            dependencies: ["TelemetryModel", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "TelemetryIngestTests", dependencies: ["TelemetryIngest", "ZeroMQIngest", "TransportSettings", "ZeroMQ", "TelemetryModel", "Asterix", "Geodesy",
                                                                "TestSupport"]),
        .testTarget(name: "SapientTests", dependencies: ["Sapient", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AsterixTests", dependencies: ["Asterix", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GeodesyTests", dependencies: ["Geodesy", "TelemetryModel"], exclude: ["Fixtures"]),
        .testTarget(name: "TrackingMathTests", dependencies: ["TrackingMath", "TestSupport"]),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking", "TrackingMath", "Geodesy", "TelemetryModel", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TrackingMath", "TelemetryModel", "Geodesy"], exclude: ["Fixtures"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Geodesy", "TelemetryModel"]),
        .testTarget(name: "MCAPCodecTests", dependencies: ["MCAPCodec", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RunLogTests", dependencies: ["RunLog", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"], exclude: ["Golden"]),
        .testTarget(name: "SessionRecordingTests", dependencies: ["SessionRecording", "MCAPCodec", "TelemetryIngest", "TelemetryModel", "TestSupport"]),
        .testTarget(name: "LiveViewTests", dependencies: ["LiveView", "TelemetryIngest", "TelemetryModel", "Tracking", "TrackingMath"]),
        .testTarget(name: "TestbedConfigurationTests", dependencies: ["TestbedConfiguration", "TransportSettings", "TelemetryIngest", "TelemetryModel",
                                                                     "Tracking", "LiveView", "Simulation", "Asterix", "Evaluation", "RunLog", "TestSupport"]),
        // The command line's own code: terminal output (status line, banner, progress, end-of-run report).
        .testTarget(name: "haechiTests", dependencies: ["haechi", "TestbedRuntime", "TestbedConfiguration", "TransportSettings", "TelemetryIngest",
                                                        "TelemetryModel", "TestSupport"]),
        .testTarget(name: "TestbedRuntimeTests",
                    dependencies: ["TestbedRuntime", "TestbedConfiguration", "TelemetryIngest", "ZeroMQIngest", "TransportSettings", "TelemetryModel", "Tracking", "SessionRecording", "MCAPCodec", "Asterix",
                                   "Reporting", "RunLog", "Archive", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The benchmark executable is built only for `make bench` (HAECHI_BENCH=1), in its own build folder,
// so the normal build and `make test` neither compile it nor resolve HdrHistogram. An env-gated
// target rather than a nested package: a nested package would have to name this one by its
// folder's name, which differs between checkouts.
if Context.environment["HAECHI_BENCH"] != nil {
    package.dependencies.append(.package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"))
    package.targets.append(.executableTarget(
        name: "haechi-bench",
        dependencies: [
            "LockFreeRing", "TelemetryIngest", "ZeroMQIngest", "TransportSettings", "TelemetryModel", "SessionRecording", "Asterix", "Sapient",
            "ZeroMQ", "Simulation", "TestbedConfiguration", "TestbedRuntime", "Tracking",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ],
        path: "Benchmarks/HaechiBench"))
    package.products.append(.executable(name: "haechi-bench", targets: ["haechi-bench"]))
}

// Strictness for every target, as swift-log does it.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}

// The libFuzzer targets are built only for `make fuzz` (HAECHI_FUZZ=1), in their own build folder and
// with `-sanitize=fuzzer,address`: libFuzzer supplies `main`, each target `LLVMFuzzerTestOneInput`.
if Context.environment["HAECHI_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in [("FuzzJSON", ["TelemetryModel"]), ("FuzzMAVLink", ["TelemetryModel", "TelemetryIngest"]),
                                 ("FuzzMCAP", ["MCAPCodec"]), ("FuzzRecover", ["MCAPCodec"]), ("FuzzAsterix", ["Asterix", "TelemetryIngest", "TelemetryModel"]),
                                 ("FuzzSapient", ["Sapient", "TelemetryIngest", "TelemetryModel"])] {
        package.targets.append(.executableTarget(name: name, dependencies: (dependencies + ["FuzzSupport"]).map { .target(name: $0) },
                                                 path: "Fuzz/\(name)"))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
