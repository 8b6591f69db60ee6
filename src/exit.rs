//! The process exit codes, documented in the README ("Exit codes").

/// Nothing at or above the `--fail-on` threshold.
pub const OK: u8 = 0;
/// Findings at or above the threshold (check), or a blocked workload (explain-pod).
pub const FINDINGS: u8 = 1;
/// Usage error or invalid input (bad flag, unreadable snapshot or manifest).
pub const USAGE: u8 = 2;
/// The cluster or gcloud could not be reached when it was required.
pub const UNREACHABLE: u8 = 3;
/// A part the user did not opt out of could not be read (forbidden, gcloud failed…);
/// `--allow-skip` accepts that and leaves what the findings alone say.
pub const INCOMPLETE: u8 = 4;
