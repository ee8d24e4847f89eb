//! Faults and operations against real PostgreSQL and the real binary: a
//! database session killed in the middle of a merge, a database that stops and
//! comes back, `statement_timeout`, work cancelled in the middle of a
//! transaction, tokens kept out of the logs and the tables, and graceful
//! shutdown on SIGTERM and SIGINT.
//!
//! Every wait is bounded. The throwaway cluster and the child processes are
//! stopped by guards, also when an assertion fails.

mod cancel;
mod database;
mod freeze;
mod process;
mod proxy;
mod saturation;
mod secrets;
mod shutdown;
mod support;
