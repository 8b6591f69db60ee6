//! The admission preflight's answer for people, shared by the explain-pod and migrate
//! tables: a word for a column, and the lines under an object (the server's words, its
//! warnings, what a limit means).

use super::{Palette, Tone};
use crate::dry_run::Admission;

/// `admitted`, `refused` or `not known`: the column word.
pub(super) fn word(admission: &Admission) -> &'static str {
    match admission {
        Admission::Admitted { .. } => "admitted",
        Admission::Refused { .. } => "refused",
        Admission::NotKnown { .. } => "not known",
    }
}

pub(super) fn paint(palette: Palette, admission: &Admission, text: &str) -> String {
    let tone = match admission {
        Admission::Admitted { .. } => Tone::Good,
        Admission::Refused { .. } => Tone::Bad,
        Admission::NotKnown { .. } => Tone::Caution,
    };
    palette.tone(tone, text)
}

/// `ADMISSION (server dry run): refused by ...: <the server's words>`, then one line per
/// warning, the findings it settled, or the hint of a limit.
pub(super) fn lines(admission: &Admission, palette: Palette) -> Vec<String> {
    let mut lines = vec![format!(
        "ADMISSION (server dry run): {}",
        paint(palette, admission, &admission.summary())
    )];
    match admission {
        Admission::Admitted { warnings, settles } => {
            lines.extend(warnings.iter().map(|w| format!("  warning: {w}")));
            if !settles.is_empty() {
                lines.push(format!(
                    "  settles {} for this cluster: its admission lets the sandboxed pod in",
                    settles.join(", ")
                ));
            }
        }
        Admission::NotKnown { hint, .. } => lines.push(format!("  {hint}")),
        Admission::Refused { .. } => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_one_line_with_the_servers_words() {
        let refused = Admission::from_refusal(
            "pods is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)",
            "shop",
        );
        assert_eq!(
            lines(&refused, Palette::default()),
            [
                "ADMISSION (server dry run): refused by Pod Security Admission: pods is forbidden: \
              violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)"
            ]
        );
        assert_eq!(word(&refused), "refused");
    }

    #[test]
    fn an_admission_lists_warnings_and_what_it_settled() {
        let admitted = Admission::Admitted {
            warnings: vec!["would violate PodSecurity \"restricted:latest\"".into()],
            settles: vec!["EP013"],
        };
        let text = lines(&admitted, Palette::default()).join("\n");
        assert!(
            text.contains("admitted, with 1 warning\n  warning: would violate"),
            "{text}"
        );
        assert!(text.contains("settles EP013 for this cluster"), "{text}");
    }

    #[test]
    fn a_limit_says_what_it_means() {
        let forbidden = Admission::from_refusal(
            "pods is forbidden: User \"a\" cannot create resource \"pods\" in API group \"\" in the namespace \"shop\"",
            "shop",
        );
        let text = lines(&forbidden, Palette::default()).join("\n");
        assert!(text.contains("not known (forbidden)"), "{text}");
        assert!(text.contains("`create pods` in namespace shop"), "{text}");
    }
}
