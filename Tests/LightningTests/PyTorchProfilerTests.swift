import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// `profiler: .pytorch`: libtorch's Kineto profiler records the scheduled training batches, with
/// the Trainer's actions as ranges around the ATen operators, one Chrome trace per cycle.
final class PyTorchProfilerTests: XCTestCase {
    /// The names of the trace's events and how often each occurs.
    func eventCounts(_ path: String) throws -> [String: Int] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let events = try XCTUnwrap(json?["traceEvents"] as? [[String: Any]], "a Chrome trace")
        return events.compactMap { $0["name"] as? String }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    func testTheDefaultScheduleTracesThreeBatchesWithTheHookRangesAndATenOperators() throws {
        let output = OutputCapture()
        let dir = try temporaryDirectory()
        let trainer = try makeTrainer(dir, output: output) {
            try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0, profiler: .pytorch)
        }
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8))
        let profiler = try XCTUnwrap(trainer.profiler as? PyTorchProfiler)
        XCTAssertEqual(profiler.traceFiles, [trainer.loggers[0].logDir + "/fit-rank0-0.pt.trace.json"])
        let counts = try eventCounts(profiler.traceFiles[0])
        XCTAssertEqual(counts["run_training_batch"], 3, "batches 2 to 4 of the wait 1, warm-up 1, active 3 schedule")
        for range in ["training_step", "backward", "optimizer_step", "train_dataloader_next"] {
            XCTAssertEqual(counts[range], 3, range)
        }
        XCTAssertNotNil(counts["aten::addmm"], "the Linear layers' operators: \(counts.keys.sorted().prefix(30))")
        let report = output.lines.joined(separator: "\n")
        XCTAssertTrue(report.contains("PyTorchProfiler report (1 recorded cycle)") && report.contains("aten::addmm"), report)
    }

    func testAScheduleOfYourOwnWritesATracePerCycle() throws {
        let profiler = PyTorchProfiler(dirpath: try temporaryDirectory(), filename: "steps",
                                       schedule: .init(wait: 0, warmup: 1, active: 2, repeat: 2))
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 1, enableProgressBar: false, defaultRootDir: $0, plugins: [.profiler(profiler)])
        }
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 8))
        XCTAssertEqual(profiler.traceFiles.map { ($0 as NSString).lastPathComponent }, ["steps-rank0-0.pt.trace.json", "steps-rank0-1.pt.trace.json"])
        for file in profiler.traceFiles { XCTAssertEqual(try eventCounts(file)["run_training_batch"], 2) }
        XCTAssertThrowsError(try Trainer(profiler: .simple, plugins: [.profiler(profiler)])) {
            XCTAssertTrue("\($0)".contains("give one of them"), "\($0)")
        }
    }

    func testValidationIsRecordedWhole() throws {
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(defaultRootDir: $0, profiler: .pytorch) }
        _ = try trainer.validate(TinyClassifier(), DataLoader(classificationData(), batchSize: 8))
        let profiler = try XCTUnwrap(trainer.profiler as? PyTorchProfiler)
        XCTAssertEqual(profiler.traceFiles.count, 1)
        XCTAssertEqual(try eventCounts(profiler.traceFiles[0])["validation_step"], 8)
    }
}
