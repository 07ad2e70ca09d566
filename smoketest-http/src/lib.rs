//! Serve [smoketest](https://docs.rs/smoketest)'s smoke tests over HTTP, so monitoring, load
//! balancers and deploy scripts can poll them.
//!
//! The core, [`SmokeEndpoint`], speaks [`http`] types and names no framework. Glue for each
//! framework lives in its own module behind a feature named with the framework's version:
//!
//! | feature | module | mount |
//! | --- | --- | --- |
//! | `axum-08` | `axum` | `Router::new().nest_service("/smoketest", smoketest_http::axum::service(runner))` |
//! | `actix-web-4` | `actix_web` | `App::new().service(smoketest_http::actix_web::scope("/smoketest", runner))` |
//! | `warp-04` | `warp` | `smoketest_http::warp::filter("smoketest", runner)` |
//!
//! `GET /smoketest/` runs the fast tier, `GET /smoketest/slow/` every test,
//! `GET /smoketest/test/{name}` one test, and [probe groups](SmokeEndpoint::group) such as
//! `GET /smoketest/ready/` the selections Kubernetes probes poll; `?tag=`, `?exclude=` and
//! `?verbose` (kube-apiserver's text) apply to all of them. See [`SmokeEndpoint`] for the whole
//! behaviour.
//!
//! Each tier and group keeps its last runs, served at `GET /smoketest/history/` and shown on the
//! HTML page; [thresholds](Group::fail_after) damp flapping, and [`on_change`](Group::on_change)
//! hooks hear of every change of status: see [`SmokeEndpoint::history`].
//!
//! Concurrent requests for a tier share one run, and runs in flight are bounded; a result cache
//! and a background schedule are opt-in: see [`SmokeEndpoint`]'s "Runs are shared".

mod access;
mod answer;
mod change;
mod coalesce;
mod detail;
mod endpoint;
mod finished;
mod grace;
mod group;
mod history;
mod negotiate;
mod query;
mod rate_limit;
mod respond;
mod route;
mod selection;
mod sync;
mod threshold;
mod tracker;
mod tracking;

pub use crate::access::{Caller, PeerAddr};
pub use crate::change::{Selection, StatusChange};
pub use crate::detail::Detail;
pub use crate::endpoint::SmokeEndpoint;
pub use crate::group::Group;
pub use crate::negotiate::negotiate;
pub use crate::respond::RUN_ID as RUN_ID_HEADER;

#[cfg(feature = "actix-web-4")]
pub mod actix_web;
#[cfg(feature = "axum-08")]
pub mod axum;
#[cfg(feature = "warp-04")]
pub mod warp;
