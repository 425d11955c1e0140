import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// DeviceStatsMonitor on the CPU: Lightning's keys, plausible values, and the no-logger error.
final class DeviceStatsMonitorTests: XCTestCase {
    func testLogsCPUStatsAtLoggedBatches() throws {
        let dir = try temporaryDirectory()
        let logger = CSVLogger(root: dir)
        let trainer = try Trainer(maxSteps: 4, logEveryNSteps: 2, enableCheckpointing: false, enableProgressBar: false,
                                  enableModelSummary: false, defaultRootDir: dir, callbacks: [DeviceStatsMonitor()], logger: [logger])
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 16))
        let lines = try String(contentsOfFile: logger.logDir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for stat in ["cpu_percent", "cpu_vm_percent", "cpu_swap_percent", "cpu_rss_mb"] {
            XCTAssertTrue(header.contains("DeviceStatsMonitor.on_train_batch_start/\(stat)"), "\(header)")
            XCTAssertTrue(header.contains("DeviceStatsMonitor.on_train_batch_end/\(stat)"), "\(header)")
        }
        let rssColumn = header.firstIndex(of: "DeviceStatsMonitor.on_train_batch_end/cpu_rss_mb")!
        let cpuColumn = header.firstIndex(of: "DeviceStatsMonitor.on_train_batch_end/cpu_percent")!
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let rss = rows.compactMap { Double($0[rssColumn]) }, cpu = rows.compactMap { Double($0[cpuColumn]) }
        XCTAssertEqual(rss.count, 2, "logged at steps 0 and 2")
        XCTAssertTrue(rss.allSatisfy { $0 > 50 && $0 < 8000 }, "\(rss)")
        XCTAssertTrue(cpu.allSatisfy { (0...100).contains($0) }, "\(cpu)")
    }

    func testNeedsALogger() throws {
        let trainer = try Trainer(maxSteps: 1, enableCheckpointing: false, enableProgressBar: false, callbacks: [DeviceStatsMonitor()],
                                  logger: [])
        XCTAssertThrowsError(try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 16))) {
            XCTAssertTrue("\($0)".contains("Cannot use `DeviceStatsMonitor` callback with `Trainer` that has no logger."))
        }
    }
}
