import Foundation
import MGovCore
import MGovCrypto
import MGovXML

/// How `mgov sign xml` signs.
public struct XMLSigningOptions: Sendable {
    public enum Mode: Sendable, Equatable {
        /// `Reference URI=""` with the enveloped-signature transform; the Signature is the root's last child.
        case enveloped
        /// The content is wrapped in `ds:Object Id="object"` (or `object-N`, when the document uses
        /// that Id) inside a new `ds:Signature` root.
        case enveloping
        /// References to elements of the same document (`#id`); the Signature is the root's last child.
        case detached([String])
    }

    public var mode: Mode = .enveloped
    public var canonicalization: CanonicalizationMethod = .exclusive
    public var digest: DigestAlgorithm = .sha256
    public var rsaPSS = false
    public var idAttributes = ["Id", "ID", "id"]
    public var includeKeyInfo = true
    public var allowExpired = false

    public init() {}
}

/// Signs XML documents with a key and its certificates (signer first, then the chain).
public struct XMLSigner: Sendable {
    public let key: PrivateKey
    public let certificates: [Certificate]
    public let options: XMLSigningOptions
    public let algorithm: XMLSignatureAlgorithm

    /// Checks the key and the options once, before any document is read.
    public init(key: PrivateKey, certificates: [Certificate], options: XMLSigningOptions) throws {
        guard options.digest != .sha1 else { throw SignError.refused("SHA-1 is refused for signing (use sha256, sha384 or sha512)") }
        self.key = key
        self.certificates = certificates
        self.options = options
        algorithm = try XMLSignatureAlgorithm.forKey(key.algorithm, digest: options.digest, pss: options.rsaPSS)
        if let signer = certificates.first {
            guard key.matches(signer) else { throw SignError.invalidOption("the key does not belong to the certificate \(signer.subject)") }
        }
    }

    /// Warnings about the signer certificate's validity; throws when it is expired and that is not allowed.
    public func checkValidity(now: Date) throws -> [String] {
        try SigningCertificateValidity.check(certificates.first, now: now, allowExpired: options.allowExpired)
    }

    /// Signs `document` and returns the signed document (the same one, changed, except when enveloping).
    public func sign(_ document: XMLDocument) throws -> XMLDocument {
        guard let root = document.root else { throw SignError.malformedSignature("\(document.name) has no document element") }
        if options.mode != .enveloping, root.name == "Signature", root.namespaceURI == DSig.namespace {
            throw SignError.refused("\(document.name): the document is itself a signature (an enveloping one: its root is ds:Signature), and a signature cannot go inside it; "
                + "sign the file with a detached CMS signature (mgov sign cms)")
        }
        // Signatures already there whose content is intact, checked again once this one is in place.
        let existing = document.elements(named: "Signature", namespace: DSig.namespace)
        let intactBefore = existing.isEmpty ? [] : (try? document.elementsByID(attributeNames: options.idAttributes)).map { ids in
            existing.map { XMLVerifier.referencesMatch($0, in: document, ids: ids) == true }
        } ?? []
        let existingPaths = intactBefore.contains(true) ? existing.map(\.path) : []
        let output: XMLDocument
        let signature: XMLNode
        var references: [(uri: String, transforms: [XMLTransform])] = []
        // Enveloping: the ds:Object's Id, "object" unless the document uses it already.
        var objectID = "object"
        let c14n = XMLTransform.canonicalize(options.canonicalization, prefixes: [])
        switch options.mode {
        case .enveloped:
            output = document
            signature = root.addElement("Signature", namespace: DSig.namespace, prefix: "ds")
            references = [("", [.enveloped, c14n])]
        case .enveloping:
            let made = XMLDocument.make(rootNamed: "Signature", namespace: DSig.namespace, prefix: "ds", name: document.name)
            output = made.0
            signature = made.1
            let ids = try document.elementsByID(attributeNames: options.idAttributes)
            var suffix = 1
            while ids[objectID] != nil { objectID = "object-\(suffix)"; suffix += 1 }
            references = [("#" + objectID, [c14n])]
        case .detached(let uris):
            guard !uris.isEmpty else { throw SignError.invalidOption("--detached needs at least one --reference '#ID'") }
            output = document
            signature = root.addElement("Signature", namespace: DSig.namespace, prefix: "ds")
            let ids = try document.elementsByID(attributeNames: options.idAttributes)
            for uri in uris {
                guard uri.hasPrefix("#"), let target = ids[String(uri.dropFirst())] else {
                    throw SignError.referenceUnresolved("'\(uri)' points to no element with an ID attribute (tried \(options.idAttributes.joined(separator: ", ")))")
                }
                // A referenced element that holds the signature needs the enveloped transform.
                references.append((uri, signature.isInside(target) ? [.enveloped, c14n] : [c14n]))
            }
        }

        let signedInfo = signature.addElement("SignedInfo", namespace: DSig.namespace, prefix: "ds")
        signedInfo.addElement("CanonicalizationMethod", namespace: DSig.namespace, prefix: "ds").setAttribute("Algorithm", options.canonicalization.uri)
        signedInfo.addElement("SignatureMethod", namespace: DSig.namespace, prefix: "ds").setAttribute("Algorithm", algorithm.uri)
        var digestValues: [XMLNode] = []
        for reference in references {
            let node = signedInfo.addElement("Reference", namespace: DSig.namespace, prefix: "ds")
            node.setAttribute("URI", reference.uri)
            let transforms = node.addElement("Transforms", namespace: DSig.namespace, prefix: "ds")
            for transform in reference.transforms {
                let t = transforms.addElement("Transform", namespace: DSig.namespace, prefix: "ds")
                switch transform {
                case .enveloped: t.setAttribute("Algorithm", DSig.envelopedTransform)
                case .canonicalize(let method, _): t.setAttribute("Algorithm", method.uri)
                case .base64: t.setAttribute("Algorithm", DSig.base64Transform)
                }
            }
            node.addElement("DigestMethod", namespace: DSig.namespace, prefix: "ds").setAttribute("Algorithm", options.digest.xmlDSigURI)
            digestValues.append(node.addElement("DigestValue", namespace: DSig.namespace, prefix: "ds"))
        }
        let signatureValue = signature.addElement("SignatureValue", namespace: DSig.namespace, prefix: "ds")
        if options.includeKeyInfo, !certificates.isEmpty {
            let data = signature.addElement("KeyInfo", namespace: DSig.namespace, prefix: "ds")
                .addElement("X509Data", namespace: DSig.namespace, prefix: "ds")
            for certificate in certificates {
                data.addElement("X509Certificate", namespace: DSig.namespace, prefix: "ds").addText(certificate.der.base64EncodedString())
            }
        }
        if options.mode == .enveloping {
            let object = signature.addElement("Object", namespace: DSig.namespace, prefix: "ds")
            object.setAttribute("Id", objectID)
            guard object.addCopy(of: root) != nil else { throw SignError.malformedSignature("cannot copy the content into ds:Object") }
        }

        // Digests, now that the Signature is in place (the enveloped transform leaves it out).
        // Only references to IDs need the ID index (a full walk of the document).
        let ids = references.allSatisfy { $0.uri.isEmpty } ? IDIndex.empty(output) : try output.elementsByID(attributeNames: options.idAttributes)
        for (reference, digestValue) in zip(references, digestValues) {
            let resolved = try ReferenceResolver.resolve(uri: reference.uri, transforms: reference.transforms, document: output,
                                                         ids: ids, signature: signature)
            digestValue.addText(try resolved.digest(options.digest).base64EncodedString())
        }
        let canonicalSignedInfo = try Canonicalizer.canonicalize(output, selection: .subtree(signedInfo, excluding: nil),
                                                                 method: options.canonicalization)
        signatureValue.addText(try signatureBytes(canonicalSignedInfo).base64EncodedString())
        try refuseIfBroken(existingPaths, intactBefore: intactBefore, in: output, newSignature: signature, name: document.name)
        return output
    }

    /// Throws when a signature that was intact before signing no longer is: a second enveloped
    /// signature falls inside what a first one over the whole document covers, and enveloping
    /// moves the document under a new root. Writing that out would break the first signature.
    private func refuseIfBroken(_ existingPaths: [String], intactBefore: [Bool], in output: XMLDocument, newSignature: XMLNode, name: String) throws {
        guard intactBefore.contains(true) else { return }
        // The old signatures in document order (copies of them, when enveloping), without the new one.
        let after = output.elements(named: "Signature", namespace: DSig.namespace).filter { $0 != newSignature }
        let ids = try? output.elementsByID(attributeNames: options.idAttributes)
        for (index, node) in after.enumerated() where index < intactBefore.count && intactBefore[index] {
            guard let ids, XMLVerifier.referencesMatch(node, in: output, ids: ids) == true else {
                throw SignError.refused("\(name): a new signature would break the one at \(existingPaths[index]), which covers where the new one goes; "
                    + "a signature of an element it does not cover (--detached --reference '#ID'), if there is one, or a detached CMS signature of the file (mgov sign cms) leaves it intact")
            }
        }
    }

    private func signatureBytes(_ message: Data) throws -> Data {
        switch algorithm {
        case .rsa(let digest): return try key.sign(message, digest: digest)
        case .rsaPSS(let digest): return try key.sign(message, digest: digest, padding: .pss)
        case .ecdsa(let digest):
            let der = try key.sign(message, digest: digest)
            return try ECDSASignature.derToRaw(der, size: ecdsaFieldSize(key.algorithm))
        case .hmac: throw SignError.unsupported("HMAC signing")
        }
    }
}

/// Bytes of each half of a raw ECDSA signature for the key's curve.
func ecdsaFieldSize(_ algorithm: PrivateKey.Algorithm) -> Int {
    switch algorithm {
    case .ec(let curve) where curve.contains("384"): return 48
    case .ec(let curve) where curve.contains("521"): return 66
    default: return 32
    }
}
