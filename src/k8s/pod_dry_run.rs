//! The admission preflight's one request: create the sandboxed pod with `dryRun=All`. The
//! API server runs every admission step on it (RuntimeClass, Pod Security, policies,
//! webhooks, LimitRanges, quotas) and stores nothing. Sent through `Client::send` rather
//! than `Api::create`, because kube-rs drops the response headers, and the server's
//! `Warning` headers (Pod Security's "would violate ..." among them) are half the answer.

use k8s_openapi::api::core::v1::Pod;
use kube::Resource;
use kube::client::Body;
use kube::core::Request;
use kube::core::params::PostParams;

use super::{Connection, FIELD_MANAGER};
use crate::dry_run::Admission;

/// Creates `pod` (with its namespace set) as a dry run and reads the answer. Never fails:
/// what could not be asked is an [`Admission::NotKnown`].
pub(crate) async fn dry_run_pod(connection: &Connection, pod: &Pod) -> Admission {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let params = PostParams {
        dry_run: true,
        field_manager: Some(FIELD_MANAGER.to_string()),
    };
    let request = serde_json::to_vec(pod)
        .map_err(|e| e.to_string())
        .and_then(|body| {
            Request::new(Pod::url_path(&(), Some(namespace)))
                .create(&params, body)
                .map_err(|e| e.to_string())
        });
    let request = match request {
        Ok(request) => request,
        Err(why) => return Admission::no_answer(format!("the dry run could not be built: {why}")),
    };
    let response = match connection.client.send(request.map(Body::from)).await {
        Ok(response) => response,
        Err(e) => {
            return Admission::no_answer(format!(
                "the dry run of a pod in namespace {namespace} got no answer: {e}"
            ));
        }
    };
    let code = response.status().as_u16();
    let warnings = response
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(warning_text)
        .collect();
    let body = match response.into_body().collect_bytes().await {
        Ok(body) => body,
        Err(e) => {
            return Admission::no_answer(format!(
                "the answer to the dry run was cut short ({code}): {e}"
            ));
        }
    };
    answer(code, warnings, &body, namespace)
}

/// Reads the server's answer: its status code, `Warning` headers and body (a `Status` when
/// the pod was not created).
fn answer(code: u16, warnings: Vec<String>, body: &[u8], namespace: &str) -> Admission {
    if (200..300).contains(&code) {
        return Admission::Admitted {
            warnings,
            settles: Vec::new(),
        };
    }
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|status| status["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    match code {
        401 => Admission::no_answer(format!(
            "the API server rejected the credentials (401 Unauthorized): {message}"
        )),
        // A missing namespace, or an API server that serves no pods: nothing was judged.
        404 => Admission::no_answer(format!("404 Not Found: {message}")),
        429 => Admission::no_answer(format!("429 Too Many Requests: {message}")),
        400..=499 => Admission::from_refusal(&message, namespace),
        // A webhook that could not be called (failurePolicy Fail), or the server failing.
        _ => Admission::no_answer(format!("{code}: {message}")),
    }
}

/// The text of one `Warning` header: `299 - "would violate PodSecurity ..."` gives the
/// quoted part, unescaped (RFC 7234 quoted-string); any other form is kept whole.
fn warning_text(header: &str) -> String {
    let Some(start) = header.find('"') else {
        return header.trim().to_string();
    };
    let mut text = String::new();
    let mut chars = header[start + 1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.extend(chars.next()),
            '"' => return text,
            c => text.push(c),
        }
    }
    header.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dry_run::{Limit, Step};

    fn status(code: u16, message: &str) -> Vec<u8> {
        serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
            "message": message, "code": code})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn warnings_are_unquoted_and_unescaped() {
        assert_eq!(
            warning_text(
                r#"299 - "would violate PodSecurity \"restricted:latest\": runAsNonRoot != true""#
            ),
            r#"would violate PodSecurity "restricted:latest": runAsNonRoot != true"#
        );
        assert_eq!(warning_text("299 - plain words"), "299 - plain words");
        assert_eq!(
            warning_text(r#"299 - "unterminated"#),
            r#"299 - "unterminated"#
        );
    }

    #[test]
    fn a_created_pod_is_admitted_with_its_warnings() {
        let admitted = answer(201, vec!["careful".into()], b"{}", "shop");
        assert_eq!(
            admitted,
            Admission::Admitted {
                warnings: vec!["careful".into()],
                settles: Vec::new()
            }
        );
    }

    #[test]
    fn a_refusal_keeps_the_servers_message_and_names_the_step() {
        let message = "pods \"web-x\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)";
        assert_eq!(
            answer(403, Vec::new(), &status(403, message), "shop"),
            Admission::Refused {
                step: Step::PodSecurity,
                by: None,
                message: message.to_string()
            }
        );
    }

    #[test]
    fn failures_that_judge_nothing_are_not_refusals() {
        for (code, message) in [
            (401, "Unauthorized"),
            (404, "namespaces \"gone\" not found"),
            (429, "too many requests"),
            (
                500,
                "Internal error occurred: failed calling webhook \"w.example.com\": connection refused",
            ),
        ] {
            match answer(code, Vec::new(), &status(code, message), "shop") {
                Admission::NotKnown {
                    limit,
                    message: said,
                    ..
                } => {
                    assert_eq!(limit, Limit::NoAnswer, "{code}");
                    assert!(said.contains(message), "{code}: {said}");
                }
                other => panic!("{code}: {other:?}"),
            }
        }
        // A body that is not a Status (a proxy's page) is kept as the message.
        match answer(502, Vec::new(), b"Bad Gateway\n", "shop") {
            Admission::NotKnown { message, .. } => assert_eq!(message, "502: Bad Gateway"),
            other => panic!("{other:?}"),
        }
    }
}
