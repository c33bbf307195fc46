extension DisclosureCatalog {
    /// A disclosure deadline in working days (`{workingDays: 20}`).
    public struct Deadline: Hashable, Sendable, Codable {
        public var workingDays: Int

        public init(workingDays: Int) {
            self.workingDays = workingDays
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case workingDays }

        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            workingDays = try container.decode(Int.self, forKey: .workingDays)
        }
    }

    /// The deadline of each kind of administrative decision.
    public struct DecisionDeadlines: Hashable, Sendable, Codable {
        public var licensing: Deadline
        public var penalty: Deadline

        public init(licensing: Deadline, penalty: Deadline) {
            self.licensing = licensing
            self.penalty = penalty
        }

        public subscript(decision: DisclosureDecision) -> Deadline {
            switch decision {
            case .licensing: licensing
            case .penalty: penalty
            }
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case licensing, penalty }

        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            licensing = try container.decode(Deadline.self, forKey: .licensing)
            penalty = try container.decode(Deadline.self, forKey: .penalty)
        }
    }

    /// A 领域 (`HOUSING` 住房保障 …).
    public struct Domain: Hashable, Sendable, Codable {
        /// Upper-case code, the prefix of its item types' codes.
        public var code: String
        /// Chinese name (领域).
        public var name: String
        /// What the domain covers, where the opinions spell it out.
        public var scope: String?
        /// What is withheld from disclosure in this domain (除涉及商业秘密外 …).
        public var exception: String?
        /// Which systems typically send it (informative).
        public var typicalSources: String?

        public init(code: String, name: String, scope: String? = nil, exception: String? = nil, typicalSources: String? = nil) {
            self.code = code
            self.name = name
            self.scope = scope
            self.exception = exception
            self.typicalSources = typicalSources
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case code, name, scope, exception, typicalSources }

        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decode(String.self, forKey: .code)
            name = try container.decode(String.self, forKey: .name)
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            exception = try container.decodeIfPresent(String.self, forKey: .exception)
            typicalSources = try container.decodeIfPresent(String.self, forKey: .typicalSources)
        }
    }

    /// A 公开事项 (`LAND.DEAL_PUBLICITY` 成交公示 …).
    public struct ItemType: Hashable, Sendable, Codable {
        /// `DOMAIN.NAME`.
        public var code: String
        /// Chinese name (公开事项).
        public var name: String
        /// The content the opinions name for it (may be empty).
        public var content: [String]
        /// Deadline of a record that is not an administrative decision.
        public var deadline: Deadline
        /// True for the 交易活动违法失信行为记录 item: its records also become credit records.
        public var credit: Bool
        /// The decision its records are unless the mapping flags otherwise (`penalty` for `*.CREDIT`).
        public var decision: DisclosureDecision?

        public init(
            code: String, name: String, content: [String] = [], deadline: Deadline = Deadline(workingDays: 20), credit: Bool = false,
            decision: DisclosureDecision? = nil
        ) {
            self.code = code
            self.name = name
            self.content = content
            self.deadline = deadline
            self.credit = credit
            self.decision = decision
        }

        /// The domain code: the part of ``code`` before the dot.
        public var domain: String {
            String(code.prefix { $0 != "." })
        }

        /// ``deadline`` in working days.
        public var deadlineWorkingDays: Int { deadline.workingDays }

        private enum CodingKeys: String, CodingKey, CaseIterable { case code, name, content, deadline, credit, decision }

        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decode(String.self, forKey: .code)
            name = try container.decode(String.self, forKey: .name)
            content = try container.decodeIfPresent([String].self, forKey: .content) ?? []
            deadline = try container.decode(Deadline.self, forKey: .deadline)
            credit = try container.decodeIfPresent(Bool.self, forKey: .credit) ?? false
            decision = try container.decodeIfPresent(DisclosureDecision.self, forKey: .decision)
        }
    }
}
