import ExchangeStandard
import Foundation
import Mapping
import Testing
import XMLStream

@Suite("The six department samples against their expected outputs and stated facts")
struct GoldenSampleTests {
    @Test("mappings check passes on the shipped Mappings/")
    func shippedMappingsCheck() throws {
        let set = try ProjectFiles.loadMappings()
        #expect(set.mappings.keys.sorted() == ["hz-housing", "nb-gpp", "wz-bidding", "zj-land", "zj-mining", "zj-property"])
        #expect(set.version.count == 64)
    }

    @Test("mappings test passes for every sample", arguments: ["hz-housing", "nb-gpp", "wz-bidding", "zj-land", "zj-mining", "zj-property"])
    func sample(system: String) throws {
        let results = GoldenTestRunner(mappings: try ProjectFiles.loadMappings()).run()
        let result = try #require(results.first { $0.name == system })
        #expect(result.failures == [])
        #expect(result.facts >= 4)
    }
}
