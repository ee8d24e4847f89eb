//! records tests.

use crate::helpers::*;
use serde_json::json;
