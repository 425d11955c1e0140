import Foundation
import TestSupport
import XCTest

/// A user's own package depends on swift-lightning by version and trains, as
/// docs/getting-started.md tells a new user to do it.
final class DependentPackageTests: XCTestCase {
    /// Runs a shell command in `directory`, its output (a build prints more than a pipe holds) in a file.
    func shell(_ command: String, in directory: String, _ environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let log = directory + "/.command.log"
        let result = try runProcess("/bin/bash", ["-c", "cd \"$0\" && (\(command)) >\"$1\" 2>&1", directory, log], environment: environment)
        return (result.status, try String(contentsOfFile: log, encoding: .utf8))
    }

    /// The starter package from the template, depending on a tagged git copy of this checkout through
    /// `from:`; libtorch comes from `swift package lightning setup-libtorch` (reusing this checkout's
    /// venv, so nothing is downloaded) into a per-user folder of its own.
    func testTheStarterPackageDependsOnATaggedCopyAndTrains() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let library = dir + "/swift-lightning", app = dir + "/app"
        try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
        let copy = try shell("""
            set -o pipefail; git -C "\(packageRoot)" ls-files -z -co --exclude-standard | tar -C "\(packageRoot)" --null -T - -cf - | tar -xf - \
            && git init -q && git add -A && git -c user.name=test -c user.email=test@localhost commit -qm release && git tag 0.1.0
            """, in: library)
        XCTAssertEqual(copy.status, 0, copy.output)
        try FileManager.default.copyItem(atPath: packageRoot + "/Templates/Starter", toPath: app)
        let manifest = try String(contentsOfFile: app + "/Package.swift", encoding: .utf8)
        XCTAssertTrue(manifest.contains(#".package(url: "https://github.com/OWNER/swift-lightning.git", from: "0.1.0")"#))
        try manifest.replacingOccurrences(of: "https://github.com/OWNER/swift-lightning.git", with: "file://" + library)
            .write(toFile: app + "/Package.swift", atomically: true, encoding: .utf8)
        let user = ["XDG_DATA_HOME": dir + "/data", "LIBTORCH": ""]

        let missing = try shell("swift build", in: app, user)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("swift-lightning at 0.1.0"), missing.output)
        XCTAssertTrue(missing.output.contains("error: libtorch was not found: run `swift package lightning setup-libtorch` in your package"),
                      missing.output)
        XCTAssertFalse(missing.output.contains("file not found"), missing.output)

        let setup = try shell("swift package lightning setup-libtorch --python \"\(packageRoot)/.venv/bin/python\"", in: app, user)
        XCTAssertEqual(setup.status, 0, setup.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/data/swift-lightning/torch-2.11.0/libtorch/lib/libtorch_cpu.so"), setup.output)

        let build = try shell("swift build", in: app, user)
        XCTAssertEqual(build.status, 0, build.output)
        let run = try shell(".build/debug/MyModel fit --trainer.max_epochs 2 --trainer.enable_progress_bar false "
            + "--trainer.default_root_dir runs", in: app, user)
        XCTAssertEqual(run.status, 0, run.output)
        let accuracy = run.output.split(separator: "\n").first { $0.hasPrefix("val_acc: ") }.flatMap { Double($0.dropFirst(9)) }
        XCTAssertGreaterThan(try XCTUnwrap(accuracy, run.output), 0.8, "four well-separated classes: chance is 0.25")
        XCTAssertTrue(FileManager.default.fileExists(atPath: app + "/runs/lightning_logs/version_0/checkpoints/epoch=1-step=50.ckpt"))
    }

    /// Every file of the starter stands in docs/getting-started.md as the command that writes it, so
    /// what a user pastes is what this test builds.
    func testTheGettingStartedGuideWritesTheStarterFiles() throws {
        let guide = try String(contentsOfFile: packageRoot + "/docs/getting-started.md", encoding: .utf8)
        let starter = packageRoot + "/Templates/Starter"
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: starter)).filter { $0.hasSuffix(".swift") }.sorted()
        XCTAssertEqual(files, ["Package.swift", "Sources/MyModel/BlobsDataModule.swift", "Sources/MyModel/LitClassifier.swift",
                               "Sources/MyModel/main.swift"])
        for file in files {
            let text = try String(contentsOfFile: starter + "/" + file, encoding: .utf8)
            XCTAssertTrue(guide.contains("cat > \(file) <<'EOF'\n\(text)EOF\n"), "docs/getting-started.md does not write \(file) as the template has it")
        }
    }
}
