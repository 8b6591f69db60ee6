//! The process exit codes, documented in the README ("Exit codes").

/// Nothing at or above the `--fail-on` threshold, and everything read.
pub(crate) const OK: u8 = 0;
/// Findings at or above the threshold (check), or a blocked workload (explain-pod).
pub(crate) const FINDINGS: u8 = 1;
/// Usage error or invalid input (bad flag, unreadable snapshot or manifest).
pub(crate) const USAGE: u8 = 2;
/// The cluster or gcloud could not be reached when it was required.
pub(crate) const UNREACHABLE: u8 = 3;
/// Incomplete: a part nobody opted out of could not be read (forbidden, gcloud missing,
/// not logged in or failed). The findings are still printed; `--allow-skip` accepts it.
pub(crate) const INCOMPLETE: u8 = 4;

/// The exit code of a run that produced a report: from whether something is at or above
/// the threshold, and whether a part could not be read.
///
/// A finding wins over incompleteness: it is a fact whatever else could not be read (a
/// part read later can add findings, never remove one), and the gate fails either way.
/// `--allow-skip` (`allow_skip`) accepts an incomplete run: the findings alone decide.
pub(crate) fn decide(findings: bool, incomplete: bool, allow_skip: bool) -> u8 {
    if findings {
        FINDINGS
    } else if incomplete && !allow_skip {
        INCOMPLETE
    } else {
        OK
    }
}

/// Makes a closed stdout end the process as it ends grep or kubectl: killed by SIGPIPE
/// (a shell reports 141), quietly. Rust ignores SIGPIPE, so every write to a closed pipe
/// would fail with EPIPE and `print!` would panic (exit 101); restoring the default at
/// startup fixes every writer at once. Sockets are unaffected: Rust sends with
/// MSG_NOSIGNAL.
pub fn end_quietly_on_closed_pipe() {
    // SAFETY: resets one signal's disposition to its default before any thread starts;
    // touches no memory of this process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_win_then_incompleteness_unless_allowed() {
        assert_eq!(decide(false, false, false), OK);
        assert_eq!(decide(true, false, false), FINDINGS);
        assert_eq!(decide(true, true, false), FINDINGS);
        assert_eq!(decide(false, true, false), INCOMPLETE);
        assert_eq!(decide(false, true, true), OK);
        assert_eq!(decide(true, true, true), FINDINGS);
    }
}
