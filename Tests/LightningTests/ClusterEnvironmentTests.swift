import Lightning
import XCTest

/// How a process finds its place in a job from torchrun's, SLURM's or no variables.
final class ClusterEnvironmentTests: XCTestCase {
    func testNoVariablesMakesThisProcessRankZeroOfALocalJob() throws {
        let env = try ClusterEnvironment.detect(devices: 4, numNodes: 1, environment: [:])
        XCTAssertEqual(env.kind, .local)
        XCTAssertEqual([env.globalRank, env.localRank, env.nodeRank, env.worldSize, env.localWorldSize], [0, 0, 0, 4, 4])
        XCTAssertEqual(env.mainAddress, "127.0.0.1")
        XCTAssertNil(env.mainPort)
        XCTAssertFalse(env.createsProcessesExternally)
    }

    func testTorchrunVariablesJoinThatJob() throws {
        let env = try ClusterEnvironment.detect(devices: 2, numNodes: 2, environment: [
            "RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4", "LOCAL_WORLD_SIZE": "2", "GROUP_RANK": "1",
            "MASTER_ADDR": "10.0.0.5", "MASTER_PORT": "29500"])
        XCTAssertEqual(env.kind, .torchrun)
        XCTAssertEqual([env.globalRank, env.localRank, env.nodeRank, env.worldSize], [3, 1, 1, 4])
        XCTAssertEqual(env.mainAddress, "10.0.0.5")
        XCTAssertEqual(env.mainPort, 29500)
        XCTAssertTrue(env.createsProcessesExternally)
    }

    func testSlurmVariablesJoinThatJob() throws {
        let env = try ClusterEnvironment.detect(devices: 2, numNodes: 2, environment: [
            "SLURM_NTASKS": "4", "SLURM_PROCID": "2", "SLURM_LOCALID": "0", "SLURM_NODEID": "1",
            "SLURM_JOB_NODELIST": "gpu[07-08,11],cpu1", "SLURM_JOB_ID": "123456", "SLURM_JOB_NAME": "train"])
        XCTAssertEqual(env.kind, .slurm)
        XCTAssertEqual([env.globalRank, env.localRank, env.nodeRank, env.worldSize], [2, 0, 1, 4])
        XCTAssertEqual(env.mainAddress, "gpu07")
        XCTAssertEqual(env.mainPort, 15000 + 123456 % 10000)
    }

    func testAnInteractiveSlurmShellIsNotAJob() throws {
        let env = try ClusterEnvironment.detect(devices: 1, numNodes: 1, environment: [
            "SLURM_NTASKS": "1", "SLURM_PROCID": "0", "SLURM_LOCALID": "0", "SLURM_NODEID": "0", "SLURM_JOB_NAME": "bash"])
        XCTAssertEqual(env.kind, .local)
    }

    func testFirstHostOfNodeLists() {
        XCTAssertEqual(ClusterEnvironment.firstHost("node01"), "node01")
        XCTAssertEqual(ClusterEnvironment.firstHost("node[03-05,07],gpu1"), "node03")
        XCTAssertEqual(ClusterEnvironment.firstHost("a1,b2"), "a1")
        XCTAssertEqual(ClusterEnvironment.firstHost("rack[9]"), "rack9")
    }

    func testAnEnvironmentThatContradictsTheTrainerIsRefused() {
        let torchrun = ["RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "8", "MASTER_ADDR": "h", "MASTER_PORT": "1"]
        XCTAssertThrowsError(try ClusterEnvironment.detect(devices: 2, numNodes: 1, environment: torchrun)) {
            XCTAssertTrue("\($0)".contains("WORLD_SIZE is 8, but Trainer(devices: 2, numNodes: 1) expects 2"), "\($0)")
        }
        XCTAssertThrowsError(try ClusterEnvironment.detect(devices: 2, numNodes: 1, environment: ["RANK": "0", "WORLD_SIZE": "2"])) {
            XCTAssertTrue("\($0)".contains("LOCAL_RANK, MASTER_ADDR or MASTER_PORT is missing"), "\($0)")
        }
        XCTAssertThrowsError(try ClusterEnvironment.detect(devices: 1, numNodes: 2, environment: [:])) {
            XCTAssertTrue("\($0)".contains("MASTER_ADDR, MASTER_PORT and NODE_RANK"), "\($0)")
        }
        XCTAssertThrowsError(try ClusterEnvironment.detect(devices: 2, numNodes: 1, environment: ["RANK": "x", "WORLD_SIZE": "2"])) {
            XCTAssertTrue("\($0)".contains("RANK=x is not an integer"), "\($0)")
        }
        XCTAssertThrowsError(try ClusterEnvironment.detect(devices: 2, numNodes: 1, environment: [
            "RANK": "5", "LOCAL_RANK": "0", "WORLD_SIZE": "2", "MASTER_ADDR": "h", "MASTER_PORT": "1"])) {
            XCTAssertTrue("\($0)".contains("inconsistent cluster environment"), "\($0)")
        }
    }

    func testTrainerArgumentsForSeveralProcesses() throws {
        XCTAssertThrowsError(try Trainer(devices: 2, strategy: .singleDevice)) {
            XCTAssertTrue("\($0)".contains(".singleDevice runs one process"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer(devices: 0)) { XCTAssertTrue("\($0)".contains("devices"), "\($0)") }
        XCTAssertThrowsError(try Trainer(numNodes: 0)) { XCTAssertTrue("\($0)".contains("numNodes"), "\($0)") }
        XCTAssertThrowsError(try Trainer(devices: 2, strategy: .ddp(timeout: 0))) { XCTAssertTrue("\($0)".contains("timeout"), "\($0)") }
        let trainer = try Trainer(devices: 2, strategy: .ddp(findUnusedParameters: true))
        XCTAssertEqual(trainer.worldSize, 2)
        XCTAssertTrue(trainer.isGlobalZero)
        XCTAssertEqual((trainer.strategyPlugin as? DDPStrategy)?.options.findUnusedParameters, true)
    }
}
