//! `kubectl_complete-sandbox`: kubectl (>= 1.26) runs it for `kubectl sandbox <TAB>` with the
//! words typed after `sandbox`; it prints one candidate per line, then `:DIRECTIVE`.

fn main() {
    kubectl_sandbox::end_quietly_on_closed_pipe();
    kubectl_sandbox::complete_plugin::main();
}
