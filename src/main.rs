use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(kubectl_sandbox::cli::main())
}
