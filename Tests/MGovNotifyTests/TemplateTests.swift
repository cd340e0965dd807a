import Foundation
import Testing
@testable import MGovNotify

@Suite struct TemplateTests {
    func template(_ kind: ChannelKind, subject: String? = "Dosar {{Case}}", body: String, short: String? = nil) -> Template {
        Template(code: "t", kind: kind, texts: [TemplateText(lang: .ro, subject: subject, body: body, short: short),
                                                 TemplateText(lang: .ru, subject: "Дело {{Case}}", body: "Здравствуйте, {{Name}}", short: nil)],
                 createdAt: "2026-01-01T00:00:00.000Z")
    }

    @Test func variablesAreFilledAndAMissingOneIsAnError() throws {
        let t = template(.email, body: "Bună, {{ Name }}! Dosarul {{Case}}.")
        let text = try t.render(lang: .ro, variables: ["Name": "Ion", "Case": "12/2026"], recipient: "email:a@b.md")
        #expect(text.body == "Bună, Ion! Dosarul 12/2026.")
        #expect(text.subject == "Dosar 12/2026")
        #expect(!text.html)
        #expect(throws: NotifyError.missingVariable("Case", recipient: "email:a@b.md")) {
            try t.render(lang: .ro, variables: ["Name": "Ion"], recipient: "email:a@b.md")
        }
        #expect(t.variables == ["Case", "Name"])
    }

    @Test func languagesFallBackToRomanian() throws {
        let t = template(.email, body: "Bună, {{Name}}")
        #expect(try t.render(lang: .ru, variables: ["Name": "Иван", "Case": "1"], recipient: "x").body == "Здравствуйте, Иван")
        let en = try t.render(lang: .en, variables: ["Name": "Ion", "Case": "1"], recipient: "x")
        #expect(en.lang == .ro && en.body == "Bună, Ion")
    }

    @Test func htmlBodiesEscapeVariables() throws {
        let t = template(.email, body: "<p>Bună, <b>{{Name}}</b></p>")
        let text = try t.render(lang: .ro, variables: ["Name": "<script>alert('x')</script> & co", "Case": "1"], recipient: "x")
        #expect(text.html)
        #expect(text.body == "<p>Bună, <b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</b></p>")
        #expect(!HTML.looksLikeHTML("a < b and c > d"))
    }

    @Test func aSubjectCannotGainALineBreakFromAVariable() throws {
        let t = template(.email, body: "x")
        #expect(throws: NotifyError.self) { try t.render(lang: .ro, variables: ["Case": "1\r\nBcc: all@x.md"], recipient: "x") }
    }

    @Test func placeholderSyntaxIsChecked() throws {
        #expect(throws: NotifyError.self) { try Placeholders.names(in: "Hello {{Name") }
        #expect(throws: NotifyError.self) { try Placeholders.names(in: "Hello {{Na me}}") }
        #expect(throws: NotifyError.self) { try Placeholders.names(in: "Hello {{}}") }
        #expect(try Placeholders.names(in: "{{a}} {{b.c}} {{a}}") == ["a", "b.c"])
    }

    @Test func smsSegmentsFollowGSM7AndUCS2() {
        #expect(SMSSegments(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSSegments(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSSegments(String(repeating: "a", count: 306)).segments == 2)
        #expect(SMSSegments(String(repeating: "a", count: 307)).segments == 3)
        let euro = SMSSegments(String(repeating: "€", count: 80))
        #expect(euro.encoding == "GSM-7" && euro.units == 160 && euro.segments == 1)
        #expect(SMSSegments(String(repeating: "€", count: 81)).segments == 2)
        let romanian = SMSSegments(String(repeating: "ș", count: 70))
        #expect(romanian.encoding == "UCS-2" && romanian.segments == 1)
        #expect(SMSSegments(String(repeating: "ș", count: 71)).segments == 2)
        #expect(SMSSegments(String(repeating: "ș", count: 134)).segments == 2)
        #expect(SMSSegments(String(repeating: "ș", count: 135)).segments == 3)
        #expect(SMSSegments("line\r\nnext").encoding == "GSM-7")
    }

    @Test func smsUsesTheShortBodyAndRefusesMoreThanTenSegments() throws {
        let t = template(.sms, subject: nil, body: "long body {{Name}}", short: "Cod: {{Name}}")
        #expect(try t.render(lang: .ro, variables: ["Name": "123"], recipient: "x").body == "Cod: 123")
        let long = template(.sms, subject: nil, body: "{{Name}}")
        #expect(throws: NotifyError.self) { try long.render(lang: .ro, variables: ["Name": String(repeating: "a", count: 1531)], recipient: "x") }
        #expect(try long.render(lang: .ro, variables: ["Name": String(repeating: "a", count: 1530)], recipient: "x").body.count == 1530)
    }
}

@Suite struct AddressTests {
    @Test func recipientsAreValidated() throws {
        #expect(try RecipientAddress("email:ion@gov.md") == .email("ion@gov.md"))
        #expect(try RecipientAddress("tel:+37360000000") == .tel("+37360000000"))
        #expect(try RecipientAddress("idnp:2001234567890") == .person("2001234567890"))
        #expect(try RecipientAddress("idno:1003600123456").contactID == "idno:1003600123456")
        for bad in ["ion@gov.md", "email:ion", "email:ion@gov", "email:a b@gov.md", "email:ion@gov.md\r\nX: y", "tel:060000000", "tel:+0123456789",
                    "idnp:123", "idnp:200123456789a", "fax:1"] {
            #expect(throws: NotifyError.self, "\(bad)") { try RecipientAddress(bad) }
        }
    }

    @Test func smtpAddressesKeepSecretsOut() throws {
        let s = try ChannelSettings(url: "smtp://robot@mail.gov.md:587?from=noreply@gov.md&starttls=1")
        #expect(s.kind == .email)
        #expect(s.smtp?.host == "mail.gov.md" && s.smtp?.port == 587 && s.smtp?.user == "robot" && s.smtp?.startTLS == .required)
        #expect(try ChannelSettings(url: "smtps://mail.gov.md?from=a@gov.md").smtp?.port == 465)
        #expect(try ChannelSettings(url: "smtp://127.0.0.1:2525?from=a@gov.md").smtp?.startTLS == .opportunistic)
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "smtp://robot:secret@mail.gov.md?from=a@gov.md") }
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "smtp://mail.gov.md") }
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "smtp://mail.gov.md?from=a@gov.md&starttls=maybe") }
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "smtp://mail.gov.md?from=a@gov.md&tls=1") }
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "gopher://mail.gov.md") }
    }

    @Test func webhookAndSMSAddresses() throws {
        let hook = try ChannelSettings(url: "webhook+https://hooks.gov.md/in?x=1")
        #expect(hook.kind == .webhook && hook.target == "https://hooks.gov.md/in?x=1")
        let sms = try ChannelSettings(url: "sms+http://127.0.0.1:9000/send")
        #expect(sms.kind == .sms && sms.target == "http://127.0.0.1:9000/send" && sms.sms?.fields.count == 2)
        // A port beyond 65535 is refused when the channel is added (sending to one trapped in the HTTP client).
        for bad in ["webhook+https://127.0.0.1:99999/x", "sms+http://127.0.0.1:65536/send", "webhook+https://127.0.0.1:0/x"] {
            #expect(throws: NotifyError.self, "\(bad)") { try ChannelSettings(url: bad) }
        }
        #expect(throws: NotifyError.self) { try SMSRequestTemplate(fields: [("to", "{{phone}}")]).validate() }
        #expect(throws: NotifyError.self) { try SMSRequestTemplate(method: "GET", encoding: .json).validate() }
        try SMSRequestTemplate(method: "GET", encoding: .query, fields: [("msisdn", "{{to}}"), ("msg", "{{text}}")]).validate()
    }
}

@Suite struct MIMETests {
    /// Decodes RFC 2047 B words as a mail reader does.
    func decode(_ header: String) -> String {
        header.components(separatedBy: "\r\n ").map { word -> String in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return word }
            return String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!, as: UTF8.self)
        }.joined()
    }

    @Test func utf8SubjectsBecomeEncodedWordsCutBetweenCharacters() {
        let subject = String(repeating: "Țară și Дело 📄 ", count: 6)
        let encoded = MIME.encodeHeaderText(subject)
        #expect(decode(encoded) == subject)
        for line in encoded.components(separatedBy: "\r\n ") { #expect(line.count <= 75) }
        #expect(MIME.encodeHeaderText("Plain subject") == "Plain subject")
    }

    @Test func messagesHaveHeadersCRLFAndStuffedDots() {
        var parts = OutgoingEmail.Parts(from: "noreply@gov.md", fromName: "Agenția", to: "ion@gov.md", subject: "Bună", body: "line 1\n.line 2\nșase",
                                        html: false, messageID: "abc-1@gov.md", date: Date(timeIntervalSince1970: 0))
        parts.extraHeaders = [("X-MGov-Notification", "abc")]
        let email = OutgoingEmail(parts)
        let text = String(decoding: email.content, as: UTF8.self)
        #expect(text.contains("Message-ID: <abc-1@gov.md>\r\n"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("Content-Transfer-Encoding: base64\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let ascii = OutgoingEmail(OutgoingEmail.Parts(from: "a@gov.md", fromName: nil, to: "b@gov.md", subject: "s", body: "a\n.b\n..c",
                                                      html: false, messageID: "m@gov.md", date: Date()))
        let stuffed = String(decoding: MIME.dotStuffed(ascii.content), as: UTF8.self)
        #expect(stuffed.hasSuffix("\r\n\r\na\r\n..b\r\n...c\r\n"))
    }
}

@Suite struct HardeningTests {
    @Test func aTrailingLineBreakIsNotPartOfAnAddress() {
        #expect(!RecipientAddress.isEmail("a@b.md\n"))
        #expect(!RecipientAddress.isEmail("a@b.md\r\n"))
        #expect(!RecipientAddress.isE164("+37360000000\n"))
        #expect(throws: NotifyError.self) { try RecipientAddress("email:a@b.md\r\n") }
        #expect(throws: NotifyError.self) { try Contact(id: "idnp:2001234567890", email: "a@b.md\n") }
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "smtp://127.0.0.1:25?from=a@b.md%0D%0A") }
    }

    @Test func loopbackIsDecidedOnAddressesAndHeloIsChecked() throws {
        #expect(ChannelSettings.isLoopback("127.0.0.1") && ChannelSettings.isLoopback("127.8.9.10") && ChannelSettings.isLoopback("::1") && ChannelSettings.isLoopback("[::1]"))
        #expect(!ChannelSettings.isLoopback("127.mail.example.com") && !ChannelSettings.isLoopback("10.0.0.1"))
        let v6 = try ChannelSettings(url: "smtp://[::1]:2525?from=a@b.md")
        #expect(v6.smtp?.host == "::1" && v6.smtp?.isLoopback == true)
        #expect(throws: NotifyError.self) { try ChannelSettings(url: "smtp://127.0.0.1:25?from=a@b.md&helo=x%0D%0AMAIL%20FROM:%3Cz@z.md%3E") }
        #expect(try ChannelSettings(url: "smtp://127.0.0.1:25?from=a@b.md&helo=mail.gov.md").smtp?.heloName == "mail.gov.md")
    }
}
