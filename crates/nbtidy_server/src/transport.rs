//! The stdio transport: `Content-Length` framing in, messages out.
//!
//! `lsp-server`'s own stdio transport stops reading at the first malformed message (and the
//! server with it). This one never does:
//! 1. a header line that is not `Name: value`, or a missing or unparsable `Content-Length`, is
//!    reported and the reader skips to the next blank line (the next header block);
//! 2. a body larger than [`MAX_MESSAGE`] is read and discarded in chunks, and reported;
//! 3. a body that is not UTF-8 JSON of a message is reported; when it carries an `id`, the client
//!    also gets an `InvalidRequest` (or `ParseError`) answer for it;
//! 4. end of input (the client is gone) ends the reader, and the server's loop after it.
//!
//! Reports are `Incoming::Malformed` values for the server loop, which logs them through
//! `window/logMessage`: this module never prints.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Message, RequestId};

/// The largest message read: a notebook opened as text can be large, but never larger than the
/// largest notebook nbtidy reads.
pub const MAX_MESSAGE: usize = 1 << 30;

/// What the reader hands to the server loop.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// Something that is not one: what was wrong, and the request id when one could be read.
    Malformed {
        /// For the log.
        problem: String,
        /// The request's id, when the body was JSON with an `id`.
        id: Option<RequestId>,
        /// `true` when the body was not JSON at all (answered `ParseError`).
        parse_error: bool,
    },
}

/// Starts the reader (stdin) and writer (stdout) threads.
///
/// # Errors
/// When a thread cannot be started.
pub fn stdio() -> io::Result<(Sender<Message>, Receiver<Incoming>, thread::JoinHandle<()>)> {
    let (to_writer, from_server) = unbounded::<Message>();
    let writer = thread::Builder::new()
        .name("nbtidy-lsp-writer".to_owned())
        .spawn(move || {
            let stdout = io::stdout();
            let mut stdout = io::BufWriter::with_capacity(1 << 16, stdout.lock());
            while let Ok(message) = from_server.recv() {
                // `Message::write` flushes after each message; a burst (one notification per
                // cell of a notebook) is written in one go instead: flushed when nothing more
                // is waiting. A client that went away: nothing more to write.
                let mut written = write_unflushed(&message, &mut stdout);
                while written.is_ok()
                    && let Ok(more) = from_server.try_recv()
                {
                    written = write_unflushed(&more, &mut stdout);
                }
                if written.is_err() || stdout.flush().is_err() {
                    break;
                }
            }
        })?;
    let (to_server, incoming) = unbounded::<Incoming>();
    thread::Builder::new()
        .name("nbtidy-lsp-reader".to_owned())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            read_messages(&mut stdin, &to_server);
        })?;
    Ok((to_writer, incoming, writer))
}

/// Writes one framed message without flushing (`lsp_server::Message::write` flushes).
fn write_unflushed(message: &Message, out: &mut impl Write) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct JsonRpc<'a> {
        jsonrpc: &'static str,
        #[serde(flatten)]
        msg: &'a Message,
    }
    let text = serde_json::to_string(&JsonRpc {
        jsonrpc: "2.0",
        msg: message,
    })?;
    write!(out, "Content-Length: {}\r\n\r\n", text.len())?;
    out.write_all(text.as_bytes())
}

/// Reads framed messages until end of input (or until the server stops listening).
pub fn read_messages(input: &mut impl BufRead, out: &Sender<Incoming>) {
    loop {
        let incoming = match read_one(input) {
            Ok(Some(incoming)) => incoming,
            Ok(None) | Err(_) => return,
        };
        let is_exit =
            matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
        if out.send(incoming).is_err() || is_exit {
            return;
        }
    }
}

/// One message, or `None` at end of input.
fn read_one(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut bad_header = None;
    let mut line = Vec::new();
    let mut seen_header = false;
    loop {
        line.clear();
        // Header lines are short; a "line" over 64 KiB is not a header.
        let read = input.by_ref().take(65_536).read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if seen_header {
                break;
            }
            // Blank lines between messages are tolerated.
            continue;
        }
        seen_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("Content-Length") => {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("invalid Content-Length `{}`", value.trim())),
                );
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header line `{text}`")),
        }
    }
    let malformed = |problem: String| {
        Ok(Some(Incoming::Malformed {
            problem,
            id: None,
            parse_error: false,
        }))
    };
    if let Some(problem) = bad_header {
        return malformed(format!("{problem}; message skipped"));
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(problem)) => return malformed(format!("{problem}; message skipped")),
        None => return malformed("a message without Content-Length; skipped".to_owned()),
    };
    if length > MAX_MESSAGE {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return malformed(format!(
            "a message of {length} bytes, over the limit of {MAX_MESSAGE}; skipped"
        ));
    }
    let mut body = Vec::new();
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(None);
    }
    Ok(Some(parse_body(&body)))
}

/// A message from its JSON body.
fn parse_body(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Message>(body) {
        Ok(message) => Incoming::Message(message),
        Err(err) => {
            let value = serde_json::from_slice::<serde_json::Value>(body).ok();
            let id = value
                .as_ref()
                .and_then(|v| v.get("id"))
                .and_then(|id| match id {
                    serde_json::Value::Number(n) => n
                        .as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .map(RequestId::from),
                    serde_json::Value::String(s) => Some(RequestId::from(s.clone())),
                    _ => None,
                });
            Incoming::Malformed {
                problem: format!("malformed message ({err}); skipped"),
                id,
                parse_error: value.is_none(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_input_is_reported_and_reading_goes_on() {
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = [
            "garbage without colon\r\n\r\n".to_owned(),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"error":5}"#),
            "Content-Length: nope\r\n\r\n".to_owned(),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            frame(exit),
        ]
        .concat();
        let (sender, receiver) = unbounded();
        read_messages(&mut io::Cursor::new(input.into_bytes()), &sender);
        drop(sender);
        let got: Vec<Incoming> = receiver.into_iter().collect();
        assert_eq!(got.len(), 6, "{got:?}");
        assert!(matches!(&got[0], Incoming::Malformed { id: None, .. }));
        assert!(matches!(
            &got[1],
            Incoming::Malformed {
                parse_error: true,
                ..
            }
        ));
        assert!(
            matches!(&got[2], Incoming::Malformed { id: Some(id), parse_error: false, .. } if *id == RequestId::from(7))
        );
        assert!(matches!(&got[3], Incoming::Malformed { .. }));
        assert!(
            matches!(&got[4], Incoming::Message(Message::Notification(n)) if n.method == "initialized")
        );
        assert!(
            matches!(&got[5], Incoming::Message(Message::Notification(n)) if n.method == "exit")
        );
    }

    #[test]
    fn a_truncated_message_ends_the_input() {
        let (sender, receiver) = unbounded();
        read_messages(
            &mut io::Cursor::new(b"Content-Length: 100\r\n\r\n{}".to_vec()),
            &sender,
        );
        drop(sender);
        assert_eq!(receiver.into_iter().count(), 0);
    }
}
