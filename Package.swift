// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// libtorch lives behind `.libtorch` (a link made by `scripts/setup.sh` to the torch wheel's
/// folder, or to `$LIBTORCH`). Loading it in place keeps libtorch's own RPATH to the CUDA
/// runtime libraries of the wheel working.
let libtorch = Context.packageDirectory + "/.libtorch"

let cxxFlags: [String] = [
    "-isystem", libtorch + "/include",
    "-isystem", libtorch + "/include/torch/csrc/api/include",
    // clang 21 mangles enable_if template parameters unlike the GCC that built the wheel.
    "-fclang-abi-compat=17",
    "-Wno-deprecated-declarations",
    // c10d with Gloo (headers from Debian's libgloo-dev; libtorch_cpu carries Gloo itself).
    "-DUSE_C10D_GLOO", "-DUSE_DISTRIBUTED",
]

/// The CUDA and NCCL headers of the torch wheel's nvidia packages, for the NCCL plugin.
let nvidia = libtorch + "/../nvidia"
let ncclFlags: [String] = [
    "-isystem", nvidia + "/cu13/include", "-isystem", nvidia + "/cu13/include/cccl",
    "-isystem", nvidia + "/nccl/include", "-DUSE_C10D_NCCL", "-DUSE_CUDA",
]

let linkFlags: [String] = [
    "-L" + libtorch + "/lib",
    "-Xlinker", "-rpath", "-Xlinker", libtorch + "/lib",
]

let package = Package(
    name: "swift-lightning",
    products: [
        .library(name: "Torch", targets: ["Torch"]),
        .library(name: "Lightning", targets: ["Lightning"]),
        .library(name: "LightningCLI", targets: ["LightningCLI"]),
        // Opened at run time when a job uses the NCCL backend (GPU machines); nothing links it.
        .library(name: "CTorchNCCL", type: .dynamic, targets: ["CTorchNCCL"]),
        .executable(name: "example-mnist", targets: ["ExampleMNIST"]),
        .executable(name: "example-chargpt", targets: ["ExampleCharGPT"]),
        .executable(name: "example-ddp", targets: ["ExampleDDP"]),
        .executable(name: "example-amp", targets: ["ExampleAMP"]),
        .executable(name: "example-gan", targets: ["ExampleGAN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .target(
            name: "CTorch",
            cxxSettings: [.unsafeFlags(cxxFlags + ["-O2"])],
            linkerSettings: [
                .linkedLibrary("torch_cpu"),
                .linkedLibrary("c10"),
                .unsafeFlags(linkFlags),
            ]
        ),
        .target(name: "CTorchNCCL", cxxSettings: [.unsafeFlags(cxxFlags + ncclFlags + ["-O2"])]),
        .target(name: "Torch", dependencies: ["CTorch"]),
        .target(name: "Lightning", dependencies: ["Torch"]),
        .target(name: "LightningCLI", dependencies: [
            "Lightning", "Torch", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "ExampleSupport", dependencies: ["Lightning", "LightningCLI", "Torch"], path: "Examples/Shared"),
        .executableTarget(name: "ExampleMNIST", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/MNIST", exclude: ["README.md"]),
        .executableTarget(name: "ExampleCharGPT", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/CharGPT", exclude: ["README.md"]),
        .executableTarget(name: "ExampleDDP", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/DDP", exclude: ["README.md"]),
        .executableTarget(name: "ExampleAMP", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/AMP", exclude: ["README.md"]),
        .executableTarget(name: "ExampleGAN", dependencies: ["ExampleSupport", "LightningCLI"], path: "Examples/GAN", exclude: ["README.md"]),
        .executableTarget(name: "BenchOpOverhead", dependencies: ["Torch"], path: "bench/OpOverhead/Swift"),
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
        .executableTarget(name: "DistributedWorker", dependencies: ["Lightning", "Torch"], path: "Tests/DistributedWorker"),
        .target(name: "TestSupport", dependencies: ["Torch"], path: "Tests/Support"),
        .testTarget(name: "TorchTests", dependencies: ["Torch", "TestSupport"]),
        .testTarget(name: "LightningTests", dependencies: ["Lightning", "LightningCLI", "Torch", "TestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
