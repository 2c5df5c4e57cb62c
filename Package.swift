// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Berth",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "berth", targets: ["berth"]),
        .executable(name: "berth-shim", targets: ["berth-shim"]),
        .executable(name: "berth-bench", targets: ["BerthBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Kubernetes object model: types, YAML/JSON, defaults, validation. Pure, no I/O.
        .target(
            name: "BerthAPI",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Syscall wrappers Swift lacks and the async-signal-safe spawn of berth-shim.
        .target(
            name: "CBerth",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        // Sockets inside a pod's network namespace (probes); apart from CBerth so that the
        // static berth-shim, which links all of CBerth, stays free of pthread code.
        .target(
            name: "CBerthNet",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        // The only code that runs between fork and the workload's exec.
        .executableTarget(
            name: "berth-shim",
            dependencies: ["CBerth"],
            cSettings: [.define("_GNU_SOURCE")],
            // Static, and without Swift's startup object: otherwise swiftc links this C program
            // against libswiftCore (plus libstdc++, libm), whose loading and runtime start cost
            // ~2 ms per container start and whose pages took the shim's peak RSS from 1.0 to
            // 5.2 MiB (berth-bench runtime). Nothing here calls into Swift, so no Swift code is
            // pulled from the static archives.
            linkerSettings: [
                .linkedLibrary("seccomp"), .linkedLibrary("cap"),
                .unsafeFlags(["-static-executable", "-nostartfiles"], .when(platforms: [.linux])),
            ]
        ),
        // CRI-shaped container runtime: images, sandboxes, containers, cgroups, logs.
        .target(
            name: "BerthRuntime",
            dependencies: [
                "CBerth",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The node agent (kubelet): pod sources, pod workers, restart policy, status.
        .target(
            name: "BerthNode",
            dependencies: [
                "BerthAPI", "BerthRuntime", "BerthClient", "CBerth", "CBerthNet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Release builds link with lld and packed relative relocations (DT_RELR, glibc
            // 2.36+): a position-independent berth carries ~140 000 relative relocations, which
            // gold writes as 3.2 MB of RELA that the loader reads (and keeps resident) in every
            // berth process; packed they take 27 KB. Agent RSS −5 MiB, measured (README).
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                             .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // The Kubernetes API server: storage (SQLite behind a revisioned key-value protocol),
        // watch, REST handlers, discovery, scheduler and controllers.
        .target(
            name: "BerthControlPlane",
            dependencies: [
                "BerthAPI",
                "BerthClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // REST + watch client of the Kubernetes API, shared by the agent and the CLI.
        .target(
            name: "BerthClient",
            dependencies: [
                "BerthAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "berth",
            dependencies: [
                "BerthAPI", "BerthRuntime", "BerthNode", "BerthControlPlane", "BerthClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "BerthBench",
            dependencies: [
                "BerthRuntime", "BerthNode", "BerthAPI", "BerthClient", "CBerth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BerthAPITests", dependencies: ["BerthAPI"]),
        .testTarget(name: "BerthRuntimeTests", dependencies: ["BerthRuntime"]),
        .testTarget(name: "BerthNodeTests", dependencies: ["BerthNode", "BerthAPI", "BerthRuntime", "CBerthNet"]),
        .testTarget(name: "BerthControlPlaneTests", dependencies: [
            "BerthControlPlane", "BerthAPI",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "BerthClientTests", dependencies: [
            "BerthClient", "BerthAPI", "BerthControlPlane",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        // Root tests that drive the built `berth` binary against the real kernel; Scripts/
        // holds programs they run (the Python client's test).
        .testTarget(name: "BerthE2ETests", dependencies: ["BerthAPI", "CBerth"], exclude: ["Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)
