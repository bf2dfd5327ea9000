//! EWS response messages: every `m:*ResponseMessage` carries a `ResponseClass` (Success,
//! Warning or Error) and, on warning or error, a `ResponseCode`, `MessageText`,
//! `DescriptiveLinkKey` and `MessageXml`. The generated response message types implement
//! [`ResponseMessage`]; the response of every operation implements [`ResponseMessages`],
//! which lists the messages it holds.

use std::fmt;
use std::time::Duration;

use crate::rt::{RawElement, RawNode};

/// The `ResponseClass` attribute of a response message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseClass {
    /// The request was carried out.
    Success,
    /// It was carried out in part, or with something to know (the payload is there).
    Warning,
    /// It failed.
    Error,
    /// A class the schema does not list; treated as an error.
    Unknown,
}

impl ResponseClass {
    /// The class written `s`.
    pub fn from_text(s: &str) -> Self {
        match s {
            "Success" => ResponseClass::Success,
            "Warning" => ResponseClass::Warning,
            "Error" => ResponseClass::Error,
            _ => ResponseClass::Unknown,
        }
    }
}

/// What every EWS response message carries. `Code` is the generated open enumeration of
/// response codes (`messages::ResponseCodeType`): a code newer than the schema is kept as
/// its `UnknownValue`.
pub trait ResponseMessage {
    /// The response code type.
    type Code: Clone + fmt::Debug + fmt::Display + PartialEq;
    /// `ResponseClass` as written.
    fn response_class_str(&self) -> &str;
    /// `ResponseClass`.
    fn response_class(&self) -> ResponseClass {
        ResponseClass::from_text(self.response_class_str())
    }
    /// `ResponseCode`, when present.
    fn response_code(&self) -> Option<&Self::Code>;
    /// `ResponseCode` as written, when present.
    fn response_code_str(&self) -> Option<&str>;
    /// `MessageText`, when present.
    fn message_text(&self) -> Option<&str>;
    /// `DescriptiveLinkKey`, when present.
    fn descriptive_link_key(&self) -> Option<i32>;
    /// The children of `MessageXml` (such as `t:Value Name="BackOffMilliseconds"`).
    fn message_xml(&self) -> &[RawElement];

    /// The message's class, code, text, link key and `MessageXml`, as an error value
    /// (whatever the class).
    fn to_error(&self) -> ResponseError<Self::Code> {
        ResponseError {
            class: self.response_class(),
            code: self.response_code().cloned(),
            message_text: self.message_text().map(str::to_owned),
            descriptive_link_key: self.descriptive_link_key(),
            message_xml: self.message_xml().to_vec(),
        }
    }

    /// `Err` when the class is Error (or unknown), `Ok` for Success and Warning.
    fn check(&self) -> Result<(), ResponseError<Self::Code>> {
        match self.response_class() {
            ResponseClass::Success | ResponseClass::Warning => Ok(()),
            ResponseClass::Error | ResponseClass::Unknown => Err(self.to_error()),
        }
    }

    /// The message as a `Result`: the message itself for Success and Warning (a warning's
    /// code and text stay readable on it, see [`ResponseMessage::warning`]), a
    /// [`ResponseError`] for Error.
    fn into_result(self) -> Result<Self, ResponseError<Self::Code>>
    where
        Self: Sized,
    {
        self.check().map(|()| self)
    }

    /// Like [`ResponseMessage::into_result`], but a Warning is an error too.
    fn into_success(self) -> Result<Self, ResponseError<Self::Code>>
    where
        Self: Sized,
    {
        match self.response_class() {
            ResponseClass::Success => Ok(self),
            _ => Err(self.to_error()),
        }
    }

    /// The warning, when the class is Warning.
    fn warning(&self) -> Option<ResponseError<Self::Code>> {
        (self.response_class() == ResponseClass::Warning).then(|| self.to_error())
    }

    /// Whether the code is `ErrorServerBusy`.
    fn is_server_busy(&self) -> bool {
        self.response_code_str() == Some("ErrorServerBusy")
    }

    /// The `BackOffMilliseconds` value of `MessageXml`, when present.
    fn back_off(&self) -> Option<Duration> {
        back_off(self.message_xml())
    }
}

/// A type derived from a response message (every `m:*ResponseMessageType`) is one through
/// its base: it dereferences to it.
impl<T> ResponseMessage for T
where
    T: std::ops::Deref,
    T::Target: ResponseMessage,
{
    type Code = <T::Target as ResponseMessage>::Code;
    fn response_class_str(&self) -> &str {
        (**self).response_class_str()
    }
    fn response_code(&self) -> Option<&Self::Code> {
        (**self).response_code()
    }
    fn response_code_str(&self) -> Option<&str> {
        (**self).response_code_str()
    }
    fn message_text(&self) -> Option<&str> {
        (**self).message_text()
    }
    fn descriptive_link_key(&self) -> Option<i32> {
        (**self).descriptive_link_key()
    }
    fn message_xml(&self) -> &[RawElement] {
        (**self).message_xml()
    }
}

/// The response messages of an operation's response, in document order. An operation on
/// several items (`GetItem` on three ids) answers with one message per item.
pub trait ResponseMessages {
    /// The response code type.
    type Code: Clone + fmt::Debug + fmt::Display + PartialEq;
    /// Every response message the value holds (none, unless the type says otherwise).
    fn response_messages(&self) -> Vec<&dyn ResponseMessage<Code = Self::Code>> {
        Vec::new()
    }

    /// The first message whose class is Error, as an error value.
    fn first_error(&self) -> Option<ResponseError<Self::Code>> {
        self.response_messages()
            .into_iter()
            .find_map(|m| m.check().err())
    }

    /// Whether there is at least one message and every message is `ErrorServerBusy`: the
    /// server did nothing, and the request may be sent again.
    fn all_server_busy(&self) -> bool {
        let m = self.response_messages();
        !m.is_empty() && m.iter().all(|m| m.is_server_busy())
    }
}

/// A response message whose class is Error (or a Warning, when asked for): class, code,
/// text, link key and `MessageXml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseError<C> {
    /// `ResponseClass`.
    pub class: ResponseClass,
    /// `ResponseCode`.
    pub code: Option<C>,
    /// `MessageText`.
    pub message_text: Option<String>,
    /// `DescriptiveLinkKey`.
    pub descriptive_link_key: Option<i32>,
    /// The children of `MessageXml`.
    pub message_xml: Vec<RawElement>,
}

impl<C> ResponseError<C> {
    /// The `t:Value` entries of `MessageXml`, as (`Name`, text).
    pub fn values(&self) -> Vec<(String, String)> {
        values(&self.message_xml)
    }

    /// The `BackOffMilliseconds` value of `MessageXml`, when present.
    pub fn back_off(&self) -> Option<Duration> {
        back_off(&self.message_xml)
    }
}

impl<C: fmt::Display> fmt::Display for ResponseError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(c) => write!(f, "{c}")?,
            None => write!(f, "{:?} without a response code", self.class)?,
        }
        if let Some(t) = &self.message_text {
            write!(f, ": {t}")?;
        }
        Ok(())
    }
}

impl<C: fmt::Display + fmt::Debug> std::error::Error for ResponseError<C> {}

/// The text of an element: its text children, concatenated.
pub fn text_of(e: &RawElement) -> String {
    let mut s = String::new();
    for c in &e.children {
        if let RawNode::Text(t) = c {
            s.push_str(t);
        }
    }
    s
}

/// The `t:Value` entries (`<t:Value Name="BackOffMilliseconds">297749</t:Value>`) among
/// `elements`, as (`Name`, text).
pub fn values(elements: &[RawElement]) -> Vec<(String, String)> {
    elements
        .iter()
        .filter(|e| e.name == "Value")
        .map(|e| {
            let name = e
                .attributes
                .iter()
                .find(|a| a.name == "Name" && a.namespace.is_none())
                .map(|a| a.value.clone())
                .unwrap_or_default();
            (name, text_of(e))
        })
        .collect()
}

/// The `BackOffMilliseconds` value among `elements`.
pub fn back_off(elements: &[RawElement]) -> Option<Duration> {
    values(elements)
        .into_iter()
        .find(|(n, _)| n == "BackOffMilliseconds")
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
}

/// `ResponseMessages` for a response message type that holds no other message: the list of
/// itself.
#[doc(hidden)]
#[macro_export]
macro_rules! __single_message {
    ($t:ty, $code:ty) => {
        impl $crate::response::ResponseMessages for $t {
            type Code = $code;
            fn response_messages(
                &self,
            ) -> ::std::vec::Vec<&dyn $crate::response::ResponseMessage<Code = $code>> {
                ::std::vec![self]
            }
        }
    };
}

/// `ResponseMessages` for a type derived from one that holds messages (such as every
/// `m:*ResponseType`, derived from `m:BaseResponseMessageType`): its base's.
#[doc(hidden)]
#[macro_export]
macro_rules! __messages_of_base {
    ($t:ty, $code:ty, $base:ident) => {
        impl $crate::response::ResponseMessages for $t {
            type Code = $code;
            fn response_messages(
                &self,
            ) -> ::std::vec::Vec<&dyn $crate::response::ResponseMessage<Code = $code>> {
                $crate::response::ResponseMessages::response_messages(&self.$base)
            }
        }
    };
}
