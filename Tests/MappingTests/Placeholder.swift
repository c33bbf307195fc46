import Testing
@testable import Mapping

@Test func moduleLoads() { #expect(Bool(true)) }
