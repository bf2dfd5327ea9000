//! Choices and sets of derived types: the enums standing for one of several elements (an
//! `xs:choice`, a substitution group, a type and those derived from it), with their tables,
//! readers, writers and conversions.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, Emitter};
use crate::model::{Field, FieldKind, Occurs, TyRef, TypeDef, TypeKey};
use crate::names::common_base;

impl Emitter<'_> {
    /// The expression reading a choice alternative (the reader on its first element).
    fn read_alternative(&self, v: &Field, vname: &proc_macro2::Ident) -> TokenStream {
        if let Some(w) = self.wrapper_of(v) {
            let table = self.list_table(w);
            return quote!(Self::#vname(rt::read_list(r, &#table)?));
        }
        match v.occurs {
            Occurs::Many { .. } => {
                let first = self.first_literal(std::slice::from_ref(v), false);
                quote!(Self::#vname(rt::read_run(r, #first)?))
            }
            _ => match &v.kind {
                FieldKind::Element { ty, .. } => match self.lex_of(ty, None) {
                    Some(lex) => quote!(Self::#vname(rt::read_lex(r, const { #lex })?)),
                    None => quote!(Self::#vname(rt::read(r)?)),
                },
                _ => quote!(Self::#vname(rt::read(r)?)),
            },
        }
    }

    pub(super) fn choice_def(
        &self,
        t: &TypeDef,
        variants: &[Field],
        docs: TokenStream,
    ) -> TokenStream {
        let k = &t.key;
        let owner = self.n.ty(k).to_string();
        let name = ident(&owner);
        let names = &self.n.fields[k];
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut wildcard = None;
        let mut writes = Vec::new();
        for (v, n) in variants.iter().zip(names) {
            let vname = ident(n);
            let ty = self.field_ty(v);
            let line = match &v.kind {
                FieldKind::Element { qname, .. } => format!("Element `{}`.", self.tag(qname)),
                FieldKind::Group(_) => "A group of elements.".to_string(),
                FieldKind::Any(..) => {
                    "An element the schema leaves open, kept as written.".to_string()
                }
            };
            let d = match &v.doc {
                Some(d) => format!("{d}\n\n{line}"),
                None => line,
            };
            let vdocs = doc_attrs(Some(&d));
            let extra = self.extra_doc(&format!("{owner}::{n}"));
            decls.push(quote!(#vdocs #extra #vname(#ty),));
            let read = self.read_alternative(v, &vname);
            match &v.kind {
                FieldKind::Element { qname, .. } => {
                    let l = &qname.name;
                    let id = self.ns_id(qname);
                    arms.push(quote!((#l, #id) => #read,));
                }
                FieldKind::Group(_) => {
                    let mut first = Vec::new();
                    let mut any = None;
                    self.first_set(v, &mut first, &mut any, 0);
                    for q in first {
                        let l = &q.name;
                        let id = self.ns_id(&q);
                        arms.push(quote!((#l, #id) => #read,));
                    }
                    if any.is_some() && wildcard.is_none() {
                        wildcard = Some(quote!(_ => #read,));
                    }
                }
                FieldKind::Any(..) => {
                    if wildcard.is_none() {
                        wildcard = Some(quote!(_ => #read,));
                    }
                }
            }
            // An alternative is written as a required field (a run, for a repeated one),
            // held by a checking writer to its particle.
            let particle = self.particle(v);
            let alternative = Field {
                occurs: match v.occurs {
                    Occurs::Many { .. } => v.occurs,
                    _ => Occurs::Required,
                },
                ..v.clone()
            };
            let write = self.write_field(&alternative, quote!(v), quote!(const { &#particle }));
            writes.push(quote!(Self::#vname(v) => #write,));
        }
        let conversions = self.choice_conversions(t, variants, names);
        let first = self.first_literal(variants, false);
        let fallback = match wildcard {
            Some(w) => w,
            None => quote!(_ => return rt::no_alternative(r, <Self as rt::Choice>::FIRST),),
        };
        let common = self.common_base_impl(t, variants, names);
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#decls)* }
            impl rt::Choice for #name {
                const FIRST: rt::First = #first;
            }
            impl rt::Value for #name {
                fn read_value(r: &mut rt::Reader) -> rt::Result<Self> {
                    Ok(match (r.local(), r.ns()) {
                        #(#arms)*
                        #fallback
                    })
                }
                fn write_value(&self, w: &mut rt::Writer, _tag: &str) {
                    match self { #(#writes)* }
                }
            }
            #common
            #conversions
        }
    }

    /// `From` each alternative type that appears once in a choice, and from the one
    /// argument an alternative's `new` takes, where no other alternative (or its argument)
    /// has that type.
    fn choice_conversions(&self, t: &TypeDef, variants: &[Field], names: &[String]) -> TokenStream {
        let krate = &self.krate;
        let name = ident(self.n.ty(&t.key));
        // (variant, alternative type, its key when a generated struct)
        let mut alts: Vec<(&String, TokenStream, Option<&TypeKey>)> = Vec::new();
        for (v, n) in variants.iter().zip(names) {
            match (&v.kind, v.occurs) {
                (
                    FieldKind::Element {
                        ty,
                        nillable: false,
                        ..
                    },
                    Occurs::Required,
                ) if self.wrapper_of(v).is_none() => {
                    let key = match ty {
                        TyRef::Named(k) => Some(k),
                        TyRef::Builtin(_) => None,
                    };
                    alts.push((n, self.ty(ty), key));
                }
                _ => {}
            }
        }
        let count = |ty: &str, list: &[String]| list.iter().filter(|x| *x == ty).count();
        let types: Vec<String> = variants
            .iter()
            .filter(|v| matches!(v.kind, FieldKind::Element { .. }))
            .map(|v| self.canon_field(v))
            .collect();
        let own = format!("{:?}", t.key);
        // One-argument sources.
        let sources: Vec<Option<(TokenStream, bool, String)>> = alts
            .iter()
            .map(|(_, _, k)| {
                let k = (*k)?;
                let (ty, string) = self.single_param(k)?;
                Some((ty, string, self.single_param_canon(k)?))
            })
            .collect();
        let source_names: Vec<String> = sources
            .iter()
            .flatten()
            .map(|(_, _, c)| c.clone())
            .collect();
        let (mut direct, mut via, mut via_str) = (Vec::new(), Vec::new(), Vec::new());
        for ((n, ty, key), src) in alts.iter().zip(&sources) {
            let v = ident(n);
            let canon = match key {
                Some(k) => self.canon(&TyRef::Named((*k).clone())),
                None => {
                    self.canon_field(&variants[names.iter().position(|x| x == *n).unwrap_or(0)])
                }
            };
            if count(&canon, &types) == 1 && count(&canon, &source_names) == 0 {
                direct.push(quote!(#v: #ty));
            }
            let Some((s, string, key)) = src else {
                continue;
            };
            let clash = count(key, &source_names) != 1 || count(key, &types) != 0 || *key == own;
            if clash {
                continue;
            }
            if *string {
                via_str.push(quote!(#v: #ty => str));
            } else {
                via.push(quote!(#v: #ty => #s));
            }
        }
        if direct.is_empty() && via.is_empty() && via_str.is_empty() {
            return quote!();
        }
        quote!(#krate::__choice_from!(#name; #(#direct),*; #(#via),*; #(#via_str),*);)
    }

    /// `AsRef`/`AsMut` of the common base of a choice's alternatives.
    fn common_base_impl(&self, t: &TypeDef, variants: &[Field], names: &[String]) -> TokenStream {
        let Some(base) = common_base(self.m, t) else {
            return quote!();
        };
        if variants.iter().any(|v| {
            !matches!(v.occurs, Occurs::Required)
                || matches!(v.kind, FieldKind::Element { nillable: true, .. })
        }) {
            return quote!();
        }
        let name = ident(self.n.ty(&t.key));
        let krate = &self.krate;
        let path = self.type_path(&base);
        let boxed: Vec<_> = variants
            .iter()
            .zip(names)
            .filter(|(v, _)| v.boxed)
            .map(|(_, n)| ident(n))
            .collect();
        let inline: Vec<_> = variants
            .iter()
            .zip(names)
            .filter(|(v, _)| !v.boxed)
            .map(|(_, n)| ident(n))
            .collect();
        quote!(#krate::__common_base!(#name, #path; #(#boxed),*; #(#inline),*);)
    }

    /// An element of an abstract type: the derived type named by `xsi:type`.
    pub(super) fn derived_def(
        &self,
        t: &TypeDef,
        variants: &[Field],
        docs: TokenStream,
    ) -> TokenStream {
        let k = &t.key;
        let name = ident(self.n.ty(k));
        let names = &self.n.fields[k];
        let base = t
            .xml_name
            .as_ref()
            .map(|q| self.schema_name(q))
            .unwrap_or_default();
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut shown_names = Vec::new();
        for (v, n) in variants.iter().zip(names) {
            let FieldKind::Element { qname, .. } = &v.kind else {
                continue;
            };
            let vname = ident(n);
            let ty = self.item_ty(v);
            let shown = self.schema_name(qname);
            let d = format!(" `xsi:type=\"{shown}\"`.");
            decls.push(quote!(#[doc = #d] #vname(#ty),));
            let l = &qname.name;
            let id = self.ns_id(qname);
            arms.push(quote!((#l, #id) => Self::#vname(rt::read_typed(r)?),));
            writes.push(quote!(Self::#vname(v) => { w.next_xsi_type(#shown); w.one(v, tag) }));
            shown_names.push(shown);
        }
        let expected = shown_names.join(", ");
        let missing =
            format!("an element of the abstract type {base} needs an xsi:type, one of: {expected}");
        let common = self.common_base_impl(t, variants, names);
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#decls)* }
            impl rt::Value for #name {
                fn read_value(r: &mut rt::Reader) -> rt::Result<Self> {
                    let Some((ns, local)) = r.xsi_type()? else {
                        return Err(r.error(rt::ErrorKind::Other(#missing.into())));
                    };
                    Ok(match (local.as_str(), ns) {
                        #(#arms)*
                        _ => return Err(r.error(rt::ErrorKind::InvalidValue {
                            what: "xsi:type".into(),
                            value: local,
                            reason: #expected.into(),
                        })),
                    })
                }
                fn write_value(&self, w: &mut rt::Writer, tag: &str) {
                    match self { #(#writes)* }
                }
            }
            #common
        }
    }
}
