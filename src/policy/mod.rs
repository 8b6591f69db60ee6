//! `kubectl sandbox policy`: a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1)
//! and its binding that refuse pods without `runtimeClassName: gvisor` in namespaces
//! marked untrusted, so the cluster refuses what check would find after the fact. Sans-IO:
//! values in, k8s-openapi objects out; `crate::cli::policy` prints or applies them.

mod build;
pub mod cel;
pub mod render;
mod version;

pub use build::{
    Action, DEFAULT_UNTRUSTED_SELECTOR, FIELD_MANAGER, POLICY_NAME, PolicyOptions, PolicySet, build,
};
pub use version::{MINIMUM_MINOR, supports_policies};
