import Foundation
import Torch

/// The libtorch operators inside the Trainer's actions, from libtorch's Kineto profiler
/// (Lightning's `PyTorchProfiler`): each action is a `recordFunction` range; during `fit`,
/// `schedule` picks the training batches recorded, and each recorded cycle is written as a
/// Chrome/Perfetto trace `<dirpath>/<filename>-rank<r>-<cycle>.pt.trace.json` (one per rank);
/// validate, test and predict runs are recorded whole. The report is the operator table of every
/// recorded cycle, sorted by `sortBy`.
public final class PyTorchProfiler: Profiler {
    /// Which training batches are recorded (`torch.profiler.schedule`): after `skipFirst`, cycles
    /// of `wait` idle batches, `warmup` batches with the profiler set up, then `active` recorded
    /// ones, `repeat` times (0: until the run ends).
    public struct Schedule: Sendable, Equatable {
        public var wait: Int, warmup: Int, active: Int, `repeat`: Int, skipFirst: Int

        /// One cycle of one idle, one warm-up and three recorded batches by default (Lightning's
        /// default schedule's steps, which cycle until the run ends; give `repeat: 0` for that).
        public init(wait: Int = 1, warmup: Int = 1, active: Int = 3, repeat: Int = 1, skipFirst: Int = 0) {
            (self.wait, self.warmup, self.active, self.repeat, self.skipFirst) = (wait, warmup, active, `repeat`, skipFirst)
        }

        enum Action { case none, warmup, record, recordAndSave }

        /// What the profiler does during batch `step` (0-based).
        func action(at step: Int) -> Action {
            guard step >= skipFirst else { return .none }
            let cycle = wait + warmup + active, within = step - skipFirst
            if self.repeat > 0 && within / cycle >= self.repeat { return .none }
            let position = within % cycle
            if position < wait { return .none }
            if position < wait + warmup { return .warmup }
            return position < cycle - 1 ? .record : .recordAndSave
        }
    }

    /// The folder of the traces; nil: the run's log folder.
    public let dirpath: String?
    /// The traces' name prefix; nil: the stage (`fit`, `validate`...).
    public let filename: String?
    public let schedule: Schedule
    public let activities: Set<ProfilerActivity>
    public let recordShapes: Bool
    public let profileMemory: Bool
    public let withStack: Bool
    public let exportToChrome: Bool
    public let sortBy: ProfilerEventAverage.SortKey
    public let rowLimit: Int
    /// The trace files written so far.
    public private(set) var traceFiles: [String] = []

    private var kineto: KinetoProfiler
    private var recorded: [[ProfilerEventAverage]] = []
    private var batch = 0, cycle = 0, rank = 0, folder = "", prefix = "", scheduled = true
    private var state = Schedule.Action.none

    /// Records the CPU (and, on CUDA machines, GPU) activity of the batches `schedule` picks.
    public init(dirpath: String? = nil, filename: String? = nil, schedule: Schedule = Schedule(),
                activities: Set<ProfilerActivity>? = nil, recordShapes: Bool = false, profileMemory: Bool = false,
                withStack: Bool = false, exportToChrome: Bool = true, sortBy: ProfilerEventAverage.SortKey = .selfCPUTimeTotal,
                rowLimit: Int = 20) {
        (self.dirpath, self.filename, self.schedule, self.exportToChrome) = (dirpath, filename, schedule, exportToChrome)
        self.activities = activities ?? (CUDA.isAvailable ? [.cpu, .cuda] : [.cpu])
        (self.recordShapes, self.profileMemory, self.withStack, self.sortBy, self.rowLimit) =
            (recordShapes, profileMemory, withStack, sortBy, rowLimit)
        kineto = KinetoProfiler(activities: self.activities, recordShapes: recordShapes, profileMemory: profileMemory, withStack: withStack)
    }

    public func profile<T>(_ action: String, _ body: () throws -> T) rethrows -> T {
        try recordFunction(action, body)
    }

    public func setup(stage: Stage, globalRank: Int, logDir: String) throws {
        (batch, cycle, rank, state, scheduled, recorded) = (0, 0, globalRank, .none, stage == .fit, [])
        folder = dirpath ?? logDir
        prefix = filename ?? stage.rawValue
        try move(to: scheduled ? schedule.action(at: 0) : .record)
    }

    public func step() throws {
        guard scheduled else { return }
        batch += 1
        try move(to: schedule.action(at: batch))
    }

    public func teardown() throws {
        try move(to: .none)
    }

    /// Goes from the current state to `next`: warming up, starting, or stopping and keeping a cycle.
    private func move(to next: Schedule.Action) throws {
        switch (state, next) {
        case (.record, .record), (.record, .recordAndSave), (.warmup, .warmup), (.none, .none): break
        case (.none, .warmup): try kineto.prepare()
        case (.none, .record), (.none, .recordAndSave), (.warmup, .record), (.warmup, .recordAndSave): try kineto.start()
        case (.warmup, .none): _ = try { try kineto.start(); return try kineto.stop() }()
        case (.record, .none), (.record, .warmup), (.recordAndSave, _):
            try keep(kineto.stop())
            if next == .warmup { try kineto.prepare() }
            if next == .record || next == .recordAndSave { try kineto.start() }
        }
        state = next
    }

    /// Adds a recorded cycle to the report and writes its trace.
    private func keep(_ trace: ProfilerTrace) throws {
        recorded.append(trace.keyAverages())
        guard exportToChrome else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(prefix)-rank\(rank)-\(cycle).pt.trace.json")
        try trace.exportChromeTrace(path)
        traceFiles.append(path)
        cycle += 1
    }

    public func summary() -> String {
        guard !recorded.isEmpty else { return "PyTorchProfiler: no batch was recorded (schedule: \(schedule))" }
        return "PyTorchProfiler report (\(recorded.count) recorded cycle\(recorded.count == 1 ? "" : "s"))\n"
            + ProfilerEventAverage.table(ProfilerEventAverage.merged(recorded), sortBy: sortBy, rowLimit: rowLimit)
    }
}
