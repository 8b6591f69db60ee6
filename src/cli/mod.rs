//! Command-line parsing and wiring: the only code that knows about both IO and the core.

pub fn main() -> u8 {
    crate::exit::OK
}
