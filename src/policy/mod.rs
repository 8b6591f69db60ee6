//! `kubectl sandbox policy`: a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1)
//! and its binding that refuse pods without `runtimeClassName: gvisor` in namespaces
//! marked untrusted, so the cluster refuses what check would find after the fact. Sans-IO:
//! values in, k8s-openapi objects out; `crate::cli::policy` prints or applies them.

mod build;
pub(crate) mod cel;
pub(crate) mod render;
mod version;

pub use build::{Action, DEFAULT_UNTRUSTED_SELECTOR, POLICY_NAME, PolicyOptions, build};
pub(crate) use build::{FIELD_MANAGER, PolicySet};
pub(crate) use version::supports_policies;
