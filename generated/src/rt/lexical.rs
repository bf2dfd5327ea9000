//! Lexical rules below the schema types, for the reader and the writer: which characters
//! XML 1.0 can carry ([`first_forbidden_char`], [`classify_char_ref`]) and `xs:base64Binary`
//! decoded strictly (as libxml2 accepts it) or leniently (as servers send it), with the
//! [`Repair`] a lenient reading made.

use std::fmt;

use base64::Engine as _;

/// Something the default (lenient) reading changed to keep a value that strict reading
/// refuses. Its [`Display`](fmt::Display) says what, for the envelope's diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Repair {
    /// `xs:base64Binary` text without its `=` padding (`SGVsbG8`): decoded as if padded.
    Base64Padding,
    /// `xs:base64Binary` text whose last character carries bits that a canonical encoder
    /// leaves 0 (`SGVsbG9=`): the extra bits were ignored.
    Base64TrailingBits,
    /// A character reference to a character XML 1.0 excludes (`&#x0;`, `&#x1F;`,
    /// `&#xFFFE;`, a surrogate, beyond U+10FFFF): read as `replacement`.
    ExcludedCharRef {
        /// The code point referred to (saturated at `u32::MAX` when larger).
        code: u32,
        /// The character read instead.
        replacement: char,
    },
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repair::Base64Padding => f.write_str("base64 text without its `=` padding was decoded"),
            Repair::Base64TrailingBits => f.write_str(
                "base64 text with non-zero bits after its last byte was decoded (the bits were ignored)",
            ),
            Repair::ExcludedCharRef { code, replacement } => write!(
                f,
                "a character reference to U+{code:04X}, which XML 1.0 excludes, was read as U+{:04X}",
                u32::from(*replacement)
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Characters
// ---------------------------------------------------------------------------------------

/// Whether XML 1.0 allows the character in a document (production `Char`): tab, LF, CR,
/// U+0020 to U+D7FF, U+E000 to U+FFFD, U+10000 to U+10FFFF.
#[inline]
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character of `s` that XML 1.0 cannot carry (C0 controls other than tab, LF
/// and CR; U+FFFE; U+FFFF; Rust strings hold no surrogates), with its byte offset; `None`
/// when every character can be written.
///
/// One pass over the bytes, eight at a time (the last word overlapping the one before),
/// looking byte by byte only at a word that holds a C0 control other than tab, LF and CR,
/// or an `0xEF` (the lead byte of U+F000 to U+FFFF); a value shorter than a word is looked
/// at byte by byte. The writer makes the same checks while it escapes (with `forbidden_at`
/// and word-at-a-time tests).
///
/// ```
/// use ewsgen::rt::lexical::first_forbidden_char;
/// assert_eq!(first_forbidden_char("line 1\nline 2\ttab"), None);
/// assert_eq!(first_forbidden_char("a\u{1}b"), Some((1, '\u{1}')));
/// assert_eq!(first_forbidden_char("é\u{FFFF}"), Some((2, '\u{FFFF}')));
/// ```
#[inline]
pub fn first_forbidden_char(s: &str) -> Option<(usize, char)> {
    let b = s.as_bytes();
    if b.len() < 8 {
        if b.iter().all(|&c| c >= 0x20 && c != 0xEF) {
            return None;
        }
        return scan(b, 0, b.len());
    }
    let word = |at: usize| {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(chunk)
    };
    let mut i = 0;
    while i + 8 <= b.len() {
        let x = word(i);
        if may_forbid(x) && forbidden_mask(x) != 0 {
            if let Some(found) = scan(b, i, i + 8) {
                return Some(found);
            }
        }
        i += 8;
    }
    // The bytes left, in the last word (those before `i` in it are known to be allowed).
    if i < b.len() {
        let x = word(b.len() - 8);
        if may_forbid(x) && forbidden_mask(x) != 0 {
            return scan(b, i, b.len());
        }
    }
    None
}

/// Whether `x` holds a byte below 0x20 or an `0xEF` at all (exact as a yes or no, not as
/// to where): the cheap test most words stop at.
#[inline(always)]
fn may_forbid(x: u64) -> bool {
    ((x.wrapping_sub(LO * 0x20) & !x) | eq_bytes(x, 0xEF)) & HI != 0
}

/// The high bit of each byte of `x` that is a C0 control other than tab, LF and CR, or
/// `0xEF`; exact (each test is carry-free within its byte).
#[inline(always)]
fn forbidden_mask(x: u64) -> u64 {
    // Below 0x20: an ASCII byte (high bit clear) whose low seven bits plus 0x60 stay
    // under 0x80.
    let below = !((x & !HI).wrapping_add(LO * 0x60)) & !x & HI;
    let allowed = eq_exact(x, b'\t') | eq_exact(x, b'\n') | eq_exact(x, b'\r');
    (below & !allowed) | eq_exact(x, 0xEF)
}

/// The high bit of each byte of `x` equal to `b`, exactly (no byte flagged that is not).
#[inline(always)]
fn eq_exact(x: u64, b: u8) -> u64 {
    let y = x ^ (LO * u64::from(b));
    !((y & !HI).wrapping_add(!HI) | y | !HI)
}

/// Looks at the bytes `from..to` one by one (a three-byte sequence starting before `to`
/// is read whole).
#[cold]
fn scan(b: &[u8], from: usize, to: usize) -> Option<(usize, char)> {
    (from..to).find_map(|i| forbidden_at(b, i).map(|c| (i, c)))
}

/// Whether the byte at `i` starts a character XML 1.0 cannot carry, and which: a C0
/// control other than tab, LF and CR, or U+FFFE / U+FFFF (`EF BF BE`, `EF BF BF`).
#[inline]
pub(crate) fn forbidden_at(b: &[u8], i: usize) -> Option<char> {
    match b[i] {
        c @ 0..=0x1F if !matches!(c, b'\t' | b'\n' | b'\r') => Some(char::from(c)),
        0xEF if b.get(i + 1) == Some(&0xBF) => match b.get(i + 2) {
            Some(0xBE) => Some('\u{FFFE}'),
            Some(0xBF) => Some('\u{FFFF}'),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` equal to `b` (SWAR).
#[inline(always)]
pub(crate) fn eq_bytes(x: u64, b: u8) -> u64 {
    let y = x ^ (LO * u64::from(b));
    y.wrapping_sub(LO) & !y & HI
}

/// What a character reference (`&#..;`) refers to, as XML 1.0 judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharRef {
    /// A character XML 1.0 allows.
    Allowed(char),
    /// A code point XML 1.0 excludes: C0 controls other than tab, LF and CR (U+0000 to
    /// U+001F), surrogates (U+D800 to U+DFFF), U+FFFE, U+FFFF, or beyond U+10FFFF.
    /// libxml2 and strict reading refuse the document; the default reading reads
    /// `replacement` (U+FFFD) and records a [`Repair::ExcludedCharRef`].
    Excluded {
        /// The code point (saturated at `u32::MAX`).
        code: u32,
        /// The character the default reading puts in its place: U+FFFD.
        replacement: char,
    },
}

impl CharRef {
    /// The character strict reading accepts, or the reason it refuses the reference.
    pub fn strict(self) -> Result<char, String> {
        match self {
            CharRef::Allowed(c) => Ok(c),
            CharRef::Excluded { code, .. } => Err(format!(
                "the character reference &#x{code:X}; refers to a character XML 1.0 excludes"
            )),
        }
    }

    /// The character the default reading keeps, and the repair to record when it is a
    /// replacement.
    pub fn lenient(self) -> (char, Option<Repair>) {
        match self {
            CharRef::Allowed(c) => (c, None),
            CharRef::Excluded { code, replacement } => (
                replacement,
                Some(Repair::ExcludedCharRef { code, replacement }),
            ),
        }
    }
}

/// Classifies the code point of a character reference.
///
/// ```
/// use ewsgen::rt::lexical::{classify_char_ref, CharRef};
/// assert_eq!(classify_char_ref(0x41), CharRef::Allowed('A'));
/// assert_eq!(classify_char_ref(0x9), CharRef::Allowed('\t'));
/// assert_eq!(
///     classify_char_ref(0x0),
///     CharRef::Excluded { code: 0, replacement: '\u{FFFD}' }
/// );
/// ```
pub fn classify_char_ref(code: u32) -> CharRef {
    match char::from_u32(code) {
        Some(c) if is_xml_char(c) => CharRef::Allowed(c),
        _ => CharRef::Excluded {
            code,
            replacement: char::REPLACEMENT_CHARACTER,
        },
    }
}

/// The code point of a character reference's body, the text between `&` and `;`: `#x1F`
/// (hexadecimal, `x` lower case only, as XML 1.0 says) or `#31`. Large numbers saturate at
/// `u32::MAX` (they are excluded either way). Errors when the body is no character
/// reference (`#`, `#x`, `#X1F`, `#1a`, `amp`).
pub fn char_ref_code(body: &str) -> Result<u32, String> {
    let bad = || format!("`&{body};` is not a character reference");
    let (digits, radix) = match body.strip_prefix("#x") {
        Some(h) => (h, 16),
        None => (body.strip_prefix('#').ok_or_else(bad)?, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(bad());
    }
    Ok(digits.chars().fold(0u32, |v, c| {
        v.saturating_mul(radix)
            .saturating_add(c.to_digit(radix).unwrap_or(0))
    }))
}

// ---------------------------------------------------------------------------------------
// Whitespace around values, as libxml2 judges it
// ---------------------------------------------------------------------------------------

/// Whether libxml2 (2.9) accepts XML whitespace (space, tab, LF, CR) before and after a
/// value of the built-in type named `xs_type` (`"int"`, `"dateTime"`, ...), as
/// `(leading, trailing)`.
///
/// XML Schema collapses whitespace around every non-string value, but libxml2 refuses it
/// around some types: `long`, `int`, `short`, `byte` and the unsigned ones, `gYear`,
/// `gYearMonth` and `date` allow none; `dateTime` only trailing, after a zone; `time`, `duration`,
/// `gMonth`, `gMonthDay` and `gDay` only leading. Everything else (strings, `integer` and
/// its unbounded subtypes, `decimal`, `float`, `double`, `boolean`, the binary types,
/// `anyURI`, `language`, ...) allows both. Measured with xmllint on one-element schemas.
pub fn libxml2_whitespace(xs_type: &str) -> (bool, bool) {
    match xs_type {
        "long" | "int" | "short" | "byte" | "unsignedLong" | "unsignedInt" | "unsignedShort"
        | "unsignedByte" | "gYear" | "gYearMonth" | "date" => (false, false),
        "dateTime" => (false, true),
        "time" | "duration" | "gMonth" | "gMonthDay" | "gDay" => (true, false),
        _ => (true, true),
    }
}

/// An `xs:decimal` in its parts: whether it has a minus sign, the digits before the point
/// and those after; `None` when `s` is not a decimal.
pub(crate) fn split_decimal(s: &str) -> Option<(bool, &str, &str)> {
    let (negative, t) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((negative, int, frac))
}

/// Whether `c` is XML whitespace (space, tab, LF, CR).
#[inline]
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Why strict reading refuses whitespace around a value of `xs`.
pub(crate) fn whitespace_reason(xs: &str) -> String {
    format!(
        "not a valid value of the atomic type 'xs:{xs}' (libxml2 refuses the whitespace around it)"
    )
}

/// The value without the surrounding whitespace libxml2 accepts for `xs_type` (see
/// [`libxml2_whitespace`]), or `None` when it has whitespace libxml2 refuses: what strict
/// reading parses.
///
/// ```
/// use ewsgen::rt::lexical::strip_as_libxml2;
/// assert_eq!(strip_as_libxml2("dateTime", "2024-01-01T00:00:00Z "), Some("2024-01-01T00:00:00Z"));
/// assert_eq!(strip_as_libxml2("dateTime", " 2024-01-01T00:00:00Z"), None);
/// assert_eq!(strip_as_libxml2("dateTime", "2024-01-01T00:00:00 "), None);
/// assert_eq!(strip_as_libxml2("int", " 5"), None);
/// assert_eq!(strip_as_libxml2("integer", " 5 "), Some("5"));
/// ```
pub fn strip_as_libxml2<'a>(xs_type: &str, s: &'a str) -> Option<&'a str> {
    let ws = is_xml_space;
    let (leading, trailing) = libxml2_whitespace(xs_type);
    let t = s.trim_start_matches(ws);
    if t.len() != s.len() && !leading {
        return None;
    }
    let u = t.trim_end_matches(ws);
    if u.len() != t.len() {
        // A `dateTime` takes trailing whitespace only after a zone.
        let b = u.as_bytes();
        let zoned = b.last() == Some(&b'Z')
            || (b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':');
        if !trailing || (xs_type == "dateTime" && !zoned) {
            return None;
        }
    }
    Some(u)
}

// ---------------------------------------------------------------------------------------
// base64
// ---------------------------------------------------------------------------------------

/// Whether libxml2 counts the byte as part of base64 text (the alphabet and `=`); it skips
/// every other character.
fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

/// The base64 alphabet and `=` of the text, the rest left out (borrowed when nothing is).
fn compact(s: &str) -> std::borrow::Cow<'_, [u8]> {
    if s.bytes().all(is_base64_byte) {
        std::borrow::Cow::Borrowed(s.as_bytes())
    } else {
        std::borrow::Cow::Owned(s.bytes().filter(|b| is_base64_byte(*b)).collect())
    }
}

/// Decodes `xs:base64Binary` text as libxml2 (2.9) accepts it: groups of four characters,
/// `=` padding only at the end and only as needed, the unused bits of the last character 0
/// (`AA==` but not `AB==`), and, unlike XML Schema 1.0, which allows only whitespace
/// between the characters, any character outside the base64 alphabet and `=` skipped
/// (libxml2 accepts `-AAA=` and `AA é AA`).
///
/// ```
/// use ewsgen::rt::lexical::decode_base64_strict;
/// assert_eq!(decode_base64_strict("SGVs\nbG8=").unwrap(), b"Hello");
/// assert!(decode_base64_strict("SGVsbG8").is_err());
/// ```
pub fn decode_base64_strict(s: &str) -> Result<Vec<u8>, String> {
    let c = compact(s);
    base64::engine::general_purpose::STANDARD
        .decode(&*c)
        .map_err(|e| format!("not valid base64 ({e})"))
}

/// Decodes `xs:base64Binary` text the way the default reading does: what
/// [`decode_base64_strict`] accepts, and also text without its `=` padding and text whose
/// last character has non-zero unused bits, saying which [`Repair`] was made (missing
/// padding first when both were).
///
/// ```
/// use ewsgen::rt::lexical::{decode_base64_lenient, Repair};
/// assert_eq!(
///     decode_base64_lenient("SGVsbG8").unwrap(),
///     (b"Hello".to_vec(), Some(Repair::Base64Padding))
/// );
/// assert_eq!(decode_base64_lenient("SGVsbG8=").unwrap(), (b"Hello".to_vec(), None));
/// assert!(decode_base64_lenient("SGV=sbG8").is_err());
/// ```
pub fn decode_base64_lenient(s: &str) -> Result<(Vec<u8>, Option<Repair>), String> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let c = compact(s);
    if let Ok(v) = base64::engine::general_purpose::STANDARD.decode(&*c) {
        return Ok((v, None));
    }
    let v = LENIENT
        .decode(&*c)
        .map_err(|e| format!("not valid base64, even without padding ({e})"))?;
    let padded = c.len().is_multiple_of(4);
    let repair = if !padded {
        Repair::Base64Padding
    } else {
        Repair::Base64TrailingBits
    };
    Ok((v, Some(repair)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_first_forbidden(s: &str) -> Option<(usize, char)> {
        s.char_indices().find(|(_, c)| !is_xml_char(*c))
    }

    #[test]
    fn forbidden_chars_are_found_where_they_are() {
        let pieces = [
            "a",
            "é",
            "日",
            "😀",
            "\t",
            "\n",
            "\r",
            "\u{0}",
            "\u{1}",
            "\u{B}",
            "\u{1F}",
            "\u{7F}",
            "\u{FFFE}",
            "\u{FFFF}",
            "\u{FFFD}",
            "\u{EFBF}",
            "\u{F000}",
            "\u{FF01}",
            "\u{D7FF}",
            "\u{E000}",
            "\u{10FFFF}",
        ];
        // Every piece at every offset of a 20-byte ASCII string, and every pair.
        for p in pieces {
            for q in pieces {
                for at in 0..20 {
                    let base = "abcdefghijklmnopqrst";
                    let s = format!("{}{p}{}{q}", &base[..at], &base[at..]);
                    assert_eq!(first_forbidden_char(&s), naive_first_forbidden(&s), "{s:?}");
                }
            }
        }
        // Every ASCII byte at every offset of strings of 1 to 17 bytes (whole chunks, the
        // padded last one, and neighbours the word tests must not confuse with it).
        for byte in 0u8..0x80 {
            for len in 1..=17 {
                for at in 0..len {
                    let mut v = vec![b'\n'; len];
                    v[at] = byte;
                    let s = String::from_utf8(v).expect("ASCII");
                    assert_eq!(first_forbidden_char(&s), naive_first_forbidden(&s), "{s:?}");
                }
            }
        }
        assert_eq!(first_forbidden_char(""), None);
        let long = "x".repeat(1000) + "\u{FFFF}";
        assert_eq!(first_forbidden_char(&long), Some((1000, '\u{FFFF}')));
    }

    #[test]
    fn char_refs_are_classified_as_xml_1_0_says() {
        for (code, allowed) in [
            (0x0, false),
            (0x8, false),
            (0x9, true),
            (0xA, true),
            (0xB, false),
            (0xD, true),
            (0x1F, false),
            (0x20, true),
            (0x7F, true),
            (0xD7FF, true),
            (0xD800, false),
            (0xDFFF, false),
            (0xE000, true),
            (0xFFFD, true),
            (0xFFFE, false),
            (0xFFFF, false),
            (0x10000, true),
            (0x10FFFF, true),
            (0x110000, false),
            (u32::MAX, false),
        ] {
            let r = classify_char_ref(code);
            assert_eq!(matches!(r, CharRef::Allowed(_)), allowed, "{code:X}");
            assert_eq!(r.strict().is_ok(), allowed);
            let (c, repair) = r.lenient();
            assert_eq!(repair.is_none(), allowed);
            if !allowed {
                assert_eq!(c, '\u{FFFD}');
                assert!(repair.unwrap().to_string().contains(&format!("{code:04X}")));
            }
        }
        assert_eq!(char_ref_code("#x1F"), Ok(0x1F));
        assert_eq!(char_ref_code("#31"), Ok(31));
        assert_eq!(char_ref_code("#x110000000000"), Ok(u32::MAX));
        for bad in ["#", "#x", "#X1F", "#1a", "amp", "#x-1", "#+1", "#xé"] {
            assert!(char_ref_code(bad).is_err(), "{bad}");
        }
    }

    /// Verdicts of libxml2 2.9.14 on `xs:base64Binary`, checked by hand with xmllint.
    #[test]
    fn base64_as_libxml2_judges_it() {
        for ok in [
            "SGVsbG8=",
            "SGVs bG8=",
            "S G V s b G 8 =",
            "SGVsbG8= ",
            "SGVsbA==",
            "AA==",
            "",
            "SGVs",
            "SGVsbG8=\t",
            "AAA=",
            "SGVsbG8 =",
            "SGVsbA= =",
            "SGVs\r\nbG8=",
            // libxml2 skips what is not base64.
            "-",
            "-AAA=",
            "AAéAA",
            ".SGVsbA==",
            "AAAA~",
        ] {
            assert!(decode_base64_strict(ok).is_ok(), "{ok:?}");
            assert_eq!(decode_base64_lenient(ok).unwrap().1, None, "{ok:?}");
        }
        for bad in [
            "SGVsbG8",
            "SGVsbG8==",
            "SGVsbA=",
            "SGVsbA",
            "SGVsbB==",
            "SGVsbG9=",
            "SGVsbG8=SGVs",
            "SGV=sbG8",
            "====",
            "=",
            "A",
            "AB==",
            "AA=A",
            "A===",
            "SGVsb",
            "SGVs-G8=",
            "SGVs_G8=",
            "SGVs*G8=",
            "AAB=",
        ] {
            assert!(decode_base64_strict(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lenient_base64_says_what_it_repaired() {
        assert_eq!(
            decode_base64_lenient("SGVs\nbG8").unwrap(),
            (b"Hello".to_vec(), Some(Repair::Base64Padding))
        );
        assert_eq!(
            decode_base64_lenient("SGVsbA").unwrap(),
            (b"Hell".to_vec(), Some(Repair::Base64Padding))
        );
        assert_eq!(
            decode_base64_lenient("SGVsbG9=").unwrap(),
            (b"Hello".to_vec(), Some(Repair::Base64TrailingBits))
        );
        for bad in ["SGVsb", "A", "SGV=sbG8", "S"] {
            assert!(decode_base64_lenient(bad).is_err(), "{bad:?}");
        }
    }
}
