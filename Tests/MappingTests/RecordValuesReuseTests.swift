import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

/// A mapping thread evaluates every record into one store that it empties and reuses: nothing of one record may
/// reach the next, whether the record before it was small, rejected, or large enough for the store to give its
/// storage back.
@Suite("records mapped through one reused store come out as when each is mapped alone")
struct RecordValuesReuseTests {
    /// The nb-gpp sample's notices (a penalty with a credit record, a notice rejected for a short USCC, others),
    /// then a penalty notice with `parties` parties (each a party of the hub record and a credit record of its own),
    /// then the sample's notices again.
    static func batch(parties: Int) throws -> [UInt8] {
        let sample = try String(contentsOfFile: ProjectFiles.sample("nb-gpp", "NBZC-2024-1120-01.xml"), encoding: .utf8)
        let bodyStart = try #require(sample.range(of: "<公告"))
        let bodyEnd = try #require(sample.range(of: "</采购信息批次>", options: .backwards))
        let notices = String(sample[bodyStart.lowerBound..<bodyEnd.lowerBound])
        let partyStart = try #require(notices.range(of: "<当事人 "))
        let partyEnd = try #require(notices.range(of: "</当事人>"))
        let party = String(notices[partyStart.lowerBound..<partyEnd.upperBound])
        let penaltyStart = try #require(notices[..<partyStart.lowerBound].range(of: "<公告>", options: .backwards))
        let penaltyEnd = try #require(notices[partyEnd.upperBound...].range(of: "</公告>"))
        var large = String(notices[penaltyStart.lowerBound..<penaltyEnd.upperBound])
        large = large.replacingOccurrences(of: "<公告编号>", with: "<公告编号>LARGE-")
        large = large.replacingOccurrences(of: party, with: String(repeating: party, count: parties))
        let header = String(sample[..<bodyStart.lowerBound])
        let second = notices.replacingOccurrences(of: "<公告编号>", with: "<公告编号>AGAIN-")
        return Array((header + notices + large + "\n" + second + "</采购信息批次>\n").utf8)
    }

    /// Each outcome's lines as `translate` prints them, credit records included.
    static func lines(_ outcome: RecordOutcome) -> [String] {
        switch outcome {
        case .rejected(let rejection):
            [TranslationLine.rejection(rejection).jsonLine(language: .english)]
        case .mapped(let record):
            [TranslationLine.hub(record.hub, trace: record.trace).jsonLine(language: .english)]
                + record.credits.map { TranslationLine.credit($0.record, publishOnCreditZhejiang: $0.publishOnCreditZhejiang).jsonLine(language: .english) }
        }
    }

    @Test("small, rejected and large records in one batch, each as when mapped alone")
    func reuseLeavesNothingBehind() throws {
        let parties = 1500
        let bytes = try Self.batch(parties: parties)
        let reused = try MappingPipelineTests.translator(threads: 0)
        let outcomes = try reused.feed(bytes) + reused.finish()

        let mapper = reused.mapper
        let reader = XMLRecordReader(recordPatterns: mapper.spec.records.map(\.pattern))
        let records = try reader.feed(bytes) + reader.finish()
        let context = TranslationContext(
            sourceSystem: "nb-gpp", batchId: "NBZC-2024-1120-01", receivedAt: "2024-11-22T10:00:00+08:00",
            receivedOn: LocalDate(year: 2024, month: 11, day: 22)!)
        // `map(_:context:)` evaluates into a store of its own, made for the one record.
        let alone = records.compactMap { mapper.map($0, context: context) }

        #expect(outcomes.count == alone.count)
        #expect(outcomes.count >= 7)
        for (index, (got, expected)) in zip(outcomes, alone).enumerated() {
            #expect(Self.lines(got) == Self.lines(expected), "record \(index)")
        }
        // The large notice made a credit record per party, and the sample's rejection came out twice.
        let large = try #require(outcomes.first { if case .mapped(let record) = $0 { record.sourceRecordId.hasPrefix("LARGE-") } else { false } })
        guard case .mapped(let record) = large else { return }
        #expect(record.credits.count == parties)
        #expect(record.hub.parties?.count ?? 0 >= parties)
        #expect(outcomes.filter { if case .rejected = $0 { true } else { false } }.count == 2)
    }
}
