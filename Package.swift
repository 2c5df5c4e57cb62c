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
                "BerthAPI", "BerthRuntime",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "berth",
            dependencies: [
                "BerthAPI", "BerthRuntime", "BerthNode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "BerthBench",
            dependencies: [
                "BerthRuntime", "BerthNode", "BerthAPI", "CBerth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "BerthAPITests", dependencies: ["BerthAPI"]),
        .testTarget(name: "BerthRuntimeTests", dependencies: ["BerthRuntime"]),
        .testTarget(name: "BerthNodeTests", dependencies: ["BerthNode", "BerthAPI", "BerthRuntime"]),
        // Root tests that drive the built `berth` binary against the real kernel.
        .testTarget(name: "BerthE2ETests", dependencies: ["BerthAPI", "CBerth"]),
    ],
    swiftLanguageModes: [.v6]
)
