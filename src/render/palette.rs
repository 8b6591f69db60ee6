//! Colour used for meaning, and only where a person is looking: never with `NO_COLOR`, a
//! dumb terminal, or when stdout is not a terminal.

use std::io::IsTerminal;

use owo_colors::OwoColorize;

use crate::check::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    pub const PLAIN: Palette = Palette { enabled: false };

    /// Colour when stdout is a terminal, `NO_COLOR` is unset or empty (no-color.org) and
    /// `TERM` is not `dumb`.
    pub fn for_stdout() -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Palette {
            enabled: !no_color && !dumb && std::io::stdout().is_terminal(),
        }
    }

    pub fn status(self, status: Status, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        match status {
            Status::Pass => text.green().to_string(),
            Status::Fail => text.red().bold().to_string(),
            Status::Warn => text.yellow().to_string(),
            Status::Info => text.blue().to_string(),
            Status::Skip => text.dimmed().to_string(),
        }
    }

    pub fn heading(self, text: &str) -> String {
        if self.enabled {
            text.bold().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn dim(self, text: &str) -> String {
        if self.enabled {
            text.dimmed().to_string()
        } else {
            text.to_string()
        }
    }
}
