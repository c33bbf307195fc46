import ExchangeStandard
import Foundation
import Testing

@Suite("Amount")
struct AmountTests {
    @Test(
        "reads what sources send",
        arguments: [
            ("12,860,000.00", AmountUnit.yuan, "12860000.00", "1286", false),
            ("213870.5", .wanYuan, "2138705000.00", "213870.5", false),
            ("186000", .wanYuan, "1860000000.00", "186000", false),
            ("9,600", .wanYuan, "96000000.00", "9600", false),
            ("1350", .wanYuan, "13500000.00", "1350", false),
            ("4,200,000", .yuan, "4200000.00", "420", false),
            ("6,150.00", .yuan, "6150.00", "0.615", false),
            ("412,000.00", .yuan, "412000.00", "41.2", false),
            ("20,600.00", .yuan, "20600.00", "2.06", false),
            ("86,312,540.37", .yuan, "86312540.37", "8631.254037", false),
            ("3,120.55", .wanYuan, "31205500.00", "3120.55", false),
        ] as [(String, AmountUnit, String, String, Bool)]
    )
    func withDefaultUnit(text: String, unit: AmountUnit, yuan: String, wanYuan: String, perYear: Bool) throws {
        let amount = try Amount.parse(text, defaultUnit: unit)
        #expect(amount.yuanString == yuan)
        #expect(amount.wanYuanString == wanYuan)
        #expect(amount.perYear == perYear)
    }

    @Test(
        "reads a unit suffix in the text",
        arguments: [
            ("4,360.00万元", "43600000.00", false),
            ("4,212.36万元", "42123600.00", false),
            ("2,018.00万元", "20180000.00", false),
            ("85.2万元/年", "852000.00", true),
            ("3.5亿元", "350000000.00", false),
            ("6,150.00元", "6150.00", false),
            ("18,230.11 万元", "182301100.00", false),
            ("  1,022.48 万元\n", "10224800.00", false),
            ("１２３万元", "1230000.00", false),
            ("１，２３４．５元", "1234.50", false),
            ("85.2万元／年", "852000.00", true),
            ("\u{3000}6150元\u{3000}", "6150.00", false),
        ]
    )
    func withUnitSuffix(text: String, yuan: String, perYear: Bool) throws {
        let amount = try Amount.parse(text)
        #expect(amount.yuanString == yuan)
        #expect(amount.perYear == perYear)
    }

    @Test("a unit in the text wins over the default unit")
    func statedUnitWins() throws {
        #expect(try Amount.parse("2,018.00万元", defaultUnit: .yuan).yuanString == "20180000.00")
        #expect(try Amount.parse("6,150.00元", defaultUnit: .wanYuan).yuanString == "6150.00")
    }

    @Test("万元 and 亿元 convert to 元 exactly, with no binary rounding")
    func exactConversion() throws {
        let dealPrice = try Amount.parse("213870.5", defaultUnit: .wanYuan)
        #expect(dealPrice.microYuan == 2_138_705_000_000_000)
        #expect(dealPrice.yuan == Decimal(string: "2138705000")!)
        #expect(try Amount.parse("0.1", defaultUnit: .yuan).yuan == Decimal(sign: .plus, exponent: -1, significand: 1))
        #expect(try Amount.parse("0.615", defaultUnit: .wanYuan) == Amount.parse("6150", defaultUnit: .yuan))
        #expect(try Amount.parse("0.000001", defaultUnit: .wanYuan).yuanString == "0.01")
        #expect(try Amount.parse("1.23456789012345", defaultUnit: .yiYuan).yuanString == "123456789.01")
        #expect(try Amount.parse("1.23456789012345", defaultUnit: .yiYuan).microYuan == 123_456_789_012_345)
        // 0.1 + 0.2 style: ten times 0.1 元 is exactly 1 元.
        let tenth = try Amount.parse("0.1", defaultUnit: .yuan)
        #expect(tenth.microYuan * 10 == Amount.microYuanPerYuan)
    }

    @Test(
        "formatting rounds half-up to the fen",
        arguments: [
            ("0.005", "0.01", "0.000001"),
            ("0.0049", "0.00", "0"),
            ("0.0050", "0.01", "0.000001"),
            ("1.994999", "1.99", "0.000199"),
            ("1.995", "2.00", "0.0002"),
            ("12345.678", "12345.68", "1.234568"),
            ("0", "0.00", "0"),
            ("0.00", "0.00", "0"),
            ("10000", "10000.00", "1"),
            ("100000000", "100000000.00", "10000"),
        ])
    func halfUp(text: String, yuan: String, wanYuan: String) throws {
        let amount = try Amount.parse(text, defaultUnit: .yuan)
        #expect(amount.yuanString == yuan)
        #expect(amount.wanYuanString == wanYuan)
    }

    @Test("wanYuanString has at most six decimals, no trailing zeros and no bare dot")
    func wanYuanString() throws {
        #expect(try Amount.parse("6,150.00", defaultUnit: .yuan).wanYuanString == "0.615")
        #expect(try Amount.parse("412,000.00", defaultUnit: .yuan).wanYuanString == "41.2")
        #expect(try Amount.parse("20,600.00", defaultUnit: .yuan).wanYuanString == "2.06")
        #expect(try Amount.parse("13,500,000", defaultUnit: .yuan).wanYuanString == "1350")
        #expect(try Amount.parse("0.01", defaultUnit: .yuan).wanYuanString == "0.000001")
    }

    @Test(
        "rejects text that is not an amount, with the reason",
        arguments: [
            ("abc", AmountParseError.Code.notANumber),
            ("", .empty),
            ("   ", .empty),
            ("1,2,3.4.5", .notANumber),
            ("1.2.3", .notANumber),
            ("1,23", .thousandsSeparator),
            ("12,3456", .thousandsSeparator),
            ("1234,567", .thousandsSeparator),
            (",123", .thousandsSeparator),
            ("1,,234", .thousandsSeparator),
            ("1,234.5,6", .thousandsSeparator),
            ("-5", .negative),
            ("-1,000.00万元", .negative),
            ("－5元", .negative),
            ("+5", .notANumber),
            ("1e5", .notANumber),
            (".5", .notANumber),
            ("5.", .notANumber),
            ("1350万", .notANumber),
            ("12 345", .notANumber),
            ("万元", .notANumber),
            ("12美元", .notANumber),
            ("0.0000001", .tooPrecise),
            ("99999999999999", .tooLarge),
            ("9,223,372,036,855", .tooLarge),
        ] as [(String, AmountParseError.Code)]
    )
    func rejects(text: String, code: AmountParseError.Code) {
        let failure = #expect(throws: AmountParseError.self) { try Amount.parse(text, defaultUnit: .yuan) }
        #expect(failure?.code == code)
        #expect(failure?.text == text)
        #expect(failure?.rule == "amount.\(code.rawValue)")
    }

    @Test("a bare number with no default unit is an error: unit missing")
    func unitMissing() throws {
        let error = #expect(throws: AmountParseError.self) { try Amount.parse("1350") }
        #expect(error?.code == .unitMissing)
        #expect(error?.message.contains("unit missing") == true)
        #expect(error?.chineseMessage.contains("缺少单位") == true)
        // Not a number comes before unit missing.
        #expect(throws: AmountParseError(code: .notANumber, text: "abc")) { try Amount.parse("abc") }
    }

    @Test("the largest amount and the Decimal bridge")
    func range() throws {
        #expect(try Amount.parse("9,223,372,036,854.775807", defaultUnit: .yuan).microYuan == Int64.max)
        #expect(try Amount.parse("92233.72036854775807", defaultUnit: .yiYuan).microYuan == Int64.max)
        #expect(Amount(yuan: Decimal(string: "2138705000.5")!)?.yuanString == "2138705000.50")
        #expect(Amount(yuan: Decimal(string: "-1")!) == nil)
        #expect(Amount(yuan: Decimal(string: "0.0000001")!) == nil)
        #expect(Amount(microYuan: 852_000_000_000, perYear: true).description == "852000.00元/年")
    }

    @Test("a hub amount is 元 with two decimals")
    func moneyAmount() throws {
        let money = MoneyAmount(kind: "dealPrice", amount: try Amount.parse("213870.5", defaultUnit: .wanYuan))
        #expect(money == MoneyAmount(kind: "dealPrice", value: "2138705000.00", currency: "CNY"))
    }

    @Test("units")
    func units() {
        #expect(AmountUnit(rawValue: "万元") == .wanYuan)
        #expect(AmountUnit(rawValue: "亿元") == .yiYuan)
        #expect(AmountUnit(rawValue: "元") == .yuan)
        #expect(AmountUnit.allCases.map(\.exponentOfTen) == [0, 4, 8])
    }

    /// Bare ASCII numbers take a byte-level fast path; a unit suffix sends the same number through the full
    /// parser. Both must agree on every input, valid or not.
    @Test("the fast path for bare numbers agrees with the full parser on every input")
    func fastPathAgreesWithFullParser() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789,.,0")
        var compared = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...14, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            for unit in [AmountUnit.yuan, .wanYuan, .yiYuan] {
                let fast = Result { () throws(AmountParseError) in try Amount.parse(text, defaultUnit: unit) }
                let full = Result { () throws(AmountParseError) in try Amount.parse(text + unit.rawValue) }
                switch (fast, full) {
                case (.success(let a), .success(let b)):
                    #expect(a == b, "\(text) \(unit)")
                case (.failure(let a), .failure(let b)):
                    #expect(a.code == b.code, "\(text) \(unit)")
                default:
                    Issue.record("\(text) \(unit): \(fast) vs \(full)")
                }
                compared += 1
            }
        }
        #expect(compared == 60_000)
    }
    @Test("yuan text is the rounded fen with two decimals, for every size of amount")
    func yuanTextByDigits() {
        var generator = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 1, 4_999, 5_000, 9_999, 10_000, 994_999, 995_000, 1_000_000, Int64.max - 10_000]
        values += (0..<20_000).map { _ in Int64.random(in: 0...Int64.max / Int64.random(in: 1...1_000_000_000_000, using: &generator), using: &generator) }
        for microYuan in values {
            let amount = Amount(microYuan: microYuan)
            let fen = (microYuan + 5_000) / 10_000
            let cents = fen % 100
            #expect(amount.yuanString == "\(fen / 100).\(cents < 10 ? "0" : "")\(cents)", "\(microYuan)")
        }
    }
}
