import Foundation
import Torch

/// Logs to an MLflow tracking store on the local file system (Lightning's `MLFlowLogger` with a
/// `file:` tracking URI): the experiment `experimentName` (created when missing), one run per
/// logger with its name and tags, hyper-parameters as params, every metric value with its step
/// and timestamp, the run's status when it ends, and with `logModel` the checkpoints
/// `ModelCheckpoint` keeps as artifacts under `model/checkpoints/<name>/`. `mlflow ui
/// --backend-store-uri file:<saveDir>` and MLflow's clients read it.
public final class MLFlowLogger: Logger {
    /// When checkpoints become artifacts.
    public enum LogModel: Sendable {
        /// Never.
        case never
        /// Those kept at the end of the run (Lightning's `log_model=True`).
        case atEnd
        /// Each as it is saved (`log_model="all"`).
        case all
    }

    public let experimentName: String
    /// The store's folder (`mlruns`, or the path of a `file:` tracking URI).
    public let saveDir: String
    public let logModel: LogModel
    /// Prepended to metric names (`prefix-name`).
    public let prefix: String
    /// The experiment's id in the store.
    public private(set) var experimentID = ""
    /// The run's id (32 hex digits).
    public let runID: String
    public let runName: String
    private let tags: [String: String]
    private var started = false
    private var logged: Set<String> = []
    private weak var checkpointCallback: ModelCheckpoint?

    /// A run named `runName` (a generated name when nil) in experiment `experimentName` of the
    /// store at `trackingURI` (`file:` URIs and plain paths; default `MLFLOW_TRACKING_URI`, else
    /// `saveDir`).
    public init(experimentName: String = "lightning_logs", runName: String? = nil, trackingURI: String? = nil,
                tags: [String: String] = [:], saveDir: String = "./mlruns", logModel: LogModel = .never, prefix: String = "") throws {
        let uri = trackingURI ?? ProcessInfo.processInfo.environment["MLFLOW_TRACKING_URI"]
        if let uri, uri.contains("://") && !uri.hasPrefix("file://") || uri.hasPrefix("http") || uri.hasPrefix("databricks") {
            throw TrainerError.misconfiguration("MLFlowLogger writes local file stores; \(uri) is not a file: URI or path")
        }
        let path = uri.map { $0.hasPrefix("file://") ? String($0.dropFirst(7)) : $0.hasPrefix("file:") ? String($0.dropFirst(5)) : $0 } ?? saveDir
        self.saveDir = URL(fileURLWithPath: path).standardizedFileURL.path
        (self.experimentName, self.logModel, self.prefix, self.tags) = (experimentName, logModel, prefix, tags)
        runID = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        self.runName = runName ?? "run-\(runID.prefix(8))"
    }

    /// The run's folder, `<saveDir>/<experiment id>/<run id>` (checkpoints go to its `checkpoints`
    /// folder, as Lightning's); asking for it creates the experiment and the run.
    public var logDir: String {
        try? start()
        return runFolder
    }

    private var runFolder: String { (saveDir as NSString).appendingPathComponent("\(experimentID)/\(runID)") }

    private static func milliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// A YAML scalar MLflow's `yaml.safe_load` reads back as the same string.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Writes `name` in `folder` whole, through a temporary file.
    private static func write(_ text: String, _ folder: String, _ name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: (folder as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// The id of the experiment named `experimentName`, created when missing.
    private func experiment() throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: saveDir, withIntermediateDirectories: true)
        for id in try fm.contentsOfDirectory(atPath: saveDir) where !id.hasPrefix(".") {
            let meta = (try? String(contentsOfFile: "\(saveDir)/\(id)/meta.yaml", encoding: .utf8)) ?? ""
            if meta.split(separator: "\n").contains(where: { $0 == "name: \(Self.quoted(experimentName))" || $0 == "name: \(experimentName)" }) {
                return id
            }
        }
        let id = String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999))
        let now = Self.milliseconds()
        try Self.write("""
            artifact_location: \(Self.quoted("file://\(saveDir)/\(id)"))
            creation_time: \(now)
            experiment_id: \(Self.quoted(id))
            last_update_time: \(now)
            lifecycle_stage: active
            name: \(Self.quoted(experimentName))

            """, "\(saveDir)/\(id)", "meta.yaml")
        return id
    }

    /// The run's `meta.yaml`: MLflow's status codes are 1 running, 3 finished, 4 failed, 5 killed.
    private func writeRunMeta(status: Int, start: Int64, end: Int64?) throws {
        try Self.write("""
            artifact_uri: \(Self.quoted("file://\(runFolder)/artifacts"))
            end_time: \(end.map(String.init) ?? "null")
            entry_point_name: ''
            experiment_id: \(Self.quoted(experimentID))
            lifecycle_stage: active
            run_id: \(runID)
            run_name: \(Self.quoted(runName))
            run_uuid: \(runID)
            source_name: ''
            source_type: 4
            source_version: ''
            start_time: \(start)
            status: \(status)
            tags: []
            user_id: \(Self.quoted(ProcessInfo.processInfo.environment["USER"] ?? "unknown"))

            """, runFolder, "meta.yaml")
    }

    private var startTime: Int64 = 0

    /// Creates the experiment and the run on first use.
    private func start() throws {
        guard !started else { return }
        started = true
        experimentID = try experiment()
        startTime = Self.milliseconds()
        try writeRunMeta(status: 1, start: startTime, end: nil)
        for folder in ["metrics", "params", "artifacts", "tags"] {
            try FileManager.default.createDirectory(atPath: "\(runFolder)/\(folder)", withIntermediateDirectories: true)
        }
        let source = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "swift-lightning"
        var allTags = ["mlflow.runName": runName, "mlflow.source.name": source, "mlflow.source.type": "LOCAL",
                       "mlflow.user": ProcessInfo.processInfo.environment["USER"] ?? "unknown"]
        allTags.merge(tags) { $1 }
        for (key, value) in allTags { try Self.write(value, "\(runFolder)/tags", key) }
    }

    public func logHyperparams(_ params: [(String, StateValue)]) throws {
        try start()
        /// Nested dictionaries become `outer/inner` keys, as Lightning flattens them.
        func flattened(_ pairs: [(String, StateValue)]) -> [(String, StateValue)] {
            pairs.flatMap { key, value -> [(String, StateValue)] in
                guard case .dict(let inner) = value else { return [(key, value)] }
                return flattened(inner.map { ("\(key)/\($0.key.stringValue ?? $0.key.description)", $0.value) })
            }
        }
        for (key, value) in flattened(params) {
            let text: String
            if case .string(let s) = value { text = s } else { text = value.description }
            try Self.write(String(text.prefix(6000)), (("\(runFolder)/params/\(key)") as NSString).deletingLastPathComponent,
                           (key as NSString).lastPathComponent)
        }
    }

    public func logMetrics(_ metrics: [(String, Double)], step: Int) throws {
        try start()
        let now = Self.milliseconds()
        for (name, value) in metrics {
            let key = prefix.isEmpty ? name : "\(prefix)-\(name)"
            let path = "\(runFolder)/metrics/\(key)"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\(now) \(value) \(step)\n".utf8))
        }
    }

    public func afterSaveCheckpoint(_ checkpoint: ModelCheckpoint) throws {
        checkpointCallback = checkpoint
        if logModel == .all { try logCheckpoints() }
    }

    /// Copies the checkpoints the callback keeps that are not artifacts yet.
    private func logCheckpoints() throws {
        guard let callback = checkpointCallback else { return }
        try start()
        let fm = FileManager.default
        let kept = Set(Array(callback.bestKModels.keys) + [callback.bestModelPath, callback.lastModelPath]).filter { !$0.isEmpty }
        for path in kept.sorted() where fm.fileExists(atPath: path) {
            let modified = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let identity = "\(path)@\(modified)"
            guard !logged.contains(identity) else { continue }
            let name = (path as NSString).lastPathComponent
            let folder = "\(runFolder)/artifacts/model/checkpoints/\((name as NSString).deletingPathExtension)"
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let target = "\(folder)/\(name)"
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.copyItem(atPath: path, toPath: target)
            logged.insert(identity)
        }
    }

    public func finalize(status: String) throws {
        try start()
        if logModel == .atEnd { try logCheckpoints() }
        let code = status == "success" || status == "finished" ? 3 : status == "failed" ? 4 : 5
        try writeRunMeta(status: code, start: startTime, end: Self.milliseconds())
    }
}
