use std::path::Path;
use std::process::ExitCode;

// See Cargo.toml: measured to halve explain-pod -f on large manifests.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The name kubectl's plugin completion runs; a link of that name to this binary (as a krew
/// install can make) completes instead of running a command.
const COMPLETION_EXECUTABLE: &str = "kubectl_complete-sandbox";

fn main() -> ExitCode {
    kubectl_sandbox::end_quietly_on_closed_pipe();
    let invoked_as = std::env::args_os().next().unwrap_or_default();
    if Path::new(&invoked_as).file_stem() == Some(COMPLETION_EXECUTABLE.as_ref()) {
        kubectl_sandbox::complete_plugin::main();
        return ExitCode::SUCCESS;
    }
    ExitCode::from(kubectl_sandbox::main())
}
