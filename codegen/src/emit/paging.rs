//! The hooks of the client at mailbox scale, one trait impl per operation that the shapes
//! of its request and response qualify (see [`crate::ews::scale_shapes`]); nothing here names
//! an operation:
//!
//! - `OperationMessages`: the operation's own response messages, borrowed or owned;
//! - `paging::Paged`: sets the indexed page view, reads `IndexedPagingOffset` /
//!   `IncludesLastItemInRange` and takes the items of a page;
//! - `sync::Synced`: sets the `SyncState`, reads the next one and takes the changes;
//! - `batch::Batched`: the list of ids a request carries;
//! - `streaming::Streaming`: `ConnectionStatus`, the notifications and the subscription ids
//!   in error of a streamed envelope;
//! - `version::RequestVersion` / `version::ServerVersionHeader`: the `RequestServerVersion`
//!   header and its versions, newest first, and the `ServerVersionInfo` header;
//! - constants listing the operations with each hook (`PAGED_OPERATIONS`, ...).
//!
//! Values are reached along [`Path`]s through bases, fields (required, optional, lists,
//! boxed or not) and choice alternatives; paths sharing a prefix are walked once, in
//! document order.

use std::cell::Cell;
use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{ident, Emitter};
use crate::ews::{self, Path, ScaleShapes, Step};
use crate::model::{Field, FieldKind, Occurs, TyRef, TypeKind};

/// Paths sharing their prefixes.
#[derive(Default)]
struct Trie {
    leaf: bool,
    children: BTreeMap<Step, Trie>,
}

impl Trie {
    fn of(paths: &[Path]) -> Trie {
        let mut t = Trie::default();
        for p in paths {
            let mut node = &mut t;
            for s in p {
                node = node.children.entry(s.clone()).or_default();
            }
            node.leaf = true;
        }
        t
    }
}

/// Writes the walks: fresh variable names, and whether values are moved or borrowed.
struct Walk<'e, 'm> {
    e: &'e Emitter<'m>,
    owned: bool,
    next: Cell<usize>,
}

impl Walk<'_, '_> {
    fn fresh(&self) -> Ident {
        let n = self.next.get();
        self.next.set(n + 1);
        format_ident!("v{}", n)
    }

    /// Statements running `leaf` on every value the trie's leaves reach from `x`.
    fn node(&self, t: &Trie, x: &Ident, leaf: &dyn Fn(&Ident) -> TokenStream) -> TokenStream {
        if t.leaf {
            return leaf(x);
        }
        let mut stmts = Vec::new();
        let mut arms = Vec::new();
        for (step, child) in &t.children {
            match step {
                Step::Base(k) => {
                    let bf = ident(&self.e.n.base_fields[k]);
                    let v = self.fresh();
                    let bind = if self.owned {
                        quote!(let #v = #x.#bf;)
                    } else {
                        quote!(let #v = &#x.#bf;)
                    };
                    let inner = self.node(child, &v, leaf);
                    stmts.push(quote!({ #bind #inner }));
                }
                // A wrapper's value is the list of its items itself.
                Step::Field(k, i) if self.e.wrapper_item(k).is_some() => {
                    let f = &self.e.m.types[k].kind.children()[*i];
                    stmts.push(self.field(f, quote!(#x), child, leaf));
                }
                Step::Field(k, i) => {
                    let f = &self.e.m.types[k].kind.children()[*i];
                    let name = ident(&self.e.n.fields[k][*i]);
                    let raw = if self.owned {
                        quote!(#x.#name)
                    } else {
                        quote!(&#x.#name)
                    };
                    stmts.push(self.field(f, raw, child, leaf));
                }
                Step::Variant(k, i) => {
                    let f = &self.e.m.types[k].kind.children()[*i];
                    let path = self.e.root_type_path(k);
                    let v = ident(&self.e.n.fields[k][*i]);
                    let p = self.fresh();
                    let inner = self.field(f, quote!(#p), child, leaf);
                    arms.push(quote!(#path::#v(#p) => { #inner }));
                }
            }
        }
        if !arms.is_empty() {
            stmts.push(quote! {
                #[allow(unreachable_patterns)]
                match #x { #(#arms)* _ => {} }
            });
        }
        quote!(#(#stmts)*)
    }

    /// The value(s) of a field or alternative given as `raw` (moved, or a reference).
    fn field(
        &self,
        f: &Field,
        raw: TokenStream,
        t: &Trie,
        leaf: &dyn Fn(&Ident) -> TokenStream,
    ) -> TokenStream {
        let v = self.fresh();
        let unbox = match (f.boxed, self.owned) {
            (false, _) => quote!(),
            (true, true) => quote!(let #v = *#v;),
            (true, false) => quote!(let #v = &**#v;),
        };
        let inner = self.node(t, &v, leaf);
        match f.occurs {
            Occurs::Required => quote!({ let #v = #raw; #unbox #inner }),
            Occurs::Optional => {
                quote!(if let ::core::option::Option::Some(#v) = #raw { #unbox #inner })
            }
            Occurs::Many { .. } => quote!(for #v in #raw { #unbox #inner }),
        }
    }
}

impl Emitter<'_> {
    /// Statements running `leaf` on every value `paths` reach from `x` (moved when `owned`,
    /// else borrowed).
    fn walk(
        &self,
        paths: &[Path],
        x: &Ident,
        owned: bool,
        leaf: &dyn Fn(&Ident) -> TokenStream,
    ) -> TokenStream {
        let w = Walk {
            e: self,
            owned,
            next: Cell::new(0),
        };
        w.node(&Trie::of(paths), x, leaf)
    }

    /// The type of a field's values, boxed if the field boxes them.
    fn scale_item_ty(&self, f: &Field) -> Option<TokenStream> {
        let t = match &f.kind {
            FieldKind::Element {
                ty,
                nillable: false,
                ..
            } => self.root_ty(ty),
            FieldKind::Group(g) => self.root_type_path(g),
            _ => return None,
        };
        Some(if f.boxed {
            quote!(::std::boxed::Box<#t>)
        } else {
            t
        })
    }

    /// The type a path's last step reaches.
    fn target_ty(&self, path: &Path) -> Option<TokenStream> {
        self.scale_item_ty(ews::step_field(self.m, path.last()?)?)
    }

    /// The Rust name of an attribute and whether it is required.
    fn attr_access(&self, (owner, i): &ews::AttrRef) -> Option<(Ident, bool)> {
        let a = &self.m.struct_of(owner)?.attrs[*i];
        Some((ident(&self.n.attrs[owner][*i]), a.required))
    }

    /// An `Option<T>` of an attribute of a value `v` (read through `Deref` when a base
    /// declares it).
    fn attr_opt(&self, v: &Ident, a: Option<&ews::AttrRef>) -> TokenStream {
        match a.and_then(|a| self.attr_access(a)) {
            Some((a, true)) => quote!(::core::option::Option::Some(#v.#a)),
            Some((a, false)) => quote!(#v.#a),
            None => quote!(::core::option::Option::None),
        }
    }

    /// Every hook of every operation that has one, and the constants listing them.
    pub(super) fn scale(&self) -> TokenStream {
        if !self.opts.operations || self.m.operations.is_empty() {
            return quote!();
        }
        let unique = self.unique_element_types();
        let mut impls = vec![self.version_hooks()];
        let (mut paged, mut synced, mut batched, mut streaming) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for s in ews::scale_shapes(self.m) {
            if !unique.contains_key(&s.request) || !unique.contains_key(&s.messages.response) {
                continue;
            }
            impls.push(self.messages_hook(&s));
            if let Some(t) = self.paging_hook(&s) {
                paged.push(s.operation.clone());
                impls.push(t);
            }
            if let Some(t) = self.sync_hook(&s) {
                synced.push(s.operation.clone());
                impls.push(t);
            }
            if let Some(t) = self.batch_hook(&s) {
                batched.push(s.operation.clone());
                impls.push(t);
            }
            if let Some(t) = self.streaming_hook(&s) {
                streaming.push(s.operation.clone());
                impls.push(t);
            }
        }
        for list in [&mut paged, &mut synced, &mut batched, &mut streaming] {
            list.sort();
        }
        let docs = |what: &str, module: &str| {
            format!(
                " The operations whose requests implement `{}::{module}` ({what}), found from\n the shapes of their requests and responses.",
                self.opts.runtime
            )
        };
        let (dp, ds, db, dst) = (
            docs("paging", "paging::Paged"),
            docs("synchronization", "sync::Synced"),
            docs("batches of ids", "batch::Batched"),
            docs("streaming notifications", "streaming::Streaming"),
        );
        quote! {
            #[doc = #dp]
            pub const PAGED_OPERATIONS: &[&str] = &[#(#paged),*];
            #[doc = #ds]
            pub const SYNC_OPERATIONS: &[&str] = &[#(#synced),*];
            #[doc = #db]
            pub const BATCH_OPERATIONS: &[&str] = &[#(#batched),*];
            #[doc = #dst]
            pub const STREAMING_OPERATIONS: &[&str] = &[#(#streaming),*];
            #(#impls)*
        }
    }

    /// `OperationMessages` by the runtime's macro, for messages in a list of alternatives
    /// reached through required fields (the shape of every EWS response): the fields, the
    /// list, the alternative and whether it is boxed.
    fn messages_macro(&self, s: &ScaleShapes) -> Option<TokenStream> {
        let [path] = s.messages.paths.as_slice() else {
            return None;
        };
        let (last, rest) = path.split_last()?;
        let (list, fields) = rest.split_last()?;
        let mut access = Vec::new();
        for step in fields {
            match step {
                Step::Base(k) => access.push(ident(&self.n.base_fields[k])),
                Step::Field(k, i) => {
                    let f = &self.m.types[k].kind.children()[*i];
                    if f.occurs != Occurs::Required || f.boxed {
                        return None;
                    }
                    access.push(ident(&self.n.fields[k][*i]));
                }
                Step::Variant(..) => return None,
            }
        }
        let Step::Field(lk, li) = list else {
            return None;
        };
        let lf = &self.m.types[lk].kind.children()[*li];
        if !lf.occurs.is_many() || lf.boxed {
            return None;
        }
        // The list is a wrapper's: the field holding the wrapper is the list.
        let list = if self.wrapper_item(lk).is_some() {
            access.pop()?
        } else {
            ident(&self.n.fields[lk][*li])
        };
        let Step::Variant(vk, vi) = last else {
            return None;
        };
        let vf = &self.m.types[vk].kind.children()[*vi];
        if vf.occurs != Occurs::Required {
            return None;
        }
        let variant = ident(&self.n.fields[vk][*vi]);
        let choice = self.root_type_path(vk);
        let boxed = if vf.boxed {
            quote!(boxed)
        } else {
            quote!(inline)
        };
        let krate = &self.krate;
        let req = self.root_type_path(&s.request);
        let resp = self.root_type_path(&s.messages.response);
        let msg = self.root_type_path(&s.messages.message);
        Some(quote! {
            #krate::__operation_messages!(#req, #resp, #msg, [#(#access).*], #list, #choice::#variant, #boxed);
        })
    }

    /// `OperationMessages`.
    fn messages_hook(&self, s: &ScaleShapes) -> TokenStream {
        if let Some(t) = self.messages_macro(s) {
            return t;
        }
        let krate = &self.krate;
        let req = self.root_type_path(&s.request);
        let msg = self.root_type_path(&s.messages.message);
        if s.messages.paths.iter().all(|p| p.is_empty())
            && s.messages.message == s.messages.response
        {
            return quote!(#krate::__message_is_response!(#req, #msg););
        }
        let r = format_ident!("response");
        let borrowed = self.walk(&s.messages.paths, &r, false, &|v| quote!(out.push(#v);));
        let owned = self.walk(&s.messages.paths, &r, true, &|v| quote!(out.push(#v);));
        let resp = self.root_type_path(&s.messages.response);
        quote! {
            #krate::__response_messages!(#resp, #req, #msg);
            impl #krate::OperationMessages for #req {
                type Message = #msg;
                fn messages(response: &Self::Response) -> ::std::vec::Vec<&Self::Message> {
                    let mut out = ::std::vec::Vec::new();
                    #borrowed
                    out
                }
                fn into_messages(response: Self::Response) -> ::std::vec::Vec<Self::Message> {
                    let mut out = ::std::vec::Vec::new();
                    #owned
                    out
                }
            }
        }
    }

    /// Assigns `value` to the place a request path (`[Base..., Field]`, or
    /// `[Base..., Field, Variant]`) names, wrapping it in the alternative, box and option.
    fn assign(&self, path: &Path, value: TokenStream) -> Option<TokenStream> {
        let mut place = quote!(self);
        let mut wrap: Vec<(Option<TokenStream>, bool)> = Vec::new();
        let mut field: Option<&Field> = None;
        for s in path {
            match s {
                Step::Base(k) => {
                    let bf = ident(&self.n.base_fields[k]);
                    place = quote!(#place.#bf);
                }
                Step::Field(k, i) => {
                    let f = &self.m.types[k].kind.children()[*i];
                    let name = ident(&self.n.fields[k][*i]);
                    place = quote!(#place.#name);
                    field = Some(f);
                }
                Step::Variant(k, i) => {
                    let v = &self.m.types[k].kind.children()[*i];
                    let path = self.root_type_path(k);
                    let name = ident(&self.n.fields[k][*i]);
                    wrap.push((Some(quote!(#path::#name)), v.boxed));
                }
            }
        }
        let f = field?;
        let mut value = value;
        for (variant, boxed) in wrap.into_iter().rev() {
            if boxed {
                value = quote!(::std::boxed::Box::new(#value));
            }
            if let Some(v) = variant {
                value = quote!(#v(#value));
            }
        }
        if f.boxed {
            value = quote!(::std::boxed::Box::new(#value));
        }
        match f.occurs {
            Occurs::Required => {}
            Occurs::Optional => value = quote!(::core::option::Option::Some(#value)),
            Occurs::Many { .. } => return None,
        }
        Some(quote!(#place = #value;))
    }

    /// `paging::Paged`.
    fn paging_hook(&self, s: &ScaleShapes) -> Option<TokenStream> {
        let p = s.paging.as_ref()?;
        let krate = &self.krate;
        let req = self.root_type_path(&s.request);
        let item = self.target_ty(p.items.first()?)?;
        let view_ty = self.root_type_path(&p.view_ty);
        let view = format_ident!("view");
        let (offset, offset_req) = self.attr_access(&p.offset)?;
        let (max, max_req) = self.attr_access(&p.max_entries)?;
        let (bp, bp_req) = self.attr_access(&p.base_point)?;
        let (bp_ty, beginning) = &p.beginning;
        let bp_path = self.root_type_path(bp_ty);
        let bp_variant = ident(&self.n.enum_variants.get(bp_ty)?.0[*beginning]);
        let some = |req: bool, v: TokenStream| {
            if req {
                v
            } else {
                quote!(::core::option::Option::Some(#v))
            }
        };
        let set_offset = some(offset_req, quote!(offset));
        let set_max = some(max_req, quote!(max_entries));
        let set_bp = some(bp_req, quote!(#bp_path::#bp_variant));
        let assign = self.assign(&p.view, quote!(#view))?;
        let m = format_ident!("message");
        let info = |v: &Ident| {
            let offset = self.attr_opt(v, Some(&p.paging_offset));
            let last = self.attr_opt(v, Some(&p.last));
            let total = self.attr_opt(v, p.total.as_ref());
            quote! {
                let mut info = #krate::paging::PageInfo::default();
                info.indexed_paging_offset = #offset;
                info.includes_last_item_in_range = #last;
                info.total_items_in_view = #total;
                return ::core::option::Option::Some(info);
            }
        };
        let read = self.walk(std::slice::from_ref(&p.parent), &m, false, &info);
        let items: Vec<Path> = p
            .items
            .iter()
            .map(|i| [p.parent.clone(), i.clone()].concat())
            .collect();
        let take = self.walk(&items, &m, true, &|v| quote!(out.push(#v);));
        Some(quote! {
            impl #krate::paging::Paged for #req {
                type Item = #item;
                fn set_page(&mut self, offset: i32, max_entries: i32) {
                    let mut #view = <#view_ty as rt::Blank>::blank();
                    #view.#offset = #set_offset;
                    #view.#max = #set_max;
                    #view.#bp = #set_bp;
                    #assign
                }
                fn page_info(message: &Self::Message) -> ::core::option::Option<#krate::paging::PageInfo> {
                    #read
                    ::core::option::Option::None
                }
                fn into_items(message: Self::Message) -> ::std::vec::Vec<Self::Item> {
                    let mut out = ::std::vec::Vec::new();
                    #take
                    out
                }
            }
        })
    }

    /// `sync::Synced`.
    fn sync_hook(&self, s: &ScaleShapes) -> Option<TokenStream> {
        let p = s.sync.as_ref()?;
        let krate = &self.krate;
        let req = self.root_type_path(&s.request);
        let change = self.target_ty(p.changes.first()?)?;
        let state_field = ews::step_field(self.m, p.request_state.last()?)?;
        let value = match state_field.occurs {
            Occurs::Optional if state_field.boxed => quote!(state.map(::std::boxed::Box::new)),
            Occurs::Optional => quote!(state),
            Occurs::Required => quote!(state.unwrap_or_default()),
            Occurs::Many { .. } => return None,
        };
        // The assignment wraps in `Some` itself for an optional element: undo that here.
        let assign = match state_field.occurs {
            Occurs::Optional => {
                let mut place = quote!(self);
                for st in &p.request_state {
                    match st {
                        Step::Base(k) => {
                            let bf = ident(&self.n.base_fields[k]);
                            place = quote!(#place.#bf);
                        }
                        Step::Field(k, i) => {
                            let name = ident(&self.n.fields[k][*i]);
                            place = quote!(#place.#name);
                        }
                        Step::Variant(..) => return None,
                    }
                }
                quote!(#place = #value;)
            }
            _ => self.assign(&p.request_state, value)?,
        };
        let m = format_ident!("message");
        let state = self.walk(
            std::slice::from_ref(&p.state),
            &m,
            false,
            &|v| quote!(return ::core::option::Option::Some(#v.as_str());),
        );
        let last = self.walk(
            std::slice::from_ref(&p.last),
            &m,
            false,
            &|v| quote!(return ::core::option::Option::Some(*#v);),
        );
        let take = self.walk(&p.changes, &m, true, &|v| quote!(out.push(#v);));
        Some(quote! {
            impl #krate::sync::Synced for #req {
                type Change = #change;
                fn set_sync_state(&mut self, state: ::core::option::Option<::std::string::String>) {
                    #assign
                }
                fn sync_state(message: &Self::Message) -> ::core::option::Option<&str> {
                    #state
                    ::core::option::Option::None
                }
                fn includes_last(message: &Self::Message) -> ::core::option::Option<bool> {
                    #last
                    ::core::option::Option::None
                }
                fn into_changes(message: Self::Message) -> ::std::vec::Vec<Self::Change> {
                    let mut out = ::std::vec::Vec::new();
                    #take
                    out
                }
            }
        })
    }

    /// `batch::Batched`.
    fn batch_hook(&self, s: &ScaleShapes) -> Option<TokenStream> {
        let b = s.batch.as_ref()?;
        let krate = &self.krate;
        let req = self.root_type_path(&s.request);
        let list = ews::step_field(self.m, &b.list)?;
        let id = self.scale_item_ty(list)?;
        let Step::Field(holder, li) = &b.list else {
            return None;
        };
        let list_name = match self.wrapper_item(holder) {
            Some(_) => quote!(),
            None => {
                let n = ident(&self.n.fields[holder][*li]);
                quote!(.#n)
            }
        };
        let mut place = quote!(self);
        for st in &b.ids {
            match st {
                Step::Base(k) => {
                    let bf = ident(&self.n.base_fields[k]);
                    place = quote!(#place.#bf);
                }
                Step::Field(k, i) => {
                    let f = &self.m.types[k].kind.children()[*i];
                    let name = ident(&self.n.fields[k][*i]);
                    place = match f.occurs {
                        Occurs::Required => quote!(#place.#name),
                        Occurs::Optional => {
                            if !self.defaultable(holder) {
                                return None;
                            }
                            let make = if f.boxed {
                                quote!(|| ::std::boxed::Box::new(
                                    ::core::default::Default::default()
                                ))
                            } else {
                                quote!(::core::default::Default::default)
                            };
                            quote!(#place.#name.get_or_insert_with(#make))
                        }
                        Occurs::Many { .. } => return None,
                    };
                }
                Step::Variant(..) => return None,
            }
        }
        Some(quote! {
            impl #krate::batch::Batched for #req {
                type Id = #id;
                fn ids_mut(&mut self) -> &mut ::std::vec::Vec<Self::Id> {
                    &mut #place #list_name
                }
            }
        })
    }

    /// `streaming::Streaming`.
    fn streaming_hook(&self, s: &ScaleShapes) -> Option<TokenStream> {
        let p = s.streaming.as_ref()?;
        let krate = &self.krate;
        let req = self.root_type_path(&s.request);
        let notification = self.target_ty(p.notifications.first()?)?;
        let status_path = self.root_type_path(&p.status_ty);
        let closed = ident(&self.n.enum_variants.get(&p.status_ty)?.0[p.closed]);
        let m = format_ident!("message");
        let status = self.walk(std::slice::from_ref(&p.status), &m, false, &|v| {
            quote! {
                if *#v == #status_path::#closed {
                    return true;
                }
            }
        });
        let take = self.walk(&p.notifications, &m, true, &|v| quote!(out.push(#v);));
        let ids = self.walk(
            &p.error_ids,
            &m,
            false,
            &|v| quote!(out.push(::std::string::ToString::to_string(#v));),
        );
        Some(quote! {
            impl #krate::streaming::Streaming for #req {
                type Notification = #notification;
                fn connection_closed(message: &Self::Message) -> bool {
                    #status
                    false
                }
                fn into_notifications(message: Self::Message) -> ::std::vec::Vec<Self::Notification> {
                    let mut out = ::std::vec::Vec::new();
                    #take
                    out
                }
                fn error_subscription_ids(message: &Self::Message) -> ::std::vec::Vec<::std::string::String> {
                    let mut out: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                    let _ = &message;
                    #ids
                    out
                }
            }
        })
    }

    /// `version::RequestVersion` for `RequestHeaders` and `version::ServerVersionHeader` for
    /// `ResponseHeaders`.
    fn version_hooks(&self) -> TokenStream {
        let krate = &self.krate;
        let h = ews::version_headers(self.m);
        // The header structs hold a header only when an operation accepts (or answers
        // with) it.
        let accepted = |q: &crate::model::QName, input: bool| {
            self.m.operations.iter().any(|o| {
                if input {
                    o.input_headers.contains(q)
                } else {
                    o.output_headers.contains(q)
                }
            })
        };
        let request = match &h.request {
            Some((q, k, i, e)) if accepted(q, true) => {
                let TypeKind::Enum { values, .. } = &self.m.types[e].kind else {
                    return quote!();
                };
                let versions: Vec<&str> = values.iter().rev().map(|(v, _)| v.as_str()).collect();
                let field = ident(&self.n.headers[q]);
                let ty = self.root_type_path(k);
                let ety = self.root_type_path(e);
                let attr = ident(&self.n.attrs[k][*i]);
                let required = self.m.struct_of(k).is_some_and(|s| s.attrs[*i].required);
                let (read, write) = if required {
                    (
                        quote!(self.#field.as_ref().map(|h| h.#attr.as_str())),
                        quote!(<#ety as ::core::convert::From<&str>>::from(version)),
                    )
                } else {
                    (
                        quote!(self.#field.as_ref().and_then(|h| h.#attr.as_ref()).map(|v| v.as_str())),
                        quote!(::core::option::Option::Some(<#ety as ::core::convert::From<&str>>::from(version))),
                    )
                };
                quote! {
                    impl #krate::version::RequestVersion for RequestHeaders {
                        const VERSIONS: &'static [&'static str] = &[#(#versions),*];
                        fn requested_version(&self) -> ::core::option::Option<&str> {
                            #read
                        }
                        fn with_version(&self, version: &str) -> Self {
                            let mut headers = ::core::clone::Clone::clone(self);
                            let mut h = <#ty as rt::Blank>::blank();
                            h.#attr = #write;
                            headers.#field = ::core::option::Option::Some(h);
                            headers
                        }
                    }
                }
            }
            _ => quote! {
                impl #krate::version::RequestVersion for RequestHeaders {
                    const VERSIONS: &'static [&'static str] = &[];
                    fn requested_version(&self) -> ::core::option::Option<&str> {
                        ::core::option::Option::None
                    }
                    fn with_version(&self, _version: &str) -> Self {
                        ::core::clone::Clone::clone(self)
                    }
                }
            },
        };
        let info = match &h.info {
            Some(info) if accepted(&info.element, false) => {
                let field = ident(&self.n.headers[&info.element]);
                let v = format_ident!("h");
                let int = |a: &Option<ews::AttrRef>| self.attr_opt(&v, a.as_ref());
                let version = match info
                    .version
                    .as_ref()
                    .and_then(|a| Some((a, self.attr_access(a)?)))
                {
                    Some(((c, i), (a, required))) => {
                        let ty = &self.m.struct_of(c).expect("a struct").attrs[*i].ty;
                        let text = match ty {
                            TyRef::Builtin(
                                crate::model::Builtin::String
                                | crate::model::Builtin::Language
                                | crate::model::Builtin::AnyUri,
                            ) => quote!(::std::string::ToString::to_string(x.as_str())),
                            TyRef::Named(e)
                                if matches!(self.m.types[e].kind, TypeKind::Enum { .. }) =>
                            {
                                quote!(::std::string::ToString::to_string(x.as_str()))
                            }
                            _ => quote!(::std::string::ToString::to_string(x)),
                        };
                        if required {
                            quote!({ let x = &#v.#a; ::core::option::Option::Some(#text) })
                        } else {
                            quote!(#v.#a.as_ref().map(|x| #text))
                        }
                    }
                    None => quote!(::core::option::Option::None),
                };
                let (major, minor, build, rev) = (
                    int(&info.major_version),
                    int(&info.minor_version),
                    int(&info.major_build_number),
                    int(&info.minor_build_number),
                );
                quote! {
                    impl #krate::version::ServerVersionHeader for ResponseHeaders {
                        fn server_version(&self) -> ::core::option::Option<#krate::version::ServerVersion> {
                            let #v = self.#field.as_ref()?;
                            let mut s = #krate::version::ServerVersion::default();
                            s.major_version = #major;
                            s.minor_version = #minor;
                            s.major_build_number = #build;
                            s.minor_build_number = #rev;
                            s.version = #version;
                            ::core::option::Option::Some(s)
                        }
                    }
                }
            }
            _ => quote! {
                impl #krate::version::ServerVersionHeader for ResponseHeaders {
                    fn server_version(&self) -> ::core::option::Option<#krate::version::ServerVersion> {
                        ::core::option::Option::None
                    }
                }
            },
        };
        quote!(#request #info)
    }
}
