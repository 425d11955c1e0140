import CTorch
import Foundation

/// One event a profiling run recorded: an operator, a `recordFunction` range or a kernel.
public struct ProfilerEvent: Sendable {
    public let name: String
    public let startNs: UInt64
    public let endNs: UInt64
    /// The thread that started it.
    public let threadID: UInt64
    /// Where it ran: `.cpu`, or a CUDA device for kernels and copies.
    public let device: Device
    /// Whether it spans threads (not nested in the thread's ranges).
    public let isAsync: Bool

    public var durationNs: UInt64 { endNs >= startNs ? endNs - startNs : 0 }
}

/// The events of one name (`key_averages()`): how often, and the time in them (`total`) and in
/// them minus the events they enclose (`self`), in nanoseconds.
public struct ProfilerEventAverage: Sendable {
    public let key: String
    public let count: Int
    public let cpuTimeTotalNs: UInt64
    public let selfCPUTimeTotalNs: UInt64
    /// The time of CUDA kernels of this name.
    public let cudaTimeTotalNs: UInt64
}

/// What a `KinetoProfiler` run recorded: its events, their averages by name, the operator table
/// and the Chrome/Perfetto trace (`chrome://tracing`, ui.perfetto.dev, TensorBoard's profiler).
public final class ProfilerTrace {
    private let handle: ct_profiler_result
    /// Every event, in the order Kineto reports them.
    public let events: [ProfilerEvent]

    init(_ handle: ct_profiler_result) {
        self.handle = handle
        var info = ct_profiler_event_info()
        events = (0..<ct_profiler_event_count(handle)).map { index in
            ct_profiler_event(handle, index, &info)
            return ProfilerEvent(name: String(cString: info.name), startNs: info.start_ns, endNs: info.end_ns, threadID: info.thread_id,
                                 device: info.device_type == 1 ? .cuda(Int(info.device_index)) : .cpu, isAsync: info.is_async)
        }
    }

    deinit { ct_profiler_result_free(handle) }

    /// Writes the trace JSON (`export_chrome_trace`).
    public func exportChromeTrace(_ path: String) throws {
        if ct_profiler_result_save(handle, path) < 0 {
            throw TorchError("cannot write the trace to \(path): \(String(cString: ct_last_error()))")
        }
    }

    /// Each CPU event's time minus that of the events directly inside it on its thread.
    private func selfTimes() -> [Int: UInt64] {
        var selfTime: [Int: UInt64] = [:]
        let cpu = events.indices.filter { events[$0].device == .cpu && !events[$0].isAsync }
        for (_, indices) in Dictionary(grouping: cpu, by: { events[$0].threadID }) {
            let ordered = indices.sorted { (events[$0].startNs, UInt64.max - events[$0].endNs) < (events[$1].startNs, UInt64.max - events[$1].endNs) }
            var open: [Int] = []
            for index in ordered {
                let event = events[index]
                while let last = open.last, events[last].endNs <= event.startNs { open.removeLast() }
                selfTime[index] = event.durationNs
                if let parent = open.last { selfTime[parent, default: 0] -= min(selfTime[parent] ?? 0, event.durationNs) }
                open.append(index)
            }
        }
        return selfTime
    }

    /// The events' statistics by name (`key_averages()`).
    public func keyAverages() -> [ProfilerEventAverage] {
        let selfTime = selfTimes()
        var order: [String] = []
        var totals: [String: (count: Int, cpu: UInt64, selfCPU: UInt64, cuda: UInt64)] = [:]
        for (index, event) in events.enumerated() {
            if totals[event.name] == nil { order.append(event.name) }
            var t = totals[event.name] ?? (0, 0, 0, 0)
            if event.device == .cpu {
                t.count += 1
                t.cpu += event.durationNs
                t.selfCPU += selfTime[index] ?? 0
            } else {
                t.cuda += event.durationNs
            }
            totals[event.name] = t
        }
        return order.map { name in
            let t = totals[name]!
            return ProfilerEventAverage(key: name, count: t.count, cpuTimeTotalNs: t.cpu, selfCPUTimeTotalNs: t.selfCPU, cudaTimeTotalNs: t.cuda)
        }
    }

    /// The operator table (`key_averages().table(sort_by:row_limit:)`).
    public func table(sortBy: ProfilerEventAverage.SortKey = .selfCPUTimeTotal, rowLimit: Int = 100) -> String {
        ProfilerEventAverage.table(keyAverages(), sortBy: sortBy, rowLimit: rowLimit)
    }
}

extension ProfilerEventAverage {
    /// How `table` orders its rows.
    public enum SortKey: String, Sendable {
        case selfCPUTimeTotal = "self_cpu_time_total", cpuTimeTotal = "cpu_time_total", cudaTimeTotal = "cuda_time_total", count
    }

    /// The statistics of several runs added up by name, in the order names first appear.
    public static func merged(_ runs: [[ProfilerEventAverage]]) -> [ProfilerEventAverage] {
        var order: [String] = []
        var sums: [String: ProfilerEventAverage] = [:]
        for a in runs.joined() {
            guard let s = sums[a.key] else {
                order.append(a.key)
                sums[a.key] = a
                continue
            }
            sums[a.key] = ProfilerEventAverage(key: a.key, count: s.count + a.count, cpuTimeTotalNs: s.cpuTimeTotalNs + a.cpuTimeTotalNs,
                                               selfCPUTimeTotalNs: s.selfCPUTimeTotalNs + a.selfCPUTimeTotalNs,
                                               cudaTimeTotalNs: s.cudaTimeTotalNs + a.cudaTimeTotalNs)
        }
        return order.map { sums[$0]! }
    }

    /// The operator table of `averages`, as `key_averages().table(sort_by:row_limit:)` prints it:
    /// name, self CPU time and share, total CPU time and share, average, calls, and CUDA time
    /// when there is some.
    public static func table(_ averages: [ProfilerEventAverage], sortBy: SortKey = .selfCPUTimeTotal, rowLimit: Int = 100) -> String {
        let sorted = averages.sorted {
            switch sortBy {
            case .selfCPUTimeTotal: return $0.selfCPUTimeTotalNs > $1.selfCPUTimeTotalNs
            case .cpuTimeTotal: return $0.cpuTimeTotalNs > $1.cpuTimeTotalNs
            case .cudaTimeTotal: return $0.cudaTimeTotalNs > $1.cudaTimeTotalNs
            case .count: return $0.count > $1.count
            }
        }
        let selfSum = max(averages.reduce(0) { $0 + $1.selfCPUTimeTotalNs }, 1)
        let withCUDA = averages.contains { $0.cudaTimeTotalNs > 0 }
        func time(_ ns: UInt64) -> String {
            let us = Double(ns) / 1000
            return us >= 1e6 ? String(format: "%.3fs", us / 1e6) : us >= 1e3 ? String(format: "%.3fms", us / 1e3) : String(format: "%.3fus", us)
        }
        let width = min(max(averages.map(\.key.count).max() ?? 4, 4), 60)
        func pad(_ text: String, _ n: Int, left: Bool = false) -> String {
            let clipped = text.count > n ? String(text.prefix(n - 3)) + "..." : text
            let fill = String(repeating: " ", count: n - clipped.count)
            return left ? clipped + fill : fill + clipped
        }
        var header = [pad("Name", width, left: true), pad("Self CPU %", 12), pad("Self CPU", 12), pad("CPU total %", 12),
                      pad("CPU total", 12), pad("CPU time avg", 13), pad("# of Calls", 11)]
        if withCUDA { header.append(pad("CUDA total", 12)) }
        let rule = String(repeating: "-", count: header.joined(separator: "  ").count)
        var lines = [rule, header.joined(separator: "  "), rule]
        for a in sorted.prefix(rowLimit) {
            var row = [pad(a.key, width, left: true),
                       pad(String(format: "%.2f%%", 100 * Double(a.selfCPUTimeTotalNs) / Double(selfSum)), 12), pad(time(a.selfCPUTimeTotalNs), 12),
                       pad(String(format: "%.2f%%", 100 * Double(a.cpuTimeTotalNs) / Double(selfSum)), 12), pad(time(a.cpuTimeTotalNs), 12),
                       pad(time(a.count > 0 ? a.cpuTimeTotalNs / UInt64(a.count) : 0), 13), pad(String(a.count), 11)]
            if withCUDA { row.append(pad(time(a.cudaTimeTotalNs), 12)) }
            lines.append(row.joined(separator: "  "))
        }
        lines += [rule, "Self CPU time total: \(time(selfSum))"]
        return lines.joined(separator: "\n")
    }
}
