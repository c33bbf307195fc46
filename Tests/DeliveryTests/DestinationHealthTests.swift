import Foundation
import Testing

@testable import Delivery

@Suite("DestinationHealth")
struct DestinationHealthTests {
    let configuration = DestinationHealth.Configuration(failureThreshold: 3, initialPause: .seconds(2), maximumPause: .seconds(10))
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    @Test("failures below the threshold change nothing visible")
    func belowThreshold() {
        var health = DestinationHealth(configuration: configuration)
        #expect(health.record(.failure(reason: "500"), now: at(0)).isEmpty)
        #expect(health.record(.failure(reason: "500"), now: at(1)).isEmpty)
        #expect(!health.isDegraded)
        #expect(health.remainingPause(now: at(1)) == nil)
        #expect(health.record(.success, now: at(2)).isEmpty)
        #expect(health.consecutiveFailures == 0)
    }

    @Test("one outage, however long, yields one started-failing and one recovered event")
    func oneAlertPerOutage() {
        var health = DestinationHealth(configuration: configuration)
        var events: [HealthEvent] = []
        for second in 0..<50 {
            events += health.record(.failure(reason: "503 #\(second)"), now: at(Double(second)))
        }
        #expect(events == [.startedFailing(since: at(0), consecutiveFailures: 3, lastError: "503 #2")])
        let recovery = health.record(.success, now: at(60))
        #expect(recovery == [.recovered(failingSince: at(0), recoveredAt: at(60), failedRequests: 50)])
        #expect(health.record(.success, now: at(61)).isEmpty)
        #expect(!health.isDegraded)
    }

    @Test("a success in between resets the streak: no event")
    func interruptedStreak() {
        var health = DestinationHealth(configuration: configuration)
        var events: [HealthEvent] = []
        for second in 0..<10 {
            events += health.record(second % 3 == 2 ? .success : .failure(reason: "reset"), now: at(Double(second)))
        }
        #expect(events.isEmpty)
    }

    @Test("the pause grows with each failure while degraded, up to the maximum")
    func growingPause() {
        var health = DestinationHealth(configuration: configuration)
        _ = health.record(.failure(reason: "x"), now: at(0))
        _ = health.record(.failure(reason: "x"), now: at(0))
        _ = health.record(.failure(reason: "x"), now: at(0))
        #expect(health.isDegraded)
        #expect(health.remainingPause(now: at(0)) == .seconds(2))
        #expect(health.remainingPause(now: at(1.5)) == .milliseconds(500))
        #expect(health.remainingPause(now: at(2)) == nil)
        _ = health.record(.failure(reason: "x"), now: at(10))
        #expect(health.remainingPause(now: at(10)) == .seconds(4))
        _ = health.record(.failure(reason: "x"), now: at(20))
        #expect(health.remainingPause(now: at(20)) == .seconds(8))
        _ = health.record(.failure(reason: "x"), now: at(30))
        #expect(health.remainingPause(now: at(30)) == .seconds(10))
        _ = health.record(.success, now: at(40))
        #expect(health.remainingPause(now: at(40)) == nil)
    }

    @Test("a second outage raises a second pair of events")
    func secondOutage() {
        var health = DestinationHealth(configuration: DestinationHealth.Configuration(failureThreshold: 1))
        var events: [HealthEvent] = []
        events += health.record(.failure(reason: "a"), now: at(0))
        events += health.record(.success, now: at(1))
        events += health.record(.failure(reason: "b"), now: at(2))
        events += health.record(.failure(reason: "c"), now: at(3))
        events += health.record(.success, now: at(4))
        #expect(
            events == [
                .startedFailing(since: at(0), consecutiveFailures: 1, lastError: "a"),
                .recovered(failingSince: at(0), recoveredAt: at(1), failedRequests: 1),
                .startedFailing(since: at(2), consecutiveFailures: 1, lastError: "b"),
                .recovered(failingSince: at(2), recoveredAt: at(4), failedRequests: 2),
            ]
        )
    }
}
