//! Cost of a run over 1000 trivial tests (selection, execution, timing, report), against a bare
//! loop calling the same 1000 functions; and of rendering their report as text and JSON.
//!
//! `cargo bench -p smoketest --bench run`

#![allow(missing_docs)]

#[path = "support/trivial_tests.rs"]
mod trivial_tests;

use smoketest::{Runner, Tier};

fn main() {
    divan::main();
}

#[divan::bench]
fn bare_loop_calling_1000_functions() {
    // The nested arrays flattened: the 1000 `fn()` in a row, as one slice.
    for function in divan::black_box(&trivial_tests::FUNCTIONS)
        .as_flattened()
        .as_flattened()
    {
        function();
    }
}

#[divan::bench]
fn full_run_of_1000_trivial_tests(bencher: divan::Bencher<'_, '_>) {
    let runner = Runner::new();
    assert_eq!(runner.test_names(Tier::Fast).len(), 1000);
    bencher.bench_local(|| runner.run(Tier::Fast));
}

#[divan::bench]
fn render_text_of_1000_results(bencher: divan::Bencher<'_, '_>) {
    let report = Runner::new().run(Tier::Fast);
    bencher.bench_local(|| report.to_text());
}

#[divan::bench]
fn render_json_of_1000_results(bencher: divan::Bencher<'_, '_>) {
    let report = Runner::new().run(Tier::Fast);
    bencher.bench_local(|| report.to_json());
}

/// What a run costs whatever its size: selection, starting and joining its worker, the report.
#[divan::bench]
fn full_run_of_1_trivial_test(bencher: divan::Bencher<'_, '_>) {
    let runner = Runner::new().filter("d0::d0::d0::t");
    assert_eq!(runner.test_names(Tier::Fast).len(), 1);
    bencher.bench_local(|| runner.run(Tier::Fast));
}
