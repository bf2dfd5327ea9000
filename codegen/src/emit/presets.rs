//! Constructors beyond `new` that EWS users write most: `of_mailbox` on the distinguished
//! folder id, and the presets of `ews::presets` (emitted where a type is as they expect).

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, Emitter};
use crate::model::{Occurs, Struct, TypeKey};

impl Emitter<'_> {
    /// `DistinguishedFolderIdType::of_mailbox`: a distinguished folder of another mailbox
    /// in one call (the type whose constructor takes the folder name alone and whose
    /// optional `Mailbox` element names the mailbox).
    pub(super) fn mailbox_ctor(
        &self,
        owner: &str,
        s: &Struct,
        field_names: &[String],
        params: &[TokenStream],
    ) -> TokenStream {
        if owner != "DistinguishedFolderIdType"
            || params.len() != 1
            || !params[0].to_string().starts_with("id :")
        {
            return quote!();
        }
        let Some((f, n)) = s
            .fields
            .iter()
            .zip(field_names)
            .find(|(f, n)| n.as_str() == "mailbox" && f.occurs == Occurs::Optional)
        else {
            return quote!();
        };
        let name = ident(owner);
        let fname = ident(n);
        let item = self.unboxed_item_ty(f);
        let value = if f.boxed {
            let b = self.prelude("Box");
            quote!(#b::new(mailbox.into()))
        } else {
            quote!(mailbox.into())
        };
        let param = &params[0];
        quote! {
            impl #name {
                /// The distinguished folder `id` of the mailbox `mailbox` (another user's, a
                /// shared or a delegated one; with `archivemsgfolderroot` and the other
                /// `archive...` names, its archive), written with
                /// `<t:Mailbox><t:EmailAddress>`. Send the request with `X-AnchorMailbox`
                /// naming the same mailbox (the client's `CallOptions::anchor_mailbox`).
                pub fn of_mailbox(#param, mailbox: impl Into<#item>) -> Self {
                    let mut folder = Self::new(id);
                    folder.#fname = Some(#value);
                    folder
                }
            }
        }
    }

    /// Whether the bindings have a type of this (generated) name.
    fn has_type(&self, name: &str) -> bool {
        self.m.types.keys().any(|k| self.n.ty(k) == name)
    }

    /// The presets of this type (`ews::presets`): those whose type, namespace, `new` and
    /// fields are as they expect.
    pub(super) fn presets(
        &self,
        k: &TypeKey,
        owner: &str,
        field_names: &[String],
        params: &[TokenStream],
    ) -> TokenStream {
        let names: Vec<String> = params
            .iter()
            .map(|p| {
                let p = p.to_string();
                p.split(':').next().unwrap_or("").trim().to_string()
            })
            .collect();
        let namespace = self.m.namespaces.get(k.ns).map(|n| n.uri.as_str());
        let mut items = Vec::new();
        for p in crate::ews::presets() {
            if p.owner != owner
                || namespace != Some(p.namespace)
                || names != p.new_params
                || !p.fields.iter().all(|f| field_names.iter().any(|n| n == f))
                || !p.types.0.iter().all(|t| self.has_type(t))
                || p.types.1.iter().any(|t| self.has_type(t))
            {
                continue;
            }
            // The presets are ours, and a test parses each: a failure here is said where
            // the generated code is compiled.
            items.push(p.code.parse().unwrap_or_else(|e| {
                let msg = format!("ews-codegen: the preset of {owner} does not parse: {e}");
                quote!(compile_error!(#msg);)
            }));
        }
        if items.is_empty() {
            return quote!();
        }
        let name = ident(owner);
        quote! {
            impl #name {
                #(#items)*
            }
        }
    }
}
