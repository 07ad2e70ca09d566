//! The ready-made checks of `smoketest::checks`, each against a real target this test starts:
//! an HTTP server on 127.0.0.1, TCP listeners and a closed port, the system's resolver, a
//! temporary directory, a child process's environment, SQLite files and a throwaway
//! PostgreSQL, and TLS servers with certificates made here. Every check runs through a real
//! `Runner`; the tests assert the outcome and the exact message the report shows.

#[path = "db/mod.rs"]
mod db;

#[path = "checks/common.rs"]
mod common;
#[path = "checks/http.rs"]
mod http;
#[path = "checks/local.rs"]
mod local;
#[path = "checks/network.rs"]
mod network;
#[path = "checks/readme.rs"]
mod readme;
#[path = "checks/readme_test.rs"]
mod readme_test;
#[path = "checks/sqlx.rs"]
mod sqlx_checks;
#[path = "checks/tls.rs"]
mod tls;
