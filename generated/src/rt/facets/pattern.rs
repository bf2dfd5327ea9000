//! XML Schema 1.0 regular expressions (Appendix F of Part 2) translated to the `regex`
//! crate's syntax: implicitly anchored at both ends; `.` excludes CR as well as LF; the
//! escapes `\n \r \t`, the single-character escapes of the metacharacters, `\s \S \d \D \w
//! \W \i \I \c \C`, Unicode categories `\p{Lu}` / `\P{..}` and blocks `\p{IsBasicLatin}`;
//! character class subtraction `[a-z-[aeiou]]`; `^` and `$` are ordinary characters.
//! Anything XSD does not have (backreferences, lookaround, lazy quantifiers, anchors, `(?`
//! groups, unknown escapes) is an error naming the construct and its position, never a
//! panic.

use std::fmt::Write as _;

/// Translates an XSD pattern to an anchored `regex` crate pattern.
///
/// ```
/// use ewsgen::rt::facets::translate_pattern;
/// assert_eq!(translate_pattern("a.c").unwrap(), r"\A(?:a[^\n\r]c)\z");
/// assert!(translate_pattern(r"(a)\1").is_err());
/// ```
pub fn translate(pattern: &str) -> Result<String, String> {
    let mut p = Parser {
        chars: pattern.chars().collect(),
        pos: 0,
        src: pattern,
    };
    let mut out = String::with_capacity(pattern.len() * 2 + 12);
    out.push_str(r"\A(?:");
    p.reg_exp(&mut out, 0)?;
    if p.pos < p.chars.len() {
        return Err(p.error("unbalanced `)`"));
    }
    out.push_str(r")\z");
    Ok(out)
}

/// Compiles an XSD pattern (see [`translate`]).
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    let translated = translate(pattern)?;
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| format!("the pattern {pattern:?} cannot be compiled: {e}"))
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    src: &'a str,
}

const MAX_NESTING: usize = 200;

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!(
            "XML Schema pattern {:?}: {what} at character {}",
            self.src,
            self.pos + 1
        )
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn reg_exp(&mut self, out: &mut String, depth: usize) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(self.error("groups nested too deeply"));
        }
        self.branch(out, depth)?;
        while self.peek() == Some('|') {
            self.pos += 1;
            out.push('|');
            self.branch(out, depth)?;
        }
        Ok(())
    }

    fn branch(&mut self, out: &mut String, depth: usize) -> Result<(), String> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.piece(out, depth)?;
        }
        Ok(())
    }

    fn piece(&mut self, out: &mut String, depth: usize) -> Result<(), String> {
        // Every atom is written as one unit (a literal, a class or a group), so that a
        // quantifier applies to it whole.
        self.atom(out, depth)?;
        match self.peek() {
            Some(q @ ('?' | '*' | '+')) => {
                self.pos += 1;
                out.push(q);
            }
            Some('{') => {
                self.pos += 1;
                let quantity = self.quantity()?;
                out.push_str(&quantity);
            }
            _ => return Ok(()),
        }
        // XSD has no lazy or possessive quantifiers, and a quantifier needs an atom.
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return Err(self.error(
                "a quantifier follows a quantifier (XML Schema has no lazy or stacked quantifiers)",
            ));
        }
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}`, after the `{`.
    fn quantity(&mut self) -> Result<String, String> {
        let num = |p: &mut Self| -> Result<Option<u32>, String> {
            let start = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            if p.pos == start {
                return Ok(None);
            }
            let s: String = p.chars[start..p.pos].iter().collect();
            s.parse::<u32>()
                .map(Some)
                .map_err(|_| p.error("a quantity is too large"))
        };
        let min = num(self)?.ok_or_else(|| self.error("expected a number after `{`"))?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            num(self)?
        } else {
            Some(min)
        };
        if self.peek() != Some('}') {
            return Err(self.error("expected `}` to end the quantity"));
        }
        self.pos += 1;
        if let Some(m) = max {
            if m < min {
                return Err(self.error("a quantity's maximum is below its minimum"));
            }
        }
        if min > 1000 || max.is_some_and(|m| m > 1000) {
            return Err(self.error("quantities above 1000 are not supported"));
        }
        Ok(match max {
            Some(m) if m == min => format!("{{{min}}}"),
            Some(m) => format!("{{{min},{m}}}"),
            None => format!("{{{min},}}"),
        })
    }

    fn atom(&mut self, out: &mut String, depth: usize) -> Result<(), String> {
        let Some(c) = self.peek() else {
            return Err(self.error("expected an atom"));
        };
        match c {
            '(' => {
                self.pos += 1;
                if self.peek() == Some('?') {
                    return Err(
                        self.error("`(?` groups (lookaround, flags, names) are not XML Schema")
                    );
                }
                out.push_str("(?:");
                self.reg_exp(out, depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(self.error("expected `)`"));
                }
                self.pos += 1;
                out.push(')');
            }
            '[' => {
                self.pos += 1;
                self.class_expr(out, depth + 1)?;
            }
            '.' => {
                self.pos += 1;
                out.push_str(r"[^\n\r]");
            }
            '\\' => {
                self.pos += 1;
                self.escape(out)?;
            }
            '?' | '*' | '+' | '{' => {
                return Err(self.error(&format!("`{c}` has nothing to repeat")));
            }
            ')' | ']' | '}' | '|' => {
                return Err(self.error(&format!("unexpected `{c}`")));
            }
            _ => {
                self.pos += 1;
                push_literal(out, c);
            }
        }
        Ok(())
    }

    /// After `\`: a single-character escape (as a literal), a multi-character escape or a
    /// category / block escape (as a bracketed class, also inside a class).
    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let Some(c) = self.peek() else {
            return Err(self.error("a pattern cannot end with `\\`"));
        };
        self.pos += 1;
        let class = |out: &mut String, body: &str, negated: bool| {
            // `body` is the inside of a class.
            out.push('[');
            if negated {
                out.push('^');
            }
            out.push_str(body);
            out.push(']');
        };
        if let Some(literal) = single_escape(c) {
            push_literal(out, literal);
            return Ok(());
        }
        match c {
            's' => class(out, r" \t\n\r", false),
            'S' => class(out, r" \t\n\r", true),
            'd' => out.push_str(r"\p{Nd}"),
            'D' => out.push_str(r"\P{Nd}"),
            'w' => class(out, r"\p{P}\p{Z}\p{C}", true),
            'W' => class(out, r"\p{P}\p{Z}\p{C}", false),
            'i' => class(out, NAME_START, false),
            'I' => class(out, NAME_START, true),
            'c' => class(out, NAME_CHAR, false),
            'C' => class(out, NAME_CHAR, true),
            'p' | 'P' => {
                let negated = c == 'P';
                if self.peek() != Some('{') {
                    return Err(self.error("expected `{` after `\\p`"));
                }
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '}') {
                    self.pos += 1;
                }
                if self.peek() != Some('}') {
                    return Err(self.error("expected `}` to end a category"));
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                if let Some(block) = name.strip_prefix("Is") {
                    let ranges = block_ranges(block)
                        .ok_or_else(|| self.error(&format!("unknown Unicode block `{block}`")))?;
                    let mut body = String::new();
                    for (lo, hi) in ranges {
                        let _ = write!(body, r"\x{{{lo:X}}}-\x{{{hi:X}}}");
                    }
                    class(out, &body, negated);
                } else if CATEGORIES.contains(&name.as_str()) {
                    let _ = write!(out, r"\{c}{{{name}}}");
                } else {
                    return Err(self.error(&format!("unknown Unicode category `{name}`")));
                }
            }
            _ => {
                return Err(self.error(&format!(
                    "`\\{c}` is not an XML Schema escape (no backreferences, anchors or shorthand classes other than \\s \\d \\w \\i \\c)"
                )));
            }
        }
        Ok(())
    }

    /// After `[`: a character class expression, written as a `regex` class.
    fn class_expr(&mut self, out: &mut String, depth: usize) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(self.error("classes nested too deeply"));
        }
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut body = String::new();
        let mut items = 0;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("a class is not closed with `]`"));
            };
            match c {
                ']' => {
                    if items == 0 {
                        return Err(self.error("an empty class"));
                    }
                    self.pos += 1;
                    break;
                }
                '-' if self.chars.get(self.pos + 1) == Some(&'[') => {
                    // Subtraction: the rest is one class expression, then `]`.
                    if items == 0 {
                        return Err(self.error("a subtraction needs a class before `-[`"));
                    }
                    self.pos += 2;
                    let mut sub = String::new();
                    self.class_expr(&mut sub, depth + 1)?;
                    if self.peek() != Some(']') {
                        return Err(self.error("a subtraction must end its class"));
                    }
                    self.pos += 1;
                    let inner = if negated {
                        format!("[^{body}]")
                    } else {
                        format!("[{body}]")
                    };
                    let _ = write!(out, "[{inner}--{sub}]");
                    return Ok(());
                }
                '[' => return Err(self.error("`[` inside a class must be escaped")),
                _ => {
                    self.class_item(&mut body, items == 0)?;
                    items += 1;
                }
            }
        }
        out.push('[');
        if negated {
            out.push('^');
        }
        out.push_str(&body);
        out.push(']');
        Ok(())
    }

    /// One character, range or escape inside a class.
    fn class_item(&mut self, body: &mut String, first: bool) -> Result<(), String> {
        let start = self.single_or_escape(body)?;
        let Some(lo) = start else { return Ok(()) };
        // A range `a-z` (a `-` before `]` or `-[` is a literal `-`).
        if self.peek() == Some('-')
            && !matches!(self.chars.get(self.pos + 1), Some(']') | Some('[') | None)
        {
            self.pos += 1;
            let mut scratch = String::new();
            let hi = self
                .single_or_escape(&mut scratch)?
                .ok_or_else(|| self.error("a range cannot end with a class escape"))?;
            if hi < lo {
                return Err(self.error("a range's end is before its start"));
            }
            // `lo`'s literal is in `body` already; `scratch` holds `hi`'s.
            body.push('-');
            body.push_str(&scratch);
        } else if lo == '-' && !first && self.peek() != Some(']') {
            return Err(self.error("an unescaped `-` inside a class"));
        }
        Ok(())
    }

    /// A literal character (pushed, and returned) or a class escape (pushed; `None`).
    fn single_or_escape(&mut self, body: &mut String) -> Result<Option<char>, String> {
        let Some(c) = self.peek() else {
            return Err(self.error("a class is not closed with `]`"));
        };
        if c == '\\' {
            self.pos += 1;
            let Some(e) = self.peek() else {
                return Err(self.error("a pattern cannot end with `\\`"));
            };
            if let Some(s) = single_escape(e) {
                self.pos += 1;
                body.push_str(&literal(s));
                return Ok(Some(s));
            }
            self.escape(body)?;
            return Ok(None);
        }
        self.pos += 1;
        body.push_str(&literal(c));
        Ok(Some(c))
    }
}

/// The character a single-character escape (`\n`, `\t`, `\.`, `\-`, ...) stands for.
fn single_escape(c: char) -> Option<char> {
    match c {
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        '\\' | '|' | '.' | '?' | '*' | '+' | '(' | ')' | '{' | '}' | '-' | '[' | ']' | '^' => {
            Some(c)
        }
        _ => None,
    }
}

fn literal(c: char) -> String {
    let mut s = String::new();
    push_literal(&mut s, c);
    s
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) {
        out.push(c);
    } else {
        let _ = write!(out, r"\x{{{:X}}}", u32::from(c));
    }
}

/// The general categories XML Schema 1.0 names (F.1.1), all known to `regex`.
const CATEGORIES: &[&str] = &[
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
    "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C",
    "Cc", "Cf", "Co", "Cn",
];

/// `\i`: XML name start characters (XML 1.0 fifth edition `NameStartChar`).
const NAME_START: &str = r":A-Z_a-z\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{2FF}\x{370}-\x{37D}\x{37F}-\x{1FFF}\x{200C}-\x{200D}\x{2070}-\x{218F}\x{2C00}-\x{2FEF}\x{3001}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFFD}\x{10000}-\x{EFFFF}";

/// `\c`: XML name characters (`NameChar`).
const NAME_CHAR: &str = r":A-Z_a-z\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{2FF}\x{370}-\x{37D}\x{37F}-\x{1FFF}\x{200C}-\x{200D}\x{2070}-\x{218F}\x{2C00}-\x{2FEF}\x{3001}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFFD}\x{10000}-\x{EFFFF}\-.0-9\x{B7}\x{300}-\x{36F}\x{203F}-\x{2040}";

/// The Unicode blocks a `\p{Is..}` escape may name: XML Schema 1.0's list and the other
/// Unicode 4.0 blocks libxml2 knows, with libxml2's ranges.
pub(crate) const BLOCKS: &[(&str, u32, u32)] = &[
    ("AegeanNumbers", 0x10100, 0x1013F),
    ("AlphabeticPresentationForms", 0xFB00, 0xFB4F),
    ("Arabic", 0x0600, 0x06FF),
    ("ArabicPresentationForms-A", 0xFB50, 0xFDFF),
    ("ArabicPresentationForms-B", 0xFE70, 0xFEFF),
    ("Armenian", 0x0530, 0x058F),
    ("Arrows", 0x2190, 0x21FF),
    ("BasicLatin", 0x0000, 0x007F),
    ("Bengali", 0x0980, 0x09FF),
    ("BlockElements", 0x2580, 0x259F),
    ("Bopomofo", 0x3100, 0x312F),
    ("BopomofoExtended", 0x31A0, 0x31BF),
    ("BoxDrawing", 0x2500, 0x257F),
    ("BraillePatterns", 0x2800, 0x28FF),
    ("Buhid", 0x1740, 0x175F),
    ("ByzantineMusicalSymbols", 0x1D000, 0x1D0FF),
    ("CJKCompatibility", 0x3300, 0x33FF),
    ("CJKCompatibilityForms", 0xFE30, 0xFE4F),
    ("CJKCompatibilityIdeographs", 0xF900, 0xFAFF),
    ("CJKCompatibilityIdeographsSupplement", 0x2F800, 0x2FA1F),
    ("CJKRadicalsSupplement", 0x2E80, 0x2EFF),
    ("CJKSymbolsandPunctuation", 0x3000, 0x303F),
    ("CJKUnifiedIdeographs", 0x4E00, 0x9FFF),
    ("CJKUnifiedIdeographsExtensionA", 0x3400, 0x4DBF),
    ("CJKUnifiedIdeographsExtensionB", 0x20000, 0x2A6DF),
    ("Cherokee", 0x13A0, 0x13FF),
    ("CombiningDiacriticalMarks", 0x0300, 0x036F),
    ("CombiningDiacriticalMarksforSymbols", 0x20D0, 0x20FF),
    ("CombiningHalfMarks", 0xFE20, 0xFE2F),
    ("CombiningMarksforSymbols", 0x20D0, 0x20FF),
    ("ControlPictures", 0x2400, 0x243F),
    ("CurrencySymbols", 0x20A0, 0x20CF),
    ("CypriotSyllabary", 0x10800, 0x1083F),
    ("Cyrillic", 0x0400, 0x04FF),
    ("CyrillicSupplement", 0x0500, 0x052F),
    ("Deseret", 0x10400, 0x1044F),
    ("Devanagari", 0x0900, 0x097F),
    ("Dingbats", 0x2700, 0x27BF),
    ("EnclosedAlphanumerics", 0x2460, 0x24FF),
    ("EnclosedCJKLettersandMonths", 0x3200, 0x32FF),
    ("Ethiopic", 0x1200, 0x137F),
    ("GeneralPunctuation", 0x2000, 0x206F),
    ("GeometricShapes", 0x25A0, 0x25FF),
    ("Georgian", 0x10A0, 0x10FF),
    ("Gothic", 0x10330, 0x1034F),
    ("Greek", 0x0370, 0x03FF),
    ("GreekExtended", 0x1F00, 0x1FFF),
    ("GreekandCoptic", 0x0370, 0x03FF),
    ("Gujarati", 0x0A80, 0x0AFF),
    ("Gurmukhi", 0x0A00, 0x0A7F),
    ("HalfwidthandFullwidthForms", 0xFF00, 0xFFEF),
    ("HangulCompatibilityJamo", 0x3130, 0x318F),
    ("HangulJamo", 0x1100, 0x11FF),
    ("HangulSyllables", 0xAC00, 0xD7AF),
    ("Hanunoo", 0x1720, 0x173F),
    ("Hebrew", 0x0590, 0x05FF),
    ("HighPrivateUseSurrogates", 0xDB80, 0xDBFF),
    ("HighSurrogates", 0xD800, 0xDB7F),
    ("Hiragana", 0x3040, 0x309F),
    ("IPAExtensions", 0x0250, 0x02AF),
    ("IdeographicDescriptionCharacters", 0x2FF0, 0x2FFF),
    ("Kanbun", 0x3190, 0x319F),
    ("KangxiRadicals", 0x2F00, 0x2FDF),
    ("Kannada", 0x0C80, 0x0CFF),
    ("Katakana", 0x30A0, 0x30FF),
    ("KatakanaPhoneticExtensions", 0x31F0, 0x31FF),
    ("Khmer", 0x1780, 0x17FF),
    ("KhmerSymbols", 0x19E0, 0x19FF),
    ("Lao", 0x0E80, 0x0EFF),
    ("Latin-1Supplement", 0x0080, 0x00FF),
    ("LatinExtended-A", 0x0100, 0x017F),
    ("LatinExtended-B", 0x0180, 0x024F),
    ("LatinExtendedAdditional", 0x1E00, 0x1EFF),
    ("LetterlikeSymbols", 0x2100, 0x214F),
    ("Limbu", 0x1900, 0x194F),
    ("LinearBIdeograms", 0x10080, 0x100FF),
    ("LinearBSyllabary", 0x10000, 0x1007F),
    ("LowSurrogates", 0xDC00, 0xDFFF),
    ("Malayalam", 0x0D00, 0x0D7F),
    ("MathematicalAlphanumericSymbols", 0x1D400, 0x1D7FF),
    ("MathematicalOperators", 0x2200, 0x22FF),
    ("MiscellaneousMathematicalSymbols-A", 0x27C0, 0x27EF),
    ("MiscellaneousMathematicalSymbols-B", 0x2980, 0x29FF),
    ("MiscellaneousSymbols", 0x2600, 0x26FF),
    ("MiscellaneousSymbolsandArrows", 0x2B00, 0x2BFF),
    ("MiscellaneousTechnical", 0x2300, 0x23FF),
    ("Mongolian", 0x1800, 0x18AF),
    ("MusicalSymbols", 0x1D100, 0x1D1FF),
    ("Myanmar", 0x1000, 0x109F),
    ("NumberForms", 0x2150, 0x218F),
    ("Ogham", 0x1680, 0x169F),
    ("OldItalic", 0x10300, 0x1032F),
    ("OpticalCharacterRecognition", 0x2440, 0x245F),
    ("Oriya", 0x0B00, 0x0B7F),
    ("Osmanya", 0x10480, 0x104AF),
    ("PhoneticExtensions", 0x1D00, 0x1D7F),
    ("PrivateUse", 0xE000, 0xF8FF),
    ("PrivateUseArea", 0xE000, 0xF8FF),
    ("Runic", 0x16A0, 0x16FF),
    ("Shavian", 0x10450, 0x1047F),
    ("Sinhala", 0x0D80, 0x0DFF),
    ("SmallFormVariants", 0xFE50, 0xFE6F),
    ("SpacingModifierLetters", 0x02B0, 0x02FF),
    ("Specials", 0xFFF0, 0xFFFF),
    ("SuperscriptsandSubscripts", 0x2070, 0x209F),
    ("SupplementalArrows-A", 0x27F0, 0x27FF),
    ("SupplementalArrows-B", 0x2900, 0x297F),
    ("SupplementalMathematicalOperators", 0x2A00, 0x2AFF),
    ("SupplementaryPrivateUseArea-A", 0xF0000, 0xFFFFF),
    ("SupplementaryPrivateUseArea-B", 0x100000, 0x10FFFF),
    ("Syriac", 0x0700, 0x074F),
    ("Tagalog", 0x1700, 0x171F),
    ("Tagbanwa", 0x1760, 0x177F),
    ("Tags", 0xE0000, 0xE007F),
    ("TaiLe", 0x1950, 0x197F),
    ("TaiXuanJingSymbols", 0x1D300, 0x1D35F),
    ("Tamil", 0x0B80, 0x0BFF),
    ("Telugu", 0x0C00, 0x0C7F),
    ("Thaana", 0x0780, 0x07BF),
    ("Thai", 0x0E00, 0x0E7F),
    ("Tibetan", 0x0F00, 0x0FFF),
    ("Ugaritic", 0x10380, 0x1039F),
    ("UnifiedCanadianAboriginalSyllabics", 0x1400, 0x167F),
    ("VariationSelectors", 0xFE00, 0xFE0F),
    ("VariationSelectorsSupplement", 0xE0100, 0xE01EF),
    ("YiRadicals", 0xA490, 0xA4CF),
    ("YiSyllables", 0xA000, 0xA48F),
    ("YijingHexagramSymbols", 0x4DC0, 0x4DFF),
];

/// The code point ranges of a block (surrogate blocks match nothing in Rust strings).
fn block_ranges(name: &str) -> Option<Vec<(u32, u32)>> {
    let (_, lo, hi) = BLOCKS.iter().find(|(n, _, _)| *n == name)?;
    // `regex` classes cannot name surrogates: keep the parts outside D800-DFFF; a block
    // wholly inside matches nothing (an empty class is written as a range it cannot hold).
    let mut v = Vec::new();
    if *lo < 0xD800 {
        v.push((*lo, (*hi).min(0xD7FF)));
    }
    if *hi > 0xDFFF {
        v.push(((*lo).max(0xE000), *hi));
    }
    if v.is_empty() {
        // Matches no character a string can hold: a private-use code point subtracted
        // from itself would do, but `regex` has no empty class; use a noncharacter that
        // XML text cannot carry.
        v.push((0xFFFF, 0xFFFF));
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        compile(p).unwrap_or_else(|e| panic!("{e}")).is_match(s)
    }

    #[test]
    fn the_patterns_of_the_ews_schemas() {
        let guid = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
        assert!(m(guid, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
        assert!(!m(guid, "6ba7b810-9dad-11d1-80b4-00c04fd430c8x"));
        assert!(!m(guid, "x6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
        let either = "((0x|0X)[0-9A-Fa-f]*)|([0-9]*)";
        assert!(m(either, "0x1F") && m(either, "123") && m(either, ""));
        assert!(!m(either, "0x1Fz") && !m(either, "12a"));
        let version = r"[0-9]{1,4}\.[0-9]{1,4}(\.[0-9]{1,4}(\.[0-9]{1,4})?)?";
        assert!(m(version, "15.0.1234.0") && !m(version, "15") && !m(version, "15x0"));
    }

    #[test]
    fn xsd_constructs() {
        assert!(m("a^b$", "a^b$"));
        assert!(m(".", "x") && !m(".", "\n") && !m(".", "\r"));
        assert!(m("[a-z-[aeiou]]+", "xyz") && !m("[a-z-[aeiou]]+", "xaz"));
        assert!(m("[^a-z-[0-9]]", "A") && !m("[^a-z-[0-9]]", "5") && !m("[^a-z-[0-9]]", "q"));
        assert!(m(r"\i\c*", "_x-1.y") && !m(r"\i\c*", "1x"));
        assert!(m(r"\d+", "٣4") && !m(r"\d", "x"));
        assert!(m(r"\w", "a") && !m(r"\w", "!") && !m(r"\w", " "));
        assert!(m(r"\s\S", "\tx") && !m(r"\s", "x"));
        assert!(m(r"\p{Lu}\P{Lu}", "Ab") && !m(r"\p{Lu}", "a"));
        assert!(m(r"\p{IsBasicLatin}+", "abc") && !m(r"\p{IsBasicLatin}", "é"));
        assert!(m(r"\P{IsBasicLatin}", "é"));
        assert!(m(r"[\p{IsGreek}\d]+", "αβ1"));
        assert!(m(r"a{2}b{1,}c{0,1}", "aabbb") && !m(r"a{2}", "aaa"));
        assert!(m(r"[-a]+", "-a-") && m(r"[a-]+", "a-"));
        assert!(m(r"\\\|\.\?\*\+\(\)\{\}\-\[\]\^", r"\|.?*+(){}-[]^"));
        assert!(m(r"[\n\r\t]+", "\n\r\t"));
        assert!(m("", "") && !m("", "a"));
        assert!(m("a|", "") && m("a|", "a"));
        assert!(m("日本", "日本"));
    }

    #[test]
    fn unsupported_constructs_are_clear_errors() {
        for (p, says) in [
            (r"(a)\1", r"`\1`"),
            (r"a*?", "quantifier"),
            (r"a{2,1}", "maximum"),
            (r"(?=a)", "`(?`"),
            (r"\bword", r"`\b`"),
            (r"a{", "number"),
            (r"[a", "closed"),
            (r"[]", "empty"),
            (r"(a", "`)`"),
            (r"a)", "unbalanced"),
            (r"*a", "nothing to repeat"),
            (r"\p{Foo}", "category"),
            (r"\p{IsFoo}", "block"),
            (r"[z-a]", "range"),
            (r"a\", "end"),
            (r"[a[b]]", "escaped"),
            (r"a{99999}", "1000"),
        ] {
            let e = translate(p)
                .err()
                .unwrap_or_else(|| panic!("{p} was accepted"));
            assert!(e.contains(says), "{p}: {e}");
        }
        // Deep nesting is an error, not a stack overflow.
        let deep = "(".repeat(10_000) + &")".repeat(10_000);
        assert!(translate(&deep).is_err());
    }

    /// Random strings of metacharacters: an error or a compiled pattern, never a panic.
    #[test]
    fn random_patterns_never_panic() {
        const PIECES: &[&str] = &[
            "a",
            "(",
            ")",
            "[",
            "]",
            "^",
            "-",
            "\\",
            "|",
            "?",
            "*",
            "+",
            "{",
            "}",
            ",",
            "1",
            "2",
            ".",
            "\\p{",
            "Lu",
            "IsBasicLatin",
            "\\d",
            "\\i",
            "-[",
            "$",
            "é",
        ];
        let mut state = 7u64;
        for _ in 0..20_000 {
            let mut p = String::new();
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let n = (state >> 59) as usize;
            for _ in 0..n {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                p.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            if let Ok(r) = compile(&p) {
                let _ = r.is_match("abc");
            }
        }
    }
}
