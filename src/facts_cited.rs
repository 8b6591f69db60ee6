//! Every rule's `fact` names a section of docs/gke-sandbox.md that exists, and nothing the
//! tool prints cites a file outside the repository (the facts ship with the tool).

use std::collections::BTreeSet;

const FACTS_DOC: &str = include_str!("../docs/gke-sandbox.md");
const CITATION: &str = "docs/gke-sandbox.md#";

/// The anchors GitHub gives the document's headings: lower case, spaces to `-`, other
/// punctuation dropped.
fn anchors() -> BTreeSet<String> {
    FACTS_DOC
        .lines()
        .filter_map(|line| line.strip_prefix('#'))
        .map(|heading| {
            heading
                .trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The anchors a fact cites; `Err` when it cites the document some other way.
fn cited(fact: &str) -> Result<Vec<&str>, String> {
    if fact.matches("gke-sandbox.md").count() != fact.matches(CITATION).count() {
        return Err(format!("cites gke-sandbox.md without {CITATION}: {fact}"));
    }
    Ok(fact
        .split(CITATION)
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect())
}

fn every_fact() -> Vec<(&'static str, &'static str)> {
    let explain = crate::explain::rules::ALL.iter().map(|r| (r.id, r.fact));
    let universal = crate::explain::UNIVERSAL_CAVEATS
        .iter()
        .map(|c| (c.id, c.fact));
    let check = crate::check::rules::ALL.iter().map(|r| (r.id, r.fact));
    explain.chain(universal).chain(check).collect()
}

#[test]
fn every_fact_names_a_section_that_exists() {
    let anchors = anchors();
    for (id, fact) in every_fact() {
        let sections = cited(fact).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(!sections.is_empty(), "{id} names no section: {fact}");
        for section in sections {
            assert!(
                anchors.contains(section),
                "{id} cites #{section}, which docs/gke-sandbox.md does not have"
            );
        }
    }
}

#[test]
fn no_fact_cites_a_file_outside_the_repository() {
    for (id, fact) in every_fact() {
        assert!(
            !fact.contains("shared/") && !fact.contains("../"),
            "{id}: {fact}"
        );
    }
}

#[test]
fn the_anchors_follow_the_headings() {
    let anchors = anchors();
    for expected in ["seccomp", "io-heavy-workloads", "cpu-and-memory-limits"] {
        assert!(anchors.contains(expected), "{expected}: {anchors:?}");
    }
    assert_eq!(
        cited("x (docs/gke-sandbox.md#a-b) and docs/gke-sandbox.md#c."),
        Ok(vec!["a-b", "c"])
    );
    assert!(cited("x (gke-sandbox.md, In the cluster)").is_err());
}
