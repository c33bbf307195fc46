import Crypto
import Foundation

/// What the mapping files under a directory look like right now: path and content hash of every YAML file the
/// loader reads (`catalog.yaml`, `calendars/`, `codes/`, `systems/`).
///
/// Content hashes rather than modification times: a copy that keeps times (`cp -p`, `rsync -t`) or a clock step
/// must still be seen, and the directory is a few dozen small files, cheap to hash every few seconds.
/// `tests/` (sample batches) does not shape what the gateway maps and is left out.
struct MappingFingerprint: Hashable, Sendable {
    static let folders = ["", "calendars", "codes", "systems"]

    var files: [String: String]

    static func read(directory: String) -> MappingFingerprint {
        let base = URL(fileURLWithPath: directory)
        var files: [String: String] = [:]
        for folder in folders {
            let url = folder.isEmpty ? base : base.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let relative = folder.isEmpty ? name : "\(folder)/\(name)"
                guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) else { continue }
                files[relative] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            }
        }
        return MappingFingerprint(files: files)
    }
}
