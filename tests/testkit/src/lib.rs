//! Loopback test servers for kubectl-sandbox's integration tests and benchmarks, a way to
//! see which test processes are still alive, and a synthetic cluster of any size (with a
//! YAML writer for its manifests) for the benchmark in `bench/`.

pub mod envtest;
pub mod fake_apiserver;
pub mod gke_mock;
pub mod processes;
pub mod rbac;
pub mod synthetic;
pub mod yaml;
