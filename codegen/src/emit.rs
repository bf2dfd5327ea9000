//! Stage 3: the [`Model`] becomes Rust tokens, one module per namespace, checked by `syn` and
//! formatted by prettyplease. Per-type output stays thin: data types plus short trait impls
//! that call the generic runtime.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::model::{Builtin, Field, FieldKind, Model, Occurs, TyRef, TypeDef, TypeKey, TypeKind};
use crate::names;
use crate::xsd::QName;

#[path = "emit_soap.rs"]
mod soap;

/// Options of the emitter.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Path of the runtime crate in generated code (`::ews`).
    pub runtime: String,
    /// Whether to emit `Operation` impls (needs the `ews` crate's trait).
    pub operations: bool,
    /// Header comment lines (source files).
    pub header: Vec<String>,
    /// Per-item documentation lines to add (for example "Since: exchange2016"), keyed by
    /// type name, `Type.field` or `Type::Variant`.
    pub extra_docs: BTreeMap<String, String>,
    /// Path of a random-value support module (see [`crate::arbitrary`]): when set, a module
    /// `arbitrary` with an `Arbitrary` impl for every type is emitted too.
    pub arbitrary: Option<String>,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            runtime: "::ews".into(),
            operations: true,
            header: Vec::new(),
            extra_docs: BTreeMap::new(),
            arbitrary: None,
        }
    }
}

const NS_NONE: u8 = 250;
const NS_XML: u8 = 253;

struct Emitter<'m> {
    m: &'m Model,
    rt: TokenStream,
    krate: TokenStream,
    defaultable: BTreeMap<TypeKey, bool>,
    opts: &'m EmitOptions,
}

/// The `GlobalElement` variant name of each non-abstract global element.
pub(crate) fn global_variant_names(m: &Model) -> BTreeMap<(usize, String), String> {
    let mut out = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (k, g) in &m.elements {
        if g.is_abstract {
            continue;
        }
        let base = names::type_name(&g.qname.name);
        let mut n = base.clone();
        if used.contains(&n) {
            n = format!("{}{}", names::type_name(&m.namespaces[g.ns].module), base);
        }
        let mut i = 2;
        while !used.insert(n.clone()) {
            n = format!("{base}{i}");
            i += 1;
        }
        out.insert(k.clone(), n);
    }
    out
}

/// Variant names of an enumeration.
pub(crate) fn enum_variant_names(values: &[(String, Option<String>)]) -> Vec<String> {
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for (v, _) in values {
        let base = names::type_name(v);
        let mut n = base.clone();
        let mut i = 2;
        while !used.insert(n.clone()) {
            n = format!("{base}{i}");
            i += 1;
        }
        out.push(n);
    }
    out
}

/// Variant names of a union: each member's type name (an anonymous restriction, kept for
/// its facets, is named after its base).
pub(crate) fn union_variant_names(m: &Model, members: &[TyRef]) -> Vec<String> {
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for member in members {
        let mut shown = member;
        while let TyRef::Named(k) = shown {
            match &m.types[k] {
                TypeDef {
                    xml_name: None,
                    kind: TypeKind::Alias(inner),
                    ..
                } => shown = inner,
                _ => break,
            }
        }
        let base = match shown {
            TyRef::Builtin(b) => format!("{b:?}"),
            TyRef::Named(k) => k.name.clone(),
        };
        let mut n = base.clone();
        let mut i = 2;
        while !used.insert(n.clone()) {
            n = format!("{base}{i}");
            i += 1;
        }
        out.push(n);
    }
    out
}

pub(crate) fn ident(s: &str) -> Ident {
    match s.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(s, Span::call_site()),
    }
}

fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else { return quote!() };
    let lines: Vec<TokenStream> = doc
        .lines()
        .map(|l| {
            let l = format!(" {}", l.trim_end());
            quote!(#[doc = #l])
        })
        .collect();
    quote!(#(#lines)*)
}

/// Renders the model as formatted Rust source.
pub fn emit(model: &Model, opts: &EmitOptions) -> Result<String> {
    let rt: TokenStream = format!("{}::rt", opts.runtime)
        .parse()
        .map_err(|e| Error::Config(format!("bad runtime path: {e}")))?;
    let krate: TokenStream = opts
        .runtime
        .parse()
        .map_err(|e| Error::Config(format!("bad runtime path: {e}")))?;
    let mut e = Emitter {
        m: model,
        rt,
        krate,
        defaultable: BTreeMap::new(),
        opts,
    };
    let keys: Vec<TypeKey> = model.types.keys().cloned().collect();
    for k in &keys {
        e.is_defaultable(k, &mut BTreeSet::new());
    }
    let tokens = e.file()?;
    let file: syn::File = syn::parse2(tokens).map_err(|err| Error::Emit(err.to_string()))?;
    let mut out = String::new();
    out.push_str("// @generated by ews-codegen. Do not edit by hand.\n");
    for h in &opts.header {
        out.push_str("// ");
        out.push_str(h);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}

impl<'m> Emitter<'m> {
    fn extra_doc(&self, key: &str) -> TokenStream {
        match self.opts.extra_docs.get(key) {
            Some(d) => {
                let d = format!(" {d}");
                quote!(#[doc = ""] #[doc = #d])
            }
            None => quote!(),
        }
    }

    fn ns_id(&self, q: &QName) -> u8 {
        if q.ns.is_empty() {
            NS_NONE
        } else if q.ns == crate::XML_NS {
            NS_XML
        } else {
            self.m
                .ns_index(&q.ns)
                .expect("every element namespace is known") as u8
        }
    }

    fn tag(&self, q: &QName) -> String {
        if q.ns.is_empty() {
            q.name.clone()
        } else if q.ns == crate::XML_NS {
            format!("xml:{}", q.name)
        } else {
            let i = self
                .m
                .ns_index(&q.ns)
                .expect("every element namespace is known");
            format!("{}:{}", self.m.namespaces[i].prefix, q.name)
        }
    }

    fn type_path(&self, key: &TypeKey) -> TokenStream {
        let module = ident(&self.m.namespaces[key.ns].module);
        let name = ident(&key.name);
        quote!(super::#module::#name)
    }

    fn root_type_path(&self, key: &TypeKey) -> TokenStream {
        let module = ident(&self.m.namespaces[key.ns].module);
        let name = ident(&key.name);
        quote!(self::#module::#name)
    }

    fn builtin(&self, b: Builtin) -> TokenStream {
        let rt = &self.rt;
        match b {
            Builtin::String | Builtin::Language | Builtin::AnyUri => {
                quote!(::std::string::String)
            }
            Builtin::Bool => quote!(bool),
            Builtin::I8 => quote!(i8),
            Builtin::I16 => quote!(i16),
            Builtin::I32 => quote!(i32),
            Builtin::I64 => quote!(i64),
            Builtin::I128 => quote!(i128),
            Builtin::U8 => quote!(u8),
            Builtin::U16 => quote!(u16),
            Builtin::U32 => quote!(u32),
            Builtin::U64 => quote!(u64),
            Builtin::F32 => quote!(f32),
            Builtin::F64 => quote!(f64),
            Builtin::Decimal => quote!(#rt::xs::Decimal),
            Builtin::DateTime => quote!(#rt::xs::DateTime),
            Builtin::Date => quote!(#rt::xs::Date),
            Builtin::Time => quote!(#rt::xs::Time),
            Builtin::Duration => quote!(#rt::xs::Duration),
            Builtin::Base64 => quote!(#rt::xs::Base64Binary),
            Builtin::Hex => quote!(#rt::xs::HexBinary),
            Builtin::Lexical => quote!(#rt::xs::Lexical),
            Builtin::AnyType => quote!(#rt::RawElement),
        }
    }

    fn ty(&self, t: &TyRef) -> TokenStream {
        match t {
            TyRef::Builtin(b) => self.builtin(*b),
            TyRef::Named(k) => self.type_path(k),
        }
    }

    fn is_defaultable(&mut self, k: &TypeKey, visiting: &mut BTreeSet<TypeKey>) -> bool {
        if let Some(d) = self.defaultable.get(k) {
            return *d;
        }
        if !visiting.insert(k.clone()) {
            return false;
        }
        let t = &self.m.types[k];
        let d = match &t.kind {
            TypeKind::Struct {
                attrs,
                fields,
                text,
                ..
            } => {
                attrs
                    .iter()
                    .all(|a| !a.required || self.tyref_defaultable(&a.ty, visiting))
                    && fields.iter().all(|f| self.field_defaultable(f, visiting))
                    && text
                        .as_ref()
                        .is_none_or(|t| self.tyref_defaultable(t, visiting))
            }
            TypeKind::Group { fields } => {
                fields.iter().all(|f| self.field_defaultable(f, visiting))
            }
            TypeKind::Alias(t) => self.tyref_defaultable(t, visiting),
            TypeKind::List(_) => true,
            TypeKind::Choice { .. }
            | TypeKind::Derived { .. }
            | TypeKind::Enum { .. }
            | TypeKind::Union(_) => false,
        };
        visiting.remove(k);
        self.defaultable.insert(k.clone(), d);
        d
    }

    fn tyref_defaultable(&mut self, t: &TyRef, visiting: &mut BTreeSet<TypeKey>) -> bool {
        match t {
            TyRef::Builtin(_) => true,
            TyRef::Named(k) => self.is_defaultable(k, visiting),
        }
    }

    fn field_defaultable(&mut self, f: &Field, visiting: &mut BTreeSet<TypeKey>) -> bool {
        match f.occurs {
            Occurs::Optional | Occurs::Many { .. } => true,
            Occurs::Required => match &f.kind {
                FieldKind::Element { ty, .. } => self.tyref_defaultable(ty, visiting),
                FieldKind::Group(k) => self.is_defaultable(k, visiting),
                FieldKind::Any => true,
            },
        }
    }

    /// Whether a field holds element content (a struct, group, choice or derived type),
    /// through which reading can recurse.
    fn is_complex_field(&self, f: &Field) -> bool {
        let k = match &f.kind {
            FieldKind::Element {
                ty: TyRef::Named(k),
                ..
            }
            | FieldKind::Group(k) => k,
            _ => return false,
        };
        matches!(
            self.m.types[k].kind,
            TypeKind::Struct { .. }
                | TypeKind::Group { .. }
                | TypeKind::Choice { .. }
                | TypeKind::Derived { .. }
        )
    }

    /// The element type of a field (without Option/Vec).
    fn field_item_ty(&self, f: &Field) -> TokenStream {
        let rt = &self.rt;
        let base = match &f.kind {
            FieldKind::Element { ty, nillable, .. } => {
                let t = self.ty(ty);
                if *nillable {
                    quote!(#rt::Nillable<#t>)
                } else {
                    t
                }
            }
            FieldKind::Group(k) => self.type_path(k),
            FieldKind::Any => quote!(#rt::RawElement),
        };
        if f.boxed {
            quote!(::std::boxed::Box<#base>)
        } else {
            base
        }
    }

    fn field_ty(&self, f: &Field) -> TokenStream {
        let item = self.field_item_ty(f);
        match f.occurs {
            Occurs::Required => item,
            Occurs::Optional => quote!(::core::option::Option<#item>),
            Occurs::Many { .. } => quote!(::std::vec::Vec<#item>),
        }
    }

    /// Element names a field can start with, and whether it accepts any element.
    fn first_set(&self, f: &Field, out: &mut Vec<(String, u8)>, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match &f.kind {
            FieldKind::Element { qname, .. } => {
                let e = (qname.name.clone(), self.ns_id(qname));
                if !out.contains(&e) {
                    out.push(e);
                }
                false
            }
            FieldKind::Any => true,
            FieldKind::Group(k) => match &self.m.types[k].kind {
                TypeKind::Choice { variants } => {
                    let mut any = false;
                    for v in variants {
                        any |= self.first_set(v, out, depth + 1);
                    }
                    any
                }
                TypeKind::Group { fields } => {
                    let mut any = false;
                    for g in fields {
                        any |= self.first_set(g, out, depth + 1);
                        if g.occurs == Occurs::Required {
                            break;
                        }
                    }
                    any
                }
                _ => false,
            },
        }
    }

    fn pattern(&self, names: &[(String, u8)]) -> TokenStream {
        let pats: Vec<TokenStream> = names
            .iter()
            .map(|(l, ns)| {
                let ns = Literal::u8_unsuffixed(*ns);
                quote!((#l, #ns))
            })
            .collect();
        quote!(#(#pats)|*)
    }

    fn file(&mut self) -> Result<TokenStream> {
        let rt = self.rt.clone();
        let ns_entries: Vec<TokenStream> = self
            .m
            .namespaces
            .iter()
            .map(|n| {
                let (p, u) = (&n.prefix, &n.uri);
                quote!((#p, #u))
            })
            .collect();
        let mut modules = Vec::new();
        for (i, ns) in self.m.namespaces.iter().enumerate() {
            let module = ident(&ns.module);
            let doc = format!(
                " Types of the namespace `{}` (written with the prefix `{}:`).",
                ns.uri, ns.prefix
            );
            let mut items = Vec::new();
            for (k, t) in self.m.types.range(
                TypeKey {
                    ns: i,
                    name: String::new(),
                }..,
            ) {
                if k.ns != i {
                    break;
                }
                items.push(self.type_def(t));
            }
            items.push(self.element_impls(i));
            modules.push(quote! {
                #[doc = #doc]
                pub mod #module {
                    #(#items)*
                }
            });
        }
        let global = self.global_enum();
        let ops = self.operations();
        let arbitrary = match &self.opts.arbitrary {
            Some(support) => crate::arbitrary::emit(self.m, &self.opts.runtime, support)?,
            None => quote!(),
        };
        Ok(quote! {
            /// Namespaces of the generated code: `(prefix, URI)`; the index is the namespace id.
            pub const NAMESPACES: #rt::Namespaces = &[#(#ns_entries),*];
            #(#modules)*
            #global
            #ops
            #arbitrary
        })
    }

    fn type_def(&self, t: &TypeDef) -> TokenStream {
        let mut doc = t.doc.clone();
        if let Some(q) = &t.xml_name {
            let line = format!("XML Schema: `{}`.", self.schema_name(q));
            doc = Some(match doc {
                Some(d) => format!("{d}\n\n{line}"),
                None => line,
            });
        }
        let docs = doc_attrs(doc.as_deref());
        let extra = self.extra_doc(&t.key.name);
        let docs = quote!(#docs #extra);
        match &t.kind {
            TypeKind::Struct { .. } | TypeKind::Group { .. } => self.struct_def(t, docs),
            TypeKind::Choice { variants } => self.choice_def(t, variants, docs),
            TypeKind::Derived { variants } => self.derived_def(t, variants, docs),
            TypeKind::Enum { values, collapse } => self.enum_def(t, values, *collapse, docs),
            TypeKind::Alias(target) => {
                let name = ident(&t.key.name);
                let target = self.ty(target);
                quote!(#docs pub type #name = #target;)
            }
            TypeKind::List(item) => {
                let name = ident(&t.key.name);
                let item = self.ty(item);
                let rt = &self.rt;
                quote!(#docs pub type #name = #rt::xs::List<#item>;)
            }
            TypeKind::Union(members) => self.union_def(t, members, docs),
        }
    }

    fn schema_name(&self, q: &QName) -> String {
        match self.m.ns_index(&q.ns) {
            Some(i) => format!("{}:{}", self.m.namespaces[i].prefix, q.name),
            None => q.name.clone(),
        }
    }

    fn struct_def(&self, t: &TypeDef, docs: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&t.key.name);
        let (attrs, fields, text, mixed, any_attribute, is_group) = match &t.kind {
            TypeKind::Struct {
                attrs,
                fields,
                text,
                mixed,
                any_attribute,
            } => (
                attrs.as_slice(),
                fields.as_slice(),
                text.as_ref(),
                *mixed,
                *any_attribute,
                false,
            ),
            TypeKind::Group { fields } => (&[][..], fields.as_slice(), None, false, false, true),
            _ => unreachable!("struct_def is called for structs and groups"),
        };
        let default = self.defaultable.get(&t.key).copied().unwrap_or(false);
        let derives = if default {
            quote!(#[derive(Debug, Clone, PartialEq, Default)])
        } else {
            quote!(#[derive(Debug, Clone, PartialEq)])
        };
        // Field declarations.
        let mut decls = Vec::new();
        let mut ctor_params = Vec::new();
        let mut ctor_inits = Vec::new();
        for a in attrs {
            let f = ident(&a.rust);
            let ty = self.ty(&a.ty);
            let mut d = a.doc.clone().unwrap_or_default();
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&format!("Attribute `{}`", a.qname.name));
            if let Some(def) = &a.default {
                d.push_str(&format!(" (default `{def}`)"));
            }
            d.push('.');
            let docs = doc_attrs(Some(&d));
            let extra = self.extra_doc(&format!("{}.{}", t.key.name, a.rust));
            if a.required {
                decls.push(quote!(#docs #extra pub #f: #ty,));
                ctor_params.push(quote!(#f: #ty));
                ctor_inits.push(quote!(#f));
            } else {
                decls.push(quote!(#docs #extra pub #f: ::core::option::Option<#ty>,));
                ctor_inits.push(quote!(#f: ::core::option::Option::None));
            }
        }
        if any_attribute {
            decls.push(quote!(
                /// Attributes the schema leaves open (`xs:anyAttribute`), kept as written.
                pub other_attributes: ::std::vec::Vec<#rt::RawAttribute>,
            ));
            ctor_inits.push(quote!(other_attributes: ::std::vec::Vec::new()));
        }
        if let Some(tt) = text {
            let ty = self.ty(tt);
            decls.push(quote!(
                /// The element's text content.
                pub value: #ty,
            ));
            ctor_params.push(quote!(value: #ty));
            ctor_inits.push(quote!(value));
        }
        for f in fields {
            let fname = ident(&f.rust);
            let ty = self.field_ty(f);
            let mut d = f.doc.clone().unwrap_or_default();
            let line = match &f.kind {
                FieldKind::Element { qname, .. } => format!("Element `{}`.", self.tag(qname)),
                FieldKind::Group(k) => match &self.m.types[k].xml_name {
                    Some(q) => format!("Substitution group `{}`.", self.schema_name(q)),
                    None => "A group of elements.".to_string(),
                },
                FieldKind::Any => {
                    "Elements the schema leaves open (`xs:any`), kept as written.".to_string()
                }
            };
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&line);
            let docs = doc_attrs(Some(&d));
            let extra = self.extra_doc(&format!("{}.{}", t.key.name, f.rust));
            decls.push(quote!(#docs #extra pub #fname: #ty,));
            match f.occurs {
                Occurs::Required => {
                    let item = self.field_item_ty(f);
                    let inner = if f.boxed {
                        let unboxed = self.unboxed_item_ty(f);
                        ctor_params.push(quote!(#fname: #unboxed));
                        quote!(::std::boxed::Box::new(#fname))
                    } else {
                        ctor_params.push(quote!(#fname: #item));
                        quote!(#fname)
                    };
                    ctor_inits.push(quote!(#fname: #inner));
                }
                Occurs::Optional => ctor_inits.push(quote!(#fname: ::core::option::Option::None)),
                Occurs::Many { .. } => ctor_inits.push(quote!(#fname: ::std::vec::Vec::new())),
            }
        }
        if mixed {
            decls.push(quote!(
                /// Mixed content: the text before each child element, then the text after the last.
                pub text: ::std::vec::Vec<::std::string::String>,
            ));
            ctor_inits.push(quote!(text: ::std::vec::Vec::new()));
        }
        let ctor = if ctor_params.is_empty() {
            quote!()
        } else {
            quote! {
                impl #name {
                    /// A value with the required parts given and everything optional left out.
                    #[allow(clippy::too_many_arguments)]
                    pub fn new(#(#ctor_params),*) -> Self {
                        Self { #(#ctor_inits),* }
                    }
                }
            }
        };
        let read = self.struct_read(attrs, fields, text, mixed, any_attribute, is_group);
        let write = self.struct_write(attrs, fields, text, mixed, any_attribute, is_group);
        quote! {
            #docs
            #derives
            pub struct #name { #(#decls)* }
            #ctor
            impl #rt::Value for #name {
                fn read_value(r: &mut #rt::Reader<'_>) -> #rt::Result<Self> { #read }
                fn write_value(&self, w: &mut #rt::Writer, tag: &str) { #write }
            }
        }
    }

    fn unboxed_item_ty(&self, f: &Field) -> TokenStream {
        let g = Field {
            boxed: false,
            ..f.clone()
        };
        self.field_item_ty(&g)
    }

    #[allow(clippy::too_many_arguments)]
    fn struct_read(
        &self,
        attrs: &[crate::model::Attribute],
        fields: &[Field],
        text: Option<&TyRef>,
        mixed: bool,
        any_attribute: bool,
        is_group: bool,
    ) -> TokenStream {
        let rt = &self.rt;
        let mut out = Vec::new();
        // Attributes.
        if !is_group {
            let mut arms = Vec::new();
            let mut finals = Vec::new();
            for (i, a) in attrs.iter().enumerate() {
                let var = format_ident!("a{}", i);
                let local = &a.qname.name;
                let ns = Literal::u8_unsuffixed(self.ns_id(&a.qname));
                let ty = self.ty(&a.ty);
                out.push(quote!(let mut #var: ::core::option::Option<#ty> = ::core::option::Option::None;));
                arms.push(
                    quote!((#local, #ns) => #var = ::core::option::Option::Some(a.value()?),),
                );
                let f = ident(&a.rust);
                let xml = &a.qname.name;
                if a.required {
                    finals.push(quote!(#f: r.required_attr(#var, #xml)?,));
                } else {
                    finals.push(quote!(#f: #var,));
                }
            }
            let fallback = if any_attribute {
                out.push(quote!(let mut other_attributes = ::std::vec::Vec::new();));
                finals.push(quote!(other_attributes,));
                quote!(_ => other_attributes.push(a.to_raw()),)
            } else {
                quote!(_ => return a.unexpected(),)
            };
            out.push(quote! {
                {
                    let mut it = r.attributes();
                    while let ::core::option::Option::Some(a) = it.next_attr()? {
                        match (a.local(), a.ns()) {
                            #(#arms)*
                            #fallback
                        }
                    }
                }
            });
            if let Some(_t) = text {
                out.push(quote!(let value = #rt::read_simple_content(r)?;));
                return quote! {
                    #(#out)*
                    ::core::result::Result::Ok(Self { #(#finals)* value })
                };
            }
            out.push(quote!(r.enter()?;));
            let (body, field_finals) = self.content_read(fields, mixed, false);
            out.push(body);
            return quote! {
                #(#out)*
                let v = Self { #(#finals)* #field_finals };
                r.leave()?;
                ::core::result::Result::Ok(v)
            };
        }
        let (body, field_finals) = self.content_read(fields, false, true);
        quote! {
            #body
            ::core::result::Result::Ok(Self { #field_finals })
        }
    }

    /// The loop over child elements, and the field initialisers.
    fn content_read(
        &self,
        fields: &[Field],
        mixed: bool,
        group: bool,
    ) -> (TokenStream, TokenStream) {
        let rt = &self.rt;
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut finals = Vec::new();
        let mut expected: Vec<(String, u8)> = Vec::new();
        let mut wildcard: Option<TokenStream> = None;
        // Names that more than one field accepts get guards.
        let mut firsts = Vec::new();
        for f in fields {
            let mut fs = Vec::new();
            let any = self.first_set(f, &mut fs, 0);
            firsts.push((fs, any));
        }
        for (i, f) in fields.iter().enumerate() {
            let var = format_ident!("f{}", i);
            let item = self.field_item_ty(f);
            let (fs, any) = &firsts[i];
            let many = matches!(f.occurs, Occurs::Many { .. });
            if many {
                decls.push(quote!(let mut #var: ::std::vec::Vec<#item> = ::std::vec::Vec::new();));
            } else {
                decls.push(quote!(let mut #var: ::core::option::Option<#item> = ::core::option::Option::None;));
            }
            // Complex content may recurse (t:SearchExpression through And/Or/Not): those
            // reads grow the stack on demand instead of overflowing it.
            let nested = self.is_complex_field(f);
            let action = match (many, nested) {
                (true, false) => quote!(#rt::push(r, &mut #var)?),
                (true, true) => quote!(#rt::push_nested(r, &mut #var)?),
                (false, false) => quote!(#rt::fill(r, &mut #var)?),
                (false, true) => quote!(#rt::fill_nested(r, &mut #var)?),
            };
            let idx = i;
            let shared = fs.iter().any(|n| {
                firsts
                    .iter()
                    .enumerate()
                    .any(|(j, (o, _))| j != i && o.contains(n))
            });
            let guard = if group {
                let p = idx;
                if many {
                    quote!(if pos <= #p)
                } else {
                    quote!(if pos <= #p && #var.is_none())
                }
            } else if shared && !many {
                quote!(if #var.is_none())
            } else {
                quote!()
            };
            let set_pos = if group {
                let p = idx;
                quote!(pos = #p;)
            } else {
                quote!()
            };
            if !fs.is_empty() {
                let pat = self.pattern(fs);
                arms.push(quote!(#pat #guard => { #set_pos #action; }));
            }
            if *any && wildcard.is_none() {
                wildcard = Some(quote!(_ #guard => { #set_pos #action; }));
            }
            for n in fs {
                if !expected.contains(n) {
                    expected.push(n.clone());
                }
            }
            let fname = ident(&f.rust);
            let xml = match &f.kind {
                FieldKind::Element { qname, .. } => qname.name.clone(),
                _ => fs
                    .first()
                    .map(|(l, _)| l.clone())
                    .unwrap_or_else(|| "any element".into()),
            };
            finals.push(match f.occurs {
                Occurs::Required => quote!(#fname: r.required(#var, #xml)?,),
                Occurs::Optional => quote!(#fname: #var,),
                Occurs::Many { min } if min > 0 => {
                    let min = min as usize;
                    quote!(#fname: { r.min_occurs(&#var, #min, #xml)?; #var },)
                }
                Occurs::Many { .. } => quote!(#fname: #var,),
            });
        }
        let expected_consts: Vec<TokenStream> = expected
            .iter()
            .map(|(l, ns)| {
                let ns = Literal::u8_unsuffixed(*ns);
                quote!((#l, #ns))
            })
            .collect();
        let fallback = if group {
            quote!(_ => break,)
        } else {
            quote!(_ => r.unexpected(EXPECTED)?,)
        };
        let expected_decl = if group {
            quote!()
        } else {
            quote!(const EXPECTED: &[(&str, u8)] = &[#(#expected_consts),*];)
        };
        let pos_decl = if group && !fields.is_empty() {
            quote!(let mut pos = 0usize;)
        } else {
            quote!()
        };
        let (fallback, expected_decl) = match &wildcard {
            Some(_) if !group => (quote!(), quote!()),
            _ => (fallback, expected_decl),
        };
        let wildcard = wildcard.unwrap_or_default();
        let body = if mixed {
            finals.push(quote!(text,));
            quote! {
                #expected_decl
                #(#decls)*
                let mut text = ::std::vec::Vec::new();
                let mut cur = ::std::string::String::new();
                while r.peek_mixed(&mut cur)? {
                    text.push(::std::mem::take(&mut cur));
                    match (r.local(), r.ns()) {
                        #(#arms)*
                        #wildcard
                        #fallback
                    }
                }
                text.push(cur);
            }
        } else if fields.is_empty() {
            quote! {
                #expected_decl
                while r.peek()? {
                    r.unexpected(EXPECTED)?;
                }
            }
        } else {
            quote! {
                #expected_decl
                #(#decls)*
                #pos_decl
                while r.peek()? {
                    match (r.local(), r.ns()) {
                        #(#arms)*
                        #wildcard
                        #fallback
                    }
                }
            }
        };
        let body = if group && fields.is_empty() {
            quote!()
        } else {
            body
        };
        (body, quote!(#(#finals)*))
    }

    fn write_field(&self, f: &Field, access: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let tag = match &f.kind {
            FieldKind::Element { qname, .. } => self.tag(qname),
            _ => String::new(),
        };
        match f.occurs {
            Occurs::Required => quote!(#rt::Value::write_value(&#access, w, #tag);),
            Occurs::Optional => quote!(#rt::write_opt(&#access, w, #tag);),
            Occurs::Many { .. } => quote!(#rt::write_all(&#access, w, #tag);),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn struct_write(
        &self,
        attrs: &[crate::model::Attribute],
        fields: &[Field],
        text: Option<&TyRef>,
        mixed: bool,
        any_attribute: bool,
        is_group: bool,
    ) -> TokenStream {
        let rt = &self.rt;
        let mut out = Vec::new();
        if !is_group {
            out.push(quote!(w.start(tag);));
            for a in attrs {
                let f = ident(&a.rust);
                let tag = self.tag(&a.qname);
                if a.required {
                    out.push(quote!(w.attr(#tag, &self.#f);));
                } else {
                    out.push(quote!(w.attr_opt(#tag, self.#f.as_ref());));
                }
            }
            if any_attribute {
                out.push(quote!(#rt::any::write_attributes(w, &self.other_attributes);));
            }
            if text.is_some() {
                out.push(quote!(w.text(&self.value);));
            }
            if mixed {
                out.push(quote!(w.mixed_begin(&self.text);));
            }
        } else {
            out.push(quote!(let _ = tag;));
        }
        for f in fields {
            let fname = ident(&f.rust);
            out.push(self.write_field(f, quote!(self.#fname)));
        }
        if !is_group {
            if mixed {
                out.push(quote!(w.mixed_end();));
            }
            out.push(quote!(w.end(tag);));
        }
        quote!(#(#out)*)
    }

    /// An element of an abstract type: the derived type named by `xsi:type`.
    fn derived_def(&self, t: &TypeDef, variants: &[Field], docs: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&t.key.name);
        let base = t
            .xml_name
            .as_ref()
            .map(|q| self.schema_name(q))
            .unwrap_or_default();
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut names = Vec::new();
        for v in variants {
            let FieldKind::Element { qname, .. } = &v.kind else {
                continue;
            };
            let vname = ident(&v.rust);
            let ty = self.field_item_ty(v);
            let shown = self.schema_name(qname);
            let d = format!(" `xsi:type=\"{shown}\"`.");
            decls.push(quote!(#[doc = #d] #vname(#ty),));
            let local = &qname.name;
            let ns = Literal::u8_unsuffixed(self.ns_id(qname));
            arms.push(quote!((#local, #ns) => Self::#vname(#rt::Value::read_value(r)?),));
            writes.push(quote!(Self::#vname(v) => {
                w.next_xsi_type(#shown);
                #rt::Value::write_value(v, w, tag)
            }));
            names.push(shown);
        }
        let expected = names.join(", ");
        let missing =
            format!("an element of the abstract type {base} needs an xsi:type, one of: {expected}");
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#decls)* }
            impl #rt::Value for #name {
                fn read_value(r: &mut #rt::Reader<'_>) -> #rt::Result<Self> {
                    let ::core::option::Option::Some((ns, local)) = r.xsi_type()? else {
                        return ::core::result::Result::Err(r.error(#rt::ErrorKind::Other(#missing.into())));
                    };
                    ::core::result::Result::Ok(match (local.as_str(), ns) {
                        #(#arms)*
                        _ => return ::core::result::Result::Err(r.error(#rt::ErrorKind::InvalidValue {
                            what: "xsi:type".into(),
                            value: local,
                            reason: #expected.into(),
                        })),
                    })
                }
                fn write_value(&self, w: &mut #rt::Writer, tag: &str) {
                    match self { #(#writes)* }
                }
            }
        }
    }

    fn choice_def(&self, t: &TypeDef, variants: &[Field], docs: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&t.key.name);
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut expected = Vec::new();
        let mut wildcard = None;
        for v in variants {
            let vname = ident(&v.rust);
            let ty = self.field_ty(v);
            let line = match &v.kind {
                FieldKind::Element { qname, .. } => format!("Element `{}`.", self.tag(qname)),
                FieldKind::Group(_) => "A group of elements.".to_string(),
                FieldKind::Any => "An element the schema leaves open, kept as written.".to_string(),
            };
            let d = match &v.doc {
                Some(d) => format!("{d}\n\n{line}"),
                None => line,
            };
            let vdocs = doc_attrs(Some(&d));
            let extra = self.extra_doc(&format!("{}::{}", t.key.name, v.rust));
            decls.push(quote!(#vdocs #extra #vname(#ty),));
            let mut fs = Vec::new();
            let any = self.first_set(v, &mut fs, 0);
            let read = match v.occurs {
                Occurs::Many { .. } => {
                    // A wildcard takes every following element (XML Schema matches
                    // greedily).
                    let more = if any {
                        quote!(true)
                    } else if fs.is_empty() {
                        quote!(false)
                    } else {
                        let pat = self.pattern(&fs);
                        quote!(matches!((r.local(), r.ns()), #pat))
                    };
                    quote! {{
                        let mut v = ::std::vec::Vec::new();
                        loop {
                            #rt::push(r, &mut v)?;
                            if !r.peek()? || !#more { break; }
                        }
                        ::core::result::Result::Ok(Self::#vname(v))
                    }}
                }
                _ => quote!(::core::result::Result::Ok(Self::#vname(#rt::Value::read_value(r)?))),
            };
            if !fs.is_empty() {
                let pat = self.pattern(&fs);
                arms.push(quote!(#pat => #read,));
            }
            if any && wildcard.is_none() {
                wildcard = Some(quote!(_ => #read,));
            }
            expected.extend(fs);
            let write = self.write_field(v, quote!(*v));
            let write = match v.occurs {
                Occurs::Required => write,
                _ => {
                    let tag = match &v.kind {
                        FieldKind::Element { qname, .. } => self.tag(qname),
                        _ => String::new(),
                    };
                    quote!(#rt::write_all(v, w, #tag);)
                }
            };
            writes.push(quote!(Self::#vname(v) => { #write }));
        }
        let expected: Vec<TokenStream> = expected
            .iter()
            .map(|(l, ns)| {
                let ns = Literal::u8_unsuffixed(*ns);
                quote!((#l, #ns))
            })
            .collect();
        let fallback = wildcard.unwrap_or_else(
            || quote!(_ => ::core::result::Result::Err(r.unexpected_error(EXPECTED)),),
        );
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#decls)* }
            impl #rt::Value for #name {
                fn read_value(r: &mut #rt::Reader<'_>) -> #rt::Result<Self> {
                    #[allow(dead_code)]
                    const EXPECTED: &[(&str, u8)] = &[#(#expected),*];
                    match (r.local(), r.ns()) {
                        #(#arms)*
                        #fallback
                    }
                }
                fn write_value(&self, w: &mut #rt::Writer, _tag: &str) {
                    match self { #(#writes)* }
                }
            }
        }
    }

    fn enum_def(
        &self,
        t: &TypeDef,
        values: &[(String, Option<String>)],
        collapse: bool,
        docs: TokenStream,
    ) -> TokenStream {
        let rt = &self.rt;
        // xs:token values are matched with their whitespace collapsed; xs:string values
        // exactly (anything else is kept as an unknown value, as sent).
        let matched = if collapse {
            quote!(s.trim())
        } else {
            quote!(s)
        };
        let name = ident(&t.key.name);
        let variants = enum_variant_names(values);
        let used: BTreeSet<&String> = variants.iter().collect();
        let mut other = "UnknownValue".to_string();
        while used.contains(&other) {
            other.push('_');
        }
        let other = ident(&other);
        let decls: Vec<TokenStream> = values
            .iter()
            .zip(&variants)
            .map(|((v, d), n)| {
                let line = format!("`{v}`");
                let doc = match d {
                    Some(d) => format!("{line}: {d}"),
                    None => line,
                };
                let docs = doc_attrs(Some(&doc));
                let extra = self.extra_doc(&format!("{}::{}", t.key.name, n));
                let n = ident(n);
                quote!(#docs #extra #n,)
            })
            .collect();
        let parse: Vec<TokenStream> = values
            .iter()
            .zip(&variants)
            .map(|((v, _), n)| {
                let n = ident(n);
                quote!(#v => Self::#n,)
            })
            .collect();
        let strs: Vec<TokenStream> = values
            .iter()
            .zip(&variants)
            .map(|((v, _), n)| {
                let n = ident(n);
                quote!(Self::#n => #v,)
            })
            .collect();
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(#decls)*
                /// A value the schema does not list (servers send values newer than their schema), kept as sent.
                #other(::std::string::String),
            }
            impl #name {
                /// The value as written in XML.
                pub fn as_str(&self) -> &str {
                    match self { #(#strs)* Self::#other(s) => s }
                }
            }
            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl #rt::Text for #name {
                fn parse_text(s: &str) -> ::core::result::Result<Self, ::std::string::String> {
                    ::core::result::Result::Ok(match #matched {
                        #(#parse)*
                        _ => Self::#other(s.to_string()),
                    })
                }
                fn write_text(&self, out: &mut ::std::string::String) {
                    out.push_str(self.as_str())
                }
            }
            impl #rt::Value for #name {
                fn read_value(r: &mut #rt::Reader<'_>) -> #rt::Result<Self> { #rt::read_text_value(r) }
                fn write_value(&self, w: &mut #rt::Writer, tag: &str) { #rt::write_text_value(self, w, tag) }
            }
        }
    }

    /// `true`, or the check that an integer value `v` is within the inclusive/exclusive
    /// bounds of the alias chain of `t`.
    fn range_guard(&self, t: &TyRef) -> TokenStream {
        let mut checks = Vec::new();
        let mut cur = t;
        for _ in 0..64 {
            let TyRef::Named(k) = cur else { break };
            let def = &self.m.types[k];
            let TypeKind::Alias(inner) = &def.kind else {
                break;
            };
            let f = &def.facets;
            let num = |v: &Option<String>| v.as_ref().and_then(|v| v.trim().parse::<i64>().ok());
            if let Some(v) = num(&f.min_inclusive) {
                let v = Literal::i64_unsuffixed(v);
                checks.push(quote!(v >= #v));
            }
            if let Some(v) = num(&f.max_inclusive) {
                let v = Literal::i64_unsuffixed(v);
                checks.push(quote!(v <= #v));
            }
            if let Some(v) = num(&f.min_exclusive) {
                let v = Literal::i64_unsuffixed(v);
                checks.push(quote!(v > #v));
            }
            if let Some(v) = num(&f.max_exclusive) {
                let v = Literal::i64_unsuffixed(v);
                checks.push(quote!(v < #v));
            }
            cur = inner;
        }
        let integer = matches!(
            cur,
            TyRef::Builtin(
                Builtin::I8
                    | Builtin::I16
                    | Builtin::I32
                    | Builtin::I64
                    | Builtin::I128
                    | Builtin::U8
                    | Builtin::U16
                    | Builtin::U32
                    | Builtin::U64
            )
        );
        if checks.is_empty() || !integer {
            quote!(true)
        } else {
            quote!(#(#checks)&&*)
        }
    }

    fn union_def(&self, t: &TypeDef, members: &[TyRef], docs: TokenStream) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&t.key.name);
        let mut decls = Vec::new();
        let mut parses = Vec::new();
        let mut writes = Vec::new();
        for (m, n) in members.iter().zip(union_variant_names(self.m, members)) {
            let v = ident(&n);
            let ty = self.ty(m);
            decls.push(quote!(#v(#ty),));
            // A member's numeric range decides between members of one base type (such as
            // a range and a marker value of xs:int).
            let guard = self.range_guard(m);
            parses.push(quote! {
                if let ::core::result::Result::Ok(v) = <#ty as #rt::Text>::parse_text(s) {
                    if #guard {
                        return ::core::result::Result::Ok(Self::#v(v));
                    }
                }
            });
            writes.push(quote!(Self::#v(v) => #rt::Text::write_text(v, out),));
        }
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#decls)* }
            impl #rt::Text for #name {
                fn parse_text(s: &str) -> ::core::result::Result<Self, ::std::string::String> {
                    #(#parses)*
                    ::core::result::Result::Err("matches none of the union's member types".into())
                }
                fn write_text(&self, out: &mut ::std::string::String) {
                    match self { #(#writes)* }
                }
            }
            impl #rt::Value for #name {
                fn read_value(r: &mut #rt::Reader<'_>) -> #rt::Result<Self> { #rt::read_text_value(r) }
                fn write_value(&self, w: &mut #rt::Writer, tag: &str) { #rt::write_text_value(self, w, tag) }
            }
        }
    }

    /// Types used by exactly one global element: those get an `Element` impl.
    fn unique_element_types(&self) -> BTreeMap<TypeKey, (usize, String)> {
        let mut count: BTreeMap<TypeKey, Vec<(usize, String)>> = BTreeMap::new();
        for ((ns, name), g) in &self.m.elements {
            if let TyRef::Named(k) = &g.ty {
                if matches!(self.m.types[k].kind, TypeKind::Struct { .. }) {
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

    fn element_impls(&self, ns: usize) -> TokenStream {
        let rt = &self.rt;
        let mut out = Vec::new();
        for (k, (ens, ename)) in self.unique_element_types() {
            if k.ns != ns {
                continue;
            }
            let g = &self.m.elements[&(ens, ename.clone())];
            if g.is_abstract {
                continue;
            }
            let name = ident(&k.name);
            let tag = self.tag(&g.qname);
            let nsid = Literal::u8_unsuffixed(self.ns_id(&g.qname));
            out.push(quote! {
                impl #rt::Element for #name {
                    const NAME: &'static str = #ename;
                    const TAG: &'static str = #tag;
                    const NS: u8 = #nsid;
                    const NAMESPACES: #rt::Namespaces = super::NAMESPACES;
                }
            });
        }
        quote!(#(#out)*)
    }

    fn global_variant_names(&self) -> BTreeMap<(usize, String), String> {
        global_variant_names(self.m)
    }

    fn global_enum(&self) -> TokenStream {
        let rt = &self.rt;
        let names = self.global_variant_names();
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut tags = Vec::new();
        for (k, g) in &self.m.elements {
            let Some(v) = names.get(k) else { continue };
            let v = ident(v);
            let ty = match &g.ty {
                TyRef::Builtin(b) => self.builtin(*b),
                TyRef::Named(k) => self.root_type_path(k),
            };
            let tag = self.tag(&g.qname);
            let doc = format!(" Element `{tag}`.");
            decls.push(quote!(#[doc = #doc] #v(#ty),));
            let local = &g.qname.name;
            let ns = Literal::u8_unsuffixed(self.ns_id(&g.qname));
            arms.push(quote!((#local, #ns) => Self::#v(#rt::Value::read_value(r)?),));
            writes.push(quote!(Self::#v(v) => #rt::Value::write_value(v, w, #tag),));
            tags.push(quote!(Self::#v(_) => #tag,));
        }
        if decls.is_empty() {
            return quote!();
        }
        quote! {
            /// Any global element of the schema, chosen by element name: the children of a
            /// SOAP header and body, or the root of a document.
            #[derive(Debug, Clone, PartialEq)]
            pub enum GlobalElement { #(#decls)* }
            impl #rt::Value for GlobalElement {
                fn read_value(r: &mut #rt::Reader<'_>) -> #rt::Result<Self> {
                    ::core::result::Result::Ok(match (r.local(), r.ns()) {
                        #(#arms)*
                        _ => return ::core::result::Result::Err(r.unexpected_error(&[])),
                    })
                }
                fn write_value(&self, w: &mut #rt::Writer, _tag: &str) {
                    match self { #(#writes)* }
                }
            }
            impl #rt::Tagged for GlobalElement {
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
                pub fn from_document(xml: &str) -> #rt::Result<Self> {
                    Self::from_document_with(xml, #rt::ReadOptions::default())
                }
                /// Reads a document with explicit options.
                pub fn from_document_with(xml: &str, options: #rt::ReadOptions) -> #rt::Result<Self> {
                    let mut r = #rt::Reader::with_options(xml, NAMESPACES, options)?;
                    let v = <Self as #rt::Value>::read_value(&mut r)?;
                    r.finish()?;
                    ::core::result::Result::Ok(v)
                }
                /// Writes the element as a document.
                pub fn to_document(&self) -> ::std::string::String {
                    let mut w = #rt::Writer::new(NAMESPACES);
                    #rt::Value::write_value(self, &mut w, "");
                    w.into_string()
                }
            }
        }
    }

    fn operations(&self) -> TokenStream {
        if !self.opts.operations || self.m.operations.is_empty() {
            return quote!();
        }
        let krate = &self.krate;
        let unique = self.unique_element_types();
        let mut impls = Vec::new();
        let mut names_list = Vec::new();
        for op in &self.m.operations {
            let req = self.element_key(&op.request);
            let resp = self.element_key(&op.response);
            let (Some(req), Some(resp)) = (req, resp) else {
                continue;
            };
            if !unique.contains_key(&req) || !unique.contains_key(&resp) {
                continue;
            }
            let name = &op.name;
            names_list.push(quote!(#name));
            let action =
                format!("http://schemas.microsoft.com/exchange/services/2006/messages/{name}");
            let req_ty = self.root_type_path(&req);
            let resp_ty = self.root_type_path(&resp);
            let input: Vec<String> = op.input_headers.iter().map(|q| self.tag(q)).collect();
            let output: Vec<String> = op.output_headers.iter().map(|q| self.tag(q)).collect();
            impls.push(quote! {
                impl #krate::Operation for #req_ty {
                    const NAME: &'static str = #name;
                    type Response = #resp_ty;
                    type RequestHeaders = self::RequestHeaders;
                    type ResponseHeaders = self::ResponseHeaders;
                    const SOAP_ACTION: &'static str = #action;
                    const INPUT_HEADERS: &'static [&'static str] = &[#(#input),*];
                    const OUTPUT_HEADERS: &'static [&'static str] = &[#(#output),*];
                }
            });
        }
        let glue = self.soap_glue();
        quote! {
            /// Names of the operations with a typed request and response.
            pub const OPERATIONS: &[&str] = &[#(#names_list),*];
            #(#impls)*
            #glue
        }
    }

    fn element_key(&self, q: &QName) -> Option<TypeKey> {
        let ns = self.m.ns_index(&q.ns)?;
        match &self.m.elements.get(&(ns, q.name.clone()))?.ty {
            TyRef::Named(k) => Some(k.clone()),
            TyRef::Builtin(_) => None,
        }
    }
}
