// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// Where libtorch is looked for, first match wins: `$LIBTORCH`; this checkout's `.libtorch` (made
/// by `make setup`); the per-user copy that `swift package lightning setup-libtorch` makes for
/// packages that depend on this one (their checkout of it has no `.libtorch`). Every place goes on
/// the search paths and none is tested here, so a libtorch installed after a build needs no
/// change of the cached manifest; the LibtorchCheck plugin tests them, in this order, and stops a
/// build that would find none. Loading libtorch in place keeps its own RPATH to the CUDA
/// libraries of the wheel working.
let environment = Context.environment
let torchVersion = ((try? String(contentsOfFile: Context.packageDirectory + "/scripts/torch-version", encoding: .utf8)) ?? "")
    .trimmingCharacters(in: .whitespacesAndNewlines)
let userData = environment["XDG_DATA_HOME"] ?? environment["HOME"].map { $0 + "/.local/share" }
let libtorchPlaces: [String] = [
    environment["LIBTORCH"].flatMap { $0.isEmpty ? nil : $0 },
    Context.packageDirectory + "/.libtorch",
    userData.map { "\($0)/swift-lightning/torch-\(torchVersion)/libtorch" },
].compactMap { $0 }

let cxxFlags: [String] = libtorchPlaces.flatMap { ["-isystem", $0 + "/include", "-isystem", $0 + "/include/torch/csrc/api/include"] } + [
    // clang 21 mangles enable_if template parameters unlike the GCC that built the wheel.
    "-fclang-abi-compat=17",
    "-Wno-deprecated-declarations",
    // c10d with Gloo (headers from Debian's libgloo-dev; libtorch_cpu carries Gloo itself).
    "-DUSE_C10D_GLOO", "-DUSE_DISTRIBUTED",
]

/// The CUDA and NCCL headers of the torch wheel's nvidia packages, for the NCCL plugin.
let ncclFlags: [String] = libtorchPlaces.flatMap { place in
    ["cu13/include", "cu13/include/cccl", "nccl/include"].flatMap { ["-isystem", place + "/../nvidia/" + $0] }
} + ["-DUSE_C10D_NCCL", "-DUSE_CUDA"]

/// `$SWIFT_LIGHTNING_RPATH` replaces the run-time search path (`swift package lightning bundle`
/// sets it to the bundle's own libtorch); otherwise programs find libtorch where they were built.
let runPaths = environment["SWIFT_LIGHTNING_RPATH"].map { [$0] } ?? libtorchPlaces.map { $0 + "/lib" }
let linkFlags: [String] = libtorchPlaces.map { "-L" + $0 + "/lib" } + runPaths.flatMap { ["-Xlinker", "-rpath", "-Xlinker", $0] }

let package = Package(
    name: "swift-lightning",
    products: [
        .library(name: "Torch", targets: ["Torch"]),
        .library(name: "Lightning", targets: ["Lightning"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        // Images: decoding and encoding (Debian's libjpeg-turbo and libpng), transforms, datasets, models.
        .library(name: "TorchVision", targets: ["TorchVision"]),
        .library(name: "LightningCLI", targets: ["LightningCLI"]),
        .library(name: "ExampleSupport", targets: ["ExampleSupport"]),
        // Opened at run time when a job uses the NCCL backend (GPU machines); nothing links it.
        .library(name: "CTorchNCCL", type: .dynamic, targets: ["CTorchNCCL"]),
        // `swift package lightning setup-libtorch | bundle` in packages that depend on this one.
        .plugin(name: "LightningCommand", targets: ["LightningCommand"]),
        .executable(name: "example-mnist", targets: ["ExampleMNIST"]),
        .executable(name: "example-cifar", targets: ["ExampleCIFAR"]),
        .executable(name: "example-chargpt", targets: ["ExampleCharGPT"]),
        .executable(name: "example-ddp", targets: ["ExampleDDP"]),
        .executable(name: "example-amp", targets: ["ExampleAMP"]),
        .executable(name: "example-gan", targets: ["ExampleGAN"]),
        .executable(name: "example-fabric", targets: ["ExampleFabric"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .plugin(name: "LibtorchCheck", capability: .buildTool()),
        .target(
            name: "CTorch",
            cxxSettings: [.unsafeFlags(cxxFlags + ["-O2"])],
            linkerSettings: [
                .linkedLibrary("torch_cpu"),
                .linkedLibrary("c10"),
                .unsafeFlags(linkFlags),
            ],
            plugins: ["LibtorchCheck"]
        ),
        .target(name: "CTorchNCCL", cxxSettings: [.unsafeFlags(cxxFlags + ncclFlags + ["-O2"])]),
        .target(name: "Torch", dependencies: ["CTorch"]),
        .plugin(
            name: "LightningCommand",
            capability: .command(intent: .custom(verb: "lightning", description: "swift-lightning's set-up and bundling commands"))
        ),
        .target(name: "Metrics", dependencies: ["Torch"]),
        .target(name: "Lightning", dependencies: ["Torch", "Metrics"]),
        .target(name: "CVision", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png")]),
        .target(name: "TorchVision", dependencies: ["CVision", "Lightning", "Torch"]),
        .target(name: "LightningCLI", dependencies: [
            "Lightning", "Torch", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "ExampleSupport", dependencies: ["Lightning", "LightningCLI", "Torch"], path: "Examples/Shared"),
        .executableTarget(name: "ExampleMNIST", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/MNIST", exclude: ["README.md"]),
        .executableTarget(name: "ExampleCIFAR", dependencies: ["ExampleSupport", "Lightning", "LightningCLI", "Metrics", "Torch", "TorchVision"],
                          path: "Examples/CIFAR", exclude: ["README.md"]),
        .executableTarget(name: "ExampleCharGPT", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/CharGPT", exclude: ["README.md"]),
        .executableTarget(name: "ExampleDDP", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/DDP", exclude: ["README.md"]),
        .executableTarget(name: "ExampleAMP", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/AMP", exclude: ["README.md"]),
        .executableTarget(name: "ExampleGAN", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/GAN", exclude: ["README.md"]),
        .executableTarget(name: "ExampleFabric", dependencies: ["ExampleSupport", "Lightning", "Torch",
                                                                .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Examples/Fabric", exclude: ["README.md"]),
        .executableTarget(name: "BenchOpOverhead", dependencies: ["Torch"], path: "bench/OpOverhead/Swift"),
        .executableTarget(name: "BenchMetrics", dependencies: ["Metrics", "Torch"], path: "bench/Metrics/Swift"),
        .executableTarget(name: "BenchVision", dependencies: ["Lightning", "Torch", "TorchVision"], path: "bench/Vision/Swift"),
        .executableTarget(name: "BenchCheckpoint", dependencies: ["Lightning", "Torch"], path: "bench/Checkpoint"),
        .executableTarget(name: "BenchDataLoader", dependencies: ["Lightning", "Torch"], path: "bench/DataLoader/Swift"),
        .executableTarget(name: "BenchProgressBar", dependencies: ["Lightning", "Torch"], path: "bench/ProgressBar"),
        .executableTarget(name: "BenchWorkloads", dependencies: ["Lightning", "Torch"], path: "bench/Workloads/Swift"),
        .executableTarget(name: "BenchDDPOverlap", dependencies: ["Lightning", "Torch"], path: "bench/Workloads/Overlap"),
        .executableTarget(name: "BenchSharded", dependencies: ["Lightning", "Torch"], path: "bench/Sharded/Swift"),
        .executableTarget(
            name: "BenchW1Cxx",
            path: "bench/Workloads/Cxx",
            cxxSettings: [.unsafeFlags(cxxFlags + ["-O2"])],
            linkerSettings: [
                .linkedLibrary("torch_cpu"),
                .linkedLibrary("c10"),
                .unsafeFlags(linkFlags),
            ]
        ),
        .executableTarget(
            name: "BenchOpOverheadCxx",
            path: "bench/OpOverhead/Cxx",
            cxxSettings: [.unsafeFlags(cxxFlags + ["-O2"])],
            linkerSettings: [
                .linkedLibrary("torch_cpu"),
                .linkedLibrary("c10"),
                .unsafeFlags(linkFlags),
            ]
        ),
        .executableTarget(name: "DistributedWorker", dependencies: ["ExampleSupport", "Lightning", "Metrics", "Torch"], path: "Tests/DistributedWorker"),
        .target(name: "TestSupport", dependencies: ["Torch"], path: "Tests/Support"),
        .testTarget(name: "TorchTests", dependencies: ["Torch", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Torch", "TestSupport"]),
        .testTarget(name: "LightningTests", dependencies: ["Lightning", "LightningCLI", "Metrics", "Torch", "TestSupport"]),
        .testTarget(name: "TorchVisionTests", dependencies: ["TorchVision", "Lightning", "Torch", "TestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
