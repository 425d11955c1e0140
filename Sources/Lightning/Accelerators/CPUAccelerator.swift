import Foundation
import Torch

/// Runs on the CPU.
public final class CPUAccelerator: AcceleratorPlugin {
    private var previousCPU: (busy: Double, total: Double)?

    public init() {}
    public var device: Device { .cpu }
    public static var isAvailable: Bool { true }

    /// System CPU use since the previous call (`cpu_percent`), memory and swap in use
    /// (`cpu_vm_percent`, `cpu_swap_percent`) as Lightning's psutil figures, and this process's
    /// resident memory (`cpu_rss_mb`), read from /proc.
    public func deviceStats() -> [(String, Double)] {
        var stats: [(String, Double)] = []
        if let line = Self.read("/proc/stat")?.split(separator: "\n").first {
            let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if fields.count >= 5 {
                let total = fields.reduce(0, +), idle = fields[3] + fields[4]
                let busy = total - idle
                if let previous = previousCPU, total > previous.total {
                    stats.append(("cpu_percent", 100 * (busy - previous.busy) / (total - previous.total)))
                } else {
                    stats.append(("cpu_percent", total > 0 ? 100 * busy / total : 0))
                }
                previousCPU = (busy, total)
            }
        }
        let memory = Self.fields("/proc/meminfo")
        if let total = memory["MemTotal"], let available = memory["MemAvailable"], total > 0 {
            stats.append(("cpu_vm_percent", 100 * (total - available) / total))
        }
        if let total = memory["SwapTotal"], let free = memory["SwapFree"] {
            stats.append(("cpu_swap_percent", total > 0 ? 100 * (total - free) / total : 0))
        }
        if let rss = Self.fields("/proc/self/status")["VmRSS"] { stats.append(("cpu_rss_mb", rss / 1024)) }
        return stats
    }

    private static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// `Name: value kB` lines as numbers (kB).
    private static func fields(_ path: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in (read(path) ?? "").split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1].split(whereSeparator: \.isWhitespace).first ?? "") else { continue }
            out[String(parts[0])] = value
        }
        return out
    }
}
