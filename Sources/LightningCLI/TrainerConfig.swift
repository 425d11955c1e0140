import Foundation
import Lightning

/// The Trainer's arguments as config keys (Lightning's names), with their defaults, and the
/// Trainer they build. Numbers follow Lightning: an integer batch limit is a count, a float a
/// fraction.
enum TrainerConfig {
    /// Every key with its default (`NSNull()` for none), in Lightning's order.
    nonisolated(unsafe) static let defaults: [(String, Any)] = [
        ("accelerator", "auto"), ("devices", "auto"), ("strategy", "auto"), ("num_nodes", 1), ("precision", "32-true"),
        ("max_epochs", NSNull()), ("min_epochs", 0), ("max_steps", -1), ("max_time", NSNull()),
        ("limit_train_batches", 1.0), ("limit_val_batches", 1.0), ("limit_test_batches", 1.0), ("limit_predict_batches", 1.0),
        ("val_check_interval", 1.0), ("check_val_every_n_epoch", 1), ("num_sanity_val_steps", 2), ("log_every_n_steps", 50),
        ("accumulate_grad_batches", 1), ("gradient_clip_val", NSNull()), ("gradient_clip_algorithm", "norm"),
        ("deterministic", false), ("benchmark", NSNull()), ("fast_dev_run", false), ("overfit_batches", 0.0), ("enable_checkpointing", true),
        ("enable_progress_bar", true), ("enable_model_summary", true), ("default_root_dir", "."), ("logger", true),
        ("detect_anomaly", false), ("barebones", false), ("profiler", NSNull()), ("use_distributed_sampler", true),
    ]

    static var keys: [String] { defaults.map(\.0) }

    /// Builds the Trainer from resolved values (snake_case keys), with `callbacks`.
    static func trainer(_ values: [String: Any], callbacks: [Callback]) throws -> Trainer {
        func value(_ key: String) -> Any? {
            let v = values[key]
            return v is NSNull ? nil : v
        }
        func wrongType(_ key: String, _ expected: String) -> CLIError {
            .invalidValue("trainer.\(key)", "expected \(expected), got \(String(describing: values[key] ?? "nothing"))")
        }
        func int(_ key: String) throws -> Int? {
            guard let v = value(key) else { return nil }
            if let i = v as? Int { return i }
            throw wrongType(key, "an integer")
        }
        func double(_ key: String) throws -> Double? {
            guard let v = value(key) else { return nil }
            if let d = v as? Double { return d }
            if let i = v as? Int { return Double(i) }
            throw wrongType(key, "a number")
        }
        func bool(_ key: String) throws -> Bool {
            if let b = value(key) as? Bool { return b }
            throw wrongType(key, "true or false")
        }
        func string(_ key: String) throws -> String {
            if let s = value(key) as? String { return s }
            if let i = value(key) as? Int { return String(i) }
            throw wrongType(key, "a string")
        }
        func limit(_ key: String) throws -> BatchLimit {
            if let i = value(key) as? Int { return .count(i) }
            if let d = value(key) as? Double { return .fraction(d) }
            throw wrongType(key, "an integer count or a float fraction")
        }
        guard let accelerator = Accelerator(rawValue: try string("accelerator")) else {
            throw CLIError.invalidValue("trainer.accelerator", "expected auto, cpu or gpu, got \(try string("accelerator"))")
        }
        let devices: Devices = try string("devices") == "auto" ? .auto : .count(try int("devices") ?? 1)
        let strategy: Strategy
        switch try string("strategy") {
        case "auto": strategy = .auto
        case "ddp": strategy = .ddp
        case "ddp_find_unused_parameters_true": strategy = .ddp(findUnusedParameters: true)
        case "single_device", "singleDevice": strategy = .singleDevice
        case "fsdp", "deepspeed_stage_3", "zero_stage_3": strategy = .fsdp
        case "deepspeed_stage_1", "zero_stage_1": strategy = .zero(stage: 1)
        case "deepspeed_stage_2", "zero_stage_2": strategy = .zero(stage: 2)
        case let other:
            throw CLIError.invalidValue("trainer.strategy", "expected auto, ddp, ddp_find_unused_parameters_true, single_device, fsdp or deepspeed_stage_1/2/3, got \(other)")
        }
        let precisionText = try string("precision")
        guard let precision = Precision(lightning: precisionText) else {
            throw CLIError.invalidValue("trainer.precision", "expected one of \(Precision.allCases.map(\.rawValue)), got \(precisionText)")
        }
        guard let clip = GradientClipAlgorithm(rawValue: try string("gradient_clip_algorithm")) else {
            throw CLIError.invalidValue("trainer.gradient_clip_algorithm", "expected norm or value")
        }
        let fastDevRun: FastDevRun = try (value("fast_dev_run") as? Bool).map { $0 ? .batches(1) : .off } ?? .batches(try int("fast_dev_run") ?? 0)
        let profiler: ProfilerKind? = try value("profiler") == nil ? nil : ProfilerKind(rawValue: try string("profiler"))
        let root = try string("default_root_dir")
        return try Trainer(
            accelerator: accelerator, devices: devices, strategy: strategy, numNodes: try int("num_nodes") ?? 1, precision: precision,
            maxEpochs: try int("max_epochs"), minEpochs: try int("min_epochs") ?? 0, maxSteps: try int("max_steps") ?? -1,
            maxTime: try double("max_time"), limitTrainBatches: try limit("limit_train_batches"),
            limitValBatches: try limit("limit_val_batches"), limitTestBatches: try limit("limit_test_batches"),
            limitPredictBatches: try limit("limit_predict_batches"), valCheckInterval: try limit("val_check_interval"),
            checkValEveryNEpoch: try int("check_val_every_n_epoch"), numSanityValSteps: try int("num_sanity_val_steps") ?? 2,
            logEveryNSteps: try int("log_every_n_steps") ?? 50, accumulateGradBatches: try int("accumulate_grad_batches") ?? 1,
            gradientClipVal: try double("gradient_clip_val"), gradientClipAlgorithm: clip, deterministic: try bool("deterministic"),
            benchmark: value("benchmark") == nil ? nil : try bool("benchmark"), fastDevRun: fastDevRun == .batches(0) ? .off : fastDevRun, overfitBatches: try limit("overfit_batches"),
            enableCheckpointing: try bool("enable_checkpointing"), enableProgressBar: try bool("enable_progress_bar"),
            enableModelSummary: try bool("enable_model_summary"), defaultRootDir: root, callbacks: callbacks,
            logger: try bool("logger") ? nil : [], detectAnomaly: try bool("detect_anomaly"), barebones: try bool("barebones"),
            profiler: profiler, useDistributedSampler: try bool("use_distributed_sampler"))
    }
}
