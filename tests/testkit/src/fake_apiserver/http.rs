//! Just enough HTTP/1.1 for the fake API server, on a plain `TcpListener`.
//!
//! Not tiny_http: a cut-short body needs the server to send fewer bytes than its
//! `Content-Length` and then close the socket, and tiny_http keeps every connection open
//! for the next request, so the client would wait for the missing bytes instead of seeing
//! the cut. Here every connection carries one request and is closed after the answer.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// Longest a connection may take to send its request before the server gives up on it.
const READ_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Refuse request heads and bodies larger than this: the fake only ever gets small ones.
const MAX_REQUEST_BYTES: u64 = 16 * 1024 * 1024;

/// One request as the server received it; the fake keeps every one for the test to inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query, percent-decoded.
    pub path: String,
    /// Query parameters, percent-decoded; a repeated key keeps its last value.
    pub query: BTreeMap<String, String>,
    /// Header names lower-cased.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// What to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// When set, announce the whole body in `Content-Length` but send only this many bytes.
    pub cut_after: Option<usize>,
    /// Extra headers, e.g. the `Warning` headers admission adds.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            cut_after: None,
            headers: Vec::new(),
        }
    }
}

pub fn read_request(stream: &TcpStream) -> std::io::Result<RecordedRequest> {
    stream.set_read_timeout(Some(READ_REQUEST_TIMEOUT))?;
    let mut reader = BufReader::new(stream.take(MAX_REQUEST_BYTES));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(invalid("malformed request line"));
    };
    let method = method.to_string();
    let (path, query) = split_target(target);

    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Err(invalid("connection closed inside the headers"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }

    let length: usize = headers
        .get("content-length")
        .map(|value| value.parse().map_err(|_| invalid("bad Content-Length")))
        .transpose()?
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8(body).map_err(|_| invalid("body is not UTF-8"))?;
    Ok(RecordedRequest {
        method,
        path,
        query,
        headers,
        body,
    })
}

/// Writes the reply and closes the connection, so a cut-short body ends the response.
pub fn write_reply(mut stream: TcpStream, reply: &Reply) -> std::io::Result<()> {
    let extra: String = reply
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        reply.status,
        reason_phrase(reply.status),
        reply.body.len()
    );
    let body = reply.body.as_bytes();
    let sent = reply
        .cut_after
        .map_or(body, |cut| &body[..cut.min(body.len())]);
    stream.write_all(head.as_bytes())?;
    stream.write_all(sent)?;
    stream.flush()?;
    stream.shutdown(Shutdown::Both)
}

fn split_target(target: &str) -> (String, BTreeMap<String, String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();
    (percent_decode(path), query)
}

/// Decodes `%XX` escapes and `+` (a space in query strings; kube never sends it in paths).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some((hex_value(*bytes.get(i + 1)?)? << 4) | hex_value(*bytes.get(i + 2)?)?))
            .flatten();
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, other) => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|value| value as u8)
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_string())
}
