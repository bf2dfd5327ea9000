//! Shared pieces of the command-line tools: the benchmark input generator and the reading
//! policy the measurements use.

use std::fmt::Write as _;

/// The options `ews-bench` and the `paths` benchmark read with: strict reading, so that
/// both measure the same path (and what the default reading repairs is not measured as
/// decoded).
pub fn bench_read_options() -> ewsgen::rt::ReadOptions {
    ewsgen::rt::ReadOptions::strict()
}

/// A FindItem response envelope with `n` messages (ItemId, Subject, DateTimeReceived, Size,
/// From/Mailbox Name and EmailAddress, IsRead), written compactly like a server's, and
/// deterministic: the same `n` gives the same bytes. About 480 bytes per message (5,000
/// messages: 2.4 MB).
pub fn find_item_response(n: usize) -> String {
    let mut s = String::with_capacity(600 + n * 500);
    s.push_str(concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">"#,
        r#"<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="7741" MinorBuildNumber="16" Version="V2018_01_08" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></s:Header>"#,
        r#"<s:Body><m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
        r#"<m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>"#,
    ));
    let _ = write!(
        s,
        r#"<m:RootFolder IndexedPagingOffset="{n}" TotalItemsInView="{n}" IncludesLastItemInRange="true"><t:Items>"#
    );
    const SUBJECTS: &[&str] = &[
        "Quarterly planning review",
        "Re: Budget for the offsite & travel",
        "Lunch on Friday?",
        "Fw: Customer escalation <urgent>",
        "Weekly status report",
        "Réunion d'équipe",
    ];
    const NAMES: &[&str] = &[
        "Alex Wilber",
        "Megan Bowen",
        "Lee Gu",
        "Isaiah Langer",
        "Diego Siciliani",
    ];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for i in 0..n {
        let mut id = String::from("AAMkAGI2TG93AAA");
        for _ in 0..84 {
            id.push(B64[(next() % 64) as usize] as char);
        }
        id.push_str("AAA=");
        let mut ck = String::from("CQAAABYAAAD");
        for _ in 0..25 {
            ck.push(B64[(next() % 64) as usize] as char);
        }
        let subject = SUBJECTS[i % SUBJECTS.len()]
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let name = NAMES[(i / 3) % NAMES.len()];
        let email = format!("{}@contoso.com", name.to_lowercase().replace(' ', "."));
        let day = 1 + (i % 28);
        let (h, m, sec) = ((i / 60) % 24, i % 60, (i * 7) % 60);
        let size = 2_000 + next() % 200_000;
        let read = if next() % 3 == 0 { "false" } else { "true" };
        let _ = write!(
            s,
            r#"<t:Message><t:ItemId Id="{id}" ChangeKey="{ck}"/><t:Subject>{subject} #{i}</t:Subject><t:DateTimeReceived>2026-11-{day:02}T{h:02}:{m:02}:{sec:02}Z</t:DateTimeReceived><t:Size>{size}</t:Size><t:From><t:Mailbox><t:Name>{name}</t:Name><t:EmailAddress>{email}</t:EmailAddress></t:Mailbox></t:From><t:IsRead>{read}</t:IsRead></t:Message>"#
        );
    }
    s.push_str("</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>");
    s
}

/// A CreateItem request envelope sending `n` messages (ItemClass, Subject, an HTML Body of
/// about 1 KB, Categories, Importance, three To and one Cc recipient with Name,
/// EmailAddress, RoutingType and MailboxType, IsReadReceiptRequested), deterministic like
/// [`find_item_response`]. About 2 KB per message.
pub fn create_item_request(n: usize) -> String {
    let mut s = String::with_capacity(600 + n * 2_200);
    s.push_str(concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
        r#"<soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header>"#,
        r#"<soap:Body><m:CreateItem MessageDisposition="SendAndSaveCopy">"#,
        r#"<m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId><m:Items>"#,
    ));
    const NAMES: &[&str] = &[
        "Alex Wilber",
        "Megan Bowen",
        "Lee Gu",
        "Isaiah Langer",
        "Diego Siciliani",
    ];
    const PARAGRAPH: &str = "<p>Please find below the figures for this quarter, with the changes since the last review &amp; the open questions for Friday.</p>";
    for i in 0..n {
        let to: Vec<&str> = (0..3).map(|k| NAMES[(i + k) % NAMES.len()]).collect();
        let _ = write!(
            s,
            r#"<t:Message><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>Quarterly planning review #{i}</t:Subject><t:Body BodyType="HTML">&lt;html&gt;&lt;body&gt;"#
        );
        for _ in 0..8 {
            s.push_str(
                &PARAGRAPH
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;"),
            );
        }
        s.push_str(r#"&lt;/body&gt;&lt;/html&gt;</t:Body><t:Categories><t:String>Planning</t:String><t:String>Q4</t:String></t:Categories><t:Importance>Normal</t:Importance><t:ToRecipients>"#);
        for name in &to {
            let email = format!("{}@contoso.com", name.to_lowercase().replace(' ', "."));
            let _ = write!(
                s,
                r#"<t:Mailbox><t:Name>{name}</t:Name><t:EmailAddress>{email}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>"#
            );
        }
        s.push_str(r#"</t:ToRecipients><t:CcRecipients><t:Mailbox><t:Name>Finance</t:Name><t:EmailAddress>finance@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Mailbox></t:CcRecipients><t:IsReadReceiptRequested>false</t:IsReadReceiptRequested></t:Message>"#);
    }
    s.push_str("</m:Items></m:CreateItem></soap:Body></soap:Envelope>");
    s
}
