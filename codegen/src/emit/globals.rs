//! Global elements: the `Element` impls of the types only one global element uses, and the
//! `GlobalElement` enum (any global element, chosen by name) with its `rt::Globals` table.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, Emitter};
use crate::model::{TyRef, TypeKey, TypeKind};

impl Emitter<'_> {
    /// Types used by exactly one global element: those get an `Element` impl.
    pub(crate) fn unique_element_types(&self) -> BTreeMap<TypeKey, (usize, String)> {
        let mut count: BTreeMap<TypeKey, Vec<(usize, String)>> = BTreeMap::new();
        for ((ns, name), g) in &self.m.elements {
            if let TyRef::Named(k) = &g.ty {
                if matches!(self.m.types[k].kind, TypeKind::Struct(_)) {
                    count
                        .entry(k.clone())
                        .or_default()
                        .push((*ns, name.clone()));
                }
            }
        }
        count
            .into_iter()
            .filter(|(_, v)| v.len() == 1)
            .map(|(k, mut v)| (k, v.remove(0)))
            .collect()
    }

    pub(super) fn element_impls(&self, ns: usize) -> TokenStream {
        let krate = &self.krate;
        let mut out = Vec::new();
        for (k, (ens, ename)) in self.unique_element_types() {
            if k.ns != ns {
                continue;
            }
            let g = &self.m.elements[&(ens, ename.clone())];
            if g.is_abstract {
                continue;
            }
            let name = ident(self.n.ty(&k));
            let tag = self.tag(&g.qname);
            let nsid = self.ns_id(&g.qname);
            out.push(quote! {
                #krate::__element!(#name, #ename, #tag, #nsid, super::NAMESPACES);
            });
        }
        quote!(#(#out)*)
    }

    /// Whether the generated code has a `GlobalElement` (a schema with a global element).
    pub(super) fn has_global_enum(&self) -> bool {
        self.m
            .elements
            .keys()
            .any(|k| self.n.globals.contains_key(k))
    }

    pub(super) fn global_enum(&self) -> TokenStream {
        let mut decls = Vec::new();
        let mut declared = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut tags = Vec::new();
        // Abstract elements: refused where a wildcard takes one (libxml2 refuses them).
        let abstracts: Vec<TokenStream> = self
            .m
            .elements
            .values()
            .filter(|g| g.is_abstract)
            .map(|g| {
                let local = &g.qname.name;
                let id = self.ns_id(&g.qname);
                quote!((#local, #id))
            })
            .collect();
        let abstracts = if abstracts.is_empty() {
            quote!()
        } else {
            quote!(const ABSTRACT: &'static [(&'static str, u8)] = &[#(#abstracts),*];)
        };
        for (k, g) in &self.m.elements {
            let Some(v) = self.n.globals.get(k) else {
                continue;
            };
            let v = ident(v);
            let ty = self.root_ty(&g.ty);
            let tag = self.tag(&g.qname);
            let doc = format!(" Element `{tag}`.");
            decls.push(quote!(#[doc = #doc] #v(#ty),));
            let local = &g.qname.name;
            let id = self.ns_id(&g.qname);
            arms.push(quote!((#local, #id) => Self::#v(rt::read(r)?),));
            declared.push((local.clone(), quote!((#local, #id))));
            writes.push(quote!(Self::#v(v) => w.one(v, #tag),));
            tags.push(quote!(Self::#v(_) => #tag,));
        }
        if decls.is_empty() {
            return quote!();
        }
        // Sorted by local name, for a binary search.
        declared.sort_by(|a, b| a.0.cmp(&b.0));
        let declared = declared.into_iter().map(|(_, t)| t);
        quote! {
            /// Any global element of the schema, chosen by element name: the children of a
            /// SOAP header and body, or the root of a document.
            #[derive(Debug, Clone, PartialEq)]
            pub enum GlobalElement { #(#decls)* }
            impl rt::Value for GlobalElement {
                fn read_value(r: &mut rt::Reader) -> rt::Result<Self> {
                    Ok(match (r.local(), r.ns()) {
                        #(#arms)*
                        _ => return Err(r.unexpected_error(&[])),
                    })
                }
                fn write_value(&self, w: &mut rt::Writer, _tag: &str) {
                    match self { #(#writes)* }
                }
            }
            impl rt::Globals for GlobalElement {
                const NAMESPACES: rt::Namespaces = NAMESPACES;
                const DECLARED: &'static [(&'static str, u8)] = &[#(#declared),*];
                #abstracts
            }
            impl rt::Tagged for GlobalElement {
                fn element_tag(&self) -> &'static str {
                    self.tag()
                }
            }
            impl GlobalElement {
                /// The qualified element name as written.
                pub fn tag(&self) -> &'static str {
                    match self { #(#tags)* }
                }
                /// Reads a document whose root is any global element.
                pub fn from_document(xml: &str) -> rt::Result<Self> {
                    rt::read_document(xml, NAMESPACES, rt::ReadOptions::default())
                }
                /// Reads a document with explicit options.
                pub fn from_document_with(xml: &str, options: rt::ReadOptions) -> rt::Result<Self> {
                    rt::read_document(xml, NAMESPACES, options)
                }
                /// Writes the element as a document; a value holding a character XML 1.0
                /// cannot carry is an error naming the element path.
                pub fn to_document(&self) -> rt::Result<String> {
                    rt::write_document(self, NAMESPACES)
                }
            }
        }
    }
}
