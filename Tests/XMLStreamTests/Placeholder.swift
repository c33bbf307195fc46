import Testing
@testable import XMLStream

@Test func moduleLoads() { #expect(Bool(true)) }
