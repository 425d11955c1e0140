// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "MyModel",
    dependencies: [
        .package(url: "https://github.com/OWNER/swift-lightning.git", from: "0.1.0"),
    ],
    targets: [
        .executableTarget(name: "MyModel", dependencies: [
            .product(name: "Lightning", package: "swift-lightning"),
            .product(name: "LightningCLI", package: "swift-lightning"),
            .product(name: "Torch", package: "swift-lightning"),
        ]),
    ]
)
