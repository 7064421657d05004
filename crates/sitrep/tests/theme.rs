//! Themes: an operator changes templates and the stylesheet from a folder
//! named in the configuration, with the released binary.

mod common;

use std::io::{Read, Write};

use common::process::{BinSite, Server, http_get, read_response};

/// The body of a response from `http_get`.
fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

/// A GET asking for `codings`: the head, and the body's bytes as sent.
fn get_in(port: u16, path: &str, codings: &str) -> (String, Vec<u8>) {
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {codings}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    read_response(&mut tcp, false)
}

/// The stylesheet's address in a page.
fn css_href(page: &str) -> String {
    let link = "rel=\"stylesheet\" href=\"";
    let at = page.find(link).expect("a stylesheet link") + link.len();
    page[at..].split('"').next().unwrap().to_owned()
}

#[test]
fn a_theme_folder_replaces_templates_and_the_stylesheet_without_a_rebuild() {
    let site = BinSite::new();
    let theme = site.dir.path().join("theme");

    // `theme init` writes the built-in look out as a starting point, and
    // never over an existing file.
    let out = site
        .cmd()
        .args(["theme", "init"])
        .arg(&theme)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(theme.join("templates/base.html").is_file());
    assert!(theme.join("site.css").is_file());
    let again = site
        .cmd()
        .args(["theme", "init"])
        .arg(&theme)
        .output()
        .unwrap();
    assert!(!again.status.success(), "init overwrote a theme");

    let (home, about, css) = {
        let server = Server::start(&site, &["demo"]);
        let port = server.port();
        let home = http_get(port, "/en/", "").1;
        let about = http_get(port, "/en/pages/about/", "").1;
        // Absolute links carry the server's address, which changes.
        let here = |page: &str| body(page).replace(&server.base, "");
        (here(&home), here(&about), css_href(&home))
    };

    // The unchanged copy gives the very same pages.
    {
        let server = Server::spawn(site.cmd().env("SITREP_THEME", &theme).arg("demo"));
        let (status, page) = http_get(server.port(), "/en/", "");
        assert_eq!(status, 200);
        assert_eq!(
            body(&page).replace(&server.base, ""),
            home,
            "the built-in theme, copied, changed the front page"
        );
    }

    // Keep one template, changed, and a stylesheet of one's own.
    for entry in std::fs::read_dir(theme.join("templates")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "page.html" {
            std::fs::remove_file(path).unwrap();
        }
    }
    let page_html = std::fs::read_to_string(theme.join("templates/page.html")).unwrap();
    let marked = page_html.replacen(
        "{% block main %}",
        "{% block main %}<p class=\"theme-mark\">Set in our own type</p>",
        1,
    );
    assert_ne!(marked, page_html, "page.html has no main block to mark");
    std::fs::write(theme.join("templates/page.html"), marked).unwrap();
    let own_css = "body { color: #123456; }\n".repeat(40);
    std::fs::write(theme.join("site.css"), &own_css).unwrap();

    let server = Server::spawn(site.cmd().env("SITREP_THEME", &theme).arg("demo"));
    let port = server.port();
    let themed_about = http_get(port, "/en/pages/about/", "").1;
    assert!(body(&themed_about).contains("<p class=\"theme-mark\">Set in our own type</p>"));
    assert_ne!(body(&themed_about).replace(&server.base, ""), about);
    let themed_home = http_get(port, "/en/", "").1;
    assert!(
        !themed_home.contains("theme-mark"),
        "only the page template changed"
    );
    // The stylesheet moves to a new address, served with the theme's bytes,
    // compressed for those who ask; the old address is gone.
    let new_css = css_href(&themed_home);
    assert_ne!(new_css, css);
    let (status, served) = http_get(port, &new_css, "");
    assert_eq!(status, 200);
    assert_eq!(body(&served), own_css);
    let (head, gz) = get_in(port, &new_css, "gzip");
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: gzip"),
        "{head}"
    );
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, own_css);
    // Brotli for a browser that prefers it; the icon for /favicon.ico.
    let (head, _) = get_in(port, &new_css, "gzip, br");
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: br"),
        "{head}"
    );
    let (status, icon) = http_get(port, "/favicon.ico", "");
    assert_eq!(status, 200);
    assert!(
        icon.to_ascii_lowercase()
            .contains("content-type: image/svg+xml")
    );
    assert_eq!(http_get(port, &css, "").0, 404);
    drop(server);

    // A template that does not parse stops the start, naming the file;
    // `theme check` says the same before a restart is tried.
    std::fs::write(theme.join("templates/home.html"), "{% if %}broken").unwrap();
    assert!(refused_check(&site, &theme).contains("home.html"));
    let said = refused_serve(&site, &theme);
    assert!(said.contains("home.html"), "{said}");

    // A template that is not UTF-8, and a folder with nothing a theme
    // holds, are refused by name too.
    std::fs::write(theme.join("templates/home.html"), b"\xff\xfe{{ x }}").unwrap();
    assert!(refused_check(&site, &theme).contains("home.html"));
    let empty = site.dir.path().join("empty-theme");
    std::fs::create_dir(&empty).unwrap();
    assert!(refused_check(&site, &empty).contains("holds neither"));

    // So does a folder that is not there.
    let missing = site.dir.path().join("no-such-theme");
    assert!(refused_serve(&site, &missing).contains("does not exist"));
}

/// What `sitrep theme check DIR` says on refusing the folder (it must).
fn refused_check(site: &BinSite, dir: &std::path::Path) -> String {
    let out = site
        .cmd()
        .args(["theme", "check"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "theme check accepted {}",
        dir.display()
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What `sitrep serve` says on refusing to start with this theme (it must).
fn refused_serve(site: &BinSite, theme: &std::path::Path) -> String {
    let out = site
        .cmd()
        .env("SITREP_THEME", theme)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "served with the theme {}",
        theme.display()
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}
