import Foundation

/// Where this process sits in a job and where the job meets (Lightning's cluster
/// environments): read from our own launcher's or torchrun's variables (`RANK`,
/// `LOCAL_RANK`, `WORLD_SIZE`, `MASTER_ADDR`, `MASTER_PORT`), from SLURM's
/// (`SLURM_PROCID`, `SLURM_NTASKS`, `SLURM_LOCALID`, `SLURM_NODEID`, `SLURM_JOB_NODELIST`),
/// or, with none of them, a job this process starts itself as rank 0.
public struct ClusterEnvironment: Sendable, Equatable {
    /// Who started the processes.
    public enum Kind: String, Sendable {
        /// This process is rank 0 and starts the other local ranks itself.
        case local
        /// Started by a launcher that sets torchrun's variables (torchrun, or our own).
        case torchrun
        /// Started by SLURM's `srun`.
        case slurm
        /// Started by a scheduler of your own, described with the public initializer.
        case custom
    }

    /// Who started the processes.
    public let kind: Kind
    /// This process's rank in the job.
    public let globalRank: Int
    /// This process's rank on its node.
    public let localRank: Int
    /// This node's index.
    public let nodeRank: Int
    /// The number of processes in the job.
    public let worldSize: Int
    /// The processes on this node.
    public let localWorldSize: Int
    /// The host of the rendezvous store (rank 0's).
    public let mainAddress: String
    /// Its port; nil until the local launcher picks a free one.
    public let mainPort: Int?

    /// Whether something other than this process started the other ranks.
    public var createsProcessesExternally: Bool { kind != .local }

    /// Reads the environment of a job of `devices` processes on each of `numNodes` nodes,
    /// refusing variables that contradict the Trainer's arguments or each other.
    public static func detect(devices: Int, numNodes: Int,
                              environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> ClusterEnvironment {
        let expected = devices * numNodes
        func int(_ name: String) throws -> Int? {
            guard let text = env[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw TrainerError.misconfiguration("environment variable \(name)=\(text) is not an integer")
            }
            return value
        }
        func mismatch(_ what: String, _ found: Int) -> TrainerError {
            .misconfiguration("\(what) is \(found), but Trainer(devices: \(devices), numNodes: \(numNodes)) expects \(expected) processes; make them agree")
        }
        if let ntasks = try int("SLURM_NTASKS"), !["bash", "interactive"].contains(env["SLURM_JOB_NAME"] ?? "") {
            guard let rank = try int("SLURM_PROCID"), let local = try int("SLURM_LOCALID"), let node = try int("SLURM_NODEID") else {
                throw TrainerError.misconfiguration("SLURM_NTASKS is set but SLURM_PROCID, SLURM_LOCALID or SLURM_NODEID is missing")
            }
            if ntasks != expected { throw mismatch("SLURM_NTASKS", ntasks) }
            let nodelist = env["SLURM_JOB_NODELIST"] ?? env["SLURM_NODELIST"] ?? "127.0.0.1"
            let port = try int("MASTER_PORT") ?? 15000 + (Int(env["SLURM_JOB_ID"] ?? "") ?? 0) % 10000
            return try validated(.init(kind: .slurm, globalRank: rank, localRank: local, nodeRank: node, worldSize: ntasks,
                                       localWorldSize: devices, mainAddress: env["MASTER_ADDR"] ?? firstHost(nodelist),
                                       mainPort: port))
        }
        if let rank = try int("RANK"), let world = try int("WORLD_SIZE") {
            guard let local = try int("LOCAL_RANK"), let address = env["MASTER_ADDR"], let port = try int("MASTER_PORT") else {
                throw TrainerError.misconfiguration("RANK and WORLD_SIZE are set but LOCAL_RANK, MASTER_ADDR or MASTER_PORT is missing")
            }
            if world != expected { throw mismatch("WORLD_SIZE", world) }
            let node = try int("GROUP_RANK") ?? int("NODE_RANK") ?? rank / devices
            return try validated(.init(kind: .torchrun, globalRank: rank, localRank: local, nodeRank: node, worldSize: world,
                                       localWorldSize: try int("LOCAL_WORLD_SIZE") ?? devices, mainAddress: address, mainPort: port))
        }
        let node = try int("NODE_RANK") ?? 0
        if numNodes > 1 && (env["MASTER_ADDR"] == nil || env["MASTER_PORT"] == nil) {
            throw TrainerError.misconfiguration(
                "numNodes: \(numNodes) without a cluster launcher needs MASTER_ADDR, MASTER_PORT and NODE_RANK set on every node")
        }
        return try validated(.init(kind: .local, globalRank: node * devices, localRank: 0, nodeRank: node, worldSize: expected,
                                   localWorldSize: devices, mainAddress: env["MASTER_ADDR"] ?? "127.0.0.1",
                                   mainPort: try int("MASTER_PORT")))
    }

    fileprivate static func validated(_ e: ClusterEnvironment) throws -> ClusterEnvironment {
        guard (0..<e.worldSize).contains(e.globalRank), e.localRank >= 0, e.localRank < max(e.localWorldSize, 1), e.nodeRank >= 0 else {
            throw TrainerError.misconfiguration(
                "inconsistent cluster environment: rank \(e.globalRank), local rank \(e.localRank), node \(e.nodeRank), world size \(e.worldSize)")
        }
        return e
    }

    /// The first host of a SLURM node list: `node[03-05,07],gpu1` gives `node03`.
    public static func firstHost(_ nodelist: String) -> String {
        var first = ""
        var depth = 0
        for c in nodelist {
            if c == "[" { depth += 1 } else if c == "]" { depth -= 1 } else if c == "," && depth == 0 { break }
            first.append(c)
        }
        guard let open = first.firstIndex(of: "["), let close = first.firstIndex(of: "]") else { return first }
        let range = first[first.index(after: open)..<close]
        let start = range.split(separator: ",").first?.split(separator: "-").first ?? ""
        return String(first[..<open]) + start
    }

    /// The environment of the process with `localRank` on this node, for a launcher to start.
    func child(localRank: Int, port: Int) -> [String: String] {
        ["RANK": String(nodeRank * localWorldSize + localRank), "LOCAL_RANK": String(localRank), "WORLD_SIZE": String(worldSize),
         "LOCAL_WORLD_SIZE": String(localWorldSize), "NODE_RANK": String(nodeRank), "MASTER_ADDR": mainAddress,
         "MASTER_PORT": String(port)]
    }
}

extension ClusterEnvironment {
    /// The environment of a job your own scheduler started (Lightning's custom
    /// `ClusterEnvironment`): each process is told its ranks and where rank 0 hosts the
    /// rendezvous store. Give it with `Trainer(plugins: [.clusterEnvironment(...)])`.
    public init(globalRank: Int, localRank: Int, nodeRank: Int, worldSize: Int, localWorldSize: Int,
                mainAddress: String, mainPort: Int) throws {
        self = try Self.validated(.init(kind: .custom, globalRank: globalRank, localRank: localRank, nodeRank: nodeRank,
                                        worldSize: worldSize, localWorldSize: localWorldSize, mainAddress: mainAddress,
                                        mainPort: mainPort))
    }
}
