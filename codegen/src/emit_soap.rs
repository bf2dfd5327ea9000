//! Part of stage 3 (emit): the SOAP glue the `ewsgen` runtime builds on, emitted with the
//! `Operation` impls.
//!
//! - `RequestHeaders` / `ResponseHeaders`: one optional field per SOAP header element the
//!   operations accept or answer with (from `services.wsdl`).
//! - `impl ResponseMessage` for every complex type shaped like `m:ResponseMessageType`
//!   (a `ResponseClass` attribute and `MessageText`, `ResponseCode`, `DescriptiveLinkKey`,
//!   `MessageXml` elements; inheritance is flattened in the model, so derived response
//!   messages have them too), and for choices of such messages.
//! - `impl ResponseMessages` for every type that holds response messages, and for the
//!   response type of every operation (an empty list when it holds none).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{ident, Emitter};
use crate::model::{Field, FieldKind, Occurs, TyRef, TypeDef, TypeKey, TypeKind};

/// How a response message type holds its parts.
struct MessageShape {
    class: TokenStream,
    code: TokenStream,
    text: TokenStream,
    link: TokenStream,
    xml: TokenStream,
    code_ty: TyRef,
}

impl Emitter<'_> {
    /// `Option<&T>` access to a single-valued element field named `local`.
    fn opt_access(&self, fields: &[Field], local: &str) -> Option<(TokenStream, TyRef)> {
        let f = fields.iter().find(|f| {
            matches!(&f.kind, FieldKind::Element { qname, nillable: false, .. } if qname.name == local)
        })?;
        let FieldKind::Element { ty, .. } = &f.kind else {
            return None;
        };
        let name = ident(&f.rust);
        let access = match (f.occurs, f.boxed) {
            (Occurs::Optional, false) => quote!(self.#name.as_ref()),
            (Occurs::Optional, true) => quote!(self.#name.as_deref()),
            (Occurs::Required, false) => quote!(::core::option::Option::Some(&self.#name)),
            (Occurs::Required, true) => quote!(::core::option::Option::Some(&*self.#name)),
            (Occurs::Many { .. }, _) => return None,
        };
        Some((access, ty.clone()))
    }

    fn is_enum(&self, t: &TyRef) -> bool {
        matches!(t, TyRef::Named(k) if matches!(self.m.types[k].kind, TypeKind::Enum { .. }))
    }

    fn message_shape(&self, t: &TypeDef) -> Option<MessageShape> {
        let TypeKind::Struct { attrs, fields, .. } = &t.kind else {
            return None;
        };
        let class = attrs.iter().find(|a| a.qname.name == "ResponseClass")?;
        if !self.is_enum(&class.ty) {
            return None;
        }
        let cname = ident(&class.rust);
        let class = if class.required {
            quote!(self.#cname.as_str())
        } else {
            quote!(self.#cname.as_ref().map_or("", |c| c.as_str()))
        };
        let (code, code_ty) = self.opt_access(fields, "ResponseCode")?;
        if !self.is_enum(&code_ty) {
            return None;
        }
        let (text, text_ty) = self.opt_access(fields, "MessageText")?;
        let (link, link_ty) = self.opt_access(fields, "DescriptiveLinkKey")?;
        let (xml, xml_ty) = self.opt_access(fields, "MessageXml")?;
        if !matches!(text_ty, TyRef::Builtin(crate::model::Builtin::String))
            || !matches!(link_ty, TyRef::Builtin(crate::model::Builtin::I32))
        {
            return None;
        }
        // MessageXml: a struct holding one repeated wildcard.
        let TyRef::Named(xk) = &xml_ty else {
            return None;
        };
        let TypeKind::Struct {
            fields: xml_fields, ..
        } = &self.m.types[xk].kind
        else {
            return None;
        };
        let any = xml_fields.iter().find(|f| {
            matches!(f.kind, FieldKind::Any) && matches!(f.occurs, Occurs::Many { .. })
        })?;
        let any = ident(&any.rust);
        Some(MessageShape {
            class,
            code,
            text: quote!(#text.map(|s| s.as_str())),
            link: quote!(#link.copied()),
            xml: quote!(#xml.map_or(&[][..], |x| x.#any.as_slice())),
            code_ty,
        })
    }

    /// The types that hold response messages: the messages themselves, then every type with
    /// a field (or variant) of such a type.
    fn message_holders(&self, messages: &BTreeMap<TypeKey, MessageShape>) -> BTreeSet<TypeKey> {
        let mut holders: BTreeSet<TypeKey> = messages.keys().cloned().collect();
        loop {
            let mut grew = false;
            for (k, t) in &self.m.types {
                if holders.contains(k) {
                    continue;
                }
                let fields = match &t.kind {
                    TypeKind::Struct { fields, .. }
                    | TypeKind::Group { fields }
                    | TypeKind::Choice { variants: fields } => fields,
                    _ => continue,
                };
                if fields
                    .iter()
                    .any(|f| holder_key(f).is_some_and(|fk| holders.contains(fk)))
                {
                    holders.insert(k.clone());
                    grew = true;
                }
            }
            if !grew {
                return holders;
            }
        }
    }

    /// Statements pushing the messages of field `f`, bound (or reached) as `access`.
    fn collect_field(&self, f: &Field, access: TokenStream) -> TokenStream {
        match f.occurs {
            Occurs::Required => quote!(out.extend(#access.response_messages());),
            Occurs::Optional => quote! {
                if let ::core::option::Option::Some(v) = &#access {
                    out.extend(v.response_messages());
                }
            },
            Occurs::Many { .. } => quote! {
                for v in &#access {
                    out.extend(v.response_messages());
                }
            },
        }
    }

    /// The SOAP glue (see the module documentation).
    pub(super) fn soap_glue(&self) -> TokenStream {
        let rt = &self.rt;
        let krate = &self.krate;
        let mut messages: BTreeMap<TypeKey, MessageShape> = BTreeMap::new();
        let mut code_ty: Option<TyRef> = None;
        for (k, t) in &self.m.types {
            if let Some(shape) = self.message_shape(t) {
                // One code type for all (the schema has one); a message with another is
                // left out.
                if code_ty.get_or_insert_with(|| shape.code_ty.clone()) == &shape.code_ty {
                    messages.insert(k.clone(), shape);
                }
            }
        }
        let code = match &code_ty {
            Some(t) => self.root_ty(t),
            None => quote!(::std::string::String),
        };
        let holders = self.message_holders(&messages);

        let mut out = Vec::new();
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
        for (k, shape) in &messages {
            let ty = self.root_type_path(k);
            let MessageShape {
                class,
                code: code_access,
                text,
                link,
                xml,
                ..
            } = shape;
            out.push(quote! {
                impl #krate::response::ResponseMessage for #ty {
                    type Code = #code;
                    fn response_class_str(&self) -> &str { #class }
                    fn response_code(&self) -> ::core::option::Option<&#code> { #code_access }
                    fn response_code_str(&self) -> ::core::option::Option<&str> {
                        #code_access.map(|c| c.as_str())
                    }
                    fn message_text(&self) -> ::core::option::Option<&str> { #text }
                    fn descriptive_link_key(&self) -> ::core::option::Option<i32> { #link }
                    fn message_xml(&self) -> &[#rt::RawElement] { #xml }
                }
            });
        }
        let messages_impl = |k: &TypeKey, body: TokenStream| {
            let ty = self.root_type_path(k);
            quote! {
                impl #krate::response::ResponseMessages for #ty {
                    type Code = #code;
                    fn response_messages(&self) -> ::std::vec::Vec<&dyn #krate::response::ResponseMessage<Code = #code>> {
                        #body
                    }
                }
            }
        };
        for k in &holders {
            // A message pushes itself, then the messages it holds (AddDelegate's response
            // is a message holding one DelegateUserResponseMessageType per delegate).
            let own = if messages.contains_key(k) {
                quote!(out.push(self as &dyn #krate::response::ResponseMessage<Code = #code>);)
            } else {
                quote!()
            };
            let stmts = match &self.m.types[k].kind {
                TypeKind::Struct { fields, .. } | TypeKind::Group { fields } => fields
                    .iter()
                    .filter(|f| holder_key(f).is_some_and(|fk| holders.contains(fk)))
                    .map(|f| {
                        let name = ident(&f.rust);
                        self.collect_field(f, quote!(self.#name))
                    })
                    .collect::<Vec<_>>(),
                TypeKind::Choice { variants } => {
                    let arms: Vec<TokenStream> = variants
                        .iter()
                        .filter(|f| holder_key(f).is_some_and(|fk| holders.contains(fk)))
                        .map(|f| {
                            let v = ident(&f.rust);
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
            let body = if stmts.is_empty() {
                quote!(::std::vec![self as &dyn #krate::response::ResponseMessage<Code = #code>])
            } else {
                quote! {{
                    #[allow(unused_imports)]
                    use #krate::response::ResponseMessages as _;
                    let mut out: ::std::vec::Vec<&dyn #krate::response::ResponseMessage<Code = #code>> =
                        ::std::vec::Vec::new();
                    #own
                    #(#stmts)*
                    out
                }}
            };
            out.push(messages_impl(k, body));
        }
        // Operation responses that hold no response message still list them (none).
        let mut listed = holders.clone();
        for op in &self.m.operations {
            let Some(k) = self.element_key(&op.response) else {
                continue;
            };
            if listed.insert(k.clone()) {
                out.push(messages_impl(&k, quote!(::std::vec::Vec::new())));
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
        let names = self.global_variant_names();
        let arms: Vec<TokenStream> = self
            .m
            .elements
            .iter()
            .filter_map(|(k, g)| {
                let v = names.get(k)?;
                let TyRef::Named(tk) = &g.ty else { return None };
                holders.contains(tk).then(|| {
                    let v = ident(v);
                    quote!(Self::#v(x) => x.response_messages(),)
                })
            })
            .collect();
        if names.is_empty() {
            return quote!();
        }
        quote! {
            impl #krate::response::ResponseMessages for GlobalElement {
                type Code = #code;
                fn response_messages(&self) -> ::std::vec::Vec<&dyn #krate::response::ResponseMessage<Code = #code>> {
                    #[allow(unused_imports)]
                    use #krate::response::ResponseMessages as _;
                    #[allow(unreachable_patterns)]
                    match self {
                        #(#arms)*
                        _ => ::std::vec::Vec::new(),
                    }
                }
            }
        }
    }

    fn root_ty(&self, t: &TyRef) -> TokenStream {
        match t {
            TyRef::Named(k) => self.root_type_path(k),
            TyRef::Builtin(b) => self.builtin(*b),
        }
    }

    fn headers_struct(&self, name: &str, request: bool) -> TokenStream {
        let rt = &self.rt;
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
            let f = ident(&q.name.to_snake_case());
            let t = self.root_ty(ty);
            let line = format!(" Header `{tag}`.");
            let doc = match doc {
                Some(d) => super::doc_attrs(Some(&format!("{d}\n\n{}", line.trim()))),
                None => quote!(#[doc = #line]),
            };
            decls.push(quote!(#doc pub #f: ::core::option::Option<#t>,));
            present.push(quote! {
                if self.#f.is_some() { v.push(#tag); }
            });
            writes.push(quote!(#rt::write_opt(&self.#f, w, #tag);));
            let local = &q.name;
            let nsid = Literal::u8_unsuffixed(self.ns_id(q));
            reads.push(quote! {
                (#local, #nsid) => { #rt::fill(r, &mut self.#f)?; ::core::result::Result::Ok(true) }
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
                fn write_headers(&self, w: &mut #rt::Writer) {
                    #(#writes)*
                }
                fn read_header(&mut self, r: &mut #rt::Reader<'_>) -> #rt::Result<bool> {
                    match (r.local(), r.ns()) {
                        #(#reads)*
                        _ => ::core::result::Result::Ok(false),
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
