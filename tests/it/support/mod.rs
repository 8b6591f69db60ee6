//! Helpers shared by the distribution tests.

pub mod loopback_api;
