//! Command-line parsing and wiring: the only code that knows about both IO and the core.

pub mod kube_args;

pub fn main() -> u8 {
    crate::exit::OK
}
