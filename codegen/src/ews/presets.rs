//! Presets: constructors and builder methods for the requests written most, emitted on a
//! generated type when the type is as the official schema sets have it.

use std::sync::LazyLock;

/// A constructor (or builder method) for a request people write often, in the lines
/// exchangelib and the EWS Managed API take for it: emitted on its type when the type is in
/// `namespace`, its `new` takes `new_params` and it has `fields`, as in the official schema
/// sets; left out otherwise (the code refers to those parts by name).
pub struct Preset {
    /// The generated type's name.
    pub owner: &'static str,
    /// The namespace of the schema type (`messages` or `types`).
    pub namespace: &'static str,
    /// The parameters of the type's `new`, in order.
    pub new_params: &'static [&'static str],
    /// The fields the code sets.
    pub fields: &'static [&'static str],
    /// Other generated types the code names, and types that must not be there (the code
    /// then is for an older schema).
    pub types: (&'static [&'static str], &'static [&'static str]),
    /// The items of `impl Owner { .. }`: Rust, written for the owner's module.
    pub code: String,
}

const MESSAGES: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

/// The comparisons of a restriction with a field and a constant (`TwoOperandExpressionType`).
const COMPARISONS: &[(&str, &str)] = &[
    ("IsEqualToType", "equal to"),
    ("IsNotEqualToType", "not equal to"),
    ("IsGreaterThanType", "greater than"),
    ("IsGreaterThanOrEqualToType", "greater than or equal to"),
    ("IsLessThanType", "less than"),
    ("IsLessThanOrEqualToType", "less than or equal to"),
];

/// The presets (see [`Preset`]), made once.
pub fn presets() -> &'static [Preset] {
    static PRESETS: LazyLock<Vec<Preset>> = LazyLock::new(make);
    &PRESETS
}

fn make() -> Vec<Preset> {
    let mut out = vec![
        Preset {
            owner: "FindItemType",
            namespace: MESSAGES,
            new_params: &["traversal", "item_shape", "parent_folder_ids"],
            fields: &["item_shape", "restriction"],
            types: (&[], &[]),
            code: r#"
                /// The items of `folder`, the folder alone searched (`Shallow`) with the
                /// `Default` shape; [`FindItemType::only`] and [`FindItemType::filter`]
                /// narrow it, and `client.pages(request, headers).items()` walks the pages:
                /// `FindItemType::in_folder(DistinguishedFolderIdNameType::Inbox)`.
                pub fn in_folder(folder: impl Into<super::types::BaseFolderId>) -> Self {
                    Self::new(
                        super::types::ItemQueryTraversalType::Shallow,
                        super::types::ItemResponseShapeType::new(
                            super::types::DefaultShapeNamesType::Default,
                        ),
                        vec![folder.into()],
                    )
                }

                /// The items' ids and these properties only (`IdOnly` and
                /// `AdditionalProperties`): `.only([UnindexedFieldUriType::ItemSubject])`.
                pub fn only<P: Into<super::types::Path>>(
                    mut self,
                    properties: impl IntoIterator<Item = P>,
                ) -> Self {
                    self.item_shape.base_shape = super::types::DefaultShapeNamesType::IdOnly;
                    self.item_shape.additional_properties =
                        Some(properties.into_iter().map(Into::into).collect());
                    self
                }

                /// The items `restriction` matches only:
                /// `.filter(IsEqualToType::constant(UnindexedFieldUriType::MessageIsRead, "false"))`.
                pub fn filter(mut self, restriction: impl Into<super::types::SearchExpression>) -> Self {
                    self.restriction = Some(super::types::RestrictionType::new(restriction.into()));
                    self
                }
            "#
            .into(),
        },
        Preset {
            owner: "GetItemType",
            namespace: MESSAGES,
            new_params: &["item_shape", "item_ids"],
            fields: &[],
            types: (&[], &[]),
            code: r#"
                /// The items of these ids with the `Default` shape:
                /// `GetItemType::for_ids(["AAMkAGQ1...=", "AAMkAGQ2...="])`.
                pub fn for_ids<I: Into<super::types::ItemIdType>>(
                    ids: impl IntoIterator<Item = I>,
                ) -> Self {
                    Self::new(
                        super::types::ItemResponseShapeType::new(
                            super::types::DefaultShapeNamesType::Default,
                        ),
                        ids.into_iter().map(|id| id.into().into()).collect(),
                    )
                }
            "#
            .into(),
        },
        Preset {
            owner: "DeleteItemType",
            namespace: MESSAGES,
            new_params: &["delete_type", "item_ids"],
            fields: &[],
            types: (&[], &[]),
            code: r#"
                /// The items of these ids, disposed of as `delete_type` says:
                /// `DeleteItemType::for_ids(DisposalType::MoveToDeletedItems, ["AAMkAGQ1...="])`.
                pub fn for_ids<I: Into<super::types::ItemIdType>>(
                    delete_type: super::types::DisposalType,
                    ids: impl IntoIterator<Item = I>,
                ) -> Self {
                    Self::new(delete_type, ids.into_iter().map(|id| id.into().into()).collect())
                }
            "#
            .into(),
        },
        Preset {
            owner: "FindFolderType",
            namespace: MESSAGES,
            new_params: &["traversal", "folder_shape", "parent_folder_ids"],
            fields: &[],
            types: (&[], &[]),
            code: r#"
                /// The folders right under `folder` (`Shallow`), with the `Default` shape:
                /// `FindFolderType::children_of(DistinguishedFolderIdNameType::Inbox)`.
                pub fn children_of(folder: impl Into<super::types::BaseFolderId>) -> Self {
                    Self::new(
                        super::types::FolderQueryTraversalType::Shallow,
                        super::types::FolderResponseShapeType::new(
                            super::types::DefaultShapeNamesType::Default,
                        ),
                        vec![folder.into()],
                    )
                }

                /// Every folder under `folder`, at any depth (`Deep`), with the `Default`
                /// shape: `FindFolderType::all_under(DistinguishedFolderIdNameType::Msgfolderroot)`.
                pub fn all_under(folder: impl Into<super::types::BaseFolderId>) -> Self {
                    Self::new(
                        super::types::FolderQueryTraversalType::Deep,
                        super::types::FolderResponseShapeType::new(
                            super::types::DefaultShapeNamesType::Default,
                        ),
                        vec![folder.into()],
                    )
                }
            "#
            .into(),
        },
        Preset {
            owner: "GetFolderType",
            namespace: MESSAGES,
            new_params: &["folder_shape", "folder_ids"],
            fields: &[],
            types: (&[], &[]),
            code: r#"
                /// `folder` with all its properties (`AllProperties`: names, counts, class):
                /// `GetFolderType::of(DistinguishedFolderIdNameType::Inbox)`.
                pub fn of(folder: impl Into<super::types::BaseFolderId>) -> Self {
                    Self::new(
                        super::types::FolderResponseShapeType::new(
                            super::types::DefaultShapeNamesType::AllProperties,
                        ),
                        vec![folder.into()],
                    )
                }
            "#
            .into(),
        },
        Preset {
            owner: "SyncFolderItemsType",
            namespace: MESSAGES,
            new_params: &["item_shape", "sync_folder_id", "max_changes_returned"],
            fields: &["sync_state"],
            types: (&["TargetFolderIdId"], &[]),
            code: sync_folder_items("super::types::TargetFolderIdId"),
        },
        Preset {
            owner: "SyncFolderItemsType",
            namespace: MESSAGES,
            new_params: &["item_shape", "sync_folder_id", "max_changes_returned"],
            fields: &["sync_state"],
            types: (&[], &["TargetFolderIdId"]),
            code: sync_folder_items("super::types::BaseFolderId"),
        },
    ];
    let mut methods = String::new();
    for (owner, what) in COMPARISONS {
        let method = owner.trim_end_matches("Type").chars().enumerate().fold(
            String::new(),
            |mut m, (i, c)| {
                if c.is_ascii_uppercase() && i > 0 {
                    m.push('_');
                }
                m.push(c.to_ascii_lowercase());
                m
            },
        );
        methods.push_str(&format!(
            r#"
            /// A restriction: this field {what} the constant `value` (as the wire has it:
            /// `"false"`, `"2024-05-01T00:00:00Z"`), as in
            /// `FindItemType::in_folder(Inbox).filter(MessageIsRead.is_equal_to("false"))`.
            pub fn {method}(self, value: impl Into<String>) -> {owner} {{
                {owner}::constant(self, value)
            }}
            "#
        ));
    }
    out.push(Preset {
        owner: "UnindexedFieldUriType",
        namespace: TYPES,
        new_params: &[],
        fields: &[],
        types: (
            &[
                "ConstantValueType",
                "FieldUriOrConstantType",
                "Path",
                "IsEqualToType",
                "IsNotEqualToType",
                "IsGreaterThanType",
                "IsGreaterThanOrEqualToType",
                "IsLessThanType",
                "IsLessThanOrEqualToType",
            ],
            &[],
        ),
        code: methods,
    });
    for (owner, what) in COMPARISONS {
        out.push(Preset {
            owner,
            namespace: TYPES,
            new_params: &["path", "field_uri_or_constant"],
            fields: &[],
            types: (
                &["ConstantValueType", "FieldUriOrConstantType", "Path"],
                &[],
            ),
            code: format!(
                r#"
                /// The items whose `field` is {what} the constant `value` (written as the
                /// wire has it: `"false"`, `"2024-05-01T00:00:00Z"`), for a restriction.
                pub fn constant(field: impl Into<Path>, value: impl Into<String>) -> Self {{
                    Self::new(
                        field.into(),
                        FieldUriOrConstantType::new(ConstantValueType::new(value.into()).into()),
                    )
                }}
            "#
            ),
        });
    }
    out
}

/// `SyncFolderItemsType::of` and `from_state`, `folder` converting into `target` (the
/// choice `TargetFolderId` holds).
fn sync_folder_items(target: &str) -> String {
    format!(
        r#"
        /// The changes of `folder`'s items from the start (no `SyncState`), as ids, 512 at
        /// a time (the most a response holds); [`SyncFolderItemsType::from_state`] goes on
        /// from a saved state, and `client.sync(request, headers)` until the last change:
        /// `SyncFolderItemsType::of(DistinguishedFolderIdNameType::Inbox)`.
        pub fn of(folder: impl Into<{target}>) -> Self {{
            Self::new(
                super::types::ItemResponseShapeType::new(
                    super::types::DefaultShapeNamesType::IdOnly,
                ),
                super::types::TargetFolderIdType::new(folder.into()),
                512,
            )
        }}

        /// The changes after the `SyncState` a previous response gave.
        pub fn from_state(mut self, sync_state: impl Into<String>) -> Self {{
            self.sync_state = Some(sync_state.into());
            self
        }}
    "#
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_preset_parses_as_the_items_of_an_impl() {
        for p in super::presets() {
            let code = format!("impl {} {{ {} }}", p.owner, p.code);
            if let Err(e) = syn::parse_str::<syn::File>(&code) {
                panic!("the preset of {} does not parse: {e}", p.owner);
            }
        }
    }
}
