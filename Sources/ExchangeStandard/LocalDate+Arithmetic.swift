import Foundation

extension LocalDate {
    /// Adds calendar years the way Chinese law counts periods in years (民法典 第二百零二条): the same month and
    /// day, or the last day of the month when that day does not exist — 2024-02-29 + 1 year = 2025-02-28.
    public func adding(years: Int) -> LocalDate {
        adding(months: years * 12)
    }

    /// The calendar date of an instant at a fixed UTC offset; by default China Standard Time (UTC+8, no
    /// daylight saving), the time zone of every date the gateway compares (receipt day against a deadline).
    public init(_ instant: Date, utcOffsetSeconds: Int = 8 * 3600) {
        let seconds = instant.timeIntervalSince1970 + Double(utcOffsetSeconds)
        self.init(daysSinceEpoch: Int((seconds / 86_400).rounded(.down)))
    }
}
