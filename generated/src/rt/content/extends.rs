//! Composition for a type derived by extension: it holds its base as a field and reaches
//! it (and every further ancestor) through `Deref`, `AsRef` and `AsMut`; a choice whose
//! alternatives all derive from one base gives that base too.

/// Composition for a type derived by extension: `Deref`/`DerefMut` to its base (the field
/// `$field`), `AsRef`/`AsMut` of the base, and `AsRef` of every further ancestor.
#[doc(hidden)]
#[macro_export]
macro_rules! __extends {
    ($t:ty, $field:ident: $base:ty $(, $ancestor:ty)* $(,)?) => {
        impl ::core::ops::Deref for $t {
            type Target = $base;
            #[inline]
            fn deref(&self) -> &$base {
                &self.$field
            }
        }
        impl ::core::ops::DerefMut for $t {
            #[inline]
            fn deref_mut(&mut self) -> &mut $base {
                &mut self.$field
            }
        }
        impl ::core::convert::AsRef<$base> for $t {
            #[inline]
            fn as_ref(&self) -> &$base {
                &self.$field
            }
        }
        impl ::core::convert::AsMut<$base> for $t {
            #[inline]
            fn as_mut(&mut self) -> &mut $base {
                &mut self.$field
            }
        }
        $(
            impl ::core::convert::AsRef<$ancestor> for $t {
                #[inline]
                fn as_ref(&self) -> &$ancestor {
                    ::core::convert::AsRef::<$ancestor>::as_ref(&self.$field)
                }
            }
            impl ::core::convert::AsMut<$ancestor> for $t {
                #[inline]
                fn as_mut(&mut self) -> &mut $ancestor {
                    ::core::convert::AsMut::<$ancestor>::as_mut(&mut self.$field)
                }
            }
        )*
    };
}

/// `AsRef`/`AsMut` of a common base for a choice whose alternatives all derive from it:
/// `__common_base!(Choice, Base; BoxedVariant, ...; InlineVariant, ...)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __common_base {
    ($t:ty, $base:ty; $($b:ident),*; $($v:ident),* $(,)?) => {
        impl ::core::convert::AsRef<$base> for $t {
            #[inline]
            fn as_ref(&self) -> &$base {
                match self {
                    $(Self::$b(v) => $crate::__private::as_base::<_, $base>(&**v),)*
                    $(Self::$v(v) => $crate::__private::as_base::<_, $base>(v),)*
                }
            }
        }
        impl ::core::convert::AsMut<$base> for $t {
            #[inline]
            fn as_mut(&mut self) -> &mut $base {
                match self {
                    $(Self::$b(v) => $crate::__private::as_base_mut::<_, $base>(&mut **v),)*
                    $(Self::$v(v) => $crate::__private::as_base_mut::<_, $base>(v),)*
                }
            }
        }
    };
}

/// `AsRef<Self>`/`AsMut<Self>` for a type that is the common base of a choice.
#[doc(hidden)]
#[macro_export]
macro_rules! __as_self {
    ($($t:ty),* $(,)?) => {$(
        impl ::core::convert::AsRef<$t> for $t {
            #[inline]
            fn as_ref(&self) -> &$t {
                self
            }
        }
        impl ::core::convert::AsMut<$t> for $t {
            #[inline]
            fn as_mut(&mut self) -> &mut $t {
                self
            }
        }
    )*};
}

/// `AsRef` into a base, where the value may be the base itself.
#[inline]
pub fn as_base<T: AsRef<B> + ?Sized, B: ?Sized>(v: &T) -> &B {
    v.as_ref()
}

/// `AsMut` into a base, where the value may be the base itself.
#[inline]
pub fn as_base_mut<T: AsMut<B> + ?Sized, B: ?Sized>(v: &mut T) -> &mut B {
    v.as_mut()
}
