//! An optional emit stage: random values of every generated type, for property tests.
//!
//! With [`EmitOptions::arbitrary`](crate::emit::EmitOptions::arbitrary) set to the path of
//! a support module, the generated file gains a module `arbitrary` holding
//! `impl Arbitrary for T` for every struct, group, choice, enumeration and union, and
//! `ELEMENTS`: every global element with a function building a random one.
//!
//! The support module (written by the user of this option) provides:
//! - `trait Arbitrary { fn arbitrary(g: &mut Gen) -> Self; }`;
//! - `struct Gen` with: `below(n) -> usize`, `at_limit() -> bool`, `descend(f)`,
//!   `option(f)`, `vec(min, f)`, `non_empty_vec(min, f)`, `nillable(f)`, `bool()`,
//!   `string(&Facets)`, `language()`, `uri()`, `int(lo: i128, hi: i128) -> i128`,
//!   `float() -> f64`, `decimal()`, `date_time()`, `date()`, `time()`, `duration()`,
//!   `lexical()` (each returning the lexical form as a `String`), `bytes() -> Vec<u8>`,
//!   `raw_element() -> RawElement` (an element in a namespace of its own) and
//!   `raw_named(ns, name) -> RawElement`;
//! - `struct Facets` with public fields `patterns: &'static [&'static str]`,
//!   `length`, `min_length`, `max_length: Option<u64>`.
//!
//! Values are valid for the schema as far as the model knows it: enumerations pick listed
//! values, facets on strings and integers are honoured, choices and optional parts that
//! recurse stop at the generator's depth limit (a choice then takes an alternative that
//! ends; optional parts are left out).

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::ident;
use crate::error::{Error, Result};
use crate::model::{
    Builtin, Facets, Field, FieldKind, Model, Occurs, TyRef, TypeDef, TypeKey, TypeKind, UNBOUNDED,
};
use crate::names::Names;

struct Arb<'m> {
    m: &'m Model,
    n: &'m Names,
    rt: TokenStream,
    krate: TokenStream,
    s: TokenStream,
    /// Types that can be built with no optional part: at the depth limit, only these.
    ends: BTreeSet<TypeKey>,
}

/// The `arbitrary` module for `model`, using the runtime at `runtime` and the support
/// module at `support`.
pub(crate) fn emit(
    model: &Model,
    names: &Names,
    runtime: &str,
    support: &str,
) -> Result<TokenStream> {
    let parse = |p: &str| -> Result<TokenStream> {
        p.parse()
            .map_err(|e| Error::Config(format!("bad path `{p}`: {e}")))
    };
    let mut a = Arb {
        m: model,
        n: names,
        rt: parse(&format!("{runtime}::__private"))?,
        krate: parse(runtime)?,
        s: parse(support)?,
        ends: BTreeSet::new(),
    };
    a.find_ends();
    let s = &a.s;
    let mut impls = Vec::new();
    for t in model.types.values() {
        impls.push(a.type_impl(t));
    }
    let mut fns = Vec::new();
    let mut entries = Vec::new();
    for (k, g) in &model.elements {
        let Some(v) = names.globals.get(k) else {
            continue;
        };
        let f = ident(&format!("element_{}", v));
        let v = ident(v);
        let tag = format!("{}:{}", model.namespaces[g.ns].prefix, g.qname.name);
        let value = a.ty_expr(&g.ty, Some(&g.qname));
        fns.push(quote! {
            fn #f(g: &mut #s::Gen) -> super::GlobalElement {
                super::GlobalElement::#v(#value)
            }
        });
        entries.push(quote!((#tag, #f)));
    }
    let elements = if entries.is_empty() {
        quote!()
    } else {
        quote! {
            #(#fns)*
            /// Every global element: its tag and a function building a random one.
            pub const ELEMENTS: &[(&str, fn(&mut #s::Gen) -> super::GlobalElement)] = &[#(#entries),*];
        }
    };
    Ok(quote! {
        /// Random values of every generated type, for property tests.
        pub mod arbitrary {
            #(#impls)*
            #elements
        }
    })
}

impl Arb<'_> {
    fn path(&self, k: &TypeKey) -> TokenStream {
        let module = ident(self.n.module(k));
        let name = ident(self.n.ty(k));
        quote!(super::#module::#name)
    }

    /// Fixed point: which types can be built without any optional part.
    fn find_ends(&mut self) {
        loop {
            let mut changed = false;
            for (k, t) in &self.m.types {
                if self.ends.contains(k) {
                    continue;
                }
                let ok = match &t.kind {
                    TypeKind::Struct(s) => {
                        s.base.as_ref().is_none_or(|b| self.ends.contains(b))
                            && s.fields
                                .iter()
                                .all(|f| self.field_occurs_min(f) == 0 || self.item_ends(f))
                    }
                    TypeKind::Group { fields } => fields
                        .iter()
                        .all(|f| self.field_occurs_min(f) == 0 || self.item_ends(f)),
                    TypeKind::Choice { variants } | TypeKind::Derived { variants } => {
                        variants.iter().any(|v| self.item_ends(v))
                    }
                    TypeKind::Wrapper { item } => {
                        self.field_occurs_min(item) == 0 || self.item_ends(item)
                    }
                    _ => true,
                };
                if ok {
                    self.ends.insert(k.clone());
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn field_occurs_min(&self, f: &Field) -> u32 {
        f.occurs.bounds().0
    }

    fn ty_ends(&self, t: &TyRef) -> bool {
        match t {
            TyRef::Builtin(_) => true,
            TyRef::Named(k) => self.ends.contains(k),
        }
    }

    fn item_ends(&self, f: &Field) -> bool {
        match &f.kind {
            FieldKind::Element { ty, .. } => self.ty_ends(ty),
            FieldKind::Group(k) => self.ends.contains(k),
            FieldKind::Any(..) => true,
        }
    }

    /// Facets along an alias chain, the nearest first, and the type at its end.
    fn resolve_alias<'t>(&'t self, mut t: &'t TyRef) -> (&'t TyRef, Vec<&'t Facets>) {
        let mut facets = Vec::new();
        for _ in 0..64 {
            match t {
                TyRef::Named(k) => match &self.m.types[k] {
                    TypeDef {
                        kind: TypeKind::Alias(inner),
                        facets: f,
                        ..
                    } => {
                        facets.push(f);
                        t = inner;
                    }
                    _ => break,
                },
                TyRef::Builtin(_) => break,
            }
        }
        (t, facets)
    }

    /// An expression building a random value of type `t` (`name`: the element, for
    /// `xs:anyType` content kept raw).
    fn ty_expr(&self, t: &TyRef, name: Option<&crate::xsd::QName>) -> TokenStream {
        let s = &self.s;
        let (end, facets) = self.resolve_alias(t);
        match end {
            TyRef::Named(k) => match &self.m.types[k].kind {
                TypeKind::List(item) => {
                    let krate = &self.krate;
                    let item = self.ty_expr(item, None);
                    quote!(#krate::rt::xs::List(g.non_empty_vec(1, |g| #item)))
                }
                // A wrapper's values are the lists of its items.
                TypeKind::Wrapper { item } => self.field_expr(item, false),
                _ => {
                    let p = self.path(k);
                    quote!(<#p as #s::Arbitrary>::arbitrary(g))
                }
            },
            TyRef::Builtin(b) => self.builtin_expr(*b, &facets, name),
        }
    }

    fn builtin_expr(
        &self,
        b: Builtin,
        facets: &[&Facets],
        name: Option<&crate::xsd::QName>,
    ) -> TokenStream {
        let (s, rt, krate) = (&self.s, &self.rt, &self.krate);
        let parse = |ty: TokenStream, lexical: TokenStream| quote!(<#ty as #rt::Text>::parse_text(&#lexical).expect("a valid lexical form"));
        // Integer bounds: the type's range narrowed by facets.
        let int = |lo: i128, hi: i128, ty: TokenStream| {
            let (mut lo, mut hi) = (lo, hi);
            for f in facets {
                let num = |v: &Option<String>| v.as_ref().and_then(|v| v.parse::<i128>().ok());
                if let Some(v) = num(&f.min_inclusive) {
                    lo = lo.max(v);
                }
                if let Some(v) = num(&f.max_inclusive) {
                    hi = hi.min(v);
                }
                if let Some(v) = num(&f.min_exclusive) {
                    lo = lo.max(v + 1);
                }
                if let Some(v) = num(&f.max_exclusive) {
                    hi = hi.min(v - 1);
                }
            }
            let (lo, hi) = (Literal::i128_unsuffixed(lo), Literal::i128_unsuffixed(hi));
            quote!(g.int(#lo, #hi) as #ty)
        };
        match b {
            Builtin::String => {
                // The nearest patterns and lengths apply.
                let patterns: Vec<&String> = facets
                    .iter()
                    .find(|f| !f.patterns.is_empty())
                    .map(|f| f.patterns.iter().collect())
                    .unwrap_or_default();
                let opt = |get: fn(&Facets) -> Option<u64>| match facets.iter().find_map(|f| get(f))
                {
                    Some(v) => {
                        let v = Literal::u64_unsuffixed(v);
                        quote!(::core::option::Option::Some(#v))
                    }
                    None => quote!(::core::option::Option::None),
                };
                let (length, min_length, max_length) = (
                    opt(|f| f.length),
                    opt(|f| f.min_length),
                    opt(|f| f.max_length),
                );
                quote!(g.string(&#s::Facets {
                    patterns: &[#(#patterns),*],
                    length: #length,
                    min_length: #min_length,
                    max_length: #max_length,
                }))
            }
            Builtin::Language => quote!(g.language()),
            Builtin::AnyUri => quote!(g.uri()),
            Builtin::Bool => quote!(g.bool()),
            Builtin::I8 => int(i8::MIN.into(), i8::MAX.into(), quote!(i8)),
            Builtin::I16 => int(i16::MIN.into(), i16::MAX.into(), quote!(i16)),
            Builtin::I32 => int(i32::MIN.into(), i32::MAX.into(), quote!(i32)),
            Builtin::I64 => int(i64::MIN.into(), i64::MAX.into(), quote!(i64)),
            Builtin::I128 => int(i64::MIN.into(), i64::MAX.into(), quote!(i128)),
            Builtin::U8 => int(0, u8::MAX.into(), quote!(u8)),
            Builtin::U16 => int(0, u16::MAX.into(), quote!(u16)),
            Builtin::U32 => int(0, u32::MAX.into(), quote!(u32)),
            Builtin::U64 | Builtin::NonNegativeInteger => int(0, u64::MAX.into(), quote!(u64)),
            Builtin::F32 => quote!(g.float() as f32),
            Builtin::F64 => quote!(g.float()),
            Builtin::Decimal => parse(quote!(#krate::rt::xs::Decimal), quote!(g.decimal())),
            Builtin::DateTime => parse(quote!(#krate::rt::xs::DateTime), quote!(g.date_time())),
            Builtin::Date => parse(quote!(#krate::rt::xs::Date), quote!(g.date())),
            Builtin::Time => parse(quote!(#krate::rt::xs::Time), quote!(g.time())),
            Builtin::Duration => parse(quote!(#krate::rt::xs::Duration), quote!(g.duration())),
            Builtin::Lexical => parse(quote!(#krate::rt::xs::Lexical), quote!(g.lexical())),
            Builtin::Base64 => quote!(#krate::rt::xs::Base64Binary(g.bytes())),
            Builtin::Hex => quote!(#krate::rt::xs::HexBinary(g.bytes())),
            Builtin::AnyType => match name {
                Some(q) => {
                    let (ns, local) = (&q.ns, &q.name);
                    quote!(g.raw_named(#ns, #local))
                }
                None => quote!(g.raw_element()),
            },
        }
    }

    /// A random item of a field (without its Option or Vec).
    fn item_expr(&self, f: &Field) -> TokenStream {
        let s = &self.s;
        let e = match &f.kind {
            FieldKind::Element {
                ty,
                nillable,
                qname,
            } => {
                let v = self.ty_expr(ty, Some(qname));
                if *nillable {
                    quote!(g.nillable(|g| #v))
                } else {
                    v
                }
            }
            FieldKind::Group(k) => {
                let p = self.path(k);
                quote!(<#p as #s::Arbitrary>::arbitrary(g))
            }
            FieldKind::Any(..) => quote!(g.raw_element()),
        };
        if f.boxed {
            quote!(::std::boxed::Box::new(#e))
        } else {
            e
        }
    }

    /// A random field value. `full`: optional parts are always present (repeated or
    /// optional groups, whose instances must not be empty to read back the same).
    fn field_expr(&self, f: &Field, full: bool) -> TokenStream {
        let item = self.item_expr(f);
        let ends = self.item_ends(f);
        match f.occurs {
            Occurs::Required => item,
            Occurs::Optional if full && ends => quote!(::core::option::Option::Some(#item)),
            Occurs::Optional => quote!(g.option(|g| #item)),
            Occurs::Many { min, max } => {
                let minl = Literal::usize_unsuffixed(min as usize);
                let v = if full && ends {
                    quote!(g.non_empty_vec(#minl, |g| #item))
                } else {
                    quote!(g.vec(#minl, |g| #item))
                };
                bounded(v, max)
            }
        }
    }

    fn type_impl(&self, t: &TypeDef) -> TokenStream {
        let s = &self.s;
        let p = self.path(&t.key);
        let body = match &t.kind {
            TypeKind::Struct(st) => {
                let k = &t.key;
                let special = &self.n.special[k];
                let mut inits = Vec::new();
                if let Some(b) = &st.base {
                    let n = ident(&self.n.base_fields[k]);
                    let bp = self.path(b);
                    inits.push(quote!(#n: <#bp as #s::Arbitrary>::arbitrary(g)));
                }
                for (a, n) in st.attrs.iter().zip(&self.n.attrs[k]) {
                    let n = ident(n);
                    let v = self.ty_expr(&a.ty, None);
                    if a.required {
                        inits.push(quote!(#n: #v));
                    } else {
                        inits.push(quote!(#n: g.option(|g| #v)));
                    }
                }
                if st.any_attribute.is_some() {
                    let n = ident(&special.other_attributes);
                    inits.push(quote!(#n: ::std::vec::Vec::new()));
                }
                if let Some(tt) = &st.text {
                    let n = ident(&special.value);
                    let v = self.ty_expr(tt, None);
                    inits.push(quote!(#n: #v));
                }
                for (f, n) in st.fields.iter().zip(&self.n.fields[k]) {
                    let n = ident(n);
                    let v = self.field_expr(f, false);
                    inits.push(quote!(#n: #v));
                }
                if st.mixed && st.base.is_none() {
                    let n = ident(&special.text);
                    inits.push(quote!(#n: ::std::vec::Vec::new()));
                }
                if !special.xsi_type.is_empty() {
                    let n = ident(&special.xsi_type);
                    inits.push(quote!(#n: false));
                }
                if st.base.is_none()
                    && st.attrs.is_empty()
                    && st.fields.is_empty()
                    && st.text.is_none()
                {
                    quote!({ let _ = g; Self { #(#inits),* } })
                } else {
                    quote!(g.descend(|g| Self { #(#inits),* }))
                }
            }
            TypeKind::Group { fields } => {
                let inits: Vec<TokenStream> = fields
                    .iter()
                    .zip(&self.n.fields[&t.key])
                    .map(|(f, n)| {
                        let n = ident(n);
                        let v = self.field_expr(f, true);
                        quote!(#n: #v)
                    })
                    .collect();
                if inits.is_empty() {
                    quote!({
                        let _ = g;
                        Self {}
                    })
                } else {
                    quote!(g.descend(|g| Self { #(#inits),* }))
                }
            }
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => {
                let n = variants.len();
                // At the depth limit only the alternatives that end are taken.
                let ends: Vec<usize> = (0..n).filter(|&i| self.item_ends(&variants[i])).collect();
                let arms: Vec<TokenStream> = variants
                    .iter()
                    .zip(&self.n.fields[&t.key])
                    .enumerate()
                    .map(|(i, (v, name))| {
                        let name = ident(name);
                        let value = match v.occurs {
                            Occurs::Required => self.item_expr(v),
                            Occurs::Optional => {
                                let item = self.item_expr(v);
                                quote!(::core::option::Option::Some(#item))
                            }
                            Occurs::Many { min, max } => {
                                let item = self.item_expr(v);
                                let min = Literal::usize_unsuffixed(min as usize);
                                bounded(quote!(g.non_empty_vec(#min, |g| #item)), max)
                            }
                        };
                        let i = Literal::usize_unsuffixed(i);
                        quote!(#i => Self::#name(#value),)
                    })
                    .collect();
                let all = Literal::usize_unsuffixed(n);
                let ends_n = Literal::usize_unsuffixed(ends.len().max(1));
                let ends_list: Vec<Literal> = if ends.is_empty() {
                    vec![Literal::usize_unsuffixed(0)]
                } else {
                    ends.iter().map(|&i| Literal::usize_unsuffixed(i)).collect()
                };
                quote! {
                    g.descend(|g| {
                        let i = if g.at_limit() {
                            const ENDS: &[usize] = &[#(#ends_list),*];
                            ENDS[g.below(#ends_n)]
                        } else {
                            g.below(#all)
                        };
                        match i {
                            #(#arms)*
                            _ => unreachable!(),
                        }
                    })
                }
            }
            TypeKind::Enum { .. } => {
                let (variants, _) = &self.n.enum_variants[&t.key];
                let n = Literal::usize_unsuffixed(variants.len());
                let arms: Vec<TokenStream> = variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let v = ident(v);
                        let i = Literal::usize_unsuffixed(i);
                        quote!(#i => Self::#v,)
                    })
                    .collect();
                quote!(match g.below(#n) { #(#arms)* _ => unreachable!() })
            }
            TypeKind::Union(members) => {
                let names = &self.n.union_variants[&t.key];
                let n = Literal::usize_unsuffixed(members.len());
                let arms: Vec<TokenStream> = members
                    .iter()
                    .zip(names)
                    .enumerate()
                    .map(|(i, (m, v))| {
                        let v = ident(v);
                        let e = self.ty_expr(m, None);
                        let i = Literal::usize_unsuffixed(i);
                        quote!(#i => Self::#v(#e),)
                    })
                    .collect();
                quote!(match g.below(#n) { #(#arms)* _ => unreachable!() })
            }
            // Aliases and lists are type synonyms: values are built where they are used.
            TypeKind::Alias(_) | TypeKind::List(_) | TypeKind::Wrapper { .. } => return quote!(),
        };
        quote! {
            impl #s::Arbitrary for #p {
                fn arbitrary(g: &mut #s::Gen) -> Self { #body }
            }
        }
    }
}

/// A list expression cut to `maxOccurs` when it is bounded.
fn bounded(v: TokenStream, max: u32) -> TokenStream {
    if max == UNBOUNDED {
        v
    } else {
        let max = Literal::usize_unsuffixed(max as usize);
        quote!({
            let mut v = #v;
            v.truncate(#max);
            v
        })
    }
}
