//! Data types with their tables and impls: structs (complex types), groups, enumerations,
//! unions, lists and aliases (choices and derived-type sets are in `choices.rs`, global
//! elements in `globals.rs`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_attrs, ident, Emitter};
use crate::model::{
    Builtin, Field, FieldKind, Occurs, Process, QName, Struct, TyRef, TypeDef, TypeKey, TypeKind,
    Wildcard, UNBOUNDED,
};

/// A parameter of `new`: its name, type and placeholder value.
type Param = (String, TokenStream, TokenStream);
/// A field's initialiser in a constructor, and whether it is the field's default value
/// (left to `..Default::default()` when the type has one).
type Init = (TokenStream, bool);

/// `min, max` of a particle as tokens.
fn bounds(o: Occurs) -> (Literal, TokenStream) {
    let (min, max) = o.bounds();
    let max = if max == UNBOUNDED {
        quote!(rt::UNBOUNDED)
    } else {
        let m = Literal::u32_unsuffixed(max);
        quote!(#m)
    };
    (Literal::u32_unsuffixed(min), max)
}

impl Emitter<'_> {
    pub(super) fn type_def(&self, t: &TypeDef) -> TokenStream {
        let mut doc = t.doc.clone();
        if let Some(q) = &t.xml_name {
            let line = format!("XML Schema: `{}`.", self.schema_name(q));
            doc = Some(match doc {
                Some(d) => format!("{d}\n\n{line}"),
                None => line,
            });
        }
        if let Some(lines) = self.op_docs.get(&t.key) {
            let ops = lines.join("\n");
            doc = Some(match doc {
                Some(d) => format!("{ops}\n\n{d}"),
                None => ops,
            });
        }
        let name = self.n.ty(&t.key).to_string();
        let docs = doc_attrs(doc.as_deref());
        let extra = self.extra_doc(&name);
        let docs = quote!(#docs #extra);
        match &t.kind {
            TypeKind::Struct(s) => self.struct_def(t, s, docs),
            TypeKind::Group { fields } => self.group_def(t, fields, docs),
            TypeKind::Choice { variants } => self.choice_def(t, variants, docs),
            TypeKind::Derived { variants } => self.derived_def(t, variants, docs),
            TypeKind::Enum { values, collapse } => self.enum_def(t, values, *collapse, docs),
            TypeKind::Alias(target) => {
                let name = ident(&name);
                let target = self.ty(target);
                let lex = self.lex_const(t);
                quote!(#docs pub type #name = #target; #lex)
            }
            TypeKind::List(item) => {
                let name = ident(&name);
                let item = self.ty(item);
                let krate = &self.krate;
                quote!(#docs pub type #name = #krate::rt::xs::List<#item>;)
            }
            TypeKind::Union(members) => self.union_def(t, members, docs),
            TypeKind::Wrapper { item } => self.wrapper_def(t, item),
        }
    }

    /// A wrapper type: not a type of the API, only the table its fields are read and
    /// written with (`rt::List`).
    fn wrapper_def(&self, t: &TypeDef, item: &Field) -> TokenStream {
        let name = ident(&self.list_table_name(&t.key));
        let xml = t
            .xml_name
            .as_ref()
            .map(|q| self.schema_name(q))
            .unwrap_or_else(|| self.n.ty(&t.key).to_string());
        let particle = self.particle(item);
        let tag = match &item.kind {
            FieldKind::Element { qname, .. } => self.tag(qname),
            _ => String::new(),
        };
        quote! {
            #[doc(hidden)]
            pub const #name: rt::List = rt::List::of(#xml, &[#particle], #tag);
        }
    }

    /// The namespace id tokens of a wildcard.
    fn wild(&self, w: Option<&Wildcard>) -> TokenStream {
        match w {
            None => quote!(rt::Wild::None),
            Some(Wildcard::Any) => quote!(rt::Wild::Any),
            Some(Wildcard::Other(target)) => {
                let id = self.ns_id(&QName::new(target.clone(), ""));
                quote!(rt::Wild::Other(#id))
            }
            Some(Wildcard::List(uris)) => {
                let mut ids: Vec<TokenStream> = Vec::new();
                let mut unknown = false;
                for u in uris {
                    if u.is_empty() || u == crate::XML_NS || self.m.ns_index(u).is_some() {
                        ids.push(self.ns_id(&QName::new(u.clone(), "")));
                    } else {
                        unknown = true;
                    }
                }
                if unknown {
                    ids.push(quote!(rt::NS_OTHER));
                }
                quote!(rt::Wild::List(&[#(#ids),*]))
            }
        }
    }

    /// The elements (and wildcard) a field can start with.
    pub(crate) fn first_set(
        &self,
        f: &Field,
        out: &mut Vec<QName>,
        wild: &mut Option<Wildcard>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        match &f.kind {
            FieldKind::Element { qname, .. } => {
                if !out.contains(qname) {
                    out.push(qname.clone());
                }
            }
            FieldKind::Any(w, _) => {
                *wild = Some(match wild.take() {
                    None => w.clone(),
                    Some(prev) if prev == *w => prev,
                    Some(_) => Wildcard::Any,
                });
            }
            FieldKind::Group(k) => match &self.m.types[k].kind {
                TypeKind::Choice { variants } => {
                    for v in variants {
                        self.first_set(v, out, wild, depth + 1);
                    }
                }
                TypeKind::Group { fields } => {
                    for g in fields {
                        self.first_set(g, out, wild, depth + 1);
                        if g.occurs.bounds().0 > 0 {
                            break;
                        }
                    }
                }
                _ => {}
            },
        }
    }

    /// A `rt::First` literal for a set of fields (alternatives, or a group's fields).
    pub(super) fn first_literal(&self, fields: &[Field], sequence: bool) -> TokenStream {
        let mut names = Vec::new();
        let mut wild = None;
        for f in fields {
            self.first_set(f, &mut names, &mut wild, 0);
            if sequence && f.occurs.bounds().0 > 0 {
                break;
            }
        }
        let names: Vec<TokenStream> = names
            .iter()
            .map(|q| {
                let l = &q.name;
                let id = self.ns_id(q);
                quote!((#l, #id))
            })
            .collect();
        let any = self.wild(wild.as_ref());
        quote!(rt::First { names: &[#(#names),*], any: #any })
    }

    /// The table entry of a field.
    pub(super) fn particle(&self, f: &Field) -> TokenStream {
        let (min, max) = bounds(f.occurs);
        match &f.kind {
            FieldKind::Element { qname, ty, .. } => {
                let l = &qname.name;
                let id = self.ns_id(qname);
                match self.lex_of(ty, None) {
                    Some(lex) => quote!(rt::P::el(#l, #id, #min, #max).lex(#lex)),
                    None => quote!(rt::P::el(#l, #id, #min, #max)),
                }
            }
            FieldKind::Any(w, process) => {
                let w = self.wild(Some(w));
                let check = match process {
                    Process::Skip => None,
                    Process::Lax => Some(quote!(check_lax)),
                    Process::Strict => Some(quote!(check_strict)),
                };
                match check {
                    // What the wildcard takes is judged against the global elements.
                    Some(check) if self.has_global_enum() => quote!(
                        rt::P::any(#w, #min, #max).validated(rt::#check::<super::GlobalElement>)
                    ),
                    _ => quote!(rt::P::any(#w, #min, #max)),
                }
            }
            FieldKind::Group(k) => {
                let path = self.type_path(k);
                let tr = match self.m.types[k].kind {
                    TypeKind::Group { .. } => quote!(rt::Group),
                    _ => quote!(rt::Choice),
                };
                quote!(rt::P::of(<#path as #tr>::FIRST, #min, #max))
            }
        }
    }

    /// The statement reading a field.
    fn read_field(&self, f: &Field, access: TokenStream) -> TokenStream {
        if let Some(w) = self.wrapper_of(f) {
            let table = self.list_table(w);
            return match f.occurs {
                Occurs::Optional => quote!(rt::fill_list(r, &mut #access, &#table)),
                _ => quote!(rt::set_list(r, &mut #access, &#table)),
            };
        }
        match f.occurs {
            Occurs::Required => quote!(rt::set(r, &mut #access)),
            Occurs::Optional => quote!(rt::fill(r, &mut #access)),
            Occurs::Many { .. } => quote!(rt::push(r, &mut #access)),
        }
    }

    /// Whether writing field `f` is held to its particle by a checking writer: its text
    /// has facets, it is a wildcard, or its number of values is bounded. (A list wrapper's
    /// items are held to the wrapper's table by `rt::write_list`.)
    pub(super) fn checked_field(&self, f: &Field) -> bool {
        match &f.kind {
            FieldKind::Any(..) => true,
            FieldKind::Element { ty, .. } if self.lex_of(ty, None).is_some() => true,
            _ => matches!(f.occurs, Occurs::Many { min, max } if min > 0 || max != UNBOUNDED),
        }
    }

    /// The expression writing a field; `value`: a reference to its value, `at`: the
    /// expression of its particle (a `&'static rt::P`), for a field a checking writer holds
    /// to it.
    pub(super) fn write_field(
        &self,
        f: &Field,
        value: TokenStream,
        at: TokenStream,
    ) -> TokenStream {
        let tag = match &f.kind {
            FieldKind::Element { qname, .. } => self.tag(qname),
            _ => String::new(),
        };
        if let Some(wr) = self.wrapper_of(f) {
            let table = self.list_table(wr);
            return match f.occurs {
                Occurs::Optional => quote!(rt::write_list_opt(w, #value, #tag, &#table)),
                _ => quote!(rt::write_list(w, #value, #tag, &#table)),
            };
        }
        if self.checked_field(f) {
            return match f.occurs {
                Occurs::Required => quote!(w.one_at(#value, #tag, #at)),
                Occurs::Optional => quote!(w.opt_at(#value, #tag, #at)),
                Occurs::Many { .. } => quote!(w.all_at(#value, #tag, #at)),
            };
        }
        match f.occurs {
            Occurs::Required => quote!(w.one(#value, #tag)),
            Occurs::Optional => quote!(w.opt(#value, #tag)),
            Occurs::Many { .. } => quote!(w.all(#value, #tag)),
        }
    }

    /// The documentation of a field: the schema's, then what it holds.
    fn field_docs(&self, owner: &str, name: &str, f: &Field) -> TokenStream {
        let mut d = f.doc.clone().unwrap_or_default();
        let line = match &f.kind {
            FieldKind::Element { qname, .. } if self.wrapper_of(f).is_some() => {
                let item = self.wrapper_item(self.wrapper_of(f).expect("a wrapper"));
                let items = match item.map(|i| &i.kind) {
                    Some(FieldKind::Element { qname, .. }) => {
                        format!("`{}` elements", self.tag(qname))
                    }
                    _ => "elements".to_string(),
                };
                let absent = if f.occurs == Occurs::Optional {
                    " (`None`: the element is absent; `Some(vec![])`: present and empty)"
                } else {
                    ""
                };
                format!("Element `{}`, a list of {items}{absent}.", self.tag(qname))
            }
            FieldKind::Element { qname, .. } => format!("Element `{}`.", self.tag(qname)),
            FieldKind::Group(k) => match (&self.m.types[k].xml_name, &self.m.types[k].kind) {
                (Some(q), _) => format!("Substitution group `{}`.", self.schema_name(q)),
                (None, TypeKind::Choice { .. }) => "A choice of elements.".to_string(),
                (None, _) => "A group of elements.".to_string(),
            },
            FieldKind::Any(..) => {
                "Elements the schema leaves open (`xs:any`), kept as written.".to_string()
            }
        };
        if !d.is_empty() {
            d.push_str("\n\n");
        }
        d.push_str(&line);
        let docs = doc_attrs(Some(&d));
        let extra = self.extra_doc(&format!("{owner}.{name}"));
        quote!(#docs #extra)
    }

    /// The parameters (name, type) and initialisers of `new` for a struct: the base's
    /// required parts first (renamed `base_*` where an own part has the same name), then
    /// its own.
    fn ctor_parts(&self, k: &TypeKey) -> (Vec<Param>, Vec<Init>) {
        let mut params: Vec<Param> = Vec::new();
        let mut inits = Vec::new();
        let Some(s) = self.m.struct_of(k) else {
            return (params, inits);
        };
        let special = &self.n.special[k];
        let attrs = &self.n.attrs[k];
        for (a, name) in s.attrs.iter().zip(attrs) {
            let f = ident(name);
            if a.required {
                params.push((name.clone(), self.ty(&a.ty), self.blank_ty(&a.ty)));
                inits.push((quote!(#f), false));
            } else {
                inits.push((quote!(#f: None), true));
            }
        }
        if s.any_attribute.is_some() {
            let f = ident(&special.other_attributes);
            let v = self.empty_vec();
            inits.push((quote!(#f: #v), true));
        }
        if let Some(t) = &s.text {
            params.push((special.value.clone(), self.ty(t), self.blank_ty(t)));
            let f = ident(&special.value);
            inits.push((quote!(#f), false));
        }
        for (f, name) in s.fields.iter().zip(&self.n.fields[k]) {
            let fname = ident(name);
            match f.occurs {
                Occurs::Required => {
                    let unboxed = Field {
                        boxed: false,
                        ..f.clone()
                    };
                    params.push((
                        name.clone(),
                        self.unboxed_item_ty(f),
                        self.blank_field(&unboxed),
                    ));
                    if f.boxed {
                        let b = self.prelude("Box");
                        inits.push((quote!(#fname: #b::new(#fname)), false));
                    } else {
                        inits.push((quote!(#fname), false));
                    }
                }
                Occurs::Optional => inits.push((quote!(#fname: None), true)),
                Occurs::Many { .. } => {
                    let v = self.empty_vec();
                    inits.push((quote!(#fname: #v), true));
                }
            }
        }
        if s.mixed && s.base.is_none() {
            let f = ident(&special.text);
            let v = self.empty_vec();
            inits.push((quote!(#f: #v), true));
        }
        if !special.xsi_type.is_empty() {
            let f = ident(&special.xsi_type);
            inits.push((quote!(#f: false), true));
        }
        if let Some(b) = &s.base {
            let (mut bp, _) = self.ctor_parts(b);
            for (n, _, _) in bp.iter_mut() {
                while params.iter().any(|(o, _, _)| o == n) {
                    *n = format!("base_{}", n.trim_start_matches("r#"));
                }
            }
            let bf = ident(&self.n.base_fields[k]);
            let path = self.type_path(b);
            let args: Vec<_> = bp.iter().map(|(n, _, _)| ident(n)).collect();
            let init = if bp.is_empty() {
                self.default_value()
            } else {
                quote!(#path::new(#(#args),*))
            };
            inits.insert(0, (quote!(#bf: #init), bp.is_empty()));
            bp.extend(params);
            params = bp;
        }
        (params, inits)
    }

    fn struct_def(&self, t: &TypeDef, s: &Struct, docs: TokenStream) -> TokenStream {
        let k = &t.key;
        let owner = self.n.ty(k).to_string();
        let name = ident(&owner);
        let krate = &self.krate;
        let special = &self.n.special[k];
        let attr_names = &self.n.attrs[k];
        let field_names = &self.n.fields[k];
        let derives = if self.defaultable(k) {
            quote!(#[derive(Debug, Clone, PartialEq, Default)])
        } else {
            quote!(#[derive(Debug, Clone, PartialEq)])
        };
        let mut decls = Vec::new();
        let base = s.base.as_ref().map(|b| {
            let bf = ident(&self.n.base_fields[k]);
            let path = self.type_path(b);
            let shown = self.m.types[b]
                .xml_name
                .as_ref()
                .map(|q| self.schema_name(q))
                .unwrap_or_else(|| self.n.ty(b).to_string());
            let d = format!(
                " The base type `{shown}`: its attributes and elements, reached through `Deref`."
            );
            decls.push(quote!(#[doc = #d] pub #bf: #path,));
            (bf, path, b)
        });
        for (a, n) in s.attrs.iter().zip(attr_names) {
            let f = ident(n);
            let ty = self.ty(&a.ty);
            let mut d = a.doc.clone().unwrap_or_default();
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&format!("Attribute `{}`", self.tag(&a.qname)));
            if let Some(def) = &a.default {
                d.push_str(&format!(" (default `{def}`)"));
            }
            if let Some(fixed) = &a.fixed {
                d.push_str(&format!(" (fixed `{fixed}`)"));
            }
            d.push('.');
            let docs = doc_attrs(Some(&d));
            let extra = self.extra_doc(&format!("{owner}.{n}"));
            let o = self.prelude("Option");
            if a.required {
                decls.push(quote!(#docs #extra pub #f: #ty,));
            } else {
                decls.push(quote!(#docs #extra pub #f: #o<#ty>,));
            }
        }
        let vec = self.prelude("Vec");
        if s.any_attribute.is_some() {
            let f = ident(&special.other_attributes);
            decls.push(quote!(
                /// Attributes the schema leaves open (`xs:anyAttribute`), kept as written.
                pub #f: #vec<#krate::rt::RawAttribute>,
            ));
        }
        if let Some(tt) = &s.text {
            let ty = self.ty(tt);
            let f = ident(&special.value);
            decls.push(quote!(
                /// The element's text content.
                pub #f: #ty,
            ));
        }
        for (f, n) in s.fields.iter().zip(field_names) {
            let fname = ident(n);
            let ty = self.field_ty(f);
            let docs = self.field_docs(&owner, n, f);
            decls.push(quote!(#docs pub #fname: #ty,));
        }
        if s.mixed && s.base.is_none() {
            let f = ident(&special.text);
            let string = self.prelude("String");
            decls.push(quote!(
                /// Mixed content: the text before each child element, then the text after the last.
                pub #f: #vec<#string>,
            ));
        }
        let xsi_type = (!special.xsi_type.is_empty()).then(|| ident(&special.xsi_type));
        if let Some(f) = &xsi_type {
            decls.push(quote!(
                /// The element named its own type with `xsi:type` (kept, and written back).
                pub #f: bool,
            ));
        }
        let (params, inits) = self.ctor_parts(k);
        let blanks: Vec<&TokenStream> = params.iter().map(|(_, _, b)| b).collect();
        let params: Vec<TokenStream> = params
            .iter()
            .map(|(n, t, _)| {
                let n = ident(n);
                quote!(#n: #t)
            })
            .collect();
        let allow = if params.len() > 7 {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            quote!()
        };
        let ctor = if params.is_empty() {
            quote!()
        } else {
            // With a `Default`, only the required parts are written out.
            let body = if self.defaultable(k) {
                let given = inits.iter().filter(|(_, default)| !default).map(|(i, _)| i);
                let d = self.default_value();
                quote!(Self { #(#given,)* ..#d })
            } else {
                let all = inits.iter().map(|(i, _)| i);
                quote!(Self { #(#all),* })
            };
            quote! {
                impl #name {
                    /// A value with the required parts given and everything optional left out.
                    #allow
                    pub fn new(#(#params),*) -> Self {
                        #body
                    }
                }
            }
        };
        let conversions = self.struct_conversions(k, s, &params);
        let mailbox_ctor = self.mailbox_ctor(&owner, s, field_names, &params);
        let presets = self.presets(k, &owner, field_names, &params);
        // Reading: one arm per attribute and particle; the base's go to the base.
        let derived = base.is_some();
        let mut attr_arms = Vec::new();
        for (i, (a, n)) in s.attrs.iter().zip(attr_names).enumerate() {
            let f = ident(n);
            let i = Literal::usize_unsuffixed(i);
            let pat = if derived { quote!((0, #i)) } else { quote!(#i) };
            if a.required {
                attr_arms.push(quote!(#pat => rt::attr_set(a, &mut self.#f),));
            } else {
                attr_arms.push(quote!(#pat => rt::attr_opt(a, &mut self.#f),));
            }
        }
        if let Some(f) = &xsi_type {
            attr_arms.push(quote!(rt::XSI_TYPE => rt::xsi_type(&mut self.#f),));
        }
        let mut particle_arms = Vec::new();
        for (i, (f, n)) in s.fields.iter().zip(field_names).enumerate() {
            let fname = ident(n);
            let i = Literal::usize_unsuffixed(i);
            let pat = if derived { quote!((0, #i)) } else { quote!(#i) };
            let read = self.read_field(f, quote!(self.#fname));
            particle_arms.push(quote!(#pat => #read,));
        }
        let (scrutinee, fallback, attr_fallback) = match &base {
            Some((bf, _, _)) => (
                quote!((d, i)),
                quote!((0, i) => rt::no_field(r, i), _ => rt::Sink::particle(&mut self.#bf, d - 1, i, r),),
                quote!((0, _) => a.unexpected(), _ => rt::Sink::attr(&mut self.#bf, d - 1, i, a),),
            ),
            None => (
                quote!(i),
                quote!(_ => rt::no_field(r, i),),
                quote!(_ => a.unexpected(),),
            ),
        };
        let depth_param = if derived { quote!(d) } else { quote!(_d) };
        let particle_fn = match &base {
            // The default: no particle.
            None if s.fields.is_empty() => quote!(),
            // Every particle is the base's.
            Some((bf, _, _)) if s.fields.is_empty() => quote! {
                fn particle(&mut self, d: usize, i: usize, r: &mut rt::Reader) -> rt::Res {
                    rt::Sink::particle(&mut self.#bf, d - 1, i, r)
                }
            },
            _ => quote! {
                fn particle(&mut self, #depth_param: usize, i: usize, r: &mut rt::Reader) -> rt::Res {
                    match #scrutinee { #(#particle_arms)* #fallback }
                }
            },
        };
        let base_attrs = base.as_ref().is_some_and(|(_, _, b)| self.has_attrs(b));
        let attr_fn = match &base {
            Some((bf, _, _)) if s.attrs.is_empty() && base_attrs => quote! {
                fn attr(&mut self, d: usize, i: usize, a: &rt::Attr) -> rt::Res {
                    rt::Sink::attr(&mut self.#bf, d - 1, i, a)
                }
            },
            _ if attr_arms.is_empty() => quote!(),
            _ => quote! {
                fn attr(&mut self, #depth_param: usize, i: usize, a: &rt::Attr) -> rt::Res {
                    match #scrutinee { #(#attr_arms)* #attr_fallback }
                }
            },
        };
        let other_fn = match (&s.any_attribute, &base) {
            (Some(_), Some((bf, _, _))) => {
                let f = ident(&special.other_attributes);
                quote! {
                    fn other_attr(&mut self, d: usize, a: #krate::rt::RawAttribute) {
                        if d == 0 { self.#f.push(a) } else { rt::Sink::other_attr(&mut self.#bf, d - 1, a) }
                    }
                }
            }
            (Some(_), None) => {
                let f = ident(&special.other_attributes);
                quote! {
                    fn other_attr(&mut self, _d: usize, a: #krate::rt::RawAttribute) {
                        self.#f.push(a)
                    }
                }
            }
            (None, Some((bf, _, b))) if self.has_any_attribute(b) => quote! {
                fn other_attr(&mut self, d: usize, a: #krate::rt::RawAttribute) {
                    rt::Sink::other_attr(&mut self.#bf, d - 1, a)
                }
            },
            _ => quote!(),
        };
        let text_fn = match (&s.text, &base) {
            (Some(_), _) => {
                let f = ident(&special.value);
                quote! {
                    fn text(&mut self, r: &mut rt::Reader) -> rt::Res {
                        rt::set_text(r, &mut self.#f)
                    }
                }
            }
            (None, Some((bf, _, b))) if self.m.text_of(b).is_some() => quote! {
                fn text(&mut self, r: &mut rt::Reader) -> rt::Res {
                    rt::Sink::text(&mut self.#bf, r)
                }
            },
            _ => quote!(),
        };
        let mixed_root = self.mixed_root(k);
        let mixed_fn = match (&mixed_root, &base) {
            (Some(0), _) => {
                let f = ident(&special.text);
                let string = self.prelude("String");
                quote! {
                    fn mixed(&mut self, text: #string) {
                        self.#f.push(text)
                    }
                }
            }
            (Some(_), Some((bf, _, _))) => {
                let string = self.prelude("String");
                quote! {
                    fn mixed(&mut self, text: #string) {
                        rt::Sink::mixed(&mut self.#bf, text)
                    }
                }
            }
            _ => quote!(),
        };
        // The table.
        let particles: Vec<TokenStream> = s.fields.iter().map(|f| self.particle(f)).collect();
        let xml = t
            .xml_name
            .as_ref()
            .map(|q| self.schema_name(q))
            .unwrap_or_else(|| owner.clone());
        let mut table = quote!(rt::Content::seq(#xml, &[#(#particles),*]));
        if let Some((_, path, _)) = &base {
            table = quote!(#table.base(<#path as rt::Complex>::CONTENT));
        }
        let attr_table: Vec<TokenStream> = s
            .attrs
            .iter()
            .map(|a| {
                let l = &a.qname.name;
                let id = self.ns_id(&a.qname);
                let decl = if a.required {
                    quote!(rt::A::req(#l, #id))
                } else {
                    quote!(rt::A::opt(#l, #id))
                };
                if a.qname.ns == crate::XML_NS && l == "lang" {
                    // xml.xsd: a union of xs:language and the empty string.
                    return quote!(#decl.lex(&rt::Lex::of("lang")));
                }
                match self.lex_of(&a.ty, a.fixed.as_deref()) {
                    Some(lex) => quote!(#decl.lex(#lex)),
                    None => decl,
                }
            })
            .collect();
        if !attr_table.is_empty() {
            table = quote!(#table.attrs(&[#(#attr_table),*]));
        }
        if s.any_attribute.is_some() {
            let any_attr = self.wild(s.any_attribute.as_ref());
            table = quote!(#table.any_attr(#any_attr));
        }
        if let Some(lex) = s.text.as_ref().and_then(|t| self.lex_of(t, None)) {
            table = quote!(#table.text(#lex));
        }
        if xsi_type.is_some() {
            table = quote!(#table.xsi_type());
        }
        if self.m.text_of(k).is_some() {
            table = quote!(#table.model(rt::Model::Simple));
        } else if mixed_root.is_some() {
            table = quote!(#table.model(rt::Model::Mixed));
        } else if s.all {
            table = quote!(#table.model(rt::Model::All));
        }
        // Writing.
        let mut write_attrs = Vec::new();
        let mut write_content = Vec::new();
        if let Some(f) = &xsi_type {
            write_attrs.push(quote!(w.xsi_type(self.#f);));
        }
        if let Some((bf, _, _)) = &base {
            write_attrs.push(quote!(rt::Complex::write_attrs(&self.#bf, w);));
        }
        for (a, n) in s.attrs.iter().zip(attr_names) {
            let f = ident(n);
            let tag = self.tag(&a.qname);
            if a.required {
                write_attrs.push(quote!(w.attr(#tag, &self.#f);));
            } else {
                write_attrs.push(quote!(w.attr_opt(#tag, self.#f.as_ref());));
            }
        }
        if s.any_attribute.is_some() {
            let f = ident(&special.other_attributes);
            write_attrs.push(quote!(rt::write_attributes(w, &self.#f);));
        }
        if mixed_root == Some(0) {
            let f = ident(&special.text);
            write_content.push(quote!(w.mixed_begin(&self.#f);));
        }
        if let Some((bf, _, _)) = &base {
            write_content.push(quote!(rt::Complex::write_content(&self.#bf, w);));
        }
        if s.text.is_some() {
            let f = ident(&special.value);
            write_content.push(quote!(w.text(&self.#f);));
        }
        for (i, (f, n)) in s.fields.iter().zip(field_names).enumerate() {
            let fname = ident(n);
            let i = Literal::usize_unsuffixed(i);
            let at = quote!(const { &<Self as rt::Complex>::CONTENT.particles[#i] });
            let write = self.write_field(f, quote!(&self.#fname), at);
            write_content.push(quote!(#write;));
        }
        if mixed_root == Some(0) {
            write_content.push(quote!(w.mixed_end();));
        }
        // A type without a `Default` has required parts: its placeholder is `new` of
        // theirs.
        let blank = if self.defaultable(k) {
            quote!()
        } else {
            quote! {
                impl rt::Blank for #name {
                    fn blank() -> Self {
                        Self::new(#(#blanks),*)
                    }
                }
            }
        };
        let write_attrs = if write_attrs.is_empty() {
            quote!()
        } else {
            quote!(fn write_attrs(&self, w: &mut rt::Writer) { #(#write_attrs)* })
        };
        let write_content = if write_content.is_empty() {
            quote!()
        } else {
            quote!(fn write_content(&self, w: &mut rt::Writer) { #(#write_content)* })
        };
        let as_self = if self.common_bases.contains(k) {
            quote!(#krate::__as_self!(#name);)
        } else {
            quote!()
        };
        quote! {
            #docs
            #derives
            pub struct #name { #(#decls)* }
            #ctor
            #mailbox_ctor
            #presets
            impl rt::Sink for #name {
                #particle_fn
                #attr_fn
                #other_fn
                #text_fn
                #mixed_fn
            }
            impl rt::Complex for #name {
                const CONTENT: &'static rt::Content = &#table;
                #write_attrs
                #write_content
            }
            #blank
            #conversions
            #as_self
        }
    }

    /// The one argument of `new` of struct `k`, if it takes exactly one: its type, and
    /// whether it is a `String`.
    pub(crate) fn single_param(&self, k: &TypeKey) -> Option<(TokenStream, bool)> {
        let canon = self.single_param_canon(k)?;
        let (params, _) = self.ctor_parts(k);
        match params.as_slice() {
            [(_, ty, _)] => Some((ty.clone(), canon == "String")),
            _ => None,
        }
    }

    /// What the one argument of `new` of struct `k` is, aliases followed (`String` for
    /// every string type), to tell conversions apart.
    pub(super) fn single_param_canon(&self, k: &TypeKey) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in std::iter::once(k.clone()).chain(self.m.bases(k)) {
            let s = self.m.struct_of(&c)?;
            for a in s.attrs.iter().filter(|a| a.required) {
                parts.push(self.canon(&a.ty));
            }
            if let Some(t) = &s.text {
                parts.push(self.canon(t));
            }
            for f in s.fields.iter().filter(|f| f.occurs == Occurs::Required) {
                parts.push(self.canon_field(f));
            }
        }
        match parts.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// A type with its aliases followed, as a comparable string.
    pub(super) fn canon(&self, t: &TyRef) -> String {
        let mut t = t;
        for _ in 0..64 {
            match t {
                TyRef::Named(k) => match &self.m.types[k].kind {
                    TypeKind::Alias(inner) => t = inner,
                    _ => return format!("{k:?}"),
                },
                TyRef::Builtin(Builtin::String | Builtin::Language | Builtin::AnyUri) => {
                    return "String".into()
                }
                TyRef::Builtin(b) => return format!("{b:?}"),
            }
        }
        format!("{t:?}")
    }

    /// A field's value type as a comparable string.
    pub(super) fn canon_field(&self, f: &Field) -> String {
        match &f.kind {
            FieldKind::Element {
                nillable: true, ty, ..
            } => format!("nil {}", self.canon(ty)),
            FieldKind::Element { ty, .. } => self.canon(ty),
            FieldKind::Group(g) => format!("{g:?}"),
            FieldKind::Any(..) => "any".into(),
        }
    }

    /// `From` the one argument of `new`, from a string (see `ews::FROM_STRING`), and from
    /// the base for a derived type whose own parts are all optional.
    fn struct_conversions(&self, k: &TypeKey, s: &Struct, params: &[TokenStream]) -> TokenStream {
        let krate = &self.krate;
        let name = ident(self.n.ty(k));
        let mut out = Vec::new();
        let mut from_string = false;
        let mut single: Option<String> = None;
        let mut complex = quote!(#krate::__complex!(#name););
        if params.len() == 1 {
            if let Some((ty, string)) = self.single_param(k) {
                if string {
                    complex = quote!(#krate::__complex_new!(#name, str););
                    from_string = true;
                } else if name != ty.to_string() {
                    single = Some(ty.to_string());
                    complex = quote!(#krate::__complex_new!(#name, #ty););
                }
            }
        }
        if !from_string && self.defaultable(k) {
            if let Some(i) = crate::ews::from_string_field(self.m, k) {
                let f = ident(&self.n.fields[k][i]);
                out.push(quote!(#krate::__from_str_field!(#name, #f);));
            }
        }
        let mut extends = quote!();
        if let Some(b) = &s.base {
            let own_optional = s.attrs.iter().all(|a| !a.required)
                && s.text.is_none()
                && s.fields.iter().all(|f| f.occurs != Occurs::Required);
            let path = self.type_path(b);
            let bf = ident(&self.n.base_fields[k]);
            let ancestors: Vec<TokenStream> =
                self.m.bases(b).iter().map(|a| self.type_path(a)).collect();
            let from = own_optional && single.as_deref() != Some(path.to_string().as_str());
            extends = if from {
                quote!(#krate::__derived!(#name, #bf: #path #(, #ancestors)*);)
            } else {
                quote!(#krate::__extends!(#name, #bf: #path #(, #ancestors)*);)
            };
        }
        quote!(#complex #extends #(#out)*)
    }

    /// Whether a struct or one of its bases has attributes.
    fn has_attrs(&self, k: &TypeKey) -> bool {
        !self.m.all_attrs(k).is_empty()
    }

    /// Whether a struct or one of its bases keeps open attributes.
    fn has_any_attribute(&self, k: &TypeKey) -> bool {
        std::iter::once(k.clone()).chain(self.m.bases(k)).any(|b| {
            self.m
                .struct_of(&b)
                .is_some_and(|s| s.any_attribute.is_some())
        })
    }

    /// How many extension steps up the struct holding the mixed text is (0: this one).
    fn mixed_root(&self, k: &TypeKey) -> Option<usize> {
        let chain: Vec<TypeKey> = std::iter::once(k.clone()).chain(self.m.bases(k)).collect();
        if !self.m.struct_of(k).is_some_and(|s| s.mixed) {
            return None;
        }
        // The root-most struct that is mixed declares the text field.
        chain
            .iter()
            .rposition(|c| self.m.struct_of(c).is_some_and(|s| s.mixed))
    }

    fn group_def(&self, t: &TypeDef, fields: &[Field], docs: TokenStream) -> TokenStream {
        let k = &t.key;
        let owner = self.n.ty(k).to_string();
        let name = ident(&owner);
        let krate = &self.krate;
        let names = &self.n.fields[k];
        let derives = if self.defaultable(k) {
            quote!(#[derive(Debug, Clone, PartialEq, Default)])
        } else {
            quote!(#[derive(Debug, Clone, PartialEq)])
        };
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut writes = Vec::new();
        let mut inits = Vec::new();
        for (i, (f, n)) in fields.iter().zip(names).enumerate() {
            let fname = ident(n);
            let ty = self.field_ty(f);
            let docs = self.field_docs(&owner, n, f);
            decls.push(quote!(#docs pub #fname: #ty,));
            let i = Literal::usize_unsuffixed(i);
            let read = self.read_field(f, quote!(self.#fname));
            arms.push(quote!(#i => #read,));
            let at = quote!(const { &<Self as rt::Group>::CONTENT.particles[#i] });
            let write = self.write_field(f, quote!(&self.#fname), at);
            writes.push(quote!(#write;));
            let v = self.blank_field(f);
            inits.push(quote!(#fname: #v));
        }
        let particles: Vec<TokenStream> = fields.iter().map(|f| self.particle(f)).collect();
        let first = self.first_literal(fields, true);
        let blank = if self.defaultable(k) {
            quote!()
        } else {
            quote! {
                impl rt::Blank for #name {
                    fn blank() -> Self {
                        Self { #(#inits),* }
                    }
                }
            }
        };
        quote! {
            #docs
            #derives
            pub struct #name { #(#decls)* }
            impl rt::Sink for #name {
                fn particle(&mut self, _d: usize, i: usize, r: &mut rt::Reader) -> rt::Res {
                    match i { #(#arms)* _ => rt::no_field(r, i), }
                }
            }
            impl rt::Group for #name {
                const CONTENT: &'static rt::Content = &rt::Content::seq(#owner, &[#(#particles),*]);
                const FIRST: rt::First = #first;
                fn write_content(&self, w: &mut rt::Writer) { #(#writes)* }
            }
            #blank
            #krate::__group!(#name);
        }
    }

    fn enum_def(
        &self,
        t: &TypeDef,
        values: &[(String, Option<String>)],
        collapse: bool,
        docs: TokenStream,
    ) -> TokenStream {
        let krate = &self.krate;
        let owner = self.n.ty(&t.key).to_string();
        let name = ident(&owner);
        let (variants, other) = &self.n.enum_variants[&t.key];
        let other = ident(other);
        let presets = self.presets(&t.key, &owner, &[], &[]);
        let string = self.prelude("String");
        let option = self.prelude("Option");
        let decls: Vec<TokenStream> = values
            .iter()
            .zip(variants)
            .map(|((v, d), n)| {
                // The value as written, unless the variant's name is the value itself.
                let doc = match d {
                    Some(d) => Some(format!("`{v}`: {d}")),
                    None if v != n => Some(format!("`{v}`")),
                    None => None,
                };
                let docs = doc_attrs(doc.as_deref());
                let extra = self.extra_doc(&format!("{owner}::{n}"));
                let n = ident(n);
                quote!(#docs #extra #n,)
            })
            .collect();
        let table: Vec<TokenStream> = values
            .iter()
            .zip(variants)
            .map(|((v, _), n)| {
                let n = ident(n);
                quote!((#v, Self::#n))
            })
            .collect();
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#decls)*
                /// A value the schema does not list (servers send values newer than their schema), kept as sent.
                #other(#string),
            }
            #presets
            impl rt::Enumeration for #name {
                const VALUES: &'static [(&'static str, Self)] = &[#(#table),*];
                const COLLAPSE: bool = #collapse;
                fn unknown(value: #string) -> Self {
                    Self::#other(value)
                }
                fn unknown_value(&self) -> #option<&str> {
                    match self { Self::#other(v) => Some(v), _ => None }
                }
            }
            #krate::__enumeration!(#name);
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
                    | Builtin::NonNegativeInteger
            )
        );
        if checks.is_empty() || !integer {
            quote!(true)
        } else {
            quote!(#(#checks)&&*)
        }
    }

    fn union_def(&self, t: &TypeDef, members: &[TyRef], docs: TokenStream) -> TokenStream {
        let krate = &self.krate;
        let string = self.prelude("String");
        let result = self.prelude("Result");
        let name = ident(self.n.ty(&t.key));
        let mut decls = Vec::new();
        let mut parses = Vec::new();
        let mut writes = Vec::new();
        let mut checked = Vec::new();
        let mut listed = Vec::new();
        for (m, n) in members.iter().zip(&self.n.union_variants[&t.key]) {
            let v = ident(n);
            let ty = self.ty(m);
            decls.push(quote!(#v(#ty),));
            // A member with facets takes only the values they allow (libxml2 tries the
            // members in order, facets included); when none does, the members are tried
            // again without them, and strict reading refuses the value.
            match self.lex_of(m, None) {
                Some(lex) => {
                    checked.push(quote! {
                        if (#lex).check(s).is_ok() {
                            if let Ok(v) = <#ty as rt::Text>::parse_text(s) {
                                return Ok(Self::#v(v));
                            }
                        }
                    });
                    listed.push(
                        quote!(Self::#v(v) => rt::Text::is_listed(v) && rt::lex_ok(#lex, v),),
                    );
                }
                None => listed.push(quote!(Self::#v(v) => rt::Text::is_listed(v),)),
            }
            // A member's numeric range decides between members of one base type (such as
            // a range and a marker value of xs:int).
            let guard = self.range_guard(m);
            parses.push(quote! {
                if let Ok(v) = <#ty as rt::Text>::parse_text(s) {
                    if #guard {
                        return Ok(Self::#v(v));
                    }
                }
            });
            writes.push(quote!(Self::#v(v) => rt::Text::write_text(v, out),));
        }
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #(#decls)* }
            impl rt::Text for #name {
                fn parse_text(s: &str) -> #result<Self, #string> {
                    #(#checked)*
                    #(#parses)*
                    Err("matches none of the union's member types".into())
                }
                fn write_text(&self, out: &mut #string) {
                    match self { #(#writes)* }
                }
                fn is_listed(&self) -> bool {
                    match self { #(#listed)* }
                }
            }
            #krate::text_value!(#name);
        }
    }
}
