//! An error the user sees: what went wrong, what to do next, and the exit code.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CliError {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl CliError {
    /// Bad input: exit 2.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            hint: None,
            code: crate::exit::USAGE,
        }
    }

    /// The cluster or gcloud could not be reached: exit 3.
    pub(crate) fn unreachable(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            hint: None,
            code: crate::exit::UNREACHABLE,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}
