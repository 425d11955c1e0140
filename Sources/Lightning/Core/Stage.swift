/// What the Trainer is running.
public enum Stage: String, Sendable {
    case fit, validate, test, predict
}

/// The part of a run that is logging: decides the defaults of `log` and where values go.
enum RunningStage: String {
    case training = "train", sanityCheck = "sanity_check", validating = "validation", testing = "test", predicting = "predict"

    var isTraining: Bool { self == .training }
}
