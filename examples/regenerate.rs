//! Rewrites the files generated from the CLI: `completions/` and `man/`.
//!
//!     cargo run --example regenerate
//!
//! Run it after changing a subcommand, flag or help text; `tests/it/distribution_generated.rs`
//! fails until it has been run.

use std::fs;
use std::path::Path;

use kubectl_sandbox::generated;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Start from empty directories so a page for a removed subcommand does not linger.
    for directory in generated::DIRECTORIES {
        let directory = root.join(directory);
        if directory.exists() {
            fs::remove_dir_all(&directory)?;
        }
        fs::create_dir_all(&directory)?;
    }
    for file in generated::files() {
        fs::write(root.join(&file.path), &file.contents)?;
        println!("wrote {}", file.path.display());
    }
    Ok(())
}
