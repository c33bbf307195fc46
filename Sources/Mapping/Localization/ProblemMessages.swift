/// The mapping's own rules and their messages in both languages. Standard checks (identifiers,
/// amounts, catalog, calendar) bring their own messages from `ExchangeStandard`.
enum ProblemMessages {
    static func required(_ field: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "required", value: nil, chinese: "必填字段 \(field) 缺失或为空",
            english: "required field \(field) is missing or empty")
    }

    static func unknownCode(_ field: String, value: String, table: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "unknown_code", value: value, chinese: "代码“\(value)”不在代码表 \(table) 中",
            english: "code '\(value)' is not in code table \(table)")
    }

    static func date(_ field: String, value: String, formats: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "date", value: value, chinese: "日期“\(value)”无效或格式不符（应为 \(formats)）",
            english: "'\(value)' is not a valid date in the format \(formats)")
    }

    static func unit(_ field: String, value: String, unit: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "amount.unit", value: value, chinese: "金额单位“\(unit)”无法识别（应为 元、万元 或 亿元）",
            english: "amount unit '\(unit)' is not one of 元, 万元, 亿元")
    }

    static func number(_ field: String, value: String, integer: Bool) -> RecordProblem {
        RecordProblem(
            field: field, rule: "number", value: value, chinese: "“\(value)”不是有效的\(integer ? "整数" : "数字")",
            english: "'\(value)' is not a valid \(integer ? "integer" : "decimal number")")
    }

    static func boolean(_ field: String, value: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "boolean", value: value, chinese: "“\(value)”不是可识别的是/否取值",
            english: "'\(value)' is not a recognised true/false value")
    }

    static func pairs(_ field: String, value: String, separator: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "pairs", value: value, chinese: "“\(value)”不是“名称\(separator)值”形式",
            english: "'\(value)' is not of the form name\(separator)value")
    }

    static func enumeration(_ field: String, value: String, allowed: [String]) -> RecordProblem {
        RecordProblem(
            field: field, rule: "enum", value: value, chinese: "“\(value)”不是 \(field) 的有效取值（可选：\(allowed.joined(separator: "、"))）",
            english: "'\(value)' is not a valid \(field) (one of: \(allowed.joined(separator: ", ")))")
    }

    static func domainMismatch(_ field: String, itemType: String, domain: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "catalog.domainMismatch", value: itemType, chinese: "公开事项 \(itemType) 不属于领域 \(domain)",
            english: "item type \(itemType) does not belong to domain \(domain)")
    }

    static func conditionallyRequired(_ field: String, because reason: String, reasonEnglish: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "required", value: nil, chinese: "\(reason)时必须填写 \(field)",
            english: "\(field) is required when \(reasonEnglish)")
    }

    static func idType(_ field: String, value: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "enum", value: value,
            chinese: "证件类型“\(value)”无效（可选：身份证、护照号、港澳居民来往内地通行证、台湾居民来往大陆通行证、外国人永久居留身份证、其他-…）",
            english: "identity document type '\(value)' is not one of the standard's types")
    }

    static func validityBeforeDecision(_ field: String, value: String, decided: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "date.order", value: value, chinese: "处罚有效期 \(value) 早于处罚决定日期 \(decided)",
            english: "validity end \(value) is before the decision date \(decided)")
    }

    static func withdrawUnknown(_ field: String, value: String) -> RecordProblem {
        RecordProblem(
            field: field, rule: "withdraw_unknown", value: value, chinese: "撤回的记录 \(value) 此前从未被网关接收，无可撤回",
            english: "record \(value) is withdrawn but the gateway never received it")
    }
}
