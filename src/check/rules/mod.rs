//! The audit rules, in report order.

use super::Rule;

pub const ALL: &[Rule] = &[];
