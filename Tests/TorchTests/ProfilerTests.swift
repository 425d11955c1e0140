import Foundation
import TestSupport
import Torch
import XCTest

/// libtorch's Kineto profiler: the ATen operators and user ranges of a run, their table and trace.
final class ProfilerTests: XCTestCase {
    func testARunRecordsOperatorsAndRangesWithTheirSelfTimes() throws {
        let profiler = KinetoProfiler()
        let (a, b) = (Tensor.randn([256, 256]), Tensor.randn([256, 256]))
        try profiler.start()
        XCTAssertTrue(KinetoProfiler.isRunning)
        let product = recordFunction("my_block") { (a.matmul(b) + 1).relu().sum() }
        let trace = try profiler.stop()
        XCTAssertFalse(KinetoProfiler.isRunning)
        XCTAssertGreaterThan(product.item(as: Double.self), 0)
        let names = Set(trace.events.map(\.name))
        for expected in ["my_block", "aten::matmul", "aten::mm", "aten::relu", "aten::sum"] {
            XCTAssertTrue(names.contains(expected), "\(expected) in \(names.sorted())")
        }
        let averages = Dictionary(uniqueKeysWithValues: trace.keyAverages().map { ($0.key, $0) })
        let block = try XCTUnwrap(averages["my_block"])
        XCTAssertEqual(block.count, 1)
        XCTAssertLessThan(block.selfCPUTimeTotalNs, block.cpuTimeTotalNs, "the operators inside are not the range's own time")
        let matmul = try XCTUnwrap(averages["aten::matmul"])
        XCTAssertLessThanOrEqual(matmul.selfCPUTimeTotalNs + averages["aten::mm"]!.cpuTimeTotalNs, matmul.cpuTimeTotalNs + 1)
        let table = trace.table(rowLimit: 5)
        XCTAssertTrue(table.contains("Self CPU %") && table.contains("# of Calls") && table.contains("Self CPU time total:"), table)
        XCTAssertEqual(table.split(separator: "\n").count, 10, "3 header lines, 5 rows, a rule and the total:\n\(table)")

        let path = try temporaryDirectory() + "/trace.json"
        try trace.exportChromeTrace(path)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let traceEvents = try XCTUnwrap(json?["traceEvents"] as? [[String: Any]])
        let traced = Set(traceEvents.compactMap { $0["name"] as? String })
        XCTAssertTrue(traced.contains("my_block") && traced.contains("aten::mm"), "\(traced.sorted().prefix(20))")
    }

    func testStoppingWithoutARunIsAnError() {
        XCTAssertThrowsError(try KinetoProfiler().stop())
    }
}
