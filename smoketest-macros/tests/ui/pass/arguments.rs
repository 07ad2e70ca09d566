#![deny(warnings)]

use std::marker::PhantomData;

use smoketest::smoke_test;

/// Stands for a database transaction such as `rusqlite::Transaction<'static>`.
struct Transaction<'conn>(PhantomData<&'conn ()>);

#[smoke_test]
fn none() {}

#[smoke_test(slow)]
fn slow() {}

#[smoke_test(rolled_back)]
fn rolled_back(_tx: &mut Transaction<'static>) {}

#[smoke_test(timeout = "500ms")]
fn timeout() {}

#[smoke_test(slow, rolled_back)]
fn slow_rolled_back(_tx: &mut Transaction<'static>) {}

#[smoke_test(timeout = "1m", slow)]
fn slow_timeout() {}

#[smoke_test(rolled_back, timeout = "2s")]
async fn rolled_back_timeout(_tx: &mut Transaction<'static>) {}

#[smoke_test(slow, rolled_back, timeout = "1m 30s")]
fn all_three(_tx: &mut Transaction<'static>) {}

#[smoke_test(timeout = "10s", rolled_back, slow,)]
async fn all_three_reordered(_tx: &mut Transaction<'static>) {}

fn main() {}
