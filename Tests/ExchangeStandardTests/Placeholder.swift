import Testing
@testable import ExchangeStandard

@Test func moduleLoads() { #expect(Bool(true)) }
