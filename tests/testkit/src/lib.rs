//! Loopback test servers for kubectl-sandbox's integration tests and benchmarks, and a way
//! to see which test processes are still alive.

pub mod fake_apiserver;
pub mod gke_mock;
pub mod processes;
pub mod rbac;
