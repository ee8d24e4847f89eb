//! HTTP integration tests: each test starts the application on port 0
//! against a fresh database of the throwaway cluster `make test` starts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bulk;
mod cli;
mod duplicates;
mod faults;
mod helpers;
mod limits;
mod ratelimit;
mod records;
mod scale;
mod security;
mod service;
