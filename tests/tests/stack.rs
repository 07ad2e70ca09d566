//! Tests run on worker threads with a main thread's stack (8 MiB by default), or what
//! `Runner::stack_size` says: a test that needs ~4 MiB of stack passes by default, one that needs
//! ~12 MiB passes with 16 MiB.
//!
//! Only what fits is run: a test that overflows its worker's stack aborts the process (Rust
//! cannot catch a stack overflow), so "12 MiB overflows the default" is left untested here; the
//! CLI's `--isolate` is the way to survive it.

mod support;

use std::hint::black_box;

use smoketest::{Runner, Tier, smoke_test};
use support::with_time_masked;

/// One frame's local buffer.
const FRAME: usize = 4 * 1024;
const MIB: usize = 1024 * 1024;

/// Recurses `depth` times with a 4 KiB local in each frame; returns the address of the deepest
/// frame's buffer. The buffer goes through `black_box`, so it is really on the stack.
#[inline(never)]
fn recurse(depth: usize) -> usize {
    let mut buffer = [0u8; FRAME];
    black_box(&mut buffer);
    if depth == 0 {
        return buffer.as_ptr() as usize;
    }
    let deepest = recurse(depth - 1);
    // Read after the call, so the buffer is live across it.
    black_box(&buffer);
    deepest
}

/// Stack used by `depth` frames of [`recurse`], in bytes: from this frame's buffer down to the
/// deepest one's (the stack grows down).
fn stack_used(depth: usize) -> usize {
    let top = [0u8; 1];
    black_box(&top);
    (top.as_ptr() as usize).saturating_sub(recurse(depth))
}

#[smoke_test]
fn four_mib_deep() {
    let used = stack_used(1000);
    // The test proves something only if it used what it says: 1 000 frames of 4 KiB at least.
    smoketest::assert_greater_equal!(used, 4000 * 1024, "{used} bytes of stack used");
    smoketest::assert_less!(used, 8 * MIB, "{used} bytes of stack used");
}

#[smoke_test]
fn twelve_mib_deep() {
    let used = stack_used(3000);
    smoketest::assert_greater_equal!(used, 12_000 * 1024, "{used} bytes of stack used");
    smoketest::assert_less!(used, 16 * MIB, "{used} bytes of stack used");
}

const PASSED_ONE: &str = "PASS\ntest classes: 1\ntests run: 1\ntests passed: 1\ntests failed: 0\n\
                          tests errored: 0\ntime: <ms>\nrun id: <uuid>\n";

#[test]
fn a_test_using_4_mib_of_stack_passes_with_the_default_stack_size() {
    assert_eq!(smoketest::DEFAULT_STACK_SIZE, 8 * MIB);
    let report = Runner::new().filter("stack::four_mib_deep").run(Tier::Fast);
    assert_eq!(with_time_masked(&report.to_text()), PASSED_ONE);
}

#[test]
fn a_test_using_12_mib_of_stack_passes_with_16_mib() {
    let report = Runner::new()
        .filter("stack::twelve_mib_deep")
        .stack_size(16 * MIB)
        .run(Tier::Fast);
    assert_eq!(with_time_masked(&report.to_text()), PASSED_ONE);
}
