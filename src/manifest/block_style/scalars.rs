//! Scalars on one line: how a plain scalar is typed, and quoted scalars unescaped.

use serde_json::{Number, Value};

/// The type of a plain scalar, as serde-saphyr resolves it in `deserialize_any`, for the
/// spellings whose type is beyond doubt; `None` for the rest (the full reader decides).
///
/// serde-saphyr (de/deserializer.rs, parse_scalars.rs): `~`, `null`, `Null`, `NULL` are
/// null; YAML 1.1 booleans (any case of y/yes/on/true, n/no/off/false) are booleans;
/// then integers (decimal without leading zeros, `0x`, `0o`, `0b`), then floats, whose
/// spellings all start with a digit, a sign or a dot; anything else is a string.
pub(super) fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = *text.as_bytes().first()?;
    if first.is_ascii_alphabetic() || first == b'/' {
        let boolean_like = ["y", "yes", "on", "true", "n", "no", "off", "false"]
            .iter()
            .any(|word| text.eq_ignore_ascii_case(word));
        return (!boolean_like).then(|| Value::String(text.to_string()));
    }
    if let Some(digits) = text.strip_prefix('-') {
        return decimal(digits)
            .and_then(|n| i64::try_from(n).ok())
            .map(|n| Value::Number(Number::from(-n)));
    }
    if first.is_ascii_digit() {
        if let Some(n) = decimal(text) {
            return Some(Value::Number(Number::from(n)));
        }
        // `500m`, `128Mi`, `30s`: a letter no number spelling uses makes it text.
        let never_numeric = |b: &u8| b.is_ascii_alphabetic() && !b"aAbBcCdDeEfFoOxX".contains(b);
        if text.bytes().any(|b| never_numeric(&b)) && !text.contains([':', '_']) {
            return Some(Value::String(text.to_string()));
        }
    }
    None
}

/// A map key as the full reader keeps it (`ScalarKey` in `located.rs`): text as it is,
/// null as the empty string, anything else as JSON prints it.
pub(super) fn key_text(key: Value) -> String {
    match key {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A decimal integer without a leading zero that fits an i64 either way.
pub(in crate::manifest) fn decimal(digits: &str) -> Option<u64> {
    let well_formed = !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    well_formed.then(|| digits.parse().ok()).flatten()
}

/// A quoted scalar that ends on its own line: its text and what follows the closing quote.
pub(in crate::manifest) fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    if quote == b'\'' {
        let mut value = String::new();
        let mut rest = body;
        loop {
            let end = rest.find('\'')?;
            value.push_str(&rest[..end]);
            rest = &rest[end + 1..];
            match rest.strip_prefix('\'') {
                Some(after) => {
                    value.push('\'');
                    rest = after;
                }
                None => return Some((value, rest)),
            }
        }
    }
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' => {
                let (_, escape) = chars.next()?;
                let decoded = match escape {
                    '"' | '\\' | '/' => escape,
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String = (0..4)
                            .map(|_| chars.next().map(|(_, h)| h).filter(char::is_ascii_hexdigit))
                            .collect::<Option<_>>()?;
                        // Surrogates (JSON's way to write emoji) are left to the full reader.
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    _ => return None,
                };
                value.push(decoded);
            }
            _ => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_as_the_full_reader_does_or_not_at_all() {
        let cases = [
            ("a", Some(Value::from("a"))),
            ("/healthz", Some(Value::from("/healthz"))),
            ("500m", Some(Value::from("500m"))),
            ("80", Some(Value::from(80))),
            ("-3", Some(Value::from(-3))),
            ("null", Some(Value::Null)),
            ("True", Some(Value::Bool(true))),
            ("yes", None),
            ("Off", None),
            ("0755", None),
            ("1.5", None),
            ("1e3", None),
            ("0x1F", None),
            ("1_000", None),
            (".inf", None),
            ("12:30", None),
            ("99999999999999999999", None),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve_plain(text), expected, "{text}");
        }
    }

    #[test]
    fn quoted_scalars_unescape() {
        assert_eq!(
            quoted(r#""a\"b\\c\u00e9" # x"#).unwrap(),
            ("a\"b\\cé".into(), " # x")
        );
        assert_eq!(quoted("'it''s'").unwrap(), ("it's".into(), ""));
        assert_eq!(
            quoted("\"open"),
            None,
            "multi-line quoted scalars are not read here"
        );
        assert_eq!(
            quoted(r#""\x41""#),
            None,
            "rare escapes go to the full reader"
        );
    }
}
