//! The SOAP glue the `ewsgen` runtime builds on, emitted with the `Operation` impls:
//!
//! - `impl Operation` for every operation with a typed request and response;
//! - `RequestHeaders` / `ResponseHeaders`: one optional field per SOAP header element the
//!   operations accept or answer with (from `services.wsdl`);
//! - `impl ResponseMessage` for the type shaped like `m:ResponseMessageType` (see
//!   [`crate::ews::message_shape`]); types derived from it are response messages through
//!   `Deref` (the runtime's blanket impl);
//! - `impl ResponseMessages` for every type that holds response messages, and for the
//!   response type of every operation (an empty list when it holds none).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, Emitter};
use crate::ews::{self, MessageShape};
use crate::model::{Field, FieldKind, Occurs, QName, TyRef, TypeKey, TypeKind};

impl Emitter<'_> {
    fn element_key(&self, q: &QName) -> Option<TypeKey> {
        let ns = self.m.ns_index(&q.ns)?;
        match &self.m.elements.get(&(ns, q.name.clone()))?.ty {
            TyRef::Named(k) => Some(k.clone()),
            TyRef::Builtin(_) => None,
        }
    }

    pub(super) fn operations(&self) -> TokenStream {
        if !self.opts.operations || self.m.operations.is_empty() {
            return quote!();
        }
        let krate = &self.krate;
        let unique = self.unique_element_types();
        let mut impls = Vec::new();
        let mut names_list = Vec::new();
        // Header lists shared by the operations, each written once.
        let mut lists: Vec<Vec<String>> = Vec::new();
        let mut list_const = |l: Vec<String>| -> proc_macro2::Ident {
            let i = match lists.iter().position(|x| *x == l) {
                Some(i) => i,
                None => {
                    lists.push(l);
                    lists.len() - 1
                }
            };
            quote::format_ident!("HEADERS_{}", i + 1)
        };
        for op in &self.m.operations {
            let (Some(req), Some(resp)) = (
                self.element_key(&op.request),
                self.element_key(&op.response),
            ) else {
                continue;
            };
            if !unique.contains_key(&req) || !unique.contains_key(&resp) {
                continue;
            }
            let name = &op.name;
            names_list.push(quote!(#name));
            let action = ews::soap_action(name);
            let req_ty = self.root_type_path(&req);
            let resp_ty = self.root_type_path(&resp);
            let input = list_const(op.input_headers.iter().map(|q| self.tag(q)).collect());
            let output = list_const(op.output_headers.iter().map(|q| self.tag(q)).collect());
            let doc = format!(" The {}.", self.operation_link(name));
            impls.push(quote! {
                #[doc = #doc]
                impl #krate::Operation for #req_ty {
                    const NAME: &'static str = #name;
                    type Response = #resp_ty;
                    type RequestHeaders = self::RequestHeaders;
                    type ResponseHeaders = self::ResponseHeaders;
                    const SOAP_ACTION: &'static str = #action;
                    const INPUT_HEADERS: &'static [&'static str] = #input;
                    const OUTPUT_HEADERS: &'static [&'static str] = #output;
                }
            });
        }
        let consts = lists.iter().enumerate().map(|(i, l)| {
            let c = quote::format_ident!("HEADERS_{}", i + 1);
            quote!(const #c: &[&str] = &[#(#l),*];)
        });
        let glue = self.soap_glue();
        quote! {
            /// Names of the operations with a typed request and response.
            pub const OPERATIONS: &[&str] = &[#(#names_list),*];
            #(#consts)*
            #(#impls)*
            #glue
        }
    }

    /// `Option<&T>` access to a single-valued field.
    fn opt_access(&self, f: &Field, name: &str) -> TokenStream {
        let name = ident(name);
        match (f.occurs, f.boxed) {
            (Occurs::Optional, false) => quote!(self.#name.as_ref()),
            (Occurs::Optional, true) => quote!(self.#name.as_deref()),
            (_, false) => quote!(::core::option::Option::Some(&self.#name)),
            (_, true) => quote!(::core::option::Option::Some(&*self.#name)),
        }
    }

    fn message_impl(&self, k: &TypeKey, shape: &MessageShape, code: &TokenStream) -> TokenStream {
        let krate = &self.krate;
        let s = self.m.struct_of(k).expect("a message is a struct");
        let (fields, attrs) = (&self.n.fields[k], &self.n.attrs[k]);
        let ty = self.root_type_path(k);
        let cname = ident(&attrs[shape.class]);
        let class = if s.attrs[shape.class].required {
            quote!(self.#cname.as_str())
        } else {
            quote!(self.#cname.as_ref().map_or("", |c| c.as_str()))
        };
        let code_access = self.opt_access(&s.fields[shape.code], &fields[shape.code]);
        let text = self.opt_access(&s.fields[shape.text], &fields[shape.text]);
        let link = self.opt_access(&s.fields[shape.link], &fields[shape.link]);
        let xml = self.opt_access(&s.fields[shape.xml], &fields[shape.xml]);
        let FieldKind::Element {
            ty: TyRef::Named(xk),
            ..
        } = &s.fields[shape.xml].kind
        else {
            return quote!();
        };
        let list = match self.wrapper_item(xk) {
            Some(_) => quote!(x.as_slice()),
            None => {
                let any = ident(&self.n.fields[xk][shape.xml_any]);
                quote!(x.#any.as_slice())
            }
        };
        quote! {
            impl #krate::response::ResponseMessage for #ty {
                type Code = #code;
                fn response_class_str(&self) -> &str { #class }
                fn response_code(&self) -> ::core::option::Option<&#code> { #code_access }
                fn response_code_str(&self) -> ::core::option::Option<&str> {
                    #code_access.map(|c| c.as_str())
                }
                fn message_text(&self) -> ::core::option::Option<&str> { #text.map(|s| s.as_str()) }
                fn descriptive_link_key(&self) -> ::core::option::Option<i32> { #link.copied() }
                fn message_xml(&self) -> &[#krate::rt::RawElement] {
                    #xml.map_or(&[][..], |x| #list)
                }
            }
        }
    }

    /// The types holding response messages: the messages (and every type derived from
    /// one), then every type with a field, variant or base of such a type.
    fn message_holders(&self, messages: &BTreeSet<TypeKey>) -> BTreeSet<TypeKey> {
        let mut holders: BTreeSet<TypeKey> = self
            .m
            .types
            .keys()
            .filter(|k| messages.iter().any(|m| self.m.derives_from(k, m)))
            .cloned()
            .collect();
        loop {
            let mut grew = false;
            for (k, t) in &self.m.types {
                if holders.contains(k) {
                    continue;
                }
                let base_holds = self
                    .m
                    .struct_of(k)
                    .and_then(|s| s.base.as_ref())
                    .is_some_and(|b| holders.contains(b));
                let holds = base_holds
                    || t.kind
                        .children()
                        .iter()
                        .any(|f| holder_key(f).is_some_and(|fk| holders.contains(fk)));
                if holds {
                    holders.insert(k.clone());
                    grew = true;
                }
            }
            if !grew {
                return holders;
            }
        }
    }

    /// Statements pushing the messages of field `f`, reached as `access`.
    fn collect_field(&self, f: &Field, access: TokenStream) -> TokenStream {
        let krate = &self.krate;
        let call = quote!(#krate::response::ResponseMessages::response_messages);
        // A wrapper's values are the lists of its items.
        if let Some(item) = self.wrapper_of(f).and_then(|w| self.wrapper_item(w)) {
            let each = self.collect_field(item, quote!(*list));
            return match f.occurs {
                Occurs::Optional => quote! {
                    if let ::core::option::Option::Some(list) = &#access {
                        #each
                    }
                },
                _ => quote! {{
                    let list = &#access;
                    #each
                }},
            };
        }
        // A boxed value is reached through its box (never through `Deref` of a derived
        // type, which would give its base).
        let item = |v: TokenStream| if f.boxed { quote!(&**#v) } else { v };
        match f.occurs {
            Occurs::Required => {
                let v = if f.boxed {
                    quote!(&*#access)
                } else {
                    quote!(&#access)
                };
                quote!(out.extend(#call(#v));)
            }
            Occurs::Optional => {
                let v = item(quote!(v));
                quote! {
                    if let ::core::option::Option::Some(v) = &#access {
                        out.extend(#call(#v));
                    }
                }
            }
            Occurs::Many { .. } => {
                let v = item(quote!(v));
                quote! {
                    for v in &#access {
                        out.extend(#call(#v));
                    }
                }
            }
        }
    }

    /// The SOAP glue (see the module documentation).
    pub(super) fn soap_glue(&self) -> TokenStream {
        let krate = &self.krate;
        let mut shapes: BTreeMap<TypeKey, MessageShape> = BTreeMap::new();
        let mut code_ty: Option<TypeKey> = None;
        for k in self.m.types.keys() {
            if let Some(shape) = ews::message_shape(self.m, k) {
                // One code type for all (the schema has one); a message with another is
                // left out.
                if code_ty.get_or_insert_with(|| shape.code_ty.clone()) == &shape.code_ty {
                    shapes.insert(k.clone(), shape);
                }
            }
        }
        let code = match &code_ty {
            Some(t) => self.root_type_path(t),
            None => quote!(::std::string::String),
        };
        let messages: BTreeSet<TypeKey> = shapes.keys().cloned().collect();
        let holders = self.message_holders(&messages);
        let mut out = vec![quote! {
            /// Any response message of these bindings.
            pub type AnyResponseMessage<'a> = dyn #krate::response::ResponseMessage<Code = #code> + 'a;
        }];
        if code_ty.is_some() {
            let doc = format!(
                " A response message whose class is Error, with its typed response code (see\n `{}::response::ResponseMessage::into_result`).",
                self.opts.runtime
            );
            out.push(quote! {
                #[doc = #doc]
                pub type ResponseError = #krate::response::ResponseError<#code>;
            });
        }
        for (k, shape) in &shapes {
            out.push(self.message_impl(k, shape, &code));
        }
        let messages_impl = |k: &TypeKey, body: Option<TokenStream>| {
            let ty = self.root_type_path(k);
            match body {
                // The default: no messages.
                None => quote! {
                    impl #krate::response::ResponseMessages for #ty {
                        type Code = #code;
                    }
                },
                Some(body) => quote! {
                    impl #krate::response::ResponseMessages for #ty {
                        type Code = #code;
                        fn response_messages(&self) -> Vec<&AnyResponseMessage<'_>> {
                            #body
                        }
                    }
                },
            }
        };
        for k in &holders {
            // A wrapper is no type: the fields holding one list its items' messages.
            if self.wrapper_item(k).is_some() {
                continue;
            }
            // A message pushes itself, then the messages it holds (AddDelegate's response
            // is a message holding one DelegateUserResponseMessageType per delegate).
            let is_message = messages.iter().any(|m| self.m.derives_from(k, m));
            // A message pushes itself, unless its base (a message too) does.
            let base_holds = self
                .m
                .struct_of(k)
                .and_then(|s| s.base.as_ref())
                .is_some_and(|b| holders.contains(b));
            let own = if is_message && !base_holds {
                quote!(out.push(self);)
            } else {
                quote!()
            };
            let def = &self.m.types[k];
            let names = self.n.fields.get(k);
            let stmts: Vec<TokenStream> = match &def.kind {
                TypeKind::Struct(_) | TypeKind::Group { .. } => {
                    // A derived type's base lists its messages (itself first, when it is
                    // one) before the type's own fields.
                    let base = self
                        .m
                        .struct_of(k)
                        .and_then(|s| s.base.as_ref())
                        .filter(|b| holders.contains(*b))
                        .map(|_| {
                            let bf = ident(&self.n.base_fields[k]);
                            quote!(out.extend(#krate::response::ResponseMessages::response_messages(&self.#bf));)
                        });
                    base.into_iter()
                        .chain(
                            def.kind
                                .children()
                                .iter()
                                .zip(names.into_iter().flatten())
                                .filter(|(f, _)| {
                                    holder_key(f).is_some_and(|fk| holders.contains(fk))
                                })
                                .map(|(f, n)| {
                                    let name = ident(n);
                                    self.collect_field(f, quote!(self.#name))
                                }),
                        )
                        .collect()
                }
                TypeKind::Choice { variants } => {
                    let arms: Vec<TokenStream> = variants
                        .iter()
                        .zip(names.into_iter().flatten())
                        .filter(|(f, _)| holder_key(f).is_some_and(|fk| holders.contains(fk)))
                        .map(|(f, n)| {
                            let v = ident(n);
                            let collect = self.collect_field(f, quote!((*x)));
                            quote!(Self::#v(x) => { #collect })
                        })
                        .collect();
                    vec![quote! {
                        #[allow(unreachable_patterns)]
                        match self { #(#arms)* _ => {} }
                    }]
                }
                _ => Vec::new(),
            };
            // Only the base holds messages: the base's list.
            if base_holds && stmts.len() == 1 {
                let ty = self.root_type_path(k);
                let bf = ident(&self.n.base_fields[k]);
                out.push(quote!(#krate::__messages_of_base!(#ty, #code, #bf);));
                continue;
            }
            if stmts.is_empty() {
                if is_message {
                    let ty = self.root_type_path(k);
                    out.push(quote!(#krate::__single_message!(#ty, #code);));
                } else {
                    out.push(messages_impl(k, None));
                }
                continue;
            }
            let body = quote! {{
                let mut out: Vec<&AnyResponseMessage<'_>> = Vec::new();
                #own
                #(#stmts)*
                out
            }};
            out.push(messages_impl(k, Some(body)));
        }
        // Operation responses that hold no response message still list them (none).
        let mut listed = holders.clone();
        for op in &self.m.operations {
            let Some(k) = self.element_key(&op.response) else {
                continue;
            };
            if listed.insert(k.clone()) {
                out.push(messages_impl(&k, None));
            }
        }
        out.push(self.global_messages(&holders, &code));
        out.push(self.headers_struct("RequestHeaders", true));
        out.push(self.headers_struct("ResponseHeaders", false));
        quote!(#(#out)*)
    }

    /// `GlobalElement` lists the messages of the element it holds, so that any envelope read
    /// as `Envelope<GlobalElement>` can be asked for its response messages.
    fn global_messages(&self, holders: &BTreeSet<TypeKey>, code: &TokenStream) -> TokenStream {
        let krate = &self.krate;
        let arms: Vec<TokenStream> = self
            .m
            .elements
            .iter()
            .filter_map(|(k, g)| {
                let v = self.n.globals.get(k)?;
                let TyRef::Named(tk) = &g.ty else { return None };
                holders.contains(tk).then(|| {
                    let v = ident(v);
                    quote!(Self::#v(x) => #krate::response::ResponseMessages::response_messages(x),)
                })
            })
            .collect();
        if self.n.globals.is_empty() {
            return quote!();
        }
        quote! {
            impl #krate::response::ResponseMessages for GlobalElement {
                type Code = #code;
                fn response_messages(&self) -> Vec<&AnyResponseMessage<'_>> {
                    #[allow(unreachable_patterns)]
                    match self {
                        #(#arms)*
                        _ => Vec::new(),
                    }
                }
            }
        }
    }

    fn headers_struct(&self, name: &str, request: bool) -> TokenStream {
        let krate = &self.krate;
        let mut seen = BTreeMap::new();
        for op in &self.m.operations {
            let list = if request {
                &op.input_headers
            } else {
                &op.output_headers
            };
            for q in list {
                let Some(ns) = self.m.ns_index(&q.ns) else {
                    continue;
                };
                let Some(g) = self.m.elements.get(&(ns, q.name.clone())) else {
                    continue;
                };
                seen.entry(self.tag(q))
                    .or_insert_with(|| (q.clone(), g.ty.clone(), g.doc.clone()));
            }
        }
        let sname = ident(name);
        let (mut decls, mut present, mut writes, mut reads) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (tag, (q, ty, doc)) in &seen {
            let f = ident(&self.n.headers[q]);
            let t = self.root_ty(ty);
            let line = format!(" Header `{tag}`.");
            let doc = match doc {
                Some(d) => doc_attrs(Some(&format!("{d}\n\n{}", line.trim()))),
                None => quote!(#[doc = #line]),
            };
            decls.push(quote!(#doc pub #f: ::core::option::Option<#t>,));
            present.push(quote! {
                if self.#f.is_some() { v.push(#tag); }
            });
            writes.push(quote!(w.opt(&self.#f, #tag);));
            let local = &q.name;
            let nsid = self.ns_id(q);
            reads.push(quote! {
                (#local, #nsid) => { rt::fill(r, &mut self.#f)?; Ok(true) }
            });
        }
        let doc = if request {
            " The SOAP headers a request can carry: one per header element the operations accept\n (each operation's own list is `Operation::INPUT_HEADERS`; a header it does not accept\n is refused before sending)."
        } else {
            " The SOAP headers of a response, such as `ServerVersionInfo`."
        };
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct #sname { #(#decls)* }
            impl #krate::soap::Headers for #sname {
                fn present(&self) -> ::std::vec::Vec<&'static str> {
                    let mut v = ::std::vec::Vec::new();
                    #(#present)*
                    v
                }
                fn write_headers(&self, w: &mut rt::Writer) {
                    let _ = &w;
                    #(#writes)*
                }
                fn read_header(&mut self, r: &mut rt::Reader) -> rt::Result<bool> {
                    match (r.local(), r.ns()) {
                        #(#reads)*
                        _ => Ok(false),
                    }
                }
            }
        }
    }
}

/// The type a field's values have, when it is a generated one (nillable elements aside).
fn holder_key(f: &Field) -> Option<&TypeKey> {
    match &f.kind {
        FieldKind::Element {
            ty: TyRef::Named(k),
            nillable: false,
            ..
        }
        | FieldKind::Group(k) => Some(k),
        _ => None,
    }
}
