//! HTTP integration tests: each test starts the application on port 0
//! against a fresh database of the throwaway cluster `make test` starts (or,
//! under a plain `cargo test`, one the test binary starts for itself).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod auto_merge;
mod balancer;
mod batch;
mod bulk;
mod cli;
mod dismissals;
mod duplicates;
mod export_pairs;
mod faults;
mod fuzzy;
mod fuzzy_import;
mod fuzzy_match;
mod helpers;
mod import;
mod key_digests;
mod key_groups;
mod key_index;
mod key_refresh;
mod limits;
mod merges;
mod metrics;
mod migrations;
mod openapi_org;
mod pgbouncer;
mod pooler;
mod provision;
mod ratelimit;
mod records;
mod redis_limits;
mod replica;
mod scale;
mod schema;
mod security;
mod select;
mod service;
mod unmerge;
