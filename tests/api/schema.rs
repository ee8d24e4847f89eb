//! Custom objects and fields over HTTP: the rules of every schema route, one
//! transaction per change (tables and catalog together, no table rewrite for
//! a nullable or constant-default field), and every route working on what an
//! admin added.

mod every_route;
mod instances;
mod matching;
mod rules;
