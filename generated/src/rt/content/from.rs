//! The `From` conversions generated types get where one conversion is obvious, as macros
//! the generated code calls with one line per type: a choice from each of its alternatives
//! (and from the one argument an alternative is made of), a struct from the one argument
//! of its `new`, a struct from its principal element.

/// `From` each alternative of a choice, and from the one-argument source of an alternative:
/// `__choice_from!(Choice; Variant: Type, ...; Variant: Type => Source, ...; Variant: Type => str, ...)`.
/// A boxed alternative is boxed by the conversion (`Box<T>: From<T>`).
#[doc(hidden)]
#[macro_export]
macro_rules! __choice_from {
    ($t:ty; $($v:ident: $a:ty),*; $($sv:ident: $sa:ty => $s:ty),*; $($tv:ident: $ta:ty => str),* $(;)?) => {
        $(
            impl ::core::convert::From<$a> for $t {
                #[inline]
                fn from(v: $a) -> Self {
                    Self::$v(::core::convert::From::from(v))
                }
            }
        )*
        $(
            impl ::core::convert::From<$s> for $t {
                #[inline]
                fn from(v: $s) -> Self {
                    Self::$sv(::core::convert::From::from(<$sa>::new(v)))
                }
            }
        )*
        $(
            impl ::core::convert::From<::std::string::String> for $t {
                #[inline]
                fn from(v: ::std::string::String) -> Self {
                    Self::$tv(::core::convert::From::from(<$ta>::new(v)))
                }
            }
            impl ::core::convert::From<&str> for $t {
                #[inline]
                fn from(v: &str) -> Self {
                    Self::$tv(::core::convert::From::from(<$ta>::new(v.into())))
                }
            }
        )*
    };
}

/// `From` the one argument of a struct's `new`: `__from_new!(Type, Arg)`, or
/// `__from_new!(Type, str)` for a `String` (from `String` and `&str`).
#[doc(hidden)]
#[macro_export]
macro_rules! __from_new {
    ($t:ty, str) => {
        impl ::core::convert::From<::std::string::String> for $t {
            #[inline]
            fn from(v: ::std::string::String) -> Self {
                Self::new(v)
            }
        }
        impl ::core::convert::From<&str> for $t {
            #[inline]
            fn from(v: &str) -> Self {
                Self::new(v.into())
            }
        }
    };
    ($t:ty, $a:ty) => {
        impl ::core::convert::From<$a> for $t {
            #[inline]
            fn from(v: $a) -> Self {
                Self::new(v)
            }
        }
    };
}

/// `From` a string for a struct whose principal part is an optional string element (an
/// e-mail address's `EmailAddress`): `__from_str_field!(Type, field)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __from_str_field {
    ($t:ty, $f:ident) => {
        impl ::core::convert::From<::std::string::String> for $t {
            #[inline]
            fn from(v: ::std::string::String) -> Self {
                let mut x = <Self as ::core::default::Default>::default();
                x.$f = ::core::option::Option::Some(v);
                x
            }
        }
        impl ::core::convert::From<&str> for $t {
            #[inline]
            fn from(v: &str) -> Self {
                ::core::convert::From::from(::std::string::String::from(v))
            }
        }
    };
}

/// `From<Base>` for a type derived by extension whose own parts are all optional: the base,
/// with everything of its own left out. `__from_base!(Type, base_field: Base)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __from_base {
    ($t:ty, $field:ident: $base:ty) => {
        impl ::core::convert::From<$base> for $t {
            #[inline]
            fn from(base: $base) -> Self {
                let mut x = <Self as $crate::__private::Blank>::blank();
                x.$field = base;
                x
            }
        }
    };
}

/// `__extends!` and `__from_base!` in one: `__derived!(Type, base_field: Base, Ancestor, ...)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __derived {
    ($t:ty, $field:ident: $base:ty $(, $ancestor:ty)* $(,)?) => {
        $crate::__extends!($t, $field: $base $(, $ancestor)*);
        $crate::__from_base!($t, $field: $base);
    };
}

/// `__complex!` and `__from_new!` in one: `__complex_new!(Type, Arg)` (or `str`).
#[doc(hidden)]
#[macro_export]
macro_rules! __complex_new {
    ($t:ty, $($a:tt)+) => {
        $crate::__complex!($t);
        $crate::__from_new!($t, $($a)+);
    };
}
