/// A catalog lookup that found nothing, or catalog data that breaks the catalog's own rules.
public enum CatalogError: StandardRuleFailure {
    /// No item type has this code (e.g. a mapping's code table produced `HOUSING.FPXX`).
    case unknownItemType(String)
    /// No domain has this code.
    case unknownDomain(String)
    /// Two domains or two item types share a code.
    case duplicateCode(String)
    /// A domain code that is not upper-case `A-Z0-9_`, or an item type code that is not `DOMAIN.NAME`.
    case invalidCode(String)
    /// A deadline below one working day.
    case invalidDeadline(code: String, workingDays: Int)

    public var rule: String {
        switch self {
        case .unknownItemType: "catalog.unknownItemType"
        case .unknownDomain: "catalog.unknownDomain"
        case .duplicateCode: "catalog.duplicateCode"
        case .invalidCode: "catalog.invalidCode"
        case .invalidDeadline: "catalog.invalidDeadline"
        }
    }

    public var message: String {
        switch self {
        case .unknownItemType(let code): "unknown item type \"\(code)\": not in the disclosure catalog"
        case .unknownDomain(let code): "unknown domain \"\(code)\": not in the disclosure catalog"
        case .duplicateCode(let code): "catalog code \"\(code)\" is defined twice"
        case .invalidCode(let code): "catalog code \"\(code)\" is not of the form DOMAIN or DOMAIN.NAME (A-Z, 0-9, _)"
        case .invalidDeadline(let code, let days): "deadline of \"\(code)\" is \(days) working days; it must be at least 1"
        }
    }

    public var chineseMessage: String {
        switch self {
        case .unknownItemType(let code): "公开事项“\(code)”不在主动公开目录中"
        case .unknownDomain(let code): "领域“\(code)”不在主动公开目录中"
        case .duplicateCode(let code): "目录代码“\(code)”重复定义"
        case .invalidCode(let code): "目录代码“\(code)”格式错误（应为 领域 或 领域.事项，仅大写字母、数字和下划线）"
        case .invalidDeadline(let code, let days): "“\(code)”的公开时限为\(days)个工作日，至少应为1个工作日"
        }
    }
}
