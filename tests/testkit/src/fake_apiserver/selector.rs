//! The equality-based label selectors the fake understands: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
//! joined by commas. Set-based terms (`in`, `notin`) are refused with 400 rather than
//! guessed at, so a test relying on them fails loudly.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    Absent(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSelector(Vec<Term>);

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        text.split(',')
            .map(str::trim)
            .filter(|term| !term.is_empty())
            .map(parse_term)
            .collect::<Result<Vec<_>, _>>()
            .map(LabelSelector)
    }

    pub fn matches(&self, labels: BTreeMap<&str, &str>) -> bool {
        self.0.iter().all(|term| match term {
            Term::Equals(key, value) => labels.get(key.as_str()) == Some(&value.as_str()),
            Term::NotEquals(key, value) => labels.get(key.as_str()) != Some(&value.as_str()),
            Term::Exists(key) => labels.contains_key(key.as_str()),
            Term::Absent(key) => !labels.contains_key(key.as_str()),
        })
    }
}

fn parse_term(term: &str) -> Result<Term, String> {
    if term.contains(' ') || term.contains('(') {
        return Err(format!("unsupported label selector term `{term}`"));
    }
    let owned = |text: &str| text.trim().to_string();
    if let Some((key, value)) = term.split_once("!=") {
        return Ok(Term::NotEquals(owned(key), owned(value)));
    }
    if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
        return Ok(Term::Equals(owned(key), owned(value)));
    }
    match term.strip_prefix('!') {
        Some(key) => Ok(Term::Absent(owned(key))),
        None => Ok(Term::Exists(owned(term))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_terms_all_have_to_match() {
        let selector = LabelSelector::parse("app=web,tier!=db,team,!legacy").unwrap();
        let labels = |pairs: &[(&'static str, &'static str)]| pairs.iter().copied().collect();
        assert!(selector.matches(labels(&[("app", "web"), ("team", "a")])));
        assert!(!selector.matches(labels(&[("app", "web"), ("team", "a"), ("tier", "db")])));
        assert!(!selector.matches(labels(&[("app", "web")])));
        assert!(!selector.matches(labels(&[("app", "web"), ("team", "a"), ("legacy", "")])));
        assert!(LabelSelector::parse("app in (web)").is_err());
    }
}
