#![deny(warnings)]

use std::marker::PhantomData;

use smoketest::{AsyncSuite, Result, State, Suite, smoke_test};

/// Application state registered on the runner.
struct Config {
    url: String,
}

struct Transaction<'conn>(PhantomData<&'conn ()>);

struct Inventory {
    items: Vec<String>,
}

impl Suite for Inventory {
    fn set_up_suite(_state: &State) -> Result<Self> {
        Ok(Inventory { items: Vec::new() })
    }
}

struct Api;

impl AsyncSuite for Api {
    async fn set_up_suite(_state: &State) -> Result<Self> {
        Ok(Api)
    }
}

#[smoke_test]
fn state(config: &Config) {
    assert!(!config.url.is_empty());
}

#[smoke_test]
fn sync_suite(inventory: &Inventory) {
    assert!(inventory.items.is_empty());
}

#[smoke_test]
async fn async_suite_and_state(_api: &Api, config: &Config) -> Result {
    std::future::ready(()).await;
    assert!(!config.url.is_empty());
    Ok(())
}

#[smoke_test(rolled_back)]
fn suite_state_and_transaction(
    _inventory: &Inventory,
    _config: &Config,
    _tx: &mut Transaction<'static>,
) {
}

#[smoke_test(rolled_back)]
async fn async_transaction_first(_tx: &mut Transaction<'static>, _config: &Config) {}

#[smoke_test]
fn std_types(_name: &String, _numbers: &Vec<u8>, _pair: &(u8, char)) {}

#[smoke_test]
fn patterns(_: &Config, Inventory { items }: &Inventory) {
    assert!(items.is_empty());
}

fn main() {}
