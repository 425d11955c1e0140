import Foundation

/// Wall time of the Trainer's actions (Lightning's `SimpleProfiler`): a table of count, mean and
/// total per action at the end of a run.
public final class SimpleProfiler: Profiler {
    private var records: [String: (count: Int, total: Double)] = [:]

    public init() {}

    public func profile<T>(_ action: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let r = records[action] ?? (0, 0)
            records[action] = (r.count + 1, r.total + seconds)
        }
        return try body()
    }

    public func setup(stage: Stage, globalRank: Int, logDir: String) throws {}
    public func step() throws {}
    public func teardown() throws {}

    /// The number of times each action ran.
    public var counts: [String: Int] { records.mapValues(\.count) }

    /// The report: one line per action, slowest total first.
    public func summary() -> String {
        let lines = records.sorted { $0.value.total > $1.value.total }.map { name, r in
            String(format: "%-24@ %8d calls %12.6f s mean %12.6f s total", name as NSString, r.count, r.total / Double(r.count), r.total)
        }
        return (["Profiler report"] + lines).joined(separator: "\n")
    }
}
