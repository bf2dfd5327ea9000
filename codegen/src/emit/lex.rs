//! What strict reading checks on simple-typed text: for each element, attribute and simple
//! content whose type needs it, an `rt::Lex` naming the built-in type at the end of the
//! type's derivation (libxml2 refuses whitespace around some of them) and the facets of
//! the restrictions on the way. A restriction with facets gets one constant next to its
//! type alias; fields and attributes refer to it from their tables.

use heck::ToShoutySnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{ident, Emitter};
use crate::model::{Builtin, Facets, TyRef, TypeDef, TypeKey, TypeKind};

/// The XML Schema name of a built-in type, for the runtime's lexical rules.
fn xs_name(b: Builtin) -> Option<&'static str> {
    Some(match b {
        Builtin::String => "string",
        Builtin::Language => "language",
        Builtin::AnyUri => "anyURI",
        Builtin::Bool => "boolean",
        Builtin::I8 => "byte",
        Builtin::I16 => "short",
        Builtin::I32 => "int",
        Builtin::I64 => "long",
        Builtin::I128 => "integer",
        Builtin::U8 => "unsignedByte",
        Builtin::U16 => "unsignedShort",
        Builtin::U32 => "unsignedInt",
        Builtin::U64 => "unsignedLong",
        Builtin::NonNegativeInteger => "nonNegativeInteger",
        Builtin::F32 => "float",
        Builtin::F64 => "double",
        Builtin::Decimal => "decimal",
        Builtin::DateTime => "dateTime",
        Builtin::Date => "date",
        Builtin::Time => "time",
        Builtin::Duration => "duration",
        Builtin::Base64 => "base64Binary",
        Builtin::Hex => "hexBinary",
        Builtin::Lexical | Builtin::AnyType => return None,
    })
}

/// Whether a value of the built-in type needs a check its Rust type does not make: the
/// lexical space of `xs:language` (a `String` in Rust), and the whitespace rules of
/// `xs:nonNegativeInteger` (a `u64`, whose `Text::XS` is `unsignedLong`).
fn needs_check(b: Builtin) -> bool {
    matches!(b, Builtin::NonNegativeInteger | Builtin::Language)
}

/// The runtime's facet kind of a built-in type.
fn kind(b: Builtin) -> TokenStream {
    match b {
        Builtin::String | Builtin::Language | Builtin::AnyUri => quote!(String),
        Builtin::Base64 => quote!(Base64),
        Builtin::Hex => quote!(Hex),
        Builtin::I8
        | Builtin::I16
        | Builtin::I32
        | Builtin::I64
        | Builtin::I128
        | Builtin::U8
        | Builtin::U16
        | Builtin::U32
        | Builtin::U64
        | Builtin::NonNegativeInteger => quote!(Integer),
        Builtin::Decimal => quote!(Decimal),
        Builtin::F32 | Builtin::F64 => quote!(Float),
        Builtin::DateTime => quote!(DateTime),
        Builtin::Date => quote!(Date),
        Builtin::Time => quote!(Time),
        Builtin::Duration => quote!(Duration),
        Builtin::Bool => quote!(Boolean),
        Builtin::Lexical | Builtin::AnyType => quote!(Other),
    }
}

impl Emitter<'_> {
    /// The restrictions from `t` down to a built-in type: their facets (nearest first) and
    /// the built-in type; `None` when the chain ends elsewhere (an enumeration, a list, a
    /// union, a complex type).
    fn alias_chain<'t>(&'t self, mut t: &'t TyRef) -> Option<(Vec<&'t Facets>, Builtin)> {
        let mut facets = Vec::new();
        for _ in 0..64 {
            match t {
                TyRef::Builtin(b) => return Some((facets, *b)),
                TyRef::Named(k) => {
                    let def = &self.m.types[k];
                    let TypeKind::Alias(inner) = &def.kind else {
                        return None;
                    };
                    if !def.facets.is_empty() {
                        facets.push(&def.facets);
                    }
                    t = inner;
                }
            }
        }
        None
    }

    /// Name of the constant holding the `Lex` of restriction `k`.
    fn lex_const_name(&self, k: &TypeKey) -> String {
        format!("__LEX_{}", self.n.ty(k).to_shouty_snake_case())
    }

    /// The constant emitted next to a restriction with facets (nothing for other types).
    pub(super) fn lex_const(&self, t: &TypeDef) -> TokenStream {
        if !matches!(t.kind, TypeKind::Alias(_)) {
            return quote!();
        }
        let me = TyRef::Named(t.key.clone());
        let Some((facets, b)) = self.alias_chain(&me) else {
            return quote!();
        };
        let Some(xs) = xs_name(b) else {
            return quote!();
        };
        if facets.is_empty() {
            return quote!();
        }
        let name = ident(&self.lex_const_name(&t.key));
        let facets = self.facets_literal(&facets, b);
        quote! {
            #[doc(hidden)]
            pub const #name: rt::Lex = rt::Lex::with(#xs, &#facets);
        }
    }

    /// The facets of a chain of restrictions as one `rt::Facets`: each facet from the
    /// nearest restriction that sets it (a restriction narrows its base), the patterns of
    /// every step.
    fn facets_literal(&self, chain: &[&Facets], b: Builtin) -> TokenStream {
        let kind = kind(b);
        let mut fields = Vec::new();
        let first = |get: &dyn Fn(&Facets) -> Option<String>| chain.iter().find_map(|f| get(f));
        let num = |v: Option<u64>| v.map(Literal::u64_unsuffixed);
        if let Some(ws) = first(&|f| f.white_space.clone()) {
            let ws = match ws.as_str() {
                "preserve" => quote!(Preserve),
                "replace" => quote!(Replace),
                _ => quote!(Collapse),
            };
            fields.push(quote!(white_space: rt::WhiteSpace::#ws,));
        }
        for (name, v) in [
            ("length", num(chain.iter().find_map(|f| f.length))),
            ("min_length", num(chain.iter().find_map(|f| f.min_length))),
            ("max_length", num(chain.iter().find_map(|f| f.max_length))),
        ] {
            if let Some(v) = v {
                let name = ident(name);
                fields.push(quote!(#name: Some(#v),));
            }
        }
        for (name, v) in [
            ("total_digits", chain.iter().find_map(|f| f.total_digits)),
            (
                "fraction_digits",
                chain.iter().find_map(|f| f.fraction_digits),
            ),
        ] {
            if let Some(v) = v {
                let name = ident(name);
                let v = Literal::u32_unsuffixed(u32::try_from(v).unwrap_or(u32::MAX));
                fields.push(quote!(#name: Some(#v),));
            }
        }
        for (name, v) in [
            ("min_inclusive", first(&|f| f.min_inclusive.clone())),
            ("max_inclusive", first(&|f| f.max_inclusive.clone())),
            ("min_exclusive", first(&|f| f.min_exclusive.clone())),
            ("max_exclusive", first(&|f| f.max_exclusive.clone())),
        ] {
            if let Some(v) = v {
                let name = ident(name);
                fields.push(quote!(#name: Some(#v),));
            }
        }
        let steps: Vec<TokenStream> = chain
            .iter()
            .filter(|f| !f.patterns.is_empty())
            .map(|f| {
                let p = &f.patterns;
                quote!(&[#(#p),*])
            })
            .collect();
        if !steps.is_empty() {
            fields.push(quote!(patterns: &[#(#steps),*],));
        }
        quote!(rt::Facets { #(#fields)* ..rt::Facets::new(rt::FacetKind::#kind) })
    }

    /// The `&'static rt::Lex` strict reading checks a value of type `t` against (with a
    /// `fixed` value), or `None` when the Rust type's own parsing is the whole check.
    pub(super) fn lex_of(&self, t: &TyRef, fixed: Option<&str>) -> Option<TokenStream> {
        // A list: its items' check, item by item.
        if let TyRef::Named(k) = t {
            if let TypeKind::List(item) = &self.m.types[k].kind {
                let item = self.lex_of(item, None)?;
                return Some(quote!(&rt::Lex::list(#item)));
            }
        }
        let chain = self
            .alias_chain(t)
            .and_then(|(f, b)| Some((f, b, xs_name(b)?)));
        let Some((facets, b, xs)) = chain else {
            // An enumeration (or list, union): its own parsing checks it; a fixed value is
            // compared as text.
            return fixed.map(|v| quote!(&rt::Lex::of("string").fixed(#v)));
        };
        let base = if facets.is_empty() {
            if fixed.is_none() && !needs_check(b) {
                return None;
            }
            quote!(rt::Lex::of(#xs))
        } else {
            let TyRef::Named(k) = t else { return None };
            let name = ident(&self.lex_const_name(k));
            let module = ident(self.n.module(k));
            if self.module == Some(k.ns) {
                quote!(#name)
            } else {
                quote!(super::#module::#name)
            }
        };
        Some(match fixed {
            Some(v) => quote!(&#base.fixed(#v)),
            None => quote!(&#base),
        })
    }
}
