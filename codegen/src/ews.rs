//! The conventions of Exchange Web Services that the schemas do not state: which elements
//! are SOAP headers, how operations pair requests with responses when no WSDL says, the
//! SOAPAction of an operation, and the shape of a response message. Every EWS-specific
//! rule of the generator lives here.

use std::collections::BTreeSet;

use crate::model::{
    Builtin, FieldKind, Model, Occurs, Operation, QName, TyRef, TypeDef, TypeKey, TypeKind,
};

mod presets;
pub use presets::{presets, Preset};

/// The operations that have a reference page on Microsoft Learn (sorted), at
/// [`reference_page`]'s address.
pub const REFERENCE_PAGES: &[&str] = &[
    "AddDelegate",
    "AddDistributionGroupToImList",
    "AddImContactToGroup",
    "AddImGroup",
    "AddNewImContactToGroup",
    "AddNewTelUriContactToGroup",
    "ApplyConversationAction",
    "ArchiveItem",
    "ConvertId",
    "CopyFolder",
    "CopyItem",
    "CreateAttachment",
    "CreateFolder",
    "CreateFolderPath",
    "CreateItem",
    "CreateManagedFolder",
    "CreateUserConfiguration",
    "DeleteAttachment",
    "DeleteFolder",
    "DeleteItem",
    "DeleteUserConfiguration",
    "DisableApp",
    "DisconnectPhoneCall",
    "EmptyFolder",
    "ExpandDL",
    "ExportItems",
    "FindConversation",
    "FindFolder",
    "FindItem",
    "FindMessageTrackingReport",
    "FindPeople",
    "GetAppManifests",
    "GetAppMarketplaceUrl",
    "GetAttachment",
    "GetClientAccessToken",
    "GetConversationItems",
    "GetDelegate",
    "GetDiscoverySearchConfiguration",
    "GetEvents",
    "GetFolder",
    "GetHoldOnMailboxes",
    "GetImItemList",
    "GetImItems",
    "GetInboxRules",
    "GetItem",
    "GetMailTips",
    "GetMessageTrackingReport",
    "GetNonIndexableItemDetails",
    "GetNonIndexableItemStatistics",
    "GetPasswordExpirationDate",
    "GetPersona",
    "GetPhoneCallInformation",
    "GetReminders",
    "GetRoomLists",
    "GetRooms",
    "GetSearchableMailboxes",
    "GetServerTimeZones",
    "GetServiceConfiguration",
    "GetSharingFolder",
    "GetSharingMetadata",
    "GetStreamingEvents",
    "GetUserAvailability",
    "GetUserConfiguration",
    "GetUserOofSettings",
    "GetUserPhoto",
    "GetUserRetentionPolicyTags",
    "InstallApp",
    "MarkAllItemsAsRead",
    "MarkAsJunk",
    "MoveFolder",
    "MoveItem",
    "PerformReminderAction",
    "RefreshSharingFolder",
    "RemoveContactFromImList",
    "RemoveDelegate",
    "RemoveDistributionGroupFromImList",
    "RemoveImContactFromGroup",
    "RemoveImGroup",
    "ResolveNames",
    "SearchMailboxes",
    "SendItem",
    "SetHoldOnMailboxes",
    "SetImGroup",
    "SetImListMigrationCompleted",
    "SetUserOofSettings",
    "Subscribe",
    "SyncFolderHierarchy",
    "SyncFolderItems",
    "UninstallApp",
    "Unsubscribe",
    "UpdateDelegate",
    "UpdateFolder",
    "UpdateInboxRules",
    "UpdateItem",
    "UpdateUserConfiguration",
    "UploadItems",
];

/// The address of an operation's reference page on Microsoft Learn, if it has one.
pub fn reference_page(operation: &str) -> Option<String> {
    REFERENCE_PAGES.binary_search(&operation).ok().map(|_| {
        format!(
            "https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/{}-operation",
            operation.to_lowercase()
        )
    })
}

/// The operations with an example in the runtime crate's guide (`guide` module, one
/// section per operation, anchored by the operation's name in lower case).
pub const GUIDE_EXAMPLES: &[&str] = &[
    "CreateItem",
    "DeleteItem",
    "FindFolder",
    "FindItem",
    "GetAttachment",
    "GetFolder",
    "GetItem",
    "ResolveNames",
    "SyncFolderItems",
    "UpdateItem",
];

/// Types made from a string where EWS has one obvious meaning for it: the type's name and
/// the optional string element the string goes to (`"bob@contoso.com".into()` is an
/// `EmailAddressType` with that `EmailAddress`).
pub const FROM_STRING: &[(&str, &str)] = &[("EmailAddressType", "EmailAddress")];

/// The element a string converts to for type `k` (see [`FROM_STRING`]): its index among
/// the struct's own fields.
pub fn from_string_field(m: &Model, k: &TypeKey) -> Option<usize> {
    let name = &m.types.get(k)?.xml_name.as_ref()?.name;
    let (_, element) = FROM_STRING.iter().find(|(t, _)| t == name)?;
    m.struct_of(k)?.fields.iter().position(|f| {
        matches!(&f.kind, FieldKind::Element { qname, ty, nillable: false }
            if qname.name == *element && is_builtin(m, ty, Builtin::String))
            && f.occurs == Occurs::Optional
    })
}

/// Every SOAP header element of EWS (kept by the operation filter).
pub const HEADERS: &[&str] = &[
    "RequestServerVersion",
    "ServerVersionInfo",
    "MailboxCulture",
    "ExchangeImpersonation",
    "TimeZoneContext",
    "ManagementRole",
    "DateTimePrecision",
    "SerializedSecurityContext",
];

/// The headers a request accepts when no WSDL lists them.
pub const DEFAULT_REQUEST_HEADERS: &[&str] = &[
    "RequestServerVersion",
    "MailboxCulture",
    "ExchangeImpersonation",
    "TimeZoneContext",
    "ManagementRole",
    "DateTimePrecision",
];

/// The headers a response carries when no WSDL lists them.
pub const DEFAULT_RESPONSE_HEADERS: &[&str] = &["ServerVersionInfo"];

/// The `SOAPAction` header of an operation.
pub fn soap_action(operation: &str) -> String {
    format!("http://schemas.microsoft.com/exchange/services/2006/messages/{operation}")
}

/// Whether a global element is an EWS SOAP header.
pub fn is_header(q: &QName) -> bool {
    HEADERS.contains(&q.name.as_str())
}

/// Operations from request/response element pairs: `X` with `XResponse`, or `XRequest`
/// with `XResponse` (or `...ResponseMessage`), in every namespace.
fn paired_operations(model: &Model) -> Vec<Operation> {
    let mut ops = Vec::new();
    for ((ns, name), e) in &model.elements {
        if name.ends_with("Response") || name.ends_with("ResponseMessage") || e.is_abstract {
            continue;
        }
        let base = name.strip_suffix("Request").unwrap_or(name);
        let found = [format!("{base}Response"), format!("{base}ResponseMessage")]
            .into_iter()
            .find_map(|resp| model.elements.get(&(*ns, resp)));
        if let Some(r) = found {
            ops.push(Operation {
                name: base.to_string(),
                request: e.qname.clone(),
                response: r.qname.clone(),
                input_headers: Vec::new(),
                output_headers: Vec::new(),
            });
        }
    }
    ops.sort_by(|a, b| a.name.cmp(&b.name));
    ops
}

/// The operations of a schema set: those its WSDL names, then the request/response pairs it
/// does not (every later operation of EWS, for schema sets published without a WSDL), which
/// accept the default request headers and carry the default response headers.
pub fn operations(model: &Model, wsdl: Option<Vec<Operation>>) -> Vec<Operation> {
    let mut ops: Vec<Operation> = wsdl.unwrap_or_default();
    let requests: BTreeSet<_> = ops.iter().map(|o| o.request.clone()).collect();
    let mut names: BTreeSet<String> = ops.iter().map(|o| o.name.clone()).collect();
    let declared = |names: &[&str]| -> Vec<QName> {
        model
            .elements
            .values()
            .filter(|g| names.contains(&g.qname.name.as_str()))
            .map(|g| g.qname.clone())
            .collect()
    };
    let default_in = declared(DEFAULT_REQUEST_HEADERS);
    let default_out = declared(DEFAULT_RESPONSE_HEADERS);
    for mut p in paired_operations(model) {
        if !requests.contains(&p.request) && names.insert(p.name.clone()) {
            p.input_headers = default_in.clone();
            p.output_headers = default_out.clone();
            ops.push(p);
        }
    }
    ops
}

/// How a response message type (`m:ResponseMessageType`) holds its parts: a
/// `ResponseClass` attribute of an enumeration, and `MessageText` (string), `ResponseCode`
/// (enumeration), `DescriptiveLinkKey` (int) and `MessageXml` (a struct holding a repeated
/// wildcard) elements, each at most once. Only the type declaring them has this shape;
/// types derived from it are response messages through their base.
#[derive(Debug, Clone)]
pub struct MessageShape {
    /// Index of the `ResponseClass` attribute.
    pub class: usize,
    /// Index of the `ResponseCode` field.
    pub code: usize,
    /// Index of the `MessageText` field.
    pub text: usize,
    /// Index of the `DescriptiveLinkKey` field.
    pub link: usize,
    /// Index of the `MessageXml` field.
    pub xml: usize,
    /// Index of the wildcard field inside `MessageXml`'s type (0 when that type is a
    /// wrapper of any elements, whose values are the list itself).
    pub xml_any: usize,
    /// The `ResponseCode` enumeration.
    pub code_ty: TypeKey,
}

/// The response message shape of a type, if it has it.
pub fn message_shape(m: &Model, k: &TypeKey) -> Option<MessageShape> {
    let s = m.struct_of(k)?;
    let is_enum = |t: &TyRef| matches!(t, TyRef::Named(k) if matches!(m.types[k].kind, TypeKind::Enum { .. }));
    let class = s
        .attrs
        .iter()
        .position(|a| a.qname.name == "ResponseClass" && is_enum(&a.ty))?;
    let field = |local: &str| -> Option<(usize, TyRef)> {
        s.fields
            .iter()
            .enumerate()
            .find_map(|(i, f)| match &f.kind {
                FieldKind::Element {
                    qname,
                    ty,
                    nillable: false,
                } if qname.name == local && !f.occurs.is_many() => Some((i, ty.clone())),
                _ => None,
            })
    };
    let (code, code_ty) = field("ResponseCode")?;
    let TyRef::Named(code_ty) = code_ty else {
        return None;
    };
    if !matches!(m.types[&code_ty].kind, TypeKind::Enum { .. }) {
        return None;
    }
    let (text, text_ty) = field("MessageText")?;
    let (link, link_ty) = field("DescriptiveLinkKey")?;
    let (xml, xml_ty) = field("MessageXml")?;
    if text_ty != TyRef::Builtin(Builtin::String) || link_ty != TyRef::Builtin(Builtin::I32) {
        return None;
    }
    let TyRef::Named(xk) = &xml_ty else {
        return None;
    };
    // A struct holding a list of any elements, or a wrapper of them (a list itself).
    let xml_any = match &m.types.get(xk)?.kind {
        TypeKind::Wrapper { item } => matches!(item.kind, FieldKind::Any(..)).then_some(0)?,
        _ => m.struct_of(xk)?.fields.iter().position(|f| {
            matches!(f.kind, FieldKind::Any(..)) && matches!(f.occurs, Occurs::Many { .. })
        })?,
    };
    Some(MessageShape {
        class,
        code,
        text,
        link,
        xml,
        xml_any,
        code_ty,
    })
}

// ---------------------------------------------------------------------------------------
// Operations at mailbox scale: which operations page, sync, take batches of ids or stream
// notifications, found from the shapes of their requests and responses (never from a list
// of operation names), and the SOAP headers of version negotiation.
// ---------------------------------------------------------------------------------------

/// A step from a value of a model type to a part of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The base of struct `k`, derived by extension (its base field).
    Base(TypeKey),
    /// Own field `i` of struct or group `k`.
    Field(TypeKey, usize),
    /// Alternative `i` of choice (or derived-type set) `k`.
    Variant(TypeKey, usize),
}

/// Steps from a value to the parts it reaches (each step may reach none, one or many).
pub type Path = Vec<Step>;

/// How an operation's response holds its own response messages.
#[derive(Debug, Clone)]
pub struct MessagesShape {
    /// The response element's type.
    pub response: TypeKey,
    /// The type of the operation's response messages (`m:FindItemResponseMessageType`).
    pub message: TypeKey,
    /// Paths from the response to each message; a single empty path when the response is
    /// itself the message.
    pub paths: Vec<Path>,
}

/// An operation whose request takes an indexed page view (`Offset`, `BasePoint`,
/// `MaxEntriesReturned`) and whose response messages report `IndexedPagingOffset` and
/// `IncludesLastItemInRange`.
#[derive(Debug, Clone)]
pub struct PagingShape {
    /// Where the request holds the view: `[Base..., Field]` or `[Base..., Field, Variant]`.
    pub view: Path,
    /// The view's type (`t:IndexedPageViewType`).
    pub view_ty: TypeKey,
    /// The view's `Offset` attribute.
    pub offset: AttrRef,
    /// The view's `MaxEntriesReturned` attribute.
    pub max_entries: AttrRef,
    /// The view's `BasePoint` attribute.
    pub base_point: AttrRef,
    /// `BasePoint`'s enumeration and the index of its value `Beginning`.
    pub beginning: (TypeKey, usize),
    /// From the message to the paging parent (`m:RootFolder`): `[Base..., Field]`.
    pub parent: Path,
    /// The parent's type (`t:FindItemParentType`).
    pub parent_ty: TypeKey,
    /// The parent's `IndexedPagingOffset` attribute.
    pub paging_offset: AttrRef,
    /// The parent's `IncludesLastItemInRange` attribute.
    pub last: AttrRef,
    /// The parent's `TotalItemsInView` attribute, when it has one.
    pub total: Option<AttrRef>,
    /// From the parent to every list of items.
    pub items: Vec<Path>,
    /// The item type: a choice whose alternatives share a base (`ItemType`, `BaseFolderType`).
    pub item: TypeKey,
}

/// An operation that synchronizes with a `SyncState`: the request sends it, the response
/// message returns the next one with `IncludesLast...InRange` and a list of changes.
#[derive(Debug, Clone)]
pub struct SyncShape {
    /// The request's `SyncState` element: `[Base..., Field]`.
    pub request_state: Path,
    /// The message's `SyncState` element.
    pub state: Path,
    /// The message's `IncludesLastItemInRange` (or `IncludesLastFolderInRange`) element.
    pub last: Path,
    /// From the message to every list of changes.
    pub changes: Vec<Path>,
    /// The change type (a choice: create, update, delete...).
    pub change: TypeKey,
}

/// An operation taking a list of ids (`ItemIds`, `FolderIds`, ...), one response message
/// per id.
#[derive(Debug, Clone)]
pub struct BatchShape {
    /// The request's list: `[Base..., Field]` to the struct holding it.
    pub ids: Path,
    /// The list field inside that struct: `Step::Field`.
    pub list: Step,
    /// The id type (a choice of id elements, or an id type).
    pub id: TyRef,
}

/// An operation answering with a stream of envelopes, each holding notifications and a
/// `ConnectionStatus` (`OK`, or `Closed` at the end).
#[derive(Debug, Clone)]
pub struct StreamingShape {
    /// The message's `ConnectionStatus` element.
    pub status: Path,
    /// The `ConnectionStatus` enumeration.
    pub status_ty: TypeKey,
    /// The index of its value `Closed`.
    pub closed: usize,
    /// From the message to every list of notifications.
    pub notifications: Vec<Path>,
    /// The notification type.
    pub notification: TypeKey,
    /// From the message to the subscription ids of `ErrorSubscriptionIds`, when present.
    pub error_ids: Vec<Path>,
}

/// What an operation can do at mailbox scale.
#[derive(Debug, Clone)]
pub struct ScaleShapes {
    /// The operation's name.
    pub operation: String,
    /// The request element's type.
    pub request: TypeKey,
    /// Its response messages.
    pub messages: MessagesShape,
    /// Paging.
    pub paging: Option<PagingShape>,
    /// Synchronization.
    pub sync: Option<SyncShape>,
    /// Batches of ids.
    pub batch: Option<BatchShape>,
    /// Streaming notifications.
    pub streaming: Option<StreamingShape>,
}

/// The SOAP headers of version negotiation: `RequestServerVersion` (its `Version`
/// attribute's enumeration, oldest value first) and `ServerVersionInfo`.
#[derive(Debug, Clone)]
pub struct VersionHeaders {
    /// `RequestServerVersion`: the header element, its type, the `Version` attribute's index
    /// and its enumeration.
    pub request: Option<(QName, TypeKey, usize, TypeKey)>,
    /// `ServerVersionInfo`.
    pub info: Option<ServerVersionInfoShape>,
}

/// The `ServerVersionInfo` header: its element, its type and the attributes that say the
/// version (the numbers only when they are `xs:int`).
#[derive(Debug, Clone)]
pub struct ServerVersionInfoShape {
    /// The header element.
    pub element: QName,
    /// Its type.
    pub ty: TypeKey,
    /// `MajorVersion`.
    pub major_version: Option<AttrRef>,
    /// `MinorVersion`.
    pub minor_version: Option<AttrRef>,
    /// `MajorBuildNumber`.
    pub major_build_number: Option<AttrRef>,
    /// `MinorBuildNumber`.
    pub minor_build_number: Option<AttrRef>,
    /// `Version` (such as `V2017_07_11`).
    pub version: Option<AttrRef>,
}

/// An attribute of a struct, its own or a base's: the struct declaring it and its index
/// among that struct's attributes.
pub type AttrRef = (TypeKey, usize);

/// The model type a field's values have (elements of a generated type, groups).
pub fn field_type(f: &crate::model::Field) -> Option<&TypeKey> {
    match &f.kind {
        FieldKind::Element {
            ty: TyRef::Named(k),
            ..
        }
        | FieldKind::Group(k) => Some(k),
        _ => None,
    }
}

/// The field a step reaches (none for a base).
pub fn step_field<'m>(m: &'m Model, step: &Step) -> Option<&'m crate::model::Field> {
    match step {
        Step::Base(_) => None,
        Step::Field(k, i) | Step::Variant(k, i) => m.types.get(k)?.kind.children().get(*i),
    }
}

/// The type a path ends on, starting from `from`.
fn path_end(m: &Model, from: &TypeKey, path: &[Step]) -> Option<TypeKey> {
    let mut cur = from.clone();
    for s in path {
        cur = match s {
            Step::Base(_) => m.struct_of(&cur)?.base.clone()?,
            _ => field_type(step_field(m, s)?)?.clone(),
        };
    }
    Some(cur)
}

/// The element name of a field, if it is an element.
fn element_name(f: &crate::model::Field) -> Option<&str> {
    match &f.kind {
        FieldKind::Element { qname, .. } => Some(&qname.name),
        _ => None,
    }
}

/// Every path from a value of type `from` to the fields (or alternatives) `target` accepts,
/// at most `depth` steps long, not going into types `enter` refuses. A path stops at its
/// target. The search visits at most a fixed number of types, so that no schema makes it
/// long.
fn find_paths(
    m: &Model,
    from: &TypeKey,
    depth: usize,
    target: &dyn Fn(&crate::model::Field) -> bool,
    enter: &dyn Fn(&TypeKey) -> bool,
) -> Vec<Path> {
    struct Search<'a> {
        m: &'a Model,
        target: &'a dyn Fn(&crate::model::Field) -> bool,
        enter: &'a dyn Fn(&TypeKey) -> bool,
        found: Vec<Path>,
        on_path: Vec<TypeKey>,
        budget: usize,
    }
    impl Search<'_> {
        fn visit(&mut self, k: &TypeKey, path: &mut Path, depth: usize) {
            if self.budget == 0 || self.on_path.contains(k) {
                return;
            }
            self.budget -= 1;
            let Some(def) = self.m.types.get(k) else {
                return;
            };
            self.on_path.push(k.clone());
            if let TypeKind::Struct(s) = &def.kind {
                if let Some(b) = &s.base {
                    if depth > 0 {
                        path.push(Step::Base(k.clone()));
                        self.visit(b, path, depth - 1);
                        path.pop();
                    }
                }
            }
            let choice = matches!(def.kind, TypeKind::Choice { .. } | TypeKind::Derived { .. });
            for (i, f) in def.kind.children().iter().enumerate() {
                let step = if choice {
                    Step::Variant(k.clone(), i)
                } else {
                    Step::Field(k.clone(), i)
                };
                if (self.target)(f) {
                    path.push(step);
                    self.found.push(path.clone());
                    path.pop();
                } else if let Some(t) = field_type(f) {
                    if depth > 0 && (self.enter)(t) {
                        path.push(step);
                        self.visit(&t.clone(), path, depth - 1);
                        path.pop();
                    }
                }
            }
            self.on_path.pop();
        }
    }
    let mut s = Search {
        m,
        target,
        enter,
        found: Vec::new(),
        on_path: Vec::new(),
        budget: 20_000,
    };
    s.visit(from, &mut Vec::new(), depth);
    s.found
}

/// Every field of struct `k`, its own first, then its base's (and so on), each with its
/// path from a value of `k` (`[Base..., Field]`).
fn struct_fields<'m>(m: &'m Model, k: &TypeKey) -> Vec<(Path, &'m crate::model::Field)> {
    let mut out = Vec::new();
    let mut prefix = Vec::new();
    let mut cur = k.clone();
    while let Some(s) = m.struct_of(&cur) {
        for (i, f) in s.fields.iter().enumerate() {
            let path = [prefix.clone(), vec![Step::Field(cur.clone(), i)]].concat();
            out.push((path, f));
        }
        let Some(b) = s.base.clone() else { break };
        if prefix.len() > 64 {
            break;
        }
        prefix.push(Step::Base(cur));
        cur = b;
    }
    out
}

/// The first element named `name` among the fields of struct `k` and its bases.
fn own_element<'m>(
    m: &'m Model,
    k: &TypeKey,
    name: &str,
) -> Option<(Path, &'m crate::model::Field)> {
    struct_fields(m, k)
        .into_iter()
        .find(|(_, f)| element_name(f) == Some(name))
}

/// Whether a type is (or aliases) a built-in type.
fn is_builtin(m: &Model, t: &TyRef, b: Builtin) -> bool {
    match t {
        TyRef::Builtin(x) => *x == b,
        TyRef::Named(k) => match m.types.get(k).map(|d| &d.kind) {
            Some(TypeKind::Alias(inner)) => is_builtin(m, inner, b),
            _ => false,
        },
    }
}

/// A single element (not a list, not nillable) of built-in type `b`.
fn is_single_builtin(m: &Model, f: &crate::model::Field, b: Builtin) -> bool {
    match &f.kind {
        FieldKind::Element {
            ty,
            nillable: false,
            ..
        } => !f.occurs.is_many() && is_builtin(m, ty, b),
        _ => false,
    }
}

/// Whether `k` is a response message (derives from the type shaped like
/// `m:ResponseMessageType`).
fn is_message(m: &Model, k: &TypeKey) -> bool {
    std::iter::once(k.clone())
        .chain(m.bases(k))
        .any(|b| message_shape(m, &b).is_some())
}

/// The response messages of an operation: elements named `{Operation}ResponseMessage`
/// whose type is a response message, or the response itself when it is one.
pub fn messages_shape(m: &Model, op: &Operation) -> Option<MessagesShape> {
    let ns = m.ns_index(&op.response.ns)?;
    let TyRef::Named(response) = &m.elements.get(&(ns, op.response.name.clone()))?.ty else {
        return None;
    };
    let wanted = format!("{}ResponseMessage", op.name);
    let paths = find_paths(
        m,
        response,
        4,
        &|f| {
            element_name(f) == Some(wanted.as_str())
                && !f.occurs.is_many()
                && field_type(f).is_some_and(|t| is_message(m, t))
        },
        &|t| !is_message(m, t),
    );
    let message = match paths.first() {
        Some(p) => path_end(m, response, p)?,
        None if is_message(m, response) => {
            return Some(MessagesShape {
                response: response.clone(),
                message: response.clone(),
                paths: vec![Vec::new()],
            })
        }
        None => return None,
    };
    // One message type for the operation.
    if paths
        .iter()
        .any(|p| path_end(m, response, p).as_ref() != Some(&message))
    {
        return None;
    }
    Some(MessagesShape {
        response: response.clone(),
        message,
        paths,
    })
}

/// An attribute of struct `k` (own or of a base) by name: the struct declaring it and its
/// index there.
pub fn attribute(m: &Model, k: &TypeKey, name: &str) -> Option<AttrRef> {
    std::iter::once(k.clone()).chain(m.bases(k)).find_map(|c| {
        let i = m
            .struct_of(&c)?
            .attrs
            .iter()
            .position(|a| a.qname.name == name)?;
        Some((c, i))
    })
}

/// The index of enumeration value `value` of type `k`.
pub fn enum_value(m: &Model, k: &TypeKey, value: &str) -> Option<usize> {
    match &m.types.get(k)?.kind {
        TypeKind::Enum { values, .. } => values.iter().position(|(v, _)| v == value),
        _ => None,
    }
}

/// `t:IndexedPageViewType`'s shape: `MaxEntriesReturned` and `Offset` (int), `BasePoint`
/// (an enumeration with `Beginning`), everything else optional.
fn is_indexed_view(m: &Model, k: &TypeKey) -> bool {
    if m.struct_of(k).is_none() {
        return false;
    }
    let int_attr = |name: &str| {
        attribute(m, k, name).is_some_and(|(c, i)| {
            is_builtin(
                m,
                &m.struct_of(&c).expect("a struct").attrs[i].ty,
                Builtin::I32,
            )
        })
    };
    let base_point = attribute(m, k, "BasePoint").is_some_and(|(c, i)| {
        match &m.struct_of(&c).expect("a struct").attrs[i].ty {
            TyRef::Named(e) => enum_value(m, e, "Beginning").is_some(),
            TyRef::Builtin(_) => false,
        }
    });
    let rest_optional = m
        .all_attrs(k)
        .iter()
        .all(|a| !a.required || matches!(a.qname.name.as_str(), "Offset" | "BasePoint"))
        && m.all_fields(k)
            .iter()
            .all(|f| !matches!(f.occurs, Occurs::Required));
    int_attr("MaxEntriesReturned") && int_attr("Offset") && base_point && rest_optional
}

/// Where a request holds a single value of a type `accept` takes: an element of the
/// request (or of a base), or an alternative of a choice the request holds once.
fn request_slot(m: &Model, request: &TypeKey, accept: &dyn Fn(&TypeKey) -> bool) -> Option<Path> {
    let mut found = Vec::new();
    for (path, f) in struct_fields(m, request) {
        if f.occurs.is_many() {
            continue;
        }
        let Some(t) = field_type(f) else { continue };
        if matches!(
            f.kind,
            FieldKind::Element {
                nillable: false,
                ..
            }
        ) && accept(t)
        {
            found.push(path.clone());
        }
        if let (FieldKind::Group(g), Some(TypeKind::Choice { variants })) =
            (&f.kind, m.types.get(t).map(|d| &d.kind))
        {
            for (j, v) in variants.iter().enumerate() {
                if matches!(v.occurs, Occurs::Required)
                    && matches!(
                        v.kind,
                        FieldKind::Element {
                            nillable: false,
                            ..
                        }
                    )
                    && field_type(v).is_some_and(accept)
                {
                    found.push([path.clone(), vec![Step::Variant(g.clone(), j)]].concat());
                }
            }
        }
    }
    // One slot, or the request is ambiguous.
    (found.len() == 1).then(|| found.remove(0))
}

/// Paging: see [`PagingShape`].
fn paging_shape(m: &Model, request: &TypeKey, msgs: &MessagesShape) -> Option<PagingShape> {
    let view = request_slot(m, request, &|t| is_indexed_view(m, t))?;
    let view_ty = path_end(m, request, &view)?;
    // The message's paging parent: a single element whose type reports the offset.
    let (parent, parent_ty) =
        struct_fields(m, &msgs.message)
            .into_iter()
            .find_map(|(path, f)| {
                let t = field_type(f)?;
                let reports = attribute_is(m, t, "IndexedPagingOffset", Builtin::I32)
                    && attribute_is(m, t, "IncludesLastItemInRange", Builtin::Bool);
                (reports && !f.occurs.is_many()).then(|| (path, t.clone()))
            })?;
    let lists = find_paths(
        m,
        &parent_ty,
        6,
        &|f| {
            f.occurs.is_many()
                && field_type(f)
                    .and_then(|t| m.types.get(t))
                    .is_some_and(|d| crate::names::common_base(m, d).is_some())
        },
        &|_| true,
    );
    let (items, item) = same_target(m, lists)?;
    let base_point = attribute(m, &view_ty, "BasePoint")?;
    let TyRef::Named(base_point_ty) = &m.struct_of(&base_point.0)?.attrs[base_point.1].ty else {
        return None;
    };
    let beginning = (
        base_point_ty.clone(),
        enum_value(m, base_point_ty, "Beginning")?,
    );
    Some(PagingShape {
        offset: attribute(m, &view_ty, "Offset")?,
        max_entries: attribute(m, &view_ty, "MaxEntriesReturned")?,
        base_point,
        beginning,
        view,
        view_ty,
        paging_offset: attribute(m, &parent_ty, "IndexedPagingOffset")?,
        last: attribute(m, &parent_ty, "IncludesLastItemInRange")?,
        total: attribute(m, &parent_ty, "TotalItemsInView"),
        parent,
        parent_ty,
        items,
        item,
    })
}

/// Whether struct `k` (or a base) has an attribute `name` of built-in type `b`.
fn attribute_is(m: &Model, k: &TypeKey, name: &str, b: Builtin) -> bool {
    attribute(m, k, name)
        .and_then(|(c, i)| m.struct_of(&c).map(|s| is_builtin(m, &s.attrs[i].ty, b)))
        .unwrap_or(false)
}

/// The paths whose target has the type of the shortest one's, and that type.
fn same_target(m: &Model, paths: Vec<Path>) -> Option<(Vec<Path>, TypeKey)> {
    let shortest = paths.iter().min_by_key(|p| p.len())?;
    let ty = field_type(step_field(m, shortest.last()?)?)?.clone();
    let keep: Vec<Path> = paths
        .into_iter()
        .filter(|p| p.last().and_then(|s| step_field(m, s)).and_then(field_type) == Some(&ty))
        .collect();
    Some((keep, ty))
}

/// Synchronization: see [`SyncShape`].
fn sync_shape(m: &Model, request: &TypeKey, msgs: &MessagesShape) -> Option<SyncShape> {
    let (request_state, f) = own_element(m, request, "SyncState")?;
    if !is_single_builtin(m, f, Builtin::String) {
        return None;
    }
    let (state, f) = own_element(m, &msgs.message, "SyncState")?;
    if !is_single_builtin(m, f, Builtin::String) {
        return None;
    }
    // `IncludesLastItemInRange`, `IncludesLastFolderInRange`.
    let (last, _) = struct_fields(m, &msgs.message).into_iter().find(|(_, f)| {
        element_name(f).is_some_and(|n| n.starts_with("IncludesLast") && n.ends_with("InRange"))
            && is_single_builtin(m, f, Builtin::Bool)
    })?;
    let (changes_at, f) = own_element(m, &msgs.message, "Changes")?;
    if f.occurs.is_many() {
        return None;
    }
    let changes_ty = field_type(f)?.clone();
    let lists = find_paths(
        m,
        &changes_ty,
        2,
        &|f| {
            f.occurs.is_many()
                && field_type(f)
                    .and_then(|t| m.types.get(t))
                    .is_some_and(|d| matches!(d.kind, TypeKind::Choice { .. }))
        },
        &|_| true,
    );
    let (lists, change) = same_target(m, lists)?;
    let changes = lists
        .into_iter()
        .map(|p| [changes_at.clone(), p].concat())
        .collect();
    Some(SyncShape {
        request_state,
        state,
        last,
        changes,
        change,
    })
}

/// Whether a type is an id: its name ends with `IdType` (`t:ItemIdType`,
/// `t:BaseFolderIdType`), or it is a choice of alternatives sharing such a base, or each
/// such a type (`t:RequestAttachmentIdType`, alone in its choice).
fn is_id_type(m: &Model, k: &TypeKey) -> bool {
    let named_id = |k: &TypeKey| {
        m.types
            .get(k)
            .and_then(|d| d.xml_name.as_ref())
            .is_some_and(|q| q.name.ends_with("IdType"))
    };
    match m.types.get(k) {
        Some(
            d @ TypeDef {
                kind: TypeKind::Choice { variants },
                ..
            },
        ) => {
            crate::names::common_base(m, d).is_some_and(|b| named_id(&b))
                || variants.iter().all(|v| {
                    matches!(v.kind, FieldKind::Element { .. })
                        && field_type(v).is_some_and(&named_id)
                })
        }
        Some(d) if matches!(d.kind, TypeKind::Struct(_)) => named_id(k),
        _ => false,
    }
}

/// Batches: see [`BatchShape`]. The request holds one required element named `...Ids` (an
/// EWS convention), a struct holding nothing but a list of ids, and the response a list of
/// messages (one per id).
fn batch_shape(m: &Model, request: &TypeKey, msgs: &MessagesShape) -> Option<BatchShape> {
    let listed = msgs.paths.iter().all(|p| {
        p.iter()
            .any(|s| step_field(m, s).is_some_and(|f| f.occurs.is_many()))
    });
    if !listed {
        return None;
    }
    let mut found = Vec::new();
    for (path, f) in struct_fields(m, request) {
        let Some(name) = element_name(f) else {
            continue;
        };
        if !name.ends_with("Ids") || !matches!(f.occurs, Occurs::Required) {
            continue;
        }
        let Some(holder) = field_type(f) else {
            continue;
        };
        // A wrapper of ids (its values are the list), or a struct holding only the list.
        let list = match m.types.get(holder).map(|t| &t.kind) {
            Some(TypeKind::Wrapper { item }) => item,
            _ => {
                let Some(hs) = m.struct_of(holder) else {
                    continue;
                };
                if hs.base.is_some() || !hs.attrs.is_empty() || hs.fields.len() != 1 {
                    continue;
                }
                &hs.fields[0]
            }
        };
        if !list.occurs.is_many() {
            continue;
        }
        let id = match &list.kind {
            FieldKind::Element {
                ty,
                nillable: false,
                ..
            } => ty.clone(),
            FieldKind::Group(g) => TyRef::Named(g.clone()),
            _ => continue,
        };
        if matches!(&id, TyRef::Named(idk) if is_id_type(m, idk)) {
            found.push(BatchShape {
                ids: path,
                list: Step::Field(holder.clone(), 0),
                id,
            });
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// Streaming notifications: see [`StreamingShape`].
fn streaming_shape(m: &Model, msgs: &MessagesShape) -> Option<StreamingShape> {
    let (status, f) = own_element(m, &msgs.message, "ConnectionStatus")?;
    let FieldKind::Element {
        ty: TyRef::Named(ref status_ty),
        nillable: false,
        ..
    } = f.kind
    else {
        return None;
    };
    if f.occurs.is_many() {
        return None;
    }
    let closed = enum_value(m, status_ty, "Closed")?;
    let (at, f) = own_element(m, &msgs.message, "Notifications")?;
    if f.occurs.is_many() {
        return None;
    }
    let holder = field_type(f)?.clone();
    let lists = find_paths(
        m,
        &holder,
        2,
        &|f| {
            f.occurs.is_many()
                && matches!(
                    f.kind,
                    FieldKind::Element {
                        nillable: false,
                        ..
                    }
                )
                && field_type(f).is_some_and(|t| m.struct_of(t).is_some())
        },
        &|_| true,
    );
    let (lists, notification) = same_target(m, lists)?;
    let notifications = lists
        .into_iter()
        .map(|p| [at.clone(), p].concat())
        .collect();
    let error_ids = match own_element(m, &msgs.message, "ErrorSubscriptionIds") {
        Some((at, f)) if !f.occurs.is_many() => match field_type(f) {
            Some(h) => find_paths(
                m,
                h,
                1,
                &|f| {
                    f.occurs.is_many()
                        && matches!(&f.kind, FieldKind::Element { ty, nillable: false, .. } if is_builtin(m, ty, Builtin::String))
                },
                &|_| false,
            )
            .into_iter()
            .map(|p| [at.clone(), p].concat())
            .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    Some(StreamingShape {
        status,
        status_ty: status_ty.clone(),
        closed,
        notifications,
        notification,
        error_ids,
    })
}

/// What each operation of the model can do at mailbox scale (operations whose response
/// messages are not found are left out).
pub fn scale_shapes(m: &Model) -> Vec<ScaleShapes> {
    let mut out = Vec::new();
    for op in &m.operations {
        let Some(ns) = m.ns_index(&op.request.ns) else {
            continue;
        };
        let Some(TyRef::Named(request)) = m
            .elements
            .get(&(ns, op.request.name.clone()))
            .map(|e| &e.ty)
        else {
            continue;
        };
        if m.struct_of(request).is_none() {
            continue;
        }
        let Some(messages) = messages_shape(m, op) else {
            continue;
        };
        out.push(ScaleShapes {
            operation: op.name.clone(),
            request: request.clone(),
            paging: paging_shape(m, request, &messages),
            sync: sync_shape(m, request, &messages),
            batch: batch_shape(m, request, &messages),
            streaming: streaming_shape(m, &messages),
            messages,
        });
    }
    out
}

/// The headers of version negotiation, when the model declares them.
pub fn version_headers(m: &Model) -> VersionHeaders {
    let header = |name: &str| {
        m.elements
            .values()
            .find(|g| g.qname.name == name && is_header(&g.qname))
            .and_then(|g| match &g.ty {
                TyRef::Named(k) if m.struct_of(k).is_some() => Some((g.qname.clone(), k.clone())),
                _ => None,
            })
    };
    let request = header("RequestServerVersion").and_then(|(q, k)| {
        let s = m.struct_of(&k)?;
        let i = s.attrs.iter().position(|a| a.qname.name == "Version")?;
        let TyRef::Named(e) = &s.attrs[i].ty else {
            return None;
        };
        matches!(m.types.get(e)?.kind, TypeKind::Enum { .. }).then(|| (q, k.clone(), i, e.clone()))
    });
    let info = header("ServerVersionInfo").map(|(element, ty)| {
        let int = |name: &str| {
            attribute(m, &ty, name).filter(|(c, i)| {
                m.struct_of(c)
                    .is_some_and(|s| s.attrs[*i].ty == TyRef::Builtin(Builtin::I32))
            })
        };
        ServerVersionInfoShape {
            major_version: int("MajorVersion"),
            minor_version: int("MinorVersion"),
            major_build_number: int("MajorBuildNumber"),
            minor_build_number: int("MinorBuildNumber"),
            version: attribute(m, &ty, "Version"),
            element,
            ty,
        }
    });
    VersionHeaders { request, info }
}
