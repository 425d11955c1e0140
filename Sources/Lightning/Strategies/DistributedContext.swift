import Foundation
import Metrics
import Torch

/// The process group of one strategy's job (what Lightning's `ParallelStrategy` holds with its
/// cluster environment): made on first use with this strategy's backend and timeout and owned
/// by it, so two Trainers in one process each run with their own. What exists once per process
/// stays so: the other local ranks are started by the first group of a job that starts them
/// itself, and every group meets at the same rendezvous store, under a prefix of its own (as
/// `torch.distributed.new_group` does), so every rank must make its groups in the same order.
public final class DistributedContext {
    /// Where this process sits in the job.
    public let environment: ClusterEnvironment
    /// Seconds after which a collective or the rendezvous fails.
    public let timeout: Double
    /// The backend asked for (nil: NCCL for CUDA devices, Gloo otherwise).
    public let backend: ProcessGroupBackend?
    /// The group, once joined.
    public private(set) var group: ProcessGroup?

    public init(environment: ClusterEnvironment, timeout: Double = 1800, backend: ProcessGroupBackend? = nil) {
        (self.environment, self.timeout, self.backend) = (environment, timeout, backend)
    }

    /// Joins the job on `device` (starting the other local ranks when this process starts them),
    /// moves `module` there, gives every rank rank 0's parameters and buffers, and gives the
    /// synchronised batch norms and the metrics without a group of their own this one.
    public func setup(_ module: Module, device: Device) throws -> ProcessGroup {
        let group = try connect(device: device)
        Self.lend(group, to: module)
        module.to(device: device)
        try withNoGrad { try group.broadcastCoalesced(module.parameters() + module.buffers()) }
        return group
    }

    /// Gives `group` to the synchronised batch norms and the metrics in `module` that have no
    /// group of their own (the group their statistics are reduced over).
    static func lend(_ group: ProcessGroup, to module: Module) {
        for case let norm as BatchNorm in module.modules() where norm.isSynchronized && norm.processGroup == nil {
            norm.processGroup = group
        }
        for case let metric as Metric in module.modules() where metric.processGroup == nil { metric.processGroup = group }
    }

    /// The group, joined now on `device` if it was not yet.
    public func connect(device: Device = .cpu) throws -> ProcessGroup {
        if let group { return group }
        let group = try Rendezvous.shared.group(environment, backend: backend ?? (device == .cpu ? .gloo : .nccl), timeout: timeout)
        self.group = group
        return group
    }

    /// A failing run: the launching process takes the other ranks down with it, after giving
    /// the child observer (it polls every 50 ms) half a second to report a rank that died first:
    /// then that rank's error is the cause, and this one's is not shown.
    public func onException(_ error: Error) {
        guard environment.kind == .local, environment.localWorldSize > 1 else { return }
        usleep(500_000)
        SubprocessLauncher.stopChildren()
    }
}

/// The store every process group of this process meets at, made with the first group (as
/// `init_process_group` makes the default store): rank 0 hosts it, unless torchrun's agent does.
final class Rendezvous: @unchecked Sendable {
    static let shared = Rendezvous()

    private let lock = NSLock()
    private var store: TCPStore?
    private var prefix = ""
    private var groupsMade = 0

    func group(_ environment: ClusterEnvironment, backend: ProcessGroupBackend, timeout: Double) throws -> ProcessGroup {
        lock.lock()
        defer { lock.unlock() }
        let env = ProcessInfo.processInfo.environment
        if store == nil {
            var port = environment.mainPort ?? 0
            if environment.kind == .local {
                if port == 0 { port = try SubprocessLauncher.freePort() }
                if environment.localWorldSize > 1 { try SubprocessLauncher.launch(environment, port: port) }
            } else {
                SubprocessLauncher.watchLauncher()
            }
            SubprocessLauncher.installSignalHandlers()
            if env["OMP_NUM_THREADS"] == nil && environment.localWorldSize > 1 {
                TorchSettings.numThreads = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount / environment.localWorldSize)
            }
            SubprocessLauncher.report("initializing distributed: rank \(environment.globalRank) of \(environment.worldSize) "
                + "(node \(environment.nodeRank), local rank \(environment.localRank)), store \(environment.mainAddress):\(port), "
                + "\(environment.kind.rawValue) launch")
            // Under torchrun its agent hosts the store: every rank joins it, and each restart attempt
            // meets under a prefix of its own, as PyTorch's env:// rendezvous does.
            let agentStore = env["TORCHELASTIC_USE_AGENT_STORE"] == "True"
            store = try TCPStore(host: environment.mainAddress, port: port, worldSize: environment.worldSize,
                                 isServer: environment.globalRank == 0 && !agentStore, timeout: timeout)
            prefix = agentStore ? "/worker/attempt_\(env["TORCHELASTIC_RESTART_COUNT"] ?? "0")/" : ""
        }
        let address = environment.mainAddress
        let loopback = address == "127.0.0.1" || address == "localhost" || address == "::1"
        let groupPrefix = groupsMade == 0 ? prefix : "\(prefix)group\(groupsMade)/"
        let group = try ProcessGroup(backend: backend, store: store!, prefix: groupPrefix, rank: environment.globalRank,
                                     size: environment.worldSize,
                                     hostname: loopback && env["GLOO_SOCKET_IFNAME"] == nil ? "127.0.0.1" : nil, timeout: timeout)
        groupsMade += 1
        return group
    }
}
