//! Stage 3: the naming pass. Every model key gets its Rust path (module and type name), every
//! field, attribute and variant its Rust name, beside the wire names the model keeps. The
//! emitter and the random-value stage read [`Names`]; nothing else names anything.
//!
//! Identifiers come from one sanitizer (`type_name`, `field_name`); anonymous choices are
//! named after what their alternatives share (`IndexedPageItemView`, `CalendarView`, ...
//! share `View`), otherwise after the group or type that holds them.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::model::{FieldKind, KeyKind, Model, Origin, QName, TyRef, TypeDef, TypeKey, TypeKind};

/// Words Rust reserves (strict and reserved keywords, 2021 edition and later).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `s` is a Rust keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.binary_search(&s).is_ok()
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A type or variant name (`UpperCamelCase`), always a valid non-raw identifier.
pub(crate) fn type_name(xml: &str) -> String {
    let mut s = clean(xml).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if s == "Self" {
        s = "Self_".into();
    }
    s
}

/// A field or module name (`snake_case`); keywords are made raw (`r#type`) where Rust
/// allows it and get a trailing `_` where it does not (`self_`).
pub(crate) fn field_name(xml: &str) -> String {
    let mut s = clean(xml).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    if matches!(s.as_str(), "self" | "crate" | "super" | "_") {
        s.push('_');
    } else if is_keyword(&s) {
        s = format!("r#{s}");
    }
    s
}

/// The Rust names of a model.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Module of each namespace (by index).
    pub modules: Vec<String>,
    /// Name of the namespace id constant of each namespace (in the generated `ns` module).
    pub ns_consts: Vec<String>,
    /// Type name of each type, unique within its module.
    pub types: BTreeMap<TypeKey, String>,
    /// Names of the own fields of each struct and group, and of the variants of each
    /// choice and derived type, in model order.
    pub fields: BTreeMap<TypeKey, Vec<String>>,
    /// Names of the own attributes of each struct, in model order.
    pub attrs: BTreeMap<TypeKey, Vec<String>>,
    /// The field holding the base of each struct derived by extension.
    pub base_fields: BTreeMap<TypeKey, String>,
    /// The field of simple content, of mixed text and of open attributes of each struct that
    /// has them (`value`, `text`, `other_attributes` unless taken).
    pub special: BTreeMap<TypeKey, Special>,
    /// Variants of each enumeration, and the variant keeping values it does not list.
    pub enum_variants: BTreeMap<TypeKey, (Vec<String>, String)>,
    /// Variants of each union.
    pub union_variants: BTreeMap<TypeKey, Vec<String>>,
    /// `GlobalElement` variant of each non-abstract global element.
    pub globals: BTreeMap<(usize, String), String>,
    /// The field of each SOAP header in the generated `RequestHeaders` and
    /// `ResponseHeaders` (every header an operation accepts or answers with).
    pub headers: BTreeMap<QName, String>,
}

/// Field names a struct needs besides its fields and attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Special {
    /// Simple content.
    pub value: String,
    /// Mixed text.
    pub text: String,
    /// Open attributes.
    pub other_attributes: String,
    /// Whether the element carried an `xsi:type` naming its own type (`xsi_type`), for the
    /// root of a chain of extensions that has attributes; empty for other types.
    pub xsi_type: String,
}

impl Names {
    /// The type name of `k`.
    pub fn ty(&self, k: &TypeKey) -> &str {
        &self.types[k]
    }

    /// The module of `k`.
    pub fn module(&self, k: &TypeKey) -> &str {
        &self.modules[k.ns]
    }
}

/// Module names of the namespaces, unique, never a keyword or a name the generated file
/// uses itself.
fn module_names(m: &Model) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, n) in m.namespaces.iter().enumerate() {
        let last = n
            .uri
            .trim_end_matches(['/', ':', '#'])
            .rsplit(['/', ':', '#'])
            .next()
            .unwrap_or("")
            .to_string();
        let mut module = field_name(if last.is_empty() { "default" } else { &last })
            .trim_start_matches("r#")
            .to_string();
        if matches!(module.as_str(), "rt" | "soap" | "ns") || is_keyword(&module) {
            module.push_str("_ns");
        }
        if !seen.insert(module.clone()) {
            module = format!("{module}{i}");
            seen.insert(module.clone());
        }
        out.push(module);
    }
    out
}

/// Splits a name into lower-case words (`IndexedPageItemView` -> `indexed page item view`).
fn words(s: &str) -> Vec<String> {
    s.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the names of several alternatives share: their common trailing words, else their
/// common leading words (`FolderId`/`DistinguishedFolderId` -> `FolderId`).
fn shared_words(names: &[String]) -> Option<String> {
    if names.len() < 2 {
        return None;
    }
    let ws: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    let shortest = ws.iter().map(Vec::len).min().unwrap_or(0);
    let suffix = (0..shortest)
        .take_while(|&i| {
            let w = &ws[0][ws[0].len() - 1 - i];
            ws.iter().all(|x| &x[x.len() - 1 - i] == w)
        })
        .count();
    if suffix > 0 {
        let first = &ws[0];
        return Some(
            first[first.len() - suffix..]
                .join("_")
                .to_upper_camel_case(),
        );
    }
    let prefix = (0..shortest)
        .take_while(|&i| ws.iter().all(|x| x[i] == ws[0][i]))
        .count();
    (prefix > 0).then(|| ws[0][..prefix].join("_").to_upper_camel_case())
}

fn strip_type_suffix(name: &str) -> &str {
    for suffix in ["Types", "Type"] {
        if let Some(s) = name.strip_suffix(suffix) {
            if !s.is_empty() {
                return s;
            }
        }
    }
    name
}

/// English plurals and singulars of a name's last word: one rule table, irregular words
/// first, then suffixes, in order (`Mailbox` -> `Mailboxes`, `Address` -> `Addresses`,
/// `Entry` -> `Entries`, `Person` -> `People`). A word that already reads as a plural
/// (`Items`, `Details`) is kept.
const PLURALS: &[(&str, &str)] = &[
    // Irregular words (matched as the whole last word, case aside).
    ("person", "people"),
    ("child", "children"),
    ("man", "men"),
    ("woman", "women"),
    ("criterion", "criteria"),
    ("leaf", "leaves"),
    ("half", "halves"),
    ("self", "selves"),
    ("shelf", "shelves"),
];

/// Suffix rules: `(singular ending, plural ending)`, the first that matches applies.
const PLURAL_SUFFIXES: &[(&str, &str)] = &[
    ("sis", "ses"),
    ("ss", "sses"),
    ("us", "uses"),
    ("x", "xes"),
    ("z", "zes"),
    ("ch", "ches"),
    ("sh", "shes"),
    ("ay", "ays"),
    ("ey", "eys"),
    ("oy", "oys"),
    ("uy", "uys"),
    ("y", "ies"),
];

/// Splits a name into its leading part and its last word (`MailboxType` -> `Mailbox`,
/// `Type`; `item_ids` -> `item_`, `ids`).
fn last_word(name: &str) -> (&str, &str) {
    let start = name
        .char_indices()
        .rev()
        .find(|&(i, c)| i > 0 && (c.is_ascii_uppercase() || name.as_bytes()[i - 1] == b'_'))
        .map_or(0, |(i, _)| i);
    name.split_at(start)
}

/// Puts `new` in place of the last word, in the case of the word it replaces.
fn recase(word: &str, new: &str) -> String {
    if word.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut c = new.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    } else {
        new.to_string()
    }
}

/// The English plural of a name's last word, for lists.
pub(crate) fn plural(name: &str) -> String {
    let (head, word) = last_word(name);
    let lower = word.to_ascii_lowercase();
    if let Some((_, p)) = PLURALS.iter().find(|(s, _)| *s == lower) {
        return format!("{head}{}", recase(word, p));
    }
    if PLURALS.iter().any(|(_, p)| *p == lower) {
        return name.to_string();
    }
    for (sing, plur) in PLURAL_SUFFIXES {
        if let Some(stem) = word.strip_suffix(sing) {
            if stem.is_empty() {
                break;
            }
            return format!("{head}{stem}{plur}");
        }
    }
    // Already a plural (`Items`, `Details`).
    if word.ends_with('s') {
        return name.to_string();
    }
    format!("{name}s")
}

/// The English singular of a name's last word (the inverse of [`plural`] on its table).
pub(crate) fn singular(name: &str) -> String {
    let (head, word) = last_word(name);
    let lower = word.to_ascii_lowercase();
    if let Some((s, _)) = PLURALS.iter().find(|(_, p)| *p == lower) {
        return format!("{head}{}", recase(word, s));
    }
    if PLURALS.iter().any(|(s, _)| *s == lower) {
        return name.to_string();
    }
    // The longest plural ending first (`sses` before `ses`).
    let mut rules: Vec<&(&str, &str)> = PLURAL_SUFFIXES.iter().collect();
    rules.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    for (sing, plur) in rules {
        if let Some(stem) = word.strip_suffix(plur) {
            if !stem.is_empty() {
                return format!("{head}{stem}{sing}");
            }
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !word.ends_with("ss") => format!("{head}{stem}"),
        _ => name.to_string(),
    }
}

/// The name a choice's alternatives share: their common words, else the common base type
/// of their types, else `AOrB` for two alternatives; `None` otherwise. A single
/// alternative is its own name.
pub(crate) fn choice_shared_name(m: &Model, def: &TypeDef) -> Option<String> {
    let TypeKind::Choice { variants } = &def.kind else {
        return None;
    };
    let names: Vec<String> = variants
        .iter()
        .map(|v| match &v.kind {
            FieldKind::Element { qname, .. } => qname.name.clone(),
            FieldKind::Group(k) => m.types[k]
                .xml_name
                .as_ref()
                .map(|q| q.name.clone())
                .unwrap_or_else(|| v.name.clone()),
            FieldKind::Any(..) => "Any".into(),
        })
        .collect();
    if let [one] = names.as_slice() {
        return Some(type_name(one));
    }
    if let Some(s) = shared_words(&names) {
        return Some(s);
    }
    if let Some(base) = common_base(m, def) {
        if let Some(q) = &m.types[&base].xml_name {
            return Some(type_name(strip_type_suffix(&q.name)));
        }
    }
    if let [a, b] = names.as_slice() {
        return Some(format!("{}Or{}", type_name(a), type_name(b)));
    }
    None
}

/// The name of the choice a wrapper lists, after what its alternatives are: their common
/// base (`BaseFolderId`, `Item`, `ResponseMessage`), else the words their names share.
fn wrapper_item_name(m: &Model, def: &TypeDef) -> Option<String> {
    if let Some(base) = common_base(m, def) {
        if let Some(q) = &m.types[&base].xml_name {
            return Some(type_name(strip_type_suffix(&q.name)));
        }
    }
    let TypeKind::Choice { variants } = &def.kind else {
        return None;
    };
    let names: Vec<String> = variants
        .iter()
        .filter_map(|v| match &v.kind {
            FieldKind::Element { qname, .. } => Some(qname.name.clone()),
            _ => None,
        })
        .collect();
    if names.len() != variants.len() {
        return None;
    }
    shared_words(&names)
}

/// The deepest struct every alternative of a choice is or derives from by extension
/// (elements of struct types only).
pub(crate) fn common_base(m: &Model, def: &TypeDef) -> Option<TypeKey> {
    let variants = match &def.kind {
        TypeKind::Choice { variants } | TypeKind::Derived { variants } => variants,
        _ => return None,
    };
    if variants.len() < 2 {
        return None;
    }
    let mut common: Option<Vec<TypeKey>> = None;
    for v in variants {
        let FieldKind::Element {
            ty: TyRef::Named(k),
            ..
        } = &v.kind
        else {
            return None;
        };
        m.struct_of(k)?;
        let mut chain = vec![k.clone()];
        chain.extend(m.bases(k));
        common = Some(match common {
            None => chain,
            Some(c) => c.into_iter().filter(|x| chain.contains(x)).collect(),
        });
    }
    common.and_then(|c| c.into_iter().next())
}

struct Namer<'m> {
    m: &'m Model,
    names: Names,
    used: BTreeMap<usize, BTreeSet<String>>,
}

impl Namer<'_> {
    fn unique(&mut self, ns: usize, base: &str) -> String {
        let used = self.used.entry(ns).or_default();
        let mut name = base.to_string();
        let mut i = 2;
        while used.contains(&name) {
            name = format!("{base}{i}");
            i += 1;
        }
        used.insert(name.clone());
        name
    }

    /// The name of a type, naming the type it stands in first.
    fn name_type(&mut self, k: &TypeKey, depth: usize) -> String {
        if let Some(n) = self.names.types.get(k) {
            return n.clone();
        }
        let def = &self.m.types[k];
        let owner_name = |this: &mut Self, o: &TypeKey| {
            if depth > 64 {
                "Anonymous".to_string()
            } else {
                this.name_type(o, depth + 1)
            }
        };
        let base = match (&def.origin, &def.xml_name) {
            (Origin::Named, Some(q)) => match k.kind {
                KeyKind::Derived => format!("{}Derived", type_name(&q.name)),
                _ => type_name(&q.name),
            },
            (Origin::Named, None) => type_name(&k.name),
            (Origin::Element { owner, element }, _) => match owner {
                Some(o) => format!("{}{}", owner_name(self, o), type_name(element)),
                None => type_name(element),
            },
            (Origin::Attribute { owner, attribute }, _) => match owner {
                Some(o) => format!("{}{}", owner_name(self, o), type_name(attribute)),
                None => type_name(attribute),
            },
            (Origin::Part { owner, role }, _) => format!("{}{role}", owner_name(self, owner)),
            (Origin::Compositor { owner, .. }, _)
                if matches!(
                    self.m.types.get(owner).map(|t| &t.kind),
                    Some(TypeKind::Wrapper { .. })
                ) =>
            {
                let taken = |n: &String| self.used.get(&k.ns).is_some_and(|u| u.contains(n));
                match wrapper_item_name(self.m, def) {
                    Some(n) if !taken(&n) => n,
                    _ => {
                        // After what the wrapper lists: the words after `Of`, singular
                        // (`NonEmptyArrayOfAllItemsType` lists `AllItem`s).
                        let o = self.m.types[owner]
                            .xml_name
                            .as_ref()
                            .map(|q| strip_type_suffix(&q.name).to_string())
                            .unwrap_or_default();
                        let w = words(&o);
                        let after = w.iter().rposition(|x| x == "of").map(|i| i + 1);
                        let listed = after
                            .map(|i| w[i..].join("_").to_upper_camel_case())
                            .unwrap_or_default();
                        let n = if listed.is_empty() {
                            let o = owner_name(self, owner);
                            let (stem, role) = fallback_choice_name(strip_type_suffix(&o), true);
                            format!("{stem}{role}")
                        } else {
                            type_name(&singular(&listed))
                        };
                        if self.used.get(&k.ns).is_some_and(|u| u.contains(&n)) {
                            format!("Any{n}")
                        } else {
                            n
                        }
                    }
                }
            }
            (Origin::Compositor { owner, group }, _) => {
                let shared = choice_shared_name(self.m, def);
                match (group, shared, &def.kind) {
                    (Some(g), _, _) => type_name(g),
                    (None, Some(s), _) => {
                        let o = owner_name(self, owner);
                        format!("{}{s}", strip_type_suffix(&o))
                    }
                    (None, None, TypeKind::Choice { .. }) => {
                        let o = owner_name(self, owner);
                        let (stem, role) = fallback_choice_name(
                            strip_type_suffix(&o),
                            choice_is_many(self.m, owner, k),
                        );
                        format!("{stem}{role}")
                    }
                    (None, None, _) => format!("{}Sequence", owner_name(self, owner)),
                }
            }
        };
        // A name already taken (in a re-entrant call) is kept.
        if let Some(n) = self.names.types.get(k) {
            return n.clone();
        }
        let name = self.unique(k.ns, &base);
        self.names.types.insert(k.clone(), name.clone());
        name
    }
}

/// The field name of a group field: what its choice's alternatives share, the `xs:group`
/// it comes from, or the role it plays.
fn group_field_name(m: &Model, f: &crate::model::Field, g: &TypeKey) -> String {
    let def = &m.types[g];
    let many = f.occurs.is_many();
    let base = match (&def.kind, &def.xml_name) {
        // A substitution group: its head element.
        (_, Some(q)) => type_name(&q.name),
        (TypeKind::Choice { .. }, None) => match choice_shared_name(m, def) {
            Some(s) => s,
            None if !f.name.is_empty() => type_name(&f.name),
            None => {
                let owner = match &def.origin {
                    Origin::Compositor { owner, .. } => m.types[owner]
                        .xml_name
                        .as_ref()
                        .map(|q| type_name(&q.name))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                fallback_choice_name(strip_type_suffix(&owner), many).1
            }
        },
        _ if !f.name.is_empty() => type_name(&f.name),
        _ => "Sequence".into(),
    };
    let base = if many { plural(&base) } else { base };
    field_name(&base)
}

/// The name of a field of a struct or group: a repeated element's is the plural of the
/// element's name (`Attendee` -> `attendees`).
fn own_field_name(m: &Model, f: &crate::model::Field) -> String {
    match &f.kind {
        FieldKind::Group(g) => group_field_name(m, f, g),
        FieldKind::Element { .. } if f.occurs.is_many() => field_name(&plural(&type_name(&f.name))),
        _ => field_name(&f.name),
    }
}

/// Whether the field holding choice `k` in `owner` repeats.
fn choice_is_many(m: &Model, owner: &TypeKey, k: &TypeKey) -> bool {
    m.types.get(owner).is_some_and(|t| {
        t.kind
            .children()
            .iter()
            .any(|f| f.occurs.is_many() && f.kind == FieldKind::Group(k.clone()))
    })
}

/// The name of a choice whose alternatives share nothing, from its holder's name: a list
/// in a type named after what it lists (`SyncFolderItemsChanges`) holds one of those
/// (`SyncFolderItems` + `Change`); another list holds items; a single choice is a kind.
/// Returns the type name's stem and the role (the field is named after the role).
fn fallback_choice_name(owner: &str, many: bool) -> (String, String) {
    let w = words(owner);
    match w.last() {
        Some(last) if many && last.len() > 2 && last.ends_with('s') => {
            let stem = w[..w.len() - 1].join("_").to_upper_camel_case();
            (stem, type_name(&singular(last)))
        }
        _ if many => (owner.to_string(), "Item".into()),
        _ => (owner.to_string(), "Kind".into()),
    }
}

/// Makes names unique within one struct or enum, after `reserved`.
fn dedupe(names: &mut [String], reserved: &mut BTreeSet<String>) {
    for name in names.iter_mut() {
        let base = name.trim_start_matches("r#").to_string();
        let mut i = 2;
        while !reserved.insert(name.clone()) {
            *name = format!("{base}_{i}");
            i += 1;
        }
    }
}

/// Makes variant names unique: a repeated name gets an ordinal (`Second`, `Third`, ...),
/// never a digit glued to a name (`I32` and `I322`).
fn dedupe_variants(names: &mut [String]) {
    const ORDINALS: &[&str] = &[
        "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
    ];
    let mut seen = BTreeSet::new();
    for n in names.iter_mut() {
        let base = n.clone();
        let mut i = 0;
        while !seen.insert(n.clone()) {
            *n = match ORDINALS.get(i) {
                Some(o) => format!("{base}{o}"),
                None => format!("{base}Nth{}", i + 2),
            };
            i += 1;
        }
    }
}

/// Names everything in `m`.
pub fn name(m: &Model) -> Names {
    let mut namer = Namer {
        m,
        names: Names::default(),
        used: BTreeMap::new(),
    };
    namer.names.modules = module_names(m);
    namer.names.ns_consts = namer
        .names
        .modules
        .iter()
        .map(|s| s.to_uppercase())
        .collect();
    // Named types first, so they keep their schema names; then the rest.
    let mut order: Vec<&TypeKey> = m.types.keys().collect();
    order.sort_by_key(|k| (k.kind != KeyKind::Named, k.ns, &k.name));
    for k in order {
        namer.name_type(k, 0);
    }
    let mut names = namer.names;
    // Types other types extend: an element of such a type may name it with `xsi:type`.
    let bases: BTreeSet<&TypeKey> = m
        .types
        .values()
        .filter_map(|d| match &d.kind {
            TypeKind::Struct(s) => s.base.as_ref(),
            _ => None,
        })
        .collect();
    for (k, def) in &m.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut reserved = BTreeSet::new();
                // Kept by the roots of chains of extensions that read attributes already
                // (their derived types pass attributes on to them).
                let carries_xsi_type = s.base.is_none() && bases.contains(k) && !s.attrs.is_empty();
                let mut special = Special {
                    value: "value".into(),
                    text: "text".into(),
                    other_attributes: "other_attributes".into(),
                    xsi_type: if carries_xsi_type {
                        "xsi_type".into()
                    } else {
                        String::new()
                    },
                };
                if s.base.is_some() {
                    let mut b = vec!["base".to_string()];
                    dedupe(&mut b, &mut reserved);
                    names.base_fields.insert(k.clone(), b.remove(0));
                }
                let mut extra = Vec::new();
                if s.text.is_some() {
                    extra.push(&mut special.value);
                }
                if s.mixed {
                    extra.push(&mut special.text);
                }
                if s.any_attribute.is_some() {
                    extra.push(&mut special.other_attributes);
                }
                if carries_xsi_type {
                    extra.push(&mut special.xsi_type);
                }
                for e in extra {
                    let mut v = vec![e.clone()];
                    dedupe(&mut v, &mut reserved);
                    *e = v.remove(0);
                }
                let mut attrs: Vec<String> =
                    s.attrs.iter().map(|a| field_name(&a.qname.name)).collect();
                dedupe(&mut attrs, &mut reserved);
                let mut fields: Vec<String> =
                    s.fields.iter().map(|f| own_field_name(m, f)).collect();
                dedupe(&mut fields, &mut reserved);
                names.attrs.insert(k.clone(), attrs);
                names.fields.insert(k.clone(), fields);
                names.special.insert(k.clone(), special);
            }
            TypeKind::Group { fields } => {
                let mut fs: Vec<String> = fields.iter().map(|f| own_field_name(m, f)).collect();
                dedupe(&mut fs, &mut BTreeSet::new());
                names.fields.insert(k.clone(), fs);
            }
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => {
                let mut vs: Vec<String> = variants
                    .iter()
                    .map(|v| match &v.kind {
                        FieldKind::Element { qname, .. } => type_name(&qname.name),
                        FieldKind::Group(g) => type_name(&group_field_name(m, v, g)),
                        FieldKind::Any(..) => "Any".into(),
                    })
                    .collect();
                dedupe_variants(&mut vs);
                names.fields.insert(k.clone(), vs);
            }
            TypeKind::Enum { values, .. } => {
                let mut vs: Vec<String> = values.iter().map(|(v, _)| type_name(v)).collect();
                dedupe_variants(&mut vs);
                let mut other = "UnknownValue".to_string();
                while vs.contains(&other) {
                    other.push('_');
                }
                names.enum_variants.insert(k.clone(), (vs, other));
            }
            TypeKind::Union(members) => {
                let mut vs: Vec<String> = members
                    .iter()
                    .map(|member| {
                        // A member with an `id` is named after it.
                        if let TyRef::Named(mk) = member {
                            if let Origin::Part { role, .. } = &m.types[mk].origin {
                                let numbered = role
                                    .strip_prefix("Member")
                                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
                                if !numbered {
                                    return type_name(strip_type_suffix(role));
                                }
                            }
                        }
                        // An anonymous restriction, kept for its facets, is named after its base.
                        let mut shown = member;
                        while let TyRef::Named(mk) = shown {
                            match &m.types[mk] {
                                TypeDef {
                                    xml_name: None,
                                    kind: TypeKind::Alias(inner),
                                    ..
                                } => shown = inner,
                                _ => break,
                            }
                        }
                        match shown {
                            TyRef::Builtin(b) => format!("{b:?}"),
                            TyRef::Named(mk) => names.types[mk].clone(),
                        }
                    })
                    .collect();
                dedupe_variants(&mut vs);
                names.union_variants.insert(k.clone(), vs);
            }
            TypeKind::Alias(_) | TypeKind::List(_) | TypeKind::Wrapper { .. } => {}
        }
    }
    let mut used = BTreeSet::new();
    for (k, g) in &m.elements {
        if g.is_abstract {
            continue;
        }
        let base = type_name(&g.qname.name);
        let mut n = base.clone();
        if used.contains(&n) {
            n = format!("{}{}", type_name(&names.modules[g.ns]), base);
        }
        let mut i = 2;
        while !used.insert(n.clone()) {
            n = format!("{base}{i}");
            i += 1;
        }
        names.globals.insert(k.clone(), n);
    }
    let headers: BTreeSet<&QName> = m
        .operations
        .iter()
        .flat_map(|o| o.input_headers.iter().chain(&o.output_headers))
        .collect();
    let mut fields: Vec<String> = headers.iter().map(|q| field_name(&q.name)).collect();
    dedupe(&mut fields, &mut BTreeSet::new());
    names.headers = headers.into_iter().cloned().zip(fields).collect();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table_is_sorted() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KEYWORDS);
    }

    #[test]
    fn shared_words_of_alternatives() {
        let s = |v: &[&str]| shared_words(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            s(&[
                "IndexedPageItemView",
                "FractionalPageItemView",
                "CalendarView",
                "ContactsView"
            ]),
            Some("View".into())
        );
        assert_eq!(
            s(&["GroupBy", "DistinguishedGroupBy"]),
            Some("GroupBy".into())
        );
        assert_eq!(
            s(&["FieldURI", "IndexedFieldURI", "ExtendedFieldURI"]),
            Some("FieldUri".into())
        );
        assert_eq!(s(&["OldFolderId", "OldItemId"]), Some("Id".into()));
        assert_eq!(s(&["Create", "Update", "Delete"]), None);
        assert_eq!(s(&["Only"]), None);
        assert_eq!(plural("Item"), "Items");
        assert_eq!(plural("Entry"), "Entries");
        assert_eq!(plural("Day"), "Days");
        assert_eq!(plural("Items"), "Items");
        assert_eq!(plural("Mailbox"), "Mailboxes");
        assert_eq!(plural("mailbox"), "mailboxes");
        assert_eq!(plural("EmailAddress"), "EmailAddresses");
        assert_eq!(plural("Status"), "Statuses");
        assert_eq!(plural("Search"), "Searches");
        assert_eq!(plural("Person"), "People");
        assert_eq!(plural("Persona"), "Personas");
        assert_eq!(plural("Details"), "Details");
        assert_eq!(plural("Key"), "Keys");
        assert_eq!(plural("item_id"), "item_ids");
        for w in [
            "Item", "Entry", "Mailbox", "Address", "Status", "Search", "Person", "Key", "Day",
            "Analysis", "Bush", "Buzz",
        ] {
            assert_eq!(singular(&plural(w)), w, "singular of plural of {w}");
        }
    }

    #[test]
    fn names() {
        let cases = [
            ("SetImGroupType", "SetImGroupType", "set_im_group_type"),
            ("type", "Type", "r#type"),
            ("Self", "Self_", "self_"),
            ("self", "Self_", "self_"),
            ("crate", "Crate", "crate_"),
            ("Exchange2007_SP1", "Exchange2007Sp1", "exchange2007_sp1"),
            ("max-size", "MaxSize", "max_size"),
            ("item:Subject", "ItemSubject", "item_subject"),
            ("1stValue", "V1stValue", "_1st_value"),
            ("", "Empty", "value"),
            ("match", "Match", "r#match"),
            ("Option", "Option", "option"),
        ];
        for (xml, ty, field) in cases {
            assert_eq!(type_name(xml), ty, "type name of {xml:?}");
            assert_eq!(field_name(xml), field, "field name of {xml:?}");
        }
    }
}
