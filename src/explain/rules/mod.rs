//! The explain-pod rules, in report order. Each is one [`Rule`] value in a small file
//! with its ID, the fact it rests on (a section of docs/gke-sandbox.md), its evaluation
//! and its tests.

mod accelerators;
mod fs_group;
mod gvisor_caveats;
mod host_access;
mod istio;
mod no_new_privileges;
mod pid_namespace;
mod proc_mount;
mod resource_limits;
mod scheduling;
mod seccomp;
mod security_modules;
mod sysctls;
#[cfg(test)]
pub(crate) mod testing;
mod windows;

use super::{Context, Hit, Subject};

/// One explain-pod rule.
pub struct Rule {
    /// Stable ID, never reused: `EP001`.
    pub id: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// The fact the rule rests on and the section of docs/gke-sandbox.md that records it.
    pub fact: &'static str,
    pub evaluate: fn(&Subject, &Context) -> Vec<Hit>,
}

pub const ALL: &[Rule] = &[
    scheduling::RUNTIME_CLASS_SCHEDULING,
    fs_group::FS_GROUP,
    accelerators::ACCELERATORS,
    istio::ISTIO,
    host_access::HOST_PATH,
    host_access::HOST_NAMESPACES,
    host_access::PRIVILEGED,
    host_access::VOLUME_DEVICES,
    host_access::BIDIRECTIONAL_MOUNT_PROPAGATION,
    windows::WINDOWS_PODS,
    seccomp::SECCOMP,
    security_modules::APPARMOR,
    security_modules::SELINUX,
    no_new_privileges::NO_NEW_PRIVILEGES,
    sysctls::SYSCTLS,
    proc_mount::PROC_MOUNT,
    resource_limits::RESOURCE_LIMITS,
    pid_namespace::SHARED_PID_NAMESPACE,
    scheduling::DAEMONSET_TOLERATION,
    gvisor_caveats::NET_ADMIN,
    gvisor_caveats::IO_HEAVY,
];
