import Foundation
import Torch

/// Seeds every random generator the run uses (`seed_everything`): libtorch's default
/// generators, and with `workers` the seed data loaders derive their shuffles from. Returns the seed.
@discardableResult
public func seedEverything(_ seed: UInt64, workers: Bool = false) -> UInt64 {
    manualSeed(seed)
    setenv("PL_GLOBAL_SEED", String(seed), 1)
    if workers { setenv("PL_SEED_WORKERS", "1", 1) }
    return seed
}
