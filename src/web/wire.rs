//! Request lines as clients really send them. A query with raw UTF-8
//! (`GET /api/v1/cases?q=소음`, as curl sends it) is refused by the HTTP/1
//! parser below the application with an empty 400; here such bytes are
//! percent-encoded on the way in, so the request reaches the application and
//! is answered like any other, problems as problem+json. Only request lines
//! change: headers and bodies pass through untouched, byte for byte.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_codec::{AsyncRead, AsyncWrite, ReadBuf};

/// Longest header line followed; a longer one ends the rewriting for the
/// connection (the parser refuses such a request anyway).
const MAX_LINE: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before or inside a request line.
    RequestLine { seen: bool },
    /// Inside the header block.
    Headers,
    /// So many body bytes to pass through before the next request line.
    Body(u64),
    /// Passing everything through (chunked bodies, upgrades, oddities).
    Through,
}

/// The rewriting state of one connection's incoming bytes.
#[derive(Debug)]
pub struct RequestLines {
    state: State,
    line: Vec<u8>,
    length: u64,
    opaque: bool,
}

impl Default for RequestLines {
    fn default() -> Self {
        RequestLines {
            state: State::RequestLine { seen: false },
            line: Vec::new(),
            length: 0,
            opaque: false,
        }
    }
}

impl RequestLines {
    /// Appends to `out` what the parser should see of `input`.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !input.is_empty() {
            match self.state {
                State::Through => {
                    out.extend_from_slice(input);
                    return;
                }
                State::Body(left) => {
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(input.len());
                    out.extend_from_slice(&input[..n]);
                    input = &input[n..];
                    let left = left - n as u64;
                    self.state = if left == 0 {
                        State::RequestLine { seen: false }
                    } else {
                        State::Body(left)
                    };
                }
                State::RequestLine { seen } => {
                    let b = input[0];
                    input = &input[1..];
                    if b >= 0x80 {
                        out.extend_from_slice(format!("%{b:02X}").as_bytes());
                    } else {
                        out.push(b);
                    }
                    self.state = match b {
                        // Empty lines between requests are allowed before a request line.
                        b'\n' if seen => State::Headers,
                        b'\r' | b'\n' => State::RequestLine { seen },
                        _ => State::RequestLine { seen: true },
                    };
                    if self.state == State::Headers {
                        self.line.clear();
                        self.length = 0;
                        self.opaque = false;
                    }
                }
                State::Headers => {
                    let end = input.iter().position(|&b| b == b'\n');
                    let take = end.map_or(input.len(), |i| i + 1);
                    out.extend_from_slice(&input[..take]);
                    self.line.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    if self.line.len() > MAX_LINE {
                        self.state = State::Through;
                    } else if end.is_some() {
                        self.header_line();
                    }
                }
            }
        }
    }

    /// A complete header line is in `self.line`.
    fn header_line(&mut self) {
        let line = String::from_utf8_lossy(&self.line).trim().to_ascii_lowercase();
        self.line.clear();
        if line.is_empty() {
            self.state = match (self.opaque, self.length) {
                (true, _) => State::Through,
                (false, 0) => State::RequestLine { seen: false },
                (false, n) => State::Body(n),
            };
            return;
        }
        let Some((name, value)) = line.split_once(':') else {
            return;
        };
        match name.trim() {
            "content-length" => match value.trim().parse::<u64>() {
                Ok(n) => self.length = n,
                Err(_) => self.opaque = true,
            },
            "transfer-encoding" | "upgrade" => self.opaque = true,
            _ => {}
        }
    }
}

/// A connection whose incoming request lines are rewritten by [`RequestLines`].
#[derive(Debug)]
pub struct Rewriting<T> {
    io: T,
    lines: RequestLines,
    pending: Vec<u8>,
    at: usize,
    raw: Box<[u8]>,
}

impl<T> Rewriting<T> {
    /// Wraps a connection.
    pub fn new(io: T) -> Self {
        Rewriting {
            io,
            lines: RequestLines::default(),
            pending: Vec::new(),
            at: 0,
            raw: vec![0; 8 * 1024].into_boxed_slice(),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Rewriting<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.at < this.pending.len() {
                let n = buf.remaining().min(this.pending.len() - this.at);
                buf.put_slice(&this.pending[this.at..this.at + n]);
                this.at += n;
                if this.at == this.pending.len() {
                    this.pending.clear();
                    this.at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            let mut raw = ReadBuf::new(&mut this.raw);
            ready!(Pin::new(&mut this.io).poll_read(cx, &mut raw))?;
            if raw.filled().is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.lines.feed(raw.filled(), &mut this.pending);
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Rewriting<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::RequestLines;

    fn through(chunks: &[&[u8]]) -> Vec<u8> {
        let mut lines = RequestLines::default();
        let mut out = Vec::new();
        for c in chunks {
            lines.feed(c, &mut out);
        }
        out
    }

    #[test]
    fn raw_utf8_in_a_request_line_is_percent_encoded() {
        let req = "GET /api/v1/cases?q=소음 HTTP/1.1\r\nHost: x\r\n\r\n".as_bytes();
        assert_eq!(
            through(&[req]),
            b"GET /api/v1/cases?q=%EC%86%8C%EC%9D%8C HTTP/1.1\r\nHost: x\r\n\r\n"
        );
    }

    #[test]
    fn headers_and_bodies_pass_untouched_and_the_next_request_is_rewritten() {
        let body = "{\"title\": \"소음\"}";
        let first = format!(
            "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nX-Name: 김\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let second = "GET /track/1?lang=한 HTTP/1.1\r\n\r\n";
        let all = format!("{first}{second}");
        // Fed in every split, the result is the same.
        let want = format!("{first}GET /track/1?lang=%ED%95%9C HTTP/1.1\r\n\r\n").into_bytes();
        for cut in 0..all.len() {
            let (a, b) = all.as_bytes().split_at(cut);
            assert_eq!(through(&[a, b]), want, "cut at {cut}");
        }
    }

    #[test]
    fn chunked_bodies_and_upgrades_end_the_rewriting() {
        let req =
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n한\r\n0\r\n\r\nGET /?q=é HTTP/1.1\r\n\r\n";
        assert_eq!(through(&[req.as_bytes()]), req.as_bytes());
    }

    #[test]
    fn empty_lines_before_a_request_line_are_kept() {
        assert_eq!(
            through(&[b"\r\nGET /?q=\xc3\xa9 HTTP/1.1\r\n\r\n"]),
            b"\r\nGET /?q=%C3%A9 HTTP/1.1\r\n\r\n"
        );
    }
}
