/// Masking of personal identification numbers for every public channel (trading hub, Credit Zhejiang).
///
/// The credit platform's pull feed is an authenticated government channel and receives numbers unmasked;
/// everything else gets them through these functions (`spec/credit-record.md`, "Personal data").
public enum PersonalDataMasking {
    /// The character that replaces hidden characters.
    public static let maskCharacter: Character = "*"

    /// Keeps the first 6 and the last 4 characters of an 18-character 身份证 number, `*` between
    /// (`330302197905124786` → `330302********4786`).
    ///
    /// Other lengths (passports, 港澳/台湾 permits, 15-digit numbers, typos) follow one rule so that no input is
    /// shown in full: at least 8 characters are hidden, as many as in the 18-character case. Inputs of 8
    /// characters or fewer are masked entirely; of the characters left visible, up to 4 stay at the end and the
    /// rest (at most 6) at the start. Longer inputs keep 6 + 4. The output always has the input's length
    /// (`E12345678` → `E********`, a 15-digit number keeps 4 + 3: `3303********478`).
    public static func maskIDNumber(_ number: String) -> String {
        let characters = Array(number)
        let count = characters.count
        let hidden = max(count - 10, min(count, 8))
        let visible = count - hidden
        let tail = min(4, visible / 2)
        let head = visible - tail
        return String(characters.prefix(head)) + String(repeating: maskCharacter, count: hidden) + String(characters.suffix(tail))
    }

    /// The party as a public channel may see it: its ``Party/idNumber`` masked, whatever its kind (an
    /// individual business's number is its operator's personal number too).
    public static func masked(_ party: Party) -> Party {
        var copy = party
        copy.idNumber = party.idNumber.map(maskIDNumber)
        return copy
    }

    /// The hub record as the trading hub receives it: every party's and the responsible subject's ID number masked.
    public static func masked(_ record: HubRecord) -> HubRecord {
        var copy = record
        copy.responsible = masked(record.responsible)
        copy.parties = record.parties?.map(masked)
        return copy
    }

    /// The credit record as Credit Zhejiang publishes it: the subject's 证件号码 (`CF_XDR_ZJHM`) masked, the legal
    /// representative's (`CF_FR_ZJHM`) removed, since it is never published.
    public static func maskedForPublication(_ record: CreditRecord) -> CreditRecord {
        var copy = record
        copy.CF_XDR_ZJHM = record.CF_XDR_ZJHM.map(maskIDNumber)
        copy.CF_FR_ZJHM = nil
        return copy
    }
}
