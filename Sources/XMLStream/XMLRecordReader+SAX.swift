import CLibXML2

// MARK: - The SAX2 handler table
//
// The table is the reader's security boundary:
// - entity declarations (general or parameter, internal or external) are refused when declared,
//   and the parse stops there, so a billion-laughs document ends at its first declaration;
// - `getEntity`/`getParameterEntity` refuse every name (libxml2 resolves the five predefined
//   entities before asking), so no entity is ever expanded, not even one libxml2 recorded on its
//   own ("expat compatibility", in a document the reader frees); `reference` refuses what libxml2
//   lets through as a warning (undeclared entities in a document with an external DTD), and
//   `resolveEntity` refuses to load anything;
// - there is no `externalSubset` callback, so a DOCTYPE's external DTD is never read; the
//   DOCTYPE itself is accepted, as are element, attribute-list and notation declarations, but
//   attribute values defaulted by the DTD are not reported (the document text is what counts,
//   and a default repeated on every element would be an amplification like entities).

extension XMLRecordReader {
    static func makeSAXHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = cxml_sax2_magic()

        handler.startElementNs = { context, localName, prefix, uri, namespaceCount, _, attributeCount, defaultedCount, attributes in
            guard let localName else { return }
            withReader(context) { reader in
                reader.startElement(
                    localName: localName, prefix: prefix, uri: uri, namespaceCount: Int(namespaceCount),
                    attributeCount: Int(attributeCount - defaultedCount), attributes: attributes)
            }
        }
        handler.endElementNs = { context, _, _, _ in
            withReader(context) { reader in
                guard reader.callbackError == nil else { return }
                do throws(XMLStreamError) { try reader.assembler.endElement() } catch { reader.raise(error) }
            }
        }
        // One function for all three, so that libxml2 sees `ignorableWhitespace == characters`
        // and never tries to tell layout whitespace from content.
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let bytes else { return }
            withReader(context) { reader in
                guard reader.callbackError == nil else { return }
                do throws(XMLStreamError) {
                    try reader.assembler.characters(UnsafeBufferPointer(start: bytes, count: Int(count)))
                } catch {
                    reader.raise(error)
                }
            }
        }
        handler.characters = characters
        handler.ignorableWhitespace = characters
        handler.cdataBlock = characters

        handler.entityDecl = { context, name, type, _, _, _ in
            let name = name.map { String(cString: $0) } ?? ""
            switch xmlEntityType(UInt32(type)) {
            case XML_EXTERNAL_GENERAL_PARSED_ENTITY, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY, XML_EXTERNAL_PARAMETER_ENTITY:
                readerFrom(context)?.raise(
                    XMLStreamError(
                        code: .externalEntity,
                        message: "the DOCTYPE declares the external entity '\(name)'; external entities are never loaded",
                        position: nil))
            default:
                readerFrom(context)?.raise(
                    XMLStreamError(
                        code: .doctypeEntities,
                        message: "the DOCTYPE declares the entity '\(name)'; documents that declare entities are refused",
                        position: nil))
            }
        }
        handler.unparsedEntityDecl = { context, name, _, _, _ in
            let name = name.map { String(cString: $0) } ?? ""
            readerFrom(context)?.raise(
                XMLStreamError(
                    code: .externalEntity,
                    message: "the DOCTYPE declares the external entity '\(name)'; external entities are never loaded",
                    position: nil))
        }
        handler.getEntity = { context, name in
            let name = name.map { String(cString: $0) } ?? ""
            readerFrom(context)?.raise(
                XMLStreamError(
                    code: .entityReference,
                    message: "reference to the undeclared entity &\(name);; only &lt; &gt; &amp; &apos; &quot; and character references are allowed",
                    position: nil))
            return nil
        }
        handler.getParameterEntity = { context, name in
            let name = name.map { String(cString: $0) } ?? ""
            readerFrom(context)?.raise(
                XMLStreamError(code: .entityReference, message: "reference to the undeclared parameter entity %\(name);", position: nil))
            return nil
        }
        handler.reference = { context, name in
            let name = name.map { String(cString: $0) } ?? ""
            readerFrom(context)?.raise(
                XMLStreamError(code: .entityReference, message: "reference to the undeclared entity &\(name);", position: nil))
        }
        handler.resolveEntity = { context, _, systemID in
            let target = systemID.map { " '\(String(cString: $0))'" } ?? ""
            readerFrom(context)?.raise(
                XMLStreamError(
                    code: .externalEntity, message: "libxml2 asked to load\(target); external resources are never loaded", position: nil))
            return nil
        }
        handler.serror = { context, error in
            guard let error else { return }
            readerFrom(context)?.reportParserError(error.pointee)
        }
        return handler
    }

    // MARK: - Elements

    private func startElement(
        localName: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, namespaceCount: Int,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard callbackError == nil else { return }
        let nameIndex = elementNameIndex(localName, uri)
        let position = startTagPosition()
        do throws(XMLStreamError) {
            try assembler.admitElement(nameIndex: nameIndex, attributeCount: attributeCount + namespaceCount, at: position)
            // Converted into the reader's scratch list, whose storage is kept between elements: the assembler copies
            // the attributes into the record (a list per element was an allocation per element with attributes).
            // Emptied only when it holds something: most elements have no attributes, and emptying an array goes
            // through its generic `replaceSubrange` even when there is nothing to remove.
            if !attributeScratch.isEmpty { attributeScratch.removeAll(keepingCapacity: true) }
            if let attributes, attributeCount > 0 {
                // libxml2 passes five pointers per attribute: local name, prefix, URI, value start, value end.
                for index in 0..<attributeCount {
                    let entry = attributes + 5 * index
                    guard let localPointer = entry[0], let start = entry[3], let end = entry[4] else { continue }
                    let attributeName = XMLQualifiedName(interned(localPointer), namespaceURI: entry[2].map(interned) ?? "")
                    let length = end - start
                    if length > limits.maxTextNodeBytes {
                        throw XMLStreamError(
                            code: .textLimit,
                            message: "attribute \(attributeName) of <\(assembler.name(at: nameIndex))> is longer than \(limits.maxTextNodeBytes) bytes",
                            position: position)
                    }
                    let value = Self.attributeValue(UnsafeBufferPointer(start: start, count: length))
                    attributeScratch.append(XMLAttributeNode(name: attributeName, prefix: entry[1].map(interned), value: value))
                }
            }
            // Most elements have none: the empty literal is passed as it is, while the scratch list, a property, was
            // retained for the call and released after it.
            try assembler.startElement(
                nameIndex: nameIndex, prefix: prefix.map(interned), attributes: attributeScratch.isEmpty ? [] : attributeScratch, position: position)
        } catch {
            raise(error)
        }
    }

    /// An attribute value as the document means it. Without entity substitution (never wanted
    /// here) libxml2 hands out an `&` that came from `&amp;` or `&#38;` re-escaped as `&#38;`,
    /// for a tree builder to undo; a literal `&` cannot occur, so every `&#38;` is one `&`.
    private static func attributeValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        let escape = Array("&#38;".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&") && bytes[index...].starts(with: escape) {
                result.append(UInt8(ascii: "&"))
                index += escape.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// An element name's index in the assembler's name table, the name made and registered once per distinct pair of
    /// libxml2's interned pointers (and name table). A slot per pointer hash answers nearly every element; hashing the
    /// pointer pair into the dictionary for each one cost twice what converting the names had (make bench-profile).
    /// Only the index is handed on: copying the name out for every element retained and released its strings.
    private func elementNameIndex(_ localName: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?) -> Int32 {
        if elementNamesGeneration != assembler.nameTableGeneration {
            elementNames.removeAll(keepingCapacity: true)
            elementNameSlots = []
            elementNamesGeneration = assembler.nameTableGeneration
        }
        let key = InternedElementName(localName: UnsafeRawPointer(localName), namespaceURI: uri.map(UnsafeRawPointer.init))
        let slot = key.slot
        if slot < elementNameSlots.count, let known = elementNameSlots[slot], known.key == key { return known.index }
        let index: Int32
        if let known = elementNames[key] {
            index = known
        } else {
            index = assembler.register(XMLQualifiedName(interned(localName), namespaceURI: uri.map(interned) ?? ""))
            elementNames[key] = index
        }
        if elementNameSlots.isEmpty { elementNameSlots = Array(repeating: nil, count: InternedElementName.slotCount) }
        elementNameSlots[slot] = (key, index)
        return index
    }

    /// A name from libxml2's dictionary as a Swift string, converted once per distinct name.
    private func interned(_ pointer: UnsafePointer<xmlChar>) -> String {
        let key = UnsafeRawPointer(pointer)
        if let string = nameCache[key] { return string }
        let string = String(cString: pointer)
        // Names are few in honest documents; a document that invents names cannot grow the cache.
        if nameCache.count >= 4096 { nameCache.removeAll(keepingCapacity: true) }
        nameCache[key] = string
        return string
    }
}

/// The reader libxml2 hands back as the callbacks' user data (a free function: C callbacks cannot capture).
private func readerFrom(_ context: UnsafeMutableRawPointer?) -> XMLRecordReader? {
    context.map { Unmanaged<XMLRecordReader>.fromOpaque($0).takeUnretainedValue() }
}

/// Runs `body` with the reader of the element and text callbacks, which run for every tag and text run:
/// the reader outlives the parse it drives (it owns the parser), so it is borrowed, not retained and released
/// around each call.
private func withReader(_ context: UnsafeMutableRawPointer?, _ body: (XMLRecordReader) -> Void) {
    guard let context else { return }
    Unmanaged<XMLRecordReader>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
}

/// An element name as libxml2 passes it: pointers into its dictionary, equal for equal names within one parse.
struct InternedElementName: Hashable {
    var localName: UnsafeRawPointer
    var namespaceURI: UnsafeRawPointer?

    static let slotCount = 256

    /// The slot of the reader's direct-mapped cache: dictionary entries are at least 8-byte aligned.
    var slot: Int {
        let bits = UInt(bitPattern: localName) >> 3 ^ (namespaceURI.map { UInt(bitPattern: $0) >> 5 } ?? 0)
        return Int(bits & UInt(Self.slotCount - 1))
    }
}
