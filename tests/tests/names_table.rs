//! The names users read: the fields of the requests of FindItem, FindFolder, GetItem,
//! SyncFolderItems and CreateItem (office365), and the types of their choices, as a table.
//! Anonymous choices are named after what their alternatives share.

#[cfg(ews_shared)]
mod run {
    use ews_codegen::model::{FieldKind, KeyKind, TyRef, TypeKey, TypeKind};
    use ews_codegen::Builder;

    pub(super) fn request_fields_and_choices_have_readable_names() {
        let dir = ews_tests::shared_dir().join("ews-schemas/office365");
        let g = Builder::new()
            .schema_dir(dir)
            .operations([
                "FindItem",
                "FindFolder",
                "GetItem",
                "SyncFolderItems",
                "CreateItem",
            ])
            .generate()
            .expect("generate");
        let (m, n) = (&g.model, &g.names);
        // `Type.field: FieldType` for the own fields of a struct (its base named `base`).
        let describe = |name: &str| -> Vec<String> {
            let (k, t) = m
                .types
                .iter()
                .find(|(k, _)| k.kind == KeyKind::Named && k.name == name)
                .unwrap_or_else(|| panic!("{name}"));
            let mut out = Vec::new();
            if let Some(s) = m.struct_of(k) {
                if let Some(b) = &s.base {
                    out.push(format!("{}: {}", n.base_fields[k], n.ty(b)));
                }
                for (a, aname) in s.attrs.iter().zip(&n.attrs[k]) {
                    let ty = match &a.ty {
                        TyRef::Named(k) => n.ty(k).to_string(),
                        TyRef::Builtin(b) => format!("{b:?}"),
                    };
                    out.push(format!("@{aname}: {ty}"));
                }
            }
            // A wrapper's values are `Vec`s of its items.
            let named = |k: &TypeKey| match &m.types[k].kind {
                TypeKind::Wrapper { item } => match &item.kind {
                    FieldKind::Element {
                        ty: TyRef::Named(i),
                        ..
                    }
                    | FieldKind::Group(i) => format!("Vec<{}>", n.ty(i)),
                    FieldKind::Element {
                        ty: TyRef::Builtin(b),
                        ..
                    } => format!("Vec<{b:?}>"),
                    FieldKind::Any(..) => "Vec<RawElement>".into(),
                },
                _ => n.ty(k).to_string(),
            };
            for (f, fname) in t.kind.children().iter().zip(&n.fields[k]) {
                let ty = match &f.kind {
                    FieldKind::Element {
                        ty: TyRef::Named(k),
                        ..
                    }
                    | FieldKind::Group(k) => named(k),
                    FieldKind::Element {
                        ty: TyRef::Builtin(b),
                        ..
                    } => format!("{b:?}"),
                    FieldKind::Any(..) => "RawElement".into(),
                };
                out.push(format!("{fname}: {ty}"));
            }
            out
        };
        let variants = |ty: &str| -> Vec<String> {
            let k: &TypeKey = n
                .types
                .iter()
                .find(|(_, v)| v.as_str() == ty)
                .map(|(k, _)| k)
                .unwrap_or_else(|| panic!("no type {ty}"));
            n.fields[k].clone()
        };
        let table: &[(&str, &[&str])] = &[
            (
                "FindItemType",
                &[
                    "base: BaseRequestType",
                    "@traversal: ItemQueryTraversalType",
                    "item_shape: ItemResponseShapeType",
                    "view: FindItemView",
                    "group_by: FindItemGroupBy",
                    "restriction: RestrictionType",
                    "sort_order: Vec<FieldOrderType>",
                    "parent_folder_ids: Vec<BaseFolderId>",
                    "query_string: QueryStringType",
                ],
            ),
            (
                "FindFolderType",
                &[
                    "base: BaseRequestType",
                    "@traversal: FolderQueryTraversalType",
                    "folder_shape: FolderResponseShapeType",
                    "page_folder_view: FindFolderPageFolderView",
                    "restriction: RestrictionType",
                    "parent_folder_ids: Vec<BaseFolderId>",
                ],
            ),
            (
                "GetItemType",
                &[
                    "base: BaseRequestType",
                    "item_shape: ItemResponseShapeType",
                    "item_ids: Vec<BaseItemId>",
                ],
            ),
            (
                "SyncFolderItemsType",
                &[
                    "base: BaseRequestType",
                    "item_shape: ItemResponseShapeType",
                    "sync_folder_id: TargetFolderIdType",
                    "sync_state: String",
                    "ignore: Vec<ItemIdType>",
                    "max_changes_returned: MaxSyncChangesReturnedType",
                    "sync_scope: SyncFolderItemsScopeType",
                ],
            ),
            (
                "CreateItemType",
                &[
                    "base: BaseRequestType",
                    "@message_disposition: MessageDispositionType",
                    "@send_meeting_invitations: CalendarItemCreateOrDeleteOperationType",
                    "saved_item_folder_id: TargetFolderIdType",
                    "items: Vec<AllItem>",
                ],
            ),
        ];
        for (ty, fields) in table {
            assert_eq!(describe(ty), *fields, "{ty}");
        }
        // Wrappers are no types of the API: the fields holding them are `Vec`s of what
        // they list, named after what the alternatives are.
        for (ty, items) in [
            ("NonEmptyArrayOfBaseItemIdsType", "BaseItemId"),
            ("NonEmptyArrayOfBaseFolderIdsType", "BaseFolderId"),
            ("NonEmptyArrayOfAllItemsType", "AllItem"),
            ("SyncFolderItemsChangesType", "SyncFolderItemsChange"),
            ("ArrayOfRealItemsType", "Item"),
            ("NonEmptyArrayOfPathsToElementType", "Path"),
        ] {
            let (_, t) = m
                .types
                .iter()
                .find(|(k, _)| k.kind == KeyKind::Named && k.name == ty)
                .unwrap_or_else(|| panic!("{ty}"));
            let TypeKind::Wrapper { item } = &t.kind else {
                panic!("{ty} is not a wrapper");
            };
            let (FieldKind::Group(i)
            | FieldKind::Element {
                ty: TyRef::Named(i),
                ..
            }) = &item.kind
            else {
                panic!("{ty}: {item:?}");
            };
            assert_eq!(n.ty(i), items, "{ty}");
        }
        let choices: &[(&str, &[&str])] = &[
            (
                "FindItemView",
                &[
                    "IndexedPageItemView",
                    "FractionalPageItemView",
                    "SeekToConditionPageItemView",
                    "CalendarView",
                    "ContactsView",
                ],
            ),
            ("FindItemGroupBy", &["GroupBy", "DistinguishedGroupBy"]),
            (
                "FindFolderPageFolderView",
                &["IndexedPageFolderView", "FractionalPageFolderView"],
            ),
            (
                "SyncFolderItemsChange",
                &["Create", "Update", "Delete", "ReadFlagChange"],
            ),
            (
                "BaseItemId",
                &[
                    "ItemId",
                    "OccurrenceItemId",
                    "RecurringMasterItemId",
                    "RecurringMasterItemIdRanges",
                ],
            ),
        ];
        for (ty, expected) in choices {
            assert_eq!(variants(ty), *expected, "{ty}");
        }
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn request_fields_and_choices_have_readable_names() {
    #[cfg(ews_shared)]
    run::request_fields_and_choices_have_readable_names();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
