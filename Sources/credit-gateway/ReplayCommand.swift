import ArgumentParser
import Foundation
import GatewayServer
import Mapping
import Store

/// `credit-gateway replay`: puts dead letters back into the outbox, one by one or by filter.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Replay dead letters (after the receiver or the mapping was fixed).",
        discussion: "Without --yes, lists what would be replayed.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Outbox entry ids to replay.")
    var id: [Int64] = []

    @Option(help: "hub or publisher.")
    var destination: String?

    @Option(help: "Department system id.")
    var source: String?

    @Option(help: "Text the receiver's reason contains.")
    var reason: String?

    @Option(help: "Dead since (RFC 3339).")
    var since: String?

    @Option(help: "Dead before (RFC 3339).")
    var before: String?

    @Flag(help: "Map the stored raw batches again with the current mapping files first (when the mapping was the problem).")
    var remap = false

    @Option(help: "The mappings directory, for --remap.")
    var mappings = "Mappings"

    @Flag(help: "Replay; without it the matching dead letters are only listed.")
    var yes = false

    func run() async throws {
        try await storeOptions.withStore { store in try await replay(store) }
    }

    private func replay(_ store: any GatewayStore) async throws {
        var query: [String: String] = [:]
        query["destination"] = destination
        query["source"] = source
        query["reason"] = reason
        query["since"] = since
        query["before"] = before
        let filter: DeadLetterFilter
        do {
            filter = try GatewayApplication.deadLetterFilter(query)
        } catch let error as GatewayApplication.FilterError {
            throw ValidationError(error.message)
        }
        let matching = try await store.deadLetters(filter).filter { id.isEmpty || id.contains($0.id) }
        for entry in matching {
            print("\(entry.id)\t\(entry.destination.rawValue)\t\(entry.recordId) v\(entry.version)\t\(entry.sourceSystem)\t\(entry.deadReason ?? "")")
        }
        guard yes else {
            print("\(matching.count) 条死信匹配；加 --yes 重新投递 / \(matching.count) dead letters match; add --yes to replay")
            return
        }
        if remap {
            let set = try MappingsCommand.loadOrExit(mappings, language: .chinese)
            let outcome = try await DeadLetterRemapper(store: store, mappings: set).remap(filter)
            for (id, reason) in outcome.failed.sorted(by: { $0.key < $1.key }) { print("未能重新映射 / not re-mapped \(id): \(reason)") }
            print("已重新映射并投递 \(outcome.requeued.count) 条 / re-mapped and replayed \(outcome.requeued.count)")
            return
        }
        let replayed = try await store.replayDeadLetters(.ids(matching.map(\.id)), now: Date())
        print("已重新投递 \(replayed.count) 条 / replayed \(replayed.count)")
    }
}
