import Foundation
import Lightning
import TestSupport
import XCTest

/// The Trainer's arguments said once: `TrainerOptions` is what the initializer, the CLI and the
/// migration guide all derive from.
final class TrainerOptionsTests: XCTestCase {
    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
    }

    func testEveryOptionHasOneKeyNamedAfterItsProperty() {
        let labels = Mirror(reflecting: TrainerOptions()).children.compactMap(\.label)
        XCTAssertEqual(TrainerOptions.fields.map(\.key), labels.map(Self.snakeCase))
    }

    func testAConfigRoundTripsAndKeepsCountsApartFromFractions() throws {
        var options = TrainerOptions()
        (options.devices, options.strategy, options.precision, options.maxEpochs) = (2, .ddp(findUnusedParameters: true), .bf16Mixed, 3)
        (options.limitTrainBatches, options.limitValBatches, options.fastDevRun, options.profiler) = (.fraction(0.25), .count(1), .batches(3), .simple)
        let config = Dictionary(uniqueKeysWithValues: options.config.map { ($0.key, $0.value) })
        XCTAssertEqual(try TrainerOptions(config: config), options)
        XCTAssertEqual(try TrainerOptions(config: ["limit_val_batches": 1]).limitValBatches, .count(1))
        XCTAssertEqual(try TrainerOptions(config: ["limit_val_batches": 1.0]).limitValBatches, .fraction(1))
        XCTAssertEqual(try TrainerOptions(config: ["precision": 16, "max_epochs": NSNull()]).precision, .mixed16)
        XCTAssertEqual(TrainerOptions().config.first { $0.key == "max_epochs" }?.value is NSNull, true)
        XCTAssertThrowsError(try TrainerOptions(config: ["max_epochs": "many"])) {
            XCTAssertEqual("\($0)", "max_epochs: expected an integer or null, got many")
        }
        XCTAssertThrowsError(try TrainerOptions(config: ["strategy": "horovod"])) {
            XCTAssertTrue("\($0)".hasPrefix("strategy: expected auto, ddp"), "\($0)")
        }
    }

    func testTheTrainerReadsItsArgumentsFromTheOptionsInForce() throws {
        var options = TrainerOptions()
        (options.maxEpochs, options.limitTrainBatches, options.enableProgressBar) = (7, .count(3), false)
        let fromOptions = try Trainer(options: options, loggers: [])
        let fromArguments = try Trainer(maxEpochs: 7, limitTrainBatches: 3, enableProgressBar: false, logger: [])
        XCTAssertEqual(fromOptions.options, fromArguments.options)
        XCTAssertEqual(fromArguments.maxEpochs, 7)
        XCTAssertEqual(fromArguments.limitTrainBatches, .count(3))
        let devRun = try Trainer(maxEpochs: 10, fastDevRun: 2, logger: [])
        XCTAssertEqual(devRun.maxEpochs, 1, "fastDevRun runs one epoch")
        XCTAssertEqual(devRun.limitValBatches, .count(2))
        XCTAssertFalse(devRun.enableCheckpointing)
    }

    /// docs/migration.md maps every Lightning argument to its Swift name.
    func testTheMigrationGuideListsEveryTrainerArgument() throws {
        let guide = try String(contentsOfFile: packageRoot + "/docs/migration.md", encoding: .utf8)
        let section = try XCTUnwrap(guide.components(separatedBy: "## Trainer arguments").dropFirst().first?
            .components(separatedBy: "\n## ").first)
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("|") }.map { $0.split(separator: "|").map(String.init) }
        for key in TrainerOptions.fields.map(\.key) {
            let camel = key.split(separator: "_").enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
            let row = rows.first { $0.first.map { cell in ["`\(key)`", "`\(key)=", "`\(key),", "`\(key) "].contains { cell.contains($0) } } ?? false }
            guard let row else {
                XCTFail("docs/migration.md has no row for `\(key)`")
                continue
            }
            XCTAssertTrue(row.dropFirst().joined().contains(camel) || row.joined().contains("the same in camelCase"),
                          "the row of `\(key)` does not name `\(camel)`: \(row)")
        }
    }
}
