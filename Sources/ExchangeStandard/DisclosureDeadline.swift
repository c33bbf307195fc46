/// A record's disclosure deadline (`catalog.md`, "Deadlines"): the Nth working day after the day the
/// information was formed or changed (or the decision was made), which is day 0.
public struct DisclosureDeadline: Hashable, Sendable {
    /// Day 0: `formedOn` of the hub record.
    public let formedOn: LocalDate
    /// 20, or 7 for licensing and penalty decisions (``DisclosureCatalog/deadlineWorkingDays(itemType:decision:)``).
    public let workingDays: Int
    /// The last day on which disclosure is on time: `dueOn` of the hub record.
    public let dueOn: LocalDate

    public init(formedOn: LocalDate, workingDays: Int, calendar: WorkingDayCalendar) throws(CalendarError) {
        self.formedOn = formedOn
        self.workingDays = workingDays
        dueOn = try Self.computeDeadline(formedOn: formedOn, workingDays: workingDays, calendar: calendar)
    }

    /// Whether a record with this deadline is late; see ``isLate(dueOn:receivedOn:publishedOn:)``.
    public func isLate(receivedOn: LocalDate, publishedOn: LocalDate?) -> Bool {
        Self.isLate(dueOn: dueOn, receivedOn: receivedOn, publishedOn: publishedOn)
    }

    /// The deadline: `workingDays` working days after `formedOn` on `calendar` (2024-09-20 + 20 → 2024-10-23).
    public static func computeDeadline(formedOn: LocalDate, workingDays: Int, calendar: WorkingDayCalendar) throws(CalendarError)
        -> LocalDate
    {
        try calendar.addingWorkingDays(workingDays, to: formedOn)
    }

    /// A record is late when the day it was disclosed is after its deadline. That day is the publication day in
    /// the designated medium where the source states one (`publishedOn`), otherwise the day it reached the
    /// gateway (`receivedOn`, in China Standard Time): a source that published on time and forwarded the
    /// record later was not late, one that states no publication day is judged by its arrival. The due day
    /// itself is on time.
    public static func isLate(dueOn: LocalDate, receivedOn: LocalDate, publishedOn: LocalDate?) -> Bool {
        (publishedOn ?? receivedOn) > dueOn
    }
}
