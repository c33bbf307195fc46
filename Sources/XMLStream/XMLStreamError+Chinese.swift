extension XMLStreamError.Code {
    /// A short Chinese description of the code, for the gateway's UI and the department's error report.
    public var chineseDescription: String {
        switch self {
        case .malformed: "XML 格式错误"
        case .empty: "报文为空"
        case .notXML: "报文不是 XML 格式"
        case .truncated: "XML 报文不完整（疑似被截断）"
        case .encoding: "字符编码错误"
        case .doctypeEntities: "拒绝含实体声明的 DOCTYPE"
        case .externalEntity: "拒绝加载外部实体或外部 DTD"
        case .entityReference: "引用了未声明的实体"
        case .depthLimit: "元素嵌套层级超过上限"
        case .textLimit: "文本内容或属性值超过长度上限"
        case .attributeLimit: "元素属性数量超过上限"
        case .recordLimit: "记录条数超过上限"
        case .sizeLimit: "报文大小超过上限"
        case .contextLimit: "记录以外的上下文内容超过上限"
        case .recordSizeLimit: "单条记录超过大小上限"
        case .markupLimit: "单个标签、注释或处理指令超过长度上限"
        case .io: "文件读取失败"
        case .readerFinished: "报文已读取完毕，读取器不能再使用"
        default: "XML 处理错误"
        }
    }
}

extension XMLStreamError {
    /// The error for a person: for `zh…` languages the Chinese description with the position, then
    /// libxml2's or the reader's English detail; for any other language `description`.
    public func localizedMessage(language: String) -> String {
        guard language.lowercased().hasPrefix("zh") else { return description }
        let place = position.map { "（第 \($0.line) 行第 \($0.column) 列）" } ?? ""
        return "\(code.chineseDescription)\(place)：\(message)"
    }
}
