//! Colour used for meaning, and only where a person is looking: never with `NO_COLOR`, a
//! dumb terminal, or when stdout is not a terminal.

use std::io::IsTerminal;

use owo_colors::OwoColorize;

use crate::check::Status;

/// What a piece of text means, and so its colour, in every table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Good,
    Caution,
    Bad,
    Note,
    Quiet,
}

/// Plain by default: colour has to be asked for, by [`Palette::for_stdout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Palette {
    pub enabled: bool,
}

impl Palette {
    #[cfg(test)]
    pub(crate) const PLAIN: Palette = Palette { enabled: false };

    /// Colour when stdout is a terminal, `NO_COLOR` is unset or empty (no-color.org) and
    /// `TERM` is not `dumb`.
    pub(crate) fn for_stdout() -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Palette {
            enabled: !no_color && !dumb && std::io::stdout().is_terminal(),
        }
    }

    pub(crate) fn status(self, status: Status, text: &str) -> String {
        let tone = match status {
            Status::Pass => Tone::Good,
            Status::Fail => Tone::Bad,
            Status::Warn => Tone::Caution,
            Status::Info => Tone::Note,
            Status::Skip => Tone::Quiet,
        };
        self.tone(tone, text)
    }

    pub(crate) fn tone(self, tone: Tone, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        match tone {
            Tone::Good => text.green().to_string(),
            Tone::Bad => text.red().bold().to_string(),
            Tone::Caution => text.yellow().to_string(),
            Tone::Note => text.blue().to_string(),
            Tone::Quiet => text.dimmed().to_string(),
        }
    }

    pub(crate) fn heading(self, text: &str) -> String {
        if self.enabled {
            text.bold().to_string()
        } else {
            text.to_string()
        }
    }

    pub(crate) fn dim(self, text: &str) -> String {
        if self.enabled {
            text.dimmed().to_string()
        } else {
            text.to_string()
        }
    }
}
