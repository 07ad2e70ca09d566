//! 1000 trivial smoke tests for the benchmarks: `#[smoke_test] fn t() {}` in each of 10 × 10 × 10
//! nested modules `d0` … `d9`, so test `xyz` is named `…::trivial_tests::dx::dy::dz::t`.
//!
//! Also [`FUNCTIONS`], the same functions for the bare-loop baseline, nested the same way
//! (`[[[fn(); 10]; 10]; 10]`, in name order).

/// `mod d0 { body } … mod d9 { body }`, and the `FUNCTIONS` of those ten modules as one array.
macro_rules! ten {
    ($($body:tt)*) => {
        mod d0 { $($body)* }
        mod d1 { $($body)* }
        mod d2 { $($body)* }
        mod d3 { $($body)* }
        mod d4 { $($body)* }
        mod d5 { $($body)* }
        mod d6 { $($body)* }
        mod d7 { $($body)* }
        mod d8 { $($body)* }
        mod d9 { $($body)* }

        pub(super) type Functions = [d0::Functions; 10];
        pub(super) const FUNCTIONS: Functions = [
            d0::FUNCTIONS, d1::FUNCTIONS, d2::FUNCTIONS, d3::FUNCTIONS, d4::FUNCTIONS,
            d5::FUNCTIONS, d6::FUNCTIONS, d7::FUNCTIONS, d8::FUNCTIONS, d9::FUNCTIONS,
        ];
    };
}

ten! {
    ten! {
        ten! {
            #[smoketest::smoke_test]
            fn t() {}

            pub(super) type Functions = fn();
            pub(super) const FUNCTIONS: Functions = t;
        }
    }
}
