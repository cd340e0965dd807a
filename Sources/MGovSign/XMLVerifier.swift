import Foundation
import MGovCore
import MGovCrypto
import MGovXML

/// Verifies every ds:Signature of a document. Refuses what XMLDSig allows but
/// attacks use: other-document URIs, XSLT and XPath transforms, duplicate IDs,
/// HMACOutputLength, HMAC without a key, SHA-1 without --allow-sha1.
public struct XMLVerifier: Sendable {
    public let options: VerificationOptions

    public init(options: VerificationOptions) { self.options = options }

    public func verify(_ document: XMLDocument) throws -> [SignatureReport] {
        let signatures = try signatureElements(document)
        guard !signatures.isEmpty else { throw SignError.noSignature(document.name, kind: "ds:Signature element") }
        // Duplicate IDs anywhere are an error before anything is checked (signature wrapping).
        let ids = try document.elementsByID(attributeNames: options.idAttributes)
        return signatures.map { verify($0, in: document, ids: ids) }
    }

    /// The content the signatures cover, for --content-output: for URI="" the
    /// document without its signatures; else the signed elements.
    public func signedContent(_ document: XMLDocument, reports: [SignatureReport]) throws -> Data {
        let ids = try document.elementsByID(attributeNames: options.idAttributes)
        var parts: [Data] = []
        for (signature, report) in zip(try signatureElements(document), reports) where report.valid && report.trusted {
            guard let signedInfo = signature.child("SignedInfo", namespace: DSig.namespace) else { continue }
            for reference in signedInfo.children("Reference", namespace: DSig.namespace) {
                let uri = reference.attribute("URI") ?? ""
                let transforms = try (reference.child("Transforms", namespace: DSig.namespace)?.children("Transform", namespace: DSig.namespace) ?? [])
                    .map(XMLTransform.parse)
                let envelopedOnly = transforms.filter { $0 == .enveloped }
                let resolved = try ReferenceResolver.resolve(uri: uri, transforms: envelopedOnly + [.canonicalize(.c14n10, prefixes: [])],
                                                             document: document, ids: ids, signature: signature)
                parts.append(try resolved.octets())
            }
        }
        return parts.reduce(Data(), +)
    }

    func signatureElements(_ document: XMLDocument) throws -> [XMLNode] {
        guard let expression = options.signatureXPath else { return document.elements(named: "Signature", namespace: DSig.namespace) }
        let selected = try document.select(xpath: expression, namespaces: ["ds": DSig.namespace])
        return selected.filter { $0.name == "Signature" && $0.namespaceURI == DSig.namespace }
    }

    func verify(_ signature: XMLNode, in document: XMLDocument, ids: IDIndex) -> SignatureReport {
        var report = SignatureReport()
        report.path = signature.path
        do {
            try check(signature, document: document, ids: ids, report: &report)
        } catch SignError.noSignerKey(let text) {
            report.problems.append(text)
            // Without a key the signature cannot be checked; a reference that no longer matches is known bad all the same.
            report.checked = !report.references.allSatisfy(\.valid)
        } catch let error as UserFacingError {
            report.problems.append(error.description)
            report.valid = false
            report.trusted = false
        } catch let error as XMLError {
            report.problems.append(error.description)
            report.valid = false
            report.trusted = false
        } catch {
            report.problems.append(String(describing: error))
            report.valid = false
            report.trusted = false
        }
        return report
    }

    private func check(_ signature: XMLNode, document: XMLDocument, ids: IDIndex, report: inout SignatureReport) throws {
        guard let signedInfo = signature.child("SignedInfo", namespace: DSig.namespace) else {
            throw SignError.malformedSignature("no SignedInfo")
        }
        guard let c14nNode = signedInfo.child("CanonicalizationMethod", namespace: DSig.namespace),
              let c14nURI = c14nNode.attribute("Algorithm"), let c14n = CanonicalizationMethod(uri: c14nURI) else {
            throw SignError.unsupported("the SignedInfo canonicalization method is missing or unknown")
        }
        report.canonicalization = c14n.shortName
        guard let methodNode = signedInfo.child("SignatureMethod", namespace: DSig.namespace),
              let methodURI = methodNode.attribute("Algorithm") else { throw SignError.malformedSignature("no SignatureMethod") }
        guard let algorithm = XMLSignatureAlgorithm(uri: methodURI) else {
            throw SignError.unsupported("the signature method \(methodURI)")
        }
        report.signatureAlgorithm = algorithm.description
        if methodNode.child("HMACOutputLength", namespace: DSig.namespace) != nil {
            throw SignError.refused("HMACOutputLength is refused (truncated HMACs, CVE-2009-0217)")
        }
        if case .hmac = algorithm, options.hmacKey == nil {
            throw SignError.refused("HMAC signatures are refused unless --hmac-key FILE gives the shared key")
        }
        var usesSHA1 = algorithm.digest == .sha1

        let references = signedInfo.children("Reference", namespace: DSig.namespace)
        guard !references.isEmpty else { throw SignError.malformedSignature("SignedInfo has no Reference") }
        var allReferencesValid = true
        for reference in references {
            let checked = try Self.checkReference(reference, document: document, ids: ids, signature: signature)
            if checked.digest == .sha1 { usesSHA1 = true }
            allReferencesValid = allReferencesValid && checked.valid
            report.references.append(ReferenceReport(uri: checked.uri, digestAlgorithm: checked.digest.rawValue, valid: checked.valid,
                                                     signedPath: checked.node?.path, signedName: checked.node?.name))
            if !checked.valid { report.problems.append("the digest of reference '\(checked.uri)' does not match: the signed content was changed") }
        }
        // Signed elements are not the document: say that what is around them may change freely.
        if let root = document.root, root != signature, !report.references.contains(where: { $0.signedPath == root.path }) {
            let parts = report.references.compactMap(\.signedPath).joined(separator: ", ")
            report.warnings.append("it signs only \(parts.isEmpty ? "part of the document" : parts): the rest of the document is not signed and may be changed without breaking it")
        }
        if usesSHA1 {
            if options.allowSHA1 {
                report.warnings.append("SHA-1 is used (allowed by --allow-sha1); it is broken for collision resistance")
            } else {
                report.problems.append("SHA-1 is used; refused unless --allow-sha1")
            }
        }

        guard let signatureValue = Data(base64Encoded: (signature.child("SignatureValue", namespace: DSig.namespace)?.textContent ?? "").filter { !$0.isWhitespace }) else {
            throw SignError.malformedSignature("the SignatureValue is missing or not base64")
        }
        let canonical = try Canonicalizer.canonicalize(document, selection: .subtree(signedInfo, excluding: nil), method: c14n,
                                                       inclusivePrefixes: c14n.isExclusive ? inclusivePrefixes(c14nNode) : [])

        let signatureValid: Bool
        var signerCertificate: Certificate?
        var chain: [Certificate] = []
        var keyOnly = false
        if case .hmac(let digest) = algorithm, let key = options.hmacKey {
            signatureValid = Data(Digest.hmac(digest, key: key, data: canonical)) == signatureValue
            report.trusted = true
        } else {
            let keyInfoCertificates = try certificatesInKeyInfo(signature)
            var candidates: [(PublicKey, Certificate?)] = []
            if let pinned = options.pinnedCertificate {
                candidates = [(try pinned.publicKey(), pinned)]
            } else if !keyInfoCertificates.isEmpty {
                candidates = try keyInfoCertificates.map { (try $0.publicKey(), $0) }
            } else if let key = try keyValue(signature) {
                candidates = [(key, nil)]
                keyOnly = true
            } else {
                throw SignError.noSignerKey("the signature cannot be checked: its KeyInfo has no X509Certificate or RSAKeyValue (give the signer's certificate with --cert FILE)")
            }
            var found = false
            for (key, certificate) in candidates where verifySignature(algorithm, key: key, signature: signatureValue, message: canonical) {
                found = true
                signerCertificate = certificate
                break
            }
            signatureValid = found
            chain = keyInfoCertificates.filter { $0.der != signerCertificate?.der }
        }
        if !signatureValid { report.problems.append("the SignatureValue does not verify over SignedInfo") }
        report.valid = signatureValid && allReferencesValid && (!usesSHA1 || options.allowSHA1)
        report.signer = signerCertificate?.summary

        // Trust.
        if case .hmac = algorithm { return }
        if keyOnly, options.pinnedCertificate == nil, !options.anySigner {
            report.problems.append("the key is given only as a KeyValue: accepted with --any-signer or a pinned --cert")
            return
        }
        SignerTrust.assess(signer: signerCertificate, intermediates: chain, signatureValid: report.valid, options: options,
                           usable: { $0.allowsDocumentSigning ? nil : "the signer's certificate \($0.subject) is not for signing documents (its key usage or extended key usage)" },
                           report: &report)
    }

    /// One Reference resolved, transformed and digested, against its DigestValue.
    struct CheckedReference {
        let uri: String
        let digest: DigestAlgorithm
        let valid: Bool
        /// The element it covers.
        let node: XMLNode?
    }

    static func checkReference(_ reference: XMLNode, document: XMLDocument, ids: IDIndex, signature: XMLNode) throws -> CheckedReference {
        guard let uri = reference.attribute("URI") else {
            throw SignError.unsupported("a Reference without a URI (mgov follows same-document URIs only)")
        }
        let transforms = try (reference.child("Transforms", namespace: DSig.namespace)?.children("Transform", namespace: DSig.namespace) ?? [])
            .map(XMLTransform.parse)
        guard let digestURI = reference.child("DigestMethod", namespace: DSig.namespace)?.attribute("Algorithm"),
              let digest = DigestAlgorithm(xmlDSigURI: digestURI) else {
            throw SignError.unsupported("a Reference's digest method is missing or unknown")
        }
        guard let expected = Data(base64Encoded: (reference.child("DigestValue", namespace: DSig.namespace)?.textContent ?? "").filter { !$0.isWhitespace }) else {
            throw SignError.malformedSignature("a DigestValue is not base64")
        }
        let resolved = try ReferenceResolver.resolve(uri: uri, transforms: transforms, document: document, ids: ids, signature: signature)
        return CheckedReference(uri: uri, digest: digest, valid: try resolved.digest(digest) == expected, node: resolved.node)
    }

    /// Whether every reference of `signature` digests to its DigestValue (the content it signed is
    /// unchanged; the SignatureValue and the signer are not checked). nil when that cannot be told
    /// (no SignedInfo or references, or a reference mgov cannot follow).
    static func referencesMatch(_ signature: XMLNode, in document: XMLDocument, ids: IDIndex) -> Bool? {
        guard let references = signature.child("SignedInfo", namespace: DSig.namespace)?.children("Reference", namespace: DSig.namespace),
              !references.isEmpty,
              let checked = try? references.map({ try checkReference($0, document: document, ids: ids, signature: signature) }) else { return nil }
        return checked.allSatisfy(\.valid)
    }

    private func verifySignature(_ algorithm: XMLSignatureAlgorithm, key: PublicKey, signature: Data, message: Data) -> Bool {
        switch algorithm {
        case .rsa(let digest):
            guard case .rsa = key.algorithm else { return false }
            return key.verify(signature: signature, message: message, digest: digest)
        case .rsaPSS(let digest):
            guard case .rsa = key.algorithm else { return false }
            return key.verify(signature: signature, message: message, digest: digest, padding: .pss)
        case .ecdsa(let digest):
            guard case .ec = key.algorithm, let der = try? ECDSASignature.rawToDER(signature) else { return false }
            return key.verify(signature: der, message: message, digest: digest)
        case .hmac:
            return false
        }
    }

    private func certificatesInKeyInfo(_ signature: XMLNode) throws -> [Certificate] {
        guard let keyInfo = signature.child("KeyInfo", namespace: DSig.namespace) else { return [] }
        return try keyInfo.children("X509Data", namespace: DSig.namespace)
            .flatMap { $0.children("X509Certificate", namespace: DSig.namespace) }
            .map { node in
                guard let der = Data(base64Encoded: node.textContent.filter { !$0.isWhitespace }) else {
                    throw SignError.malformedSignature("an X509Certificate is not base64")
                }
                return try Certificate(der: der)
            }
    }

    private func keyValue(_ signature: XMLNode) throws -> PublicKey? {
        guard let rsa = signature.child("KeyInfo", namespace: DSig.namespace)?
            .child("KeyValue", namespace: DSig.namespace)?.child("RSAKeyValue", namespace: DSig.namespace) else { return nil }
        func bytes(_ name: String) throws -> Data {
            guard let data = Data(base64Encoded: (rsa.child(name, namespace: DSig.namespace)?.textContent ?? "").filter { !$0.isWhitespace }), !data.isEmpty else {
                throw SignError.malformedSignature("RSAKeyValue has no \(name)")
            }
            return data
        }
        return try RSAKeyValue.publicKey(modulus: try bytes("Modulus"), exponent: try bytes("Exponent"))
    }
}
