import Foundation

/// Whom a notification is for: an e-mail address, a phone number, a person (IDNP) or an
/// organisation (IDNO) whose channels come from the contacts table, or (for webhooks) any id.
public enum RecipientAddress: Hashable, Sendable, CustomStringConvertible {
    case email(String)
    case tel(String)
    case person(String)
    case organization(String)

    public init(_ text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw NotifyError.invalidArgument("'\(text)' is not a recipient: write email:ADDRESS, tel:+373…, idnp:<13 digits> or idno:<13 digits>")
        }
        let value = parts[1]
        switch parts[0].lowercased() {
        case "email", "mailto":
            guard Self.isEmail(value) else { throw NotifyError.invalidArgument("'\(value)' is not an e-mail address") }
            self = .email(value)
        case "tel":
            guard Self.isE164(value) else { throw NotifyError.invalidArgument("'\(value)' is not an E.164 phone number (+ then 7 to 15 digits, e.g. +37360000000)") }
            self = .tel(value)
        case "idnp", "idno":
            guard value.count == 13, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw NotifyError.invalidArgument("'\(text)' is not a recipient: an \(parts[0].uppercased()) has 13 digits")
            }
            self = parts[0].lowercased() == "idnp" ? .person(value) : .organization(value)
        default:
            throw NotifyError.invalidArgument("'\(text)' is not a recipient: write email:ADDRESS, tel:+373…, idnp:<13 digits> or idno:<13 digits>")
        }
    }

    public var description: String {
        switch self {
        case .email(let v): return "email:\(v)"
        case .tel(let v): return "tel:\(v)"
        case .person(let v): return "idnp:\(v)"
        case .organization(let v): return "idno:\(v)"
        }
    }

    /// The contact key for IDNP/IDNO recipients.
    public var contactID: String? {
        switch self {
        case .person, .organization: return description
        default: return nil
        }
    }

    /// ASCII addresses only: mgov does not speak SMTPUTF8.
    /// `\z`, not `$`: ICU's `$` also matches before a final line break, which would let CR/LF
    /// through into SMTP commands and headers.
    public static func isEmail(_ text: String) -> Bool {
        text.count <= 254 && text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }) &&
            text.range(of: #"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\z"#,
                       options: .regularExpression) != nil
    }

    public static func isE164(_ text: String) -> Bool {
        text.range(of: #"^\+[1-9][0-9]{6,14}\z"#, options: .regularExpression) != nil
    }
}

/// A person's or organisation's channels and preferred language (the `notify contacts` table).
public struct Contact: Codable, Sendable, Equatable {
    public let id: String
    public var name: String?
    public var email: String?
    public var phone: String?
    public var lang: Language?

    public init(id: String, name: String? = nil, email: String? = nil, phone: String? = nil, lang: Language? = nil) throws {
        guard case .some(let recipient) = try? RecipientAddress(id), recipient.contactID != nil else {
            throw NotifyError.invalidArgument("'\(id)' is not a contact id: write idnp:<13 digits> or idno:<13 digits>")
        }
        if let email, !RecipientAddress.isEmail(email) { throw NotifyError.invalidArgument("'\(email)' is not an e-mail address") }
        if let phone, !RecipientAddress.isE164(phone) { throw NotifyError.invalidArgument("'\(phone)' is not an E.164 phone number") }
        if let name, name.count > 250 { throw NotifyError.invalidArgument("a contact's name has at most 250 characters") }
        self.id = recipient.description
        self.name = name
        self.email = email
        self.phone = phone
        self.lang = lang
    }
}
