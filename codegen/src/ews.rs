//! The conventions of Exchange Web Services that the schemas do not state: which elements
//! are SOAP headers, how operations pair requests with responses when no WSDL says, the
//! SOAPAction of an operation, and the shape of a response message. Every EWS-specific
//! rule of the generator lives here.

use std::collections::BTreeSet;

use crate::model::{Builtin, FieldKind, Model, Occurs, Operation, QName, TyRef, TypeKey, TypeKind};

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
    /// Index of the wildcard field inside `MessageXml`'s type.
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
    let xml_any = m.struct_of(xk)?.fields.iter().position(|f| {
        matches!(f.kind, FieldKind::Any(_)) && matches!(f.occurs, Occurs::Many { .. })
    })?;
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
