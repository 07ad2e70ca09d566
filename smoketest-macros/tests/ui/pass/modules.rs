#![deny(warnings)]

mod first {
    use smoketest::smoke_test;

    #[smoke_test]
    fn one() {}

    #[smoke_test]
    async fn two() {}

    mod nested {
        #[smoketest::smoke_test]
        fn one() {}
    }
}

mod second {
    /// The same name as `first::one`: a different test.
    #[::smoketest::smoke_test]
    pub(crate) fn one() {}

    /// Documented, with other attributes before and after.
    #[allow(clippy::needless_return)]
    #[smoketest::smoke_test(slow)]
    #[inline]
    pub fn documented() {
        return;
    }
}

mod raw {
    #[smoketest::smoke_test]
    fn r#type() {}
}

macro_rules! generated {
    ($name:ident, $ty:ty) => {
        #[smoketest::smoke_test]
        fn $name(_value: &$ty) {}
    };
}

generated!(from_a_macro, String);

fn main() {
    #[smoketest::smoke_test]
    fn inside_a_function() {}

    second::one();
}
