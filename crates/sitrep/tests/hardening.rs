//! The running binary under hostile or careless clients: security headers
//! on every kind of response, secure cookies and HSTS on an HTTPS site,
//! and requests that are malformed, huge or slow refused cleanly while
//! serving goes on.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::process::{BinSite, Server, http_get};

/// The head of a response, split into (status, lower-cased header lines).
fn head_of(response: &str) -> (u16, Vec<(String, String)>) {
    let head = response.split("\r\n\r\n").next().unwrap_or("");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers)
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Sends raw bytes on a new connection and reads what comes back until the
/// server closes or 10 seconds pass: (the answer as text, closed).
fn raw(port: u16, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before all is written.
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(answer: &str) -> u16 {
    head_of(answer).0
}

#[test]
fn every_kind_of_response_carries_the_security_headers() {
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    let port = server.port();
    let (_, home) = http_get(port, "/en/", "");
    let commentary = home
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("/commentaries/"))
        .expect("a commentary on the home page")
        .to_owned();
    let stylesheet = home
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/static/") && h.ends_with(".css"))
        .expect("the stylesheet")
        .to_owned();
    let paths = [
        "/en/",
        commentary.as_str(),
        "/en/editions/",
        "/ru/search?q=%D0%BA%D0%B0%D0%BB%D0%B8%D0%B9",
        "/be/feed.xml",
        "/sitemap.xml",
        "/en/no-such-page/",
        "/xx/",
        "/en/subscribe",
        "/api/v1/editions",
        stylesheet.as_str(),
        "/workspace/login",
        "/workspace/",
    ];
    for path in paths {
        // Twice: the second answer of a kept page comes from the cache.
        for _ in 0..2 {
            let (status, text) = http_get(port, path, "");
            let (_, h) = head_of(&text);
            assert!(status > 0 && status < 500, "{path}: {status}");
            let csp =
                header(&h, "content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
            for part in [
                "default-src 'none'",
                "frame-ancestors 'none'",
                "base-uri 'none'",
            ] {
                assert!(csp.contains(part), "{path}: {csp}");
            }
            assert!(
                !csp.contains("unsafe") && !csp.contains("script-src"),
                "{path}: {csp}"
            );
            assert_eq!(
                header(&h, "x-content-type-options"),
                Some("nosniff"),
                "{path}"
            );
            assert!(header(&h, "permissions-policy").is_some(), "{path}");
            let referrer = if path.starts_with("/workspace") {
                "same-origin"
            } else {
                "no-referrer"
            };
            assert_eq!(header(&h, "referrer-policy"), Some(referrer), "{path}");
            // A plain-HTTP site sends no HSTS: it would lock readers out.
            assert_eq!(header(&h, "strict-transport-security"), None, "{path}");
            // No page has a script, inline or not; structured data
            // (JSON-LD) is the only script element, and it is not code.
            let body = text
                .split("\r\n\r\n")
                .nth(1)
                .unwrap_or("")
                .to_ascii_lowercase();
            for tag in body.split("<script").skip(1) {
                assert!(
                    tag.starts_with(" type=\"application/ld+json\">"),
                    "{path}: <script{}",
                    &tag[..tag.len().min(60)]
                );
            }
        }
    }
}

#[test]
fn an_https_site_sends_hsts_and_only_secure_cookies() {
    let site = BinSite::new();
    let server = Server::spawn(
        site.cmd()
            .env("SITREP_PUBLIC_URL", "https://news.example")
            .arg("demo"),
    );
    let port = server.port();
    for path in ["/en/", "/en/", "/workspace/login", "/api/v1/editions"] {
        let (_, text) = http_get(port, path, "");
        let (_, h) = head_of(&text);
        assert_eq!(
            header(&h, "strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    // The language cookie of a public page.
    let (_, text) = http_get(port, "/be/", "");
    let (_, h) = head_of(&text);
    let cookie = header(&h, "set-cookie").expect("the language cookie");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    // The session cookie of a staff member who signs in.
    let body = "email=editor%40varesia.example&password=varesia-demo";
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST /workspace/login HTTP/1.1\r\nHost: news.example\r\nOrigin: https://news.example\r\n\
         Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (status, h) = head_of(&text);
    assert!((300..400).contains(&status), "{text}");
    let session = h
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.as_str())
        .find(|v| v.contains("Path=/workspace"))
        .unwrap_or_else(|| panic!("no session cookie: {text}"));
    for flag in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(session.contains(flag), "{session}");
    }
}

#[test]
fn malformed_huge_and_hostile_requests_are_refused_and_serving_goes_on() {
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    let port = server.port();
    let get = |target: &[u8], extra: &[u8]| {
        [
            b"GET ".as_slice(),
            target,
            b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
            extra,
            b"\r\n",
        ]
        .concat()
    };
    let client_error = |what: &str, answer: &str| {
        let status = status_of(answer);
        assert!(
            (400..500).contains(&status),
            "{what}: {}",
            &answer[..answer.len().min(300)]
        );
    };
    // Bytes that are not UTF-8 in the request line: a 400 before any
    // handler runs.
    client_error("raw bytes", &raw(port, &get(b"/en/\xff\xfe/", b"")));
    client_error("a NUL", &raw(port, &get(b"/en/\0/", b"")));
    // Percent-encoded bytes that are not UTF-8 reach handlers: a page that
    // does not exist, a search that finds nothing; never a 500.
    for target in [
        "/en/commentaries/%FF%FE/",
        "/en/editions/%C0%AF/",
        "/%FF/",
        "/en/trends/%ED%A0%80/",
    ] {
        client_error(target, &raw(port, &get(target.as_bytes(), b"")));
    }
    let search = raw(port, &get(b"/en/search?q=%FF%FE%C0", b""));
    assert!(
        matches!(status_of(&search), 200 | 400),
        "{}",
        &search[..300.min(search.len())]
    );
    // Header values that are not UTF-8, in the headers the site reads.
    for extra in [
        b"Accept-Language: \xff\xfe\r\n".as_slice(),
        b"Cookie: sitrep_lang=\xff\xfe\r\n",
        b"Accept-Encoding: \xc0\xaf\r\n",
        b"If-None-Match: \"\xff\"\r\n",
    ] {
        let answer = raw(port, &get(b"/en/", extra));
        assert_eq!(
            status_of(&answer),
            200,
            "{}",
            String::from_utf8_lossy(extra)
        );
    }
    // A head far over any sensible size: one huge header, or thousands.
    let huge = format!("X-Filler: {}\r\n", "a".repeat(1 << 20));
    client_error("a 1 MB header", &raw(port, &get(b"/en/", huge.as_bytes())));
    let many: String = (0..5000).map(|i| format!("X-H{i}: v\r\n")).collect();
    client_error("5000 headers", &raw(port, &get(b"/en/", many.as_bytes())));
    // A form body over the limit, and one that is not UTF-8.
    let post = |path: &str, body: &[u8]| {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        raw(port, &req)
    };
    let big = vec![b'a'; 3 << 20];
    let answer = post("/en/subscribe", &[b"email=".as_slice(), &big].concat());
    assert!(
        answer.is_empty() || status_of(&answer) == 413,
        "{}",
        &answer[..300.min(answer.len())]
    );
    client_error(
        "a form that is not UTF-8",
        &post("/en/subscribe", b"email=\xff\xfe&name=\xc0"),
    );
    client_error(
        "a request form that is not UTF-8",
        &post("/en/request", b"\xff=\xfe"),
    );
    // A body shorter than its length, and the client gone.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(
        b"POST /en/subscribe HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nemail=a",
    )
    .unwrap();
    drop(s);
    // Nonsense and an unknown method.
    client_error(
        "nonsense",
        &raw(
            port,
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        ),
    );
    client_error(
        "BREW",
        &raw(
            port,
            b"BREW /en/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        ),
    );
    // Through all of it the site kept serving.
    let (status, page) = http_get(port, "/en/", "");
    assert_eq!(status, 200, "{page}");
}

#[test]
fn a_client_that_never_finishes_its_request_is_let_go() {
    let site = BinSite::new();
    let server = Server::start(&site, &["demo"]);
    let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:")
        .unwrap();
    let started = Instant::now();
    // One more byte now and then, never the end of the head.
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    loop {
        let _ = s.write_all(b"a");
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
        assert!(
            started.elapsed() < Duration::from_secs(50),
            "still connected after {:?}",
            started.elapsed()
        );
    }
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(25), "let go after {waited:?}");
    let answer = String::from_utf8_lossy(&out);
    assert!(answer.is_empty() || status_of(&answer) == 408, "{answer}");
}
