import Foundation
import Testing
import XMLStream

/// Every input the fuzzer found a problem with (`Fuzz/regressions/`) reads to one outcome whatever
/// the chunks, with the fuzz target's generous and tiny limits: the target's own oracle.
@Suite struct FuzzRegressionTests {
    enum Outcome: Equatable {
        case records(ReadResult)
        case failure(XMLStreamError.Code, XMLPosition?)
    }

    static let inputs: [String] = {
        let directory = Files.repositoryRoot.appendingPathComponent("Fuzz/regressions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted()
    }()

    func outcome(_ document: [UInt8], limits: XMLStreamLimits, chunkSizes: [Int]) -> Outcome {
        do throws(XMLStreamError) {
            return .records(try read(document, patterns: ["//{*}record", "/{*}*/ROW"], limits: limits, chunkSizes: chunkSizes))
        } catch {
            return .failure(error.code, error.position)
        }
    }

    @Test func thereAreRegressions() {
        #expect(Self.inputs.count >= 5)
    }

    @Test(arguments: inputs)
    func readsTheSameInAnyChunks(input: String) throws {
        let document = try Files.bytes(Files.repositoryRoot.appendingPathComponent("Fuzz/regressions").appendingPathComponent(input))
        for limits in [XMLStreamLimits(), .tiny] {
            let whole = outcome(document, limits: limits, chunkSizes: [max(document.count, 1)])
            for sizes in [[1], [2, 3], [59, 43, 11, 63, 46, 51, 33, 5], [42, 28, 26, 17, 57, 44, 2, 29]] {
                #expect(outcome(document, limits: limits, chunkSizes: sizes) == whole, "chunks \(sizes)")
            }
        }
    }
}
