import ArgumentParser

@main
struct BerthBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berth-bench",
        abstract: "Benchmarks of Berth, measured side by side with a peer runtime in the same run.",
        subcommands: [RuntimeBenchmark.self, ClusterBenchmark.self, CrunPeerCommand.self])
}
