//! Type assertions with `Any` and `TypeId`: unittest's `assertIsInstance`.

use std::any::{Any, type_name};
use std::fmt::Arguments;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::Arc;

use super::fail;

/// Asserts that a value is of type `T`, like unittest's `assertIsInstance`, with `Any`.
///
/// What is checked:
/// - a pointer to a type-erased value — `&dyn Any`, `Box<dyn Any>`, `Rc<dyn Any>`,
///   `Arc<dyn Any>`, with `+ Send` / `+ Send + Sync` too, or a reference to one of these — is
///   checked by the type of the value it points to (so `Box<dyn Any>` holding an `i32` is an
///   instance of `i32`, not of `Box<dyn Any>`);
/// - any other value by its own type, which must be `'static` (for a short-lived `&T` pass `*r`,
///   which is not moved).
///
/// The value is borrowed, not moved. As Rust has no subtyping of structs, "instance of" means
/// "exactly of type". Default message:
/// `` `payload` is not an instance of `alloc::string::String` ``.
///
/// ```
/// use std::any::Any;
///
/// let payload: Box<dyn Any + Send> = Box::new(String::from("boom"));
/// smoketest::assert_is_instance!(payload, String);
/// smoketest::assert_is_instance!(7_u16, u16, "the port is not a {}", "u16");
/// ```
#[macro_export]
macro_rules! assert_is_instance {
    ($value:expr, $type:ty $(, $($message:tt)*)?) => {{
        #[allow(unused_imports)]
        use $crate::__private::assert::{ViaPointee as _, ViaValue as _};
        $crate::__private::assert::is_instance::<$type>(
            (&&$crate::__private::assert::AnyProbe(&$value)).as_any(),
            ::core::stringify!($value),
            $crate::__assert_message!($($($message)*)?),
        )
    }};
}

/// Asserts that a value is not of type `T`, like unittest's `assertNotIsInstance`; see
/// [`assert_is_instance!`](crate::assert_is_instance) for what is checked.
///
/// Default message: `` `payload` is an instance of `&str` ``.
///
/// ```
/// use std::any::Any;
///
/// let payload: Box<dyn Any + Send> = Box::new("boom");
/// smoketest::assert_not_is_instance!(payload, String);
/// smoketest::assert_not_is_instance!(payload, Box<dyn Any + Send>, "checked by its contents");
/// ```
#[macro_export]
macro_rules! assert_not_is_instance {
    ($value:expr, $type:ty $(, $($message:tt)*)?) => {{
        #[allow(unused_imports)]
        use $crate::__private::assert::{ViaPointee as _, ViaValue as _};
        $crate::__private::assert::not_instance::<$type>(
            (&&$crate::__private::assert::AnyProbe(&$value)).as_any(),
            ::core::stringify!($value),
            $crate::__assert_message!($($($message)*)?),
        )
    }};
}

/// The value given to `assert_is_instance!`, wrapped so that method resolution picks how to see
/// it as `dyn Any` (autoref specialisation): `(&&AnyProbe(&value)).as_any()` finds
/// [`ViaPointee`] first, implemented when the value points to a type-erased value, and
/// [`ViaValue`] otherwise.
pub struct AnyProbe<'a, T: ?Sized>(pub &'a T);

/// Type-erased values, and pointers to them: what a [`ViaPointee`] value points to.
pub trait DynAny {
    /// The erased value, whose `type_id` is that of the concrete type.
    fn as_dyn_any(&self) -> &dyn Any;
}

impl DynAny for dyn Any {
    fn as_dyn_any(&self) -> &dyn Any {
        self
    }
}

impl DynAny for dyn Any + Send {
    fn as_dyn_any(&self) -> &dyn Any {
        self
    }
}

impl DynAny for dyn Any + Send + Sync {
    fn as_dyn_any(&self) -> &dyn Any {
        self
    }
}

impl<T: DynAny + ?Sized> DynAny for &T {
    fn as_dyn_any(&self) -> &dyn Any {
        (**self).as_dyn_any()
    }
}

impl<T: DynAny + ?Sized> DynAny for &mut T {
    fn as_dyn_any(&self) -> &dyn Any {
        (**self).as_dyn_any()
    }
}

impl<T: DynAny + ?Sized> DynAny for Box<T> {
    fn as_dyn_any(&self) -> &dyn Any {
        (**self).as_dyn_any()
    }
}

impl<T: DynAny + ?Sized> DynAny for Rc<T> {
    fn as_dyn_any(&self) -> &dyn Any {
        (**self).as_dyn_any()
    }
}

impl<T: DynAny + ?Sized> DynAny for Arc<T> {
    fn as_dyn_any(&self) -> &dyn Any {
        (**self).as_dyn_any()
    }
}

/// A value that points to a type-erased value: checked by what it points to.
pub trait ViaPointee {
    /// The pointee.
    fn as_any(&self) -> &dyn Any;
}

impl<P: Deref<Target: DynAny> + ?Sized> ViaPointee for &AnyProbe<'_, P> {
    fn as_any(&self) -> &dyn Any {
        self.0.deref().as_dyn_any()
    }
}

/// Any other value: checked by its own type.
pub trait ViaValue {
    /// The value.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any> ViaValue for AnyProbe<'_, T> {
    fn as_any(&self) -> &dyn Any {
        self.0
    }
}

/// `assert_is_instance!`.
#[track_caller]
pub fn is_instance<T: Any>(value: &dyn Any, expression: &str, message: Option<Arguments<'_>>) {
    if !value.is::<T>() {
        fail(
            message,
            format_args!(
                "`{expression}` is not an instance of `{}`",
                type_name::<T>()
            ),
        );
    }
}

/// `assert_not_is_instance!`.
#[track_caller]
pub fn not_instance<T: Any>(value: &dyn Any, expression: &str, message: Option<Arguments<'_>>) {
    if value.is::<T>() {
        fail(
            message,
            format_args!("`{expression}` is an instance of `{}`", type_name::<T>()),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::any::Any;
    use std::rc::Rc;
    use std::sync::Arc;

    use super::super::testing::{check, fails};

    #[test]
    fn assert_is_instance_checks_plain_values_by_their_type() {
        let number = 3_i32;
        crate::assert_is_instance!(number, i32);
        crate::assert_is_instance!(String::new(), String);
        crate::assert_is_instance!(Box::new(1_u8), Box<u8>);
        crate::assert_is_instance!("static", &str);
        let reference = &number;
        crate::assert_is_instance!(*reference, i32);
    }

    #[test]
    fn assert_is_instance_checks_type_erased_values_by_their_contents() {
        let boxed: Box<dyn Any> = Box::new(3_i32);
        crate::assert_is_instance!(boxed, i32);
        let sendable: Box<dyn Any + Send + Sync> = Box::new(3_i32);
        crate::assert_is_instance!(sendable, i32);
        let borrowed: &dyn Any = &3_i32;
        crate::assert_is_instance!(borrowed, i32);
        crate::assert_is_instance!(&boxed, i32);
        let shared: Arc<dyn Any + Send + Sync> = Arc::new('x');
        crate::assert_is_instance!(shared, char);
        let counted: Rc<dyn Any> = Rc::new('x');
        crate::assert_is_instance!(counted, char);
        let boxes: Vec<Box<dyn Any>> = vec![Box::new(1_u8)];
        for element in &boxes {
            crate::assert_is_instance!(element, u8);
        }
    }

    #[test]
    fn assert_is_instance_names_expression_and_type() {
        let payload: Box<dyn Any + Send> = Box::new("boom");
        check(
            fails! { crate::assert_is_instance!(payload, String) },
            "`payload` is not an instance of `alloc::string::String`",
        );
    }

    #[test]
    fn assert_is_instance_custom_message_comes_before_the_default() {
        check(
            fails! { crate::assert_is_instance!(1_u8, i32, "{} port", "bad") },
            "bad port: `1_u8` is not an instance of `i32`",
        );
    }

    #[test]
    fn assert_not_is_instance_passes_on_another_type() {
        let boxed: Box<dyn Any> = Box::new(3_i32);
        crate::assert_not_is_instance!(boxed, Box<dyn Any>);
        crate::assert_not_is_instance!(3_u8, i32);
    }

    #[test]
    fn assert_not_is_instance_names_expression_and_type() {
        check(
            fails! { crate::assert_not_is_instance!(1_u8 + 1, u8) },
            "`1_u8 + 1` is an instance of `u8`",
        );
    }

    #[test]
    fn assert_not_is_instance_custom_message_comes_before_the_default() {
        let borrowed: &dyn Any = &"x";
        check(
            fails! { crate::assert_not_is_instance!(borrowed, &str, "{}", 5) },
            "5: `borrowed` is an instance of `&str`",
        );
    }
}
