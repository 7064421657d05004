//! The serving threads' own HTTP/1.1 loop for kept pages (`web::front`):
//! its answers are hyper's answers, and every request it does not take
//! reaches hyper whole.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::process::{BinSite, Server, read_response};

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s
}

fn request(method: &str, path: &str, extra: &str) -> String {
    format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n")
}

/// A response's status line, its header lines but the date (names in
/// lower case, sorted) and its date.
fn parts(head: &str) -> (String, Vec<String>, Option<String>) {
    let mut lines = head.trim_end().lines();
    let status = lines.next().unwrap_or("").to_owned();
    let mut date = None;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').expect("a header line");
        let name = name.to_ascii_lowercase();
        if name == "date" {
            date = Some(value.trim().to_owned());
        } else {
            headers.push(format!("{name}: {}", value.trim()));
        }
    }
    headers.sort();
    (status, headers, date)
}

/// The same request answered on a fresh connection (the serving threads'
/// loop, for a kept page) and on a connection already handed to hyper (by a
/// request for a page that does not exist): (front, hyper), each as
/// (head, body).
fn both_ways(port: u16, req: &str, head: bool) -> ((String, Vec<u8>), (String, Vec<u8>)) {
    let mut front = connect(port);
    front.write_all(req.as_bytes()).unwrap();
    let ours = read_response(&mut front, head);
    let mut hyper = connect(port);
    hyper
        .write_all(request("GET", "/en/no-such-page-here/", "").as_bytes())
        .unwrap();
    let (missing, _) = read_response(&mut hyper, false);
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    hyper.write_all(req.as_bytes()).unwrap();
    (ours, read_response(&mut hyper, head))
}

#[test]
fn kept_pages_are_answered_as_hyper_answers_them() {
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    let port = server.port();
    for path in [
        "/en/",
        "/be/",
        "/ru/feed.xml",
        "/en/editions/",
        "/en/search?q=economy",
    ] {
        // Rendered and kept.
        let mut s = connect(port);
        s.write_all(request("GET", path, "").as_bytes()).unwrap();
        let (head, _) = read_response(&mut s, false);
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        let plain = request("GET", path, "");
        let (ours, theirs) = both_ways(port, &plain, false);
        // Proof that the first answer came from the front: it writes the
        // language cookie after the date, hyper before the length.
        if path.ends_with('/') {
            let last = |head: &str| head.trim_end().lines().last().unwrap_or("").to_owned();
            assert!(last(&ours.0).starts_with("set-cookie:"), "{}", ours.0);
            assert!(last(&theirs.0).starts_with("date:"), "{}", theirs.0);
        }
        let tag = ours
            .0
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("etag:")
                    .map(|t| t.trim().to_owned())
            })
            .expect("an etag");
        let asks = [
            (plain, false),
            (request("GET", path, "Accept-Encoding: gzip\r\n"), false),
            (
                request("GET", path, "Accept-Encoding: gzip, deflate, br\r\n"),
                false,
            ),
            (request("HEAD", path, "Accept-Encoding: gzip\r\n"), true),
            (request("HEAD", path, ""), true),
            (
                request("GET", path, &format!("If-None-Match: {tag}\r\n")),
                true,
            ),
            (request("GET", path, "If-None-Match: \"other\"\r\n"), false),
            (
                request(
                    "GET",
                    path,
                    "Cookie: a=b; sitrep_lang=en\r\nConnection: keep-alive\r\n",
                ),
                false,
            ),
            (request("GET", path, "Cookie: sitrep_lang=be\r\n"), false),
        ];
        for (req, no_body) in asks {
            let ((front_head, front_body), (hyper_head, hyper_body)) =
                both_ways(port, &req, no_body);
            let (front_status, front_headers, front_date) = parts(&front_head);
            let (hyper_status, hyper_headers, _) = parts(&hyper_head);
            assert_eq!(front_status, hyper_status, "{req}");
            assert_eq!(front_headers, hyper_headers, "{req}");
            assert!(front_body == hyper_body, "{req}: the bodies differ");
            let date = front_date.expect("a date");
            assert!(
                date.ends_with(" GMT") && httpdate_like(&date),
                "{req}: {date}"
            );
        }
    }
}

/// `Sun, 06 Dec 2026 15:00:00 GMT`, roughly.
fn httpdate_like(d: &str) -> bool {
    d.len() == 29 && d.as_bytes()[3] == b',' && d.matches(':').count() == 2
}

#[test]
fn requests_the_front_does_not_take_reach_hyper_whole() {
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    let port = server.port();
    let home = {
        let mut s = connect(port);
        s.write_all(request("GET", "/en/", "").as_bytes()).unwrap();
        read_response(&mut s, false).1
    };
    let get = |path: &str| request("GET", path, "");

    // Pipelined: kept, missing, kept, kept: the front answers the first,
    // hyper the rest, in order, each whole.
    let mut s = connect(port);
    let burst = [get("/en/"), get("/en/nowhere/"), get("/en/"), get("/en/")].concat();
    s.write_all(burst.as_bytes()).unwrap();
    for want in [200, 404, 200, 200] {
        let (head, body) = read_response(&mut s, false);
        assert!(head.starts_with(&format!("HTTP/1.1 {want}")), "{head}");
        if want == 200 {
            assert!(body == home);
        }
    }

    // A request that arrives in pieces.
    let mut s = connect(port);
    let whole = get("/en/");
    s.write_all(&whole.as_bytes()[..9]).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    s.write_all(&whole.as_bytes()[9..]).unwrap();
    let (head, body) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200") && body == home, "{head}");

    // HTTP/1.0 and `Connection: close`: answered, then the server closes.
    for req in [
        "GET /en/ HTTP/1.0\r\n\r\n".to_owned(),
        request("GET", "/en/", "Connection: close\r\n"),
    ] {
        let mut s = connect(port);
        s.write_all(req.as_bytes()).unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("closed after the answer");
        let text = String::from_utf8_lossy(&all);
        assert!(text.starts_with("HTTP/1."), "{req}: {text}");
        assert!(text.contains(" 200 "), "{req}: {}", &text[..80]);
    }

    // Not GET or HEAD of a kept page: the router's answer, not the page.
    for (req, want) in [
        (
            "POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "405",
        ),
        (
            "GET /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
            "200",
        ),
        ("GET\0/en/ HTTP/1.1\r\n\r\n", "400"),
        ("GET /en/ HTTP/1.1\r\nHo st: x\r\n\r\n", "400"),
        ("\r\n\r\nGARBAGE\r\n\r\n", "400"),
    ] {
        let mut s = connect(port);
        s.write_all(req.as_bytes()).unwrap();
        let mut got = vec![0; 12];
        s.read_exact(&mut got).expect("an answer");
        let got = String::from_utf8_lossy(&got);
        assert!(got.ends_with(want), "{req:?}: {got}");
    }
}

#[test]
fn a_stop_closes_idle_kept_alive_connections_and_ends_the_process() {
    let site = BinSite::new();
    let mut server = Server::start(&site, &["demo"]);
    let port = server.port();
    let mut idle = Vec::new();
    for via_hyper in [false, true] {
        let mut s = connect(port);
        if via_hyper {
            s.write_all(request("GET", "/en/nowhere/", "").as_bytes())
                .unwrap();
            read_response(&mut s, false);
        }
        // Twice: the second answer comes from the cache.
        for _ in 0..2 {
            s.write_all(request("GET", "/en/", "").as_bytes()).unwrap();
            let (head, _) = read_response(&mut s, false);
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        }
        idle.push(s);
    }
    let term = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sitrep still runs with idle connections open"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for mut s in idle {
        let mut rest = Vec::new();
        assert_eq!(s.read_to_end(&mut rest).unwrap_or(0), 0);
    }
}
