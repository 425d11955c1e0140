import Foundation
import TestSupport
import XCTest

/// Mistakes the compiler catches say how to fix them: a snippet a user might write is
/// type-checked against the built modules.
final class CompileTimeMessageTests: XCTestCase {
    func typecheck(_ source: String) throws -> String {
        let build = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let file = try temporaryDirectory() + "/snippet.swift"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let swiftc = try XCTUnwrap(path.split(separator: ":").map { "\($0)/swiftc" }.first { FileManager.default.isExecutableFile(atPath: $0) })
        let result = try runProcess(swiftc, ["-typecheck", "-I", build + "/Modules", "-Xcc", "-fmodule-map-file=\(build)/CTorch.build/module.modulemap",
                                             "-I", packageRoot + "/Sources/CTorch/include", file])
        return result.stderr
    }

    func testALoaderOfTensorArraysForAPairModuleNamesTheCollateToUse() throws {
        let snippet = """
            import Lightning
            import Torch
            final class Model: LightningModule<(Tensor, Tensor)> {}
            let data = TensorDataset(Tensor.ones([4, 2]), Tensor.ones([4]))
            try Trainer().fit(Model(), train: DataLoader(data, batchSize: 2, collate: %@))
            """
        let wrong = try typecheck(snippet.replacingOccurrences(of: "%@", with: ".stack"))
        XCTAssertTrue(wrong.contains("this DataLoader makes [Tensor] batches and the module takes (Tensor, Tensor): make the loader with collate: .pair"), wrong)
        XCTAssertEqual(try typecheck(snippet.replacingOccurrences(of: "%@", with: ".pair")), "", "the fix compiles")
    }
}
