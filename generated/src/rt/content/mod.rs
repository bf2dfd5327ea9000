//! The generic content reader and writer: generated types describe their attributes and
//! content model as constant tables ([`Content`], [`P`]) and implement a few small methods
//! that store or write one field; the loops, the positional matching of a sequence, the
//! occurrence checks and the error paths are written once, here.
//!
//! A type derived by extension holds its base as a field: its table names the base's
//! table, and the reader walks the base's particles first, then its own (XML Schema
//! appends an extension's particles to its base's).

pub(crate) mod check;
mod declared;
mod enumeration;
mod extends;
mod fields;
mod from;
mod list;
mod read;
pub(crate) mod reader;
mod tables;
pub(crate) mod value;

pub use declared::{check_lax, check_strict, Globals};
pub use enumeration::*;
pub use extends::*;
pub use fields::*;
pub use list::*;
pub use read::*;
pub use reader::{Reader, UnknownElement};
pub use tables::*;
