import ArgumentParser

/// The gateway's command line: the server and the tools integrators and operators run beside it.
@main
struct CreditGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit-gateway",
        abstract: "Zhejiang public-resource disclosure and trading-credit exchange gateway (公共资源配置信息与信用记录交换网关).",
        subcommands: [
            ServeCommand.self, TranslateCommand.self, MappingsCommand.self, TokenCommand.self, AuditCommand.self, ReplayCommand.self,
            ReportCommand.self,
        ]
    )
}

/// `--lang en` for English; Chinese is the default for everything a user reads.
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: "Language of messages: zh (default) or en.")
    var lang: String = "zh"

    var language: MessageLanguageChoice { lang.lowercased().hasPrefix("en") ? .english : .chinese }
}

enum MessageLanguageChoice {
    case chinese
    case english
}
