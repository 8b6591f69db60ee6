//! Loopback test servers for kubectl-sandbox's integration tests and benchmarks.

pub mod fake_apiserver;
pub mod gke_mock;
