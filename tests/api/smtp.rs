//! A small SMTP server for the tests: real SMTP over a loopback socket,
//! keeping every message it accepts.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A message as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// RCPT TO addresses.
    pub to: Vec<String>,
    /// The raw message, transfer encoding undone for quoted-printable parts.
    pub text: String,
    /// The Message-ID header.
    pub message_id: String,
    /// When the server accepted it (answered 250 to the end of its data).
    pub at: Instant,
}

/// The running server; stops when dropped.
pub struct SmtpServer {
    /// Its port.
    pub port: u16,
    mails: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl SmtpServer {
    /// Listens on a free port.
    pub fn start() -> SmtpServer {
        Self::start_on(0)
    }

    /// Listens on a free port and refuses every recipient, quoting the
    /// address in its answer as real servers do.
    pub fn rejecting() -> SmtpServer {
        Self::listen(0, true)
    }

    /// Listens on a given port (to come back after an outage).
    pub fn start_on(port: u16) -> SmtpServer {
        Self::listen(port, false)
    }

    fn listen(port: u16, reject: bool) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (mails.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let m = m.clone();
                        std::thread::spawn(move || {
                            let _ = session(stream, m, reject);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        SmtpServer { port, mails, stop }
    }

    /// Everything received so far.
    pub fn mails(&self) -> Vec<Received> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits until `n` messages matching `pred` arrived (or panics after 20 s).
    pub async fn wait_for(&self, n: usize, pred: impl Fn(&Received) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found: Vec<Received> = self.mails().into_iter().filter(|m| pred(m)).collect();
            if found.len() >= n {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {n} emails, got {}: {:?}",
                found.len(),
                self.mails()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn session(stream: TcpStream, mails: Arc<Mutex<Vec<Received>>>, reject: bool) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    out.write_all(b"220 test.local ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") {
            out.write_all(b"250-test.local\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n")?;
        } else if cmd.starts_with("HELO") || cmd.starts_with("NOOP") {
            out.write_all(b"250 OK\r\n")?;
        } else if cmd.starts_with("MAIL FROM") {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if cmd.starts_with("RCPT TO") {
            let addr = line.trim_end()[8..]
                .trim()
                .trim_start_matches(':')
                .trim()
                .trim_matches(|c| c == '<' || c == '>');
            if reject {
                out.write_all(format!("550 5.1.1 <{addr}>: Recipient address rejected: User unknown\r\n").as_bytes())?;
                continue;
            }
            to.push(addr.to_string());
            out.write_all(b"250 OK\r\n")?;
        } else if cmd == "DATA" {
            out.write_all(b"354 go ahead\r\n")?;
            let mut raw = String::new();
            loop {
                line.clear();
                if input.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                raw.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            let message_id = raw
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(|l| l[11..].trim().to_string())
                .unwrap_or_default();
            mails.lock().unwrap().push(Received {
                to: to.clone(),
                text: decode_qp(&raw),
                message_id,
                at: Instant::now(),
            });
            out.write_all(b"250 OK queued\r\n")?;
        } else if cmd.starts_with("RSET") {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if cmd.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

/// Undoes quoted-printable: soft line breaks and `=XX` bytes.
fn decode_qp(s: &str) -> String {
    let joined = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A port with nothing listening on it (for an SMTP server that is down).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
