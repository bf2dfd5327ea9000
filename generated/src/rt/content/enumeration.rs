//! Enumerations: their values as written, and the variant that keeps a value the schema
//! does not list.

/// An enumeration: its values as written, and its variant keeping values it does not list.
pub trait Enumeration: Clone + PartialEq + Sized + 'static {
    /// Every listed value, as written, with its variant.
    const VALUES: &'static [(&'static str, Self)];
    /// Whether whitespace is collapsed before matching (`xs:token` bases); otherwise the
    /// text must match exactly (`xs:string`).
    const COLLAPSE: bool;
    /// The variant keeping a value the schema does not list.
    fn unknown(value: String) -> Self;
    /// The value kept by that variant, if it is that variant.
    fn unknown_value(&self) -> Option<&str>;
}

/// The value of an enumeration as written.
#[inline]
pub fn enum_str<T: Enumeration>(v: &T) -> &str {
    if let Some(s) = v.unknown_value() {
        return s;
    }
    T::VALUES
        .iter()
        .find(|(_, x)| x == v)
        .map_or("", |(s, _)| s)
}

/// The variant of an enumeration written `s` (a value not listed is kept as sent).
#[inline]
pub fn enum_from<T: Enumeration>(s: &str) -> T {
    let key = if T::COLLAPSE { s.trim() } else { s };
    match T::VALUES.iter().find(|(x, _)| *x == key) {
        Some((_, v)) => v.clone(),
        None => T::unknown(s.to_string()),
    }
}

/// `as_str`, `Display`, `From<&str>` and the text conversions of an [`Enumeration`].
#[doc(hidden)]
#[macro_export]
macro_rules! __enumeration {
    ($t:ty) => {
        impl $t {
            /// The value as written in XML.
            pub fn as_str(&self) -> &str {
                $crate::__private::enum_str(self)
            }
        }
        impl ::core::fmt::Display for $t {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::core::convert::From<&str> for $t {
            /// The value written `s`; a value the schema does not list is kept as sent.
            fn from(s: &str) -> Self {
                $crate::__private::enum_from(s)
            }
        }
        impl $crate::__private::Text for $t {
            fn parse_text(s: &str) -> ::core::result::Result<Self, ::std::string::String> {
                ::core::result::Result::Ok($crate::__private::enum_from(s))
            }
            fn write_text(&self, out: &mut ::std::string::String) {
                out.push_str(self.as_str())
            }
            #[inline]
            fn is_listed(&self) -> bool {
                $crate::__private::Enumeration::unknown_value(self).is_none()
            }
        }
        $crate::text_value!($t);
    };
}
