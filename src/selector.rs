//! Kubernetes label selectors (`-l`, `--untrusted-selector`), parsed and matched locally:
//! `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, joined by commas.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSelector {
    text: String,
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

impl LabelSelector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::NotExists(k) => !labels.contains_key(k),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
        })
    }

    /// The selector as the user wrote it, for the API's `labelSelector` and for evidence.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl LabelSelector {
    /// The selector as a `metav1.LabelSelector`: equalities become `matchLabels`, the rest
    /// `matchExpressions` (`k!=v` is `NotIn [v]`, which also matches an absent key).
    pub fn to_k8s(&self) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;
        let expression = |key: &str, operator: &str, values: &[String]| LabelSelectorRequirement {
            key: key.to_string(),
            operator: operator.to_string(),
            values: (!values.is_empty()).then(|| values.to_vec()),
        };
        let mut labels = BTreeMap::new();
        let mut expressions = Vec::new();
        for requirement in &self.requirements {
            match requirement {
                Requirement::Equals(k, v) => {
                    labels.insert(k.clone(), v.clone());
                }
                Requirement::NotEquals(k, v) => {
                    expressions.push(expression(k, "NotIn", std::slice::from_ref(v)))
                }
                Requirement::Exists(k) => expressions.push(expression(k, "Exists", &[])),
                Requirement::NotExists(k) => expressions.push(expression(k, "DoesNotExist", &[])),
                Requirement::In(k, vs) => expressions.push(expression(k, "In", vs)),
                Requirement::NotIn(k, vs) => expressions.push(expression(k, "NotIn", vs)),
            }
        }
        k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
            match_labels: (!labels.is_empty()).then_some(labels),
            match_expressions: (!expressions.is_empty()).then_some(expressions),
        }
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for LabelSelector {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let requirements = split_terms(text)?
            .into_iter()
            .map(|term| parse_term(&term))
            .collect::<Result<Vec<_>, _>>()?;
        if requirements.is_empty() {
            return Err("an empty label selector matches everything; give at least one term like team=tenants".into());
        }
        Ok(LabelSelector {
            text: text.trim().to_string(),
            requirements,
        })
    }
}

/// Splits on commas that are not inside `( … )`.
fn split_terms(text: &str) -> Result<Vec<String>, String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("unbalanced `)` in selector `{text}`"))?;
                current.push(c);
            }
            ',' if depth == 0 => terms.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced `(` in selector `{text}`"));
    }
    terms.push(current);
    Ok(terms
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect())
}

fn parse_term(term: &str) -> Result<Requirement, String> {
    let bad = |why: &str| format!("invalid label selector term `{term}`: {why}");
    if let Some(key) = term.strip_prefix('!') {
        return Ok(Requirement::NotExists(
            check_key(key.trim()).map_err(|e| bad(&e))?,
        ));
    }
    if let Some((key, value)) = term.split_once("!=") {
        return Ok(Requirement::NotEquals(
            check_key(key.trim()).map_err(|e| bad(&e))?,
            value.trim().to_string(),
        ));
    }
    if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
        return Ok(Requirement::Equals(
            check_key(key.trim()).map_err(|e| bad(&e))?,
            value.trim().to_string(),
        ));
    }
    let words: Vec<&str> = term.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let key = check_key(words[0]).map_err(|e| bad(&e))?;
        let rest = words[1].trim();
        let (negated, list) = if let Some(list) = rest.strip_prefix("notin") {
            (true, list)
        } else if let Some(list) = rest.strip_prefix("in") {
            (false, list)
        } else {
            return Err(bad("expected `in (...)` or `notin (...)`"));
        };
        let list = list
            .trim()
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(|| bad("the value list must be in parentheses"))?;
        let values = list.split(',').map(|v| v.trim().to_string()).collect();
        return Ok(if negated {
            Requirement::NotIn(key, values)
        } else {
            Requirement::In(key, values)
        });
    }
    Ok(Requirement::Exists(check_key(term).map_err(|e| bad(&e))?))
}

fn check_key(key: &str) -> Result<String, String> {
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(key.to_string())
    } else {
        Err(format!("`{key}` is not a label key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn sel(s: &str) -> LabelSelector {
        s.parse().unwrap()
    }

    #[test]
    fn equality_and_inequality() {
        let l = labels(&[("trust", "untrusted"), ("team", "a")]);
        assert!(sel("trust=untrusted").matches(&l));
        assert!(sel("trust==untrusted,team=a").matches(&l));
        assert!(!sel("trust=trusted").matches(&l));
        assert!(sel("team!=b").matches(&l));
        assert!(!sel("team!=a").matches(&l));
        assert!(
            sel("missing!=x").matches(&l),
            "!= matches an absent key, as in Kubernetes"
        );
    }

    #[test]
    fn existence() {
        let l = labels(&[("untrusted", "")]);
        assert!(sel("untrusted").matches(&l));
        assert!(!sel("!untrusted").matches(&l));
        assert!(sel("!other").matches(&l));
    }

    #[test]
    fn set_based() {
        let l = labels(&[("tier", "tenant")]);
        assert!(sel("tier in (tenant, sandbox)").matches(&l));
        assert!(!sel("tier notin (tenant,sandbox)").matches(&l));
        assert!(sel("tier in (tenant),other notin (x)").matches(&l));
        assert!(!sel("absent in (a)").matches(&l));
    }

    #[test]
    fn converts_to_a_kubernetes_label_selector() {
        let k8s = sel("a=1,b!=2,c,!d,e in (x,y),f notin (z)").to_k8s();
        assert_eq!(k8s.match_labels.unwrap(), labels(&[("a", "1")]));
        let expressions: Vec<(String, String, Vec<String>)> = k8s
            .match_expressions
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.operator, e.values.unwrap_or_default()))
            .collect();
        let expected = [
            ("b", "NotIn", vec!["2"]),
            ("c", "Exists", vec![]),
            ("d", "DoesNotExist", vec![]),
            ("e", "In", vec!["x", "y"]),
            ("f", "NotIn", vec!["z"]),
        ];
        assert_eq!(expressions.len(), expected.len());
        for (got, (k, op, vs)) in expressions.iter().zip(expected) {
            assert_eq!((got.0.as_str(), got.1.as_str()), (k, op));
            assert_eq!(got.2, vs);
        }
    }

    #[test]
    fn rejects_malformed_selectors() {
        for bad in ["", " , ", "a in b", "tier in (a", "bad key=1", "a)"] {
            assert!(bad.parse::<LabelSelector>().is_err(), "{bad}");
        }
    }
}
