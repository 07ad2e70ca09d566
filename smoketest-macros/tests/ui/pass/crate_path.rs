#![deny(warnings)]

//! `crate = path` through a re-export, as a bare path and as a string, for every shape the
//! expansion takes (with and without parameters, sync and async, `()` and `Result`).

mod kit {
    pub use smoketest;

    pub mod nested {
        pub use smoketest as st;
    }
}

use kit::smoketest::{Result, State, Suite};

struct Config;

struct Inventory;

impl Suite for Inventory {
    fn set_up_suite(_state: &State) -> Result<Self> {
        Ok(Inventory)
    }
}

#[kit::smoketest::smoke_test(crate = kit::smoketest)]
fn plain() {}

#[kit::smoketest::smoke_test(slow, crate = crate::kit::smoketest, timeout = "1s")]
async fn plain_async() {}

#[kit::nested::st::smoke_test(crate = "kit::nested::st")]
fn with_state(_config: &Config) -> Result {
    Ok(())
}

#[kit::nested::st::smoke_test(crate = "self::kit::nested::st")]
async fn in_suite(_inventory: &Inventory) -> std::result::Result<(), String> {
    Ok(())
}

#[kit::smoketest::smoke_test(crate = ::smoketest)]
fn absolute() {}

/// A wrapper macro a kit could export: `$crate` reaches smoketest from wherever it is expanded.
macro_rules! kit_test {
    ($name:ident) => {
        #[$crate::kit::smoketest::smoke_test(crate = $crate::kit::smoketest)]
        fn $name() -> $crate::kit::smoketest::Result {
            Ok(())
        }
    };
}

kit_test!(through_a_macro);

fn main() {}
