//! `sitrep mirror DIR`: the demo site as static files. Every page of every
//! language is there, every relative link and image resolves inside the
//! folder (so it works from `file://` or any host), forms that need the
//! live site are notes, and pages carry no script.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::Site;
use common::process::BinSite;

/// The mirror file of a site address.
fn file_of(address: &str) -> String {
    sitrep_web::mirror::file_for(address)
}

/// A relative link in the mirror file `base`, as a file of the mirror.
fn resolve(base: &str, link: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for segment in link.split('#').next().unwrap_or_default().split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The value of every `attr="…"` in a page.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    html.split(&format!(" {attr}=\""))
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

/// A page's `<main>` with every address left out: what a mirrored page
/// and the live one must share, whatever their links look like.
fn main_without_addresses(html: &str) -> String {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("a main element's end");
    let mut out = String::new();
    let mut rest = &html[start..end];
    // Links and image addresses alike: the mirror makes them relative.
    let next = |s: &str| {
        [" href=\"", " src=\""]
            .iter()
            .filter_map(|a| s.find(a).map(|i| (i, a.len())))
            .min()
    };
    while let Some((i, len)) = next(rest) {
        out.push_str(&rest[..=i]);
        let after = &rest[i + len..];
        rest = after.split_once('"').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn the_demo_site_mirrors_with_links_that_resolve_in_the_folder() {
    let site = Site::demo().await;
    let dir = tempfile::tempdir().unwrap();
    // A link in a text that climbs out of the site must not make the
    // mirror write outside its folder.
    let c = site
        .store
        .desk_commentaries(None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| {
            c.versions
                .iter()
                .any(|v| v.slug == "the-central-bank-buys-time")
        })
        .unwrap();
    let v = c
        .version(sitrep_core::Lang::parse("en").unwrap())
        .unwrap()
        .clone();
    let body = format!(
        "{}\n\n[out](/en/../../../escaped/page) [dot](/en/./x)",
        v.body
    );
    let slug = sitrep_core::Slug::parse(&v.slug).unwrap();
    let edit = sitrep_store::VersionEdit {
        slug: &slug,
        title: &v.title,
        lead: &v.lead,
        body: &body,
    };
    let mut w = site.store.writer().await.unwrap();
    w.save_version(c.id, v.lang, v.revision, v.status, &edit, None, common::NOW)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let out = dir.path().join("mirror");
    let done = sitrep_web::mirror::write(site.state.clone(), &out, |_| {})
        .await
        .unwrap();
    assert!(done.broken.is_empty(), "{:?}", done.broken);
    assert!(
        !dir.path().join("escaped").exists(),
        "nothing outside the mirror"
    );
    assert!(!dir.path().parent().unwrap().join("escaped").exists());
    let all = files(&out);
    assert_eq!(all.len() as u64, done.files);

    // Every page a crawl of the live site finds has its file.
    let live = site.crawl(&["be", "ru", "en"]).await;
    for path in live
        .keys()
        .filter(|p| !p.contains("/../") && !p.contains("/./"))
    {
        let file = out.join(sitrep_web::mirror::file_for(path));
        assert!(file.exists(), "{path} → {}", file.display());
    }
    for must in [
        "index.html",
        "be/index.html",
        "en/barometer.html",
        "ru/track-record/index.html",
        "sitemap.xml",
        "be/feed.xml",
        "robots.txt",
        "en/search.html",
    ] {
        assert!(out.join(must).exists(), "{must}");
    }
    assert!(
        all.iter().any(|f| f.starts_with(out.join("static"))),
        "the stylesheet"
    );

    let mut checked = BTreeSet::new();
    for file in all
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(file).unwrap();
        let rel = file.strip_prefix(&out).unwrap().display().to_string();
        let scripts = html.matches("<script").count();
        let data = html
            .matches("<script type=\"application/ld+json\">")
            .count();
        assert_eq!(scripts, data, "{rel}: no script but structured data");
        assert!(
            !html.contains("method=\"post\""),
            "{rel}: no form needing the live site"
        );
        for attr in ["href", "src", "action"] {
            for v in values(&html, attr) {
                if v.starts_with("http") || v.starts_with('#') || v.starts_with("mailto:") {
                    continue;
                }
                assert!(!v.starts_with('/'), "{rel}: {attr}={v} is not relative");
                let target = v.split('#').next().unwrap();
                let resolved = file.parent().unwrap().join(target);
                assert!(resolved.exists(), "{rel}: {attr}={v} resolves to nothing");
                checked.insert(target.to_owned());
            }
        }
    }
    assert!(checked.len() > 100, "{} links checked", checked.len());

    // A mirror reads the whole public text at once rather than page by
    // page; a commentary page's content (its text, bylines, translations,
    // "read more" list) is the live page's, link for link.
    let mut compared = 0;
    for (path, page) in live.iter().filter(|(p, page)| {
        p.contains("/commentaries/") && page.status == 200 && !page.body.contains("/../")
    }) {
        let file = out.join(sitrep_web::mirror::file_for(path));
        let mirrored = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            main_without_addresses(&mirrored),
            main_without_addresses(&page.body),
            "{path}"
        );
        let links = |html: &str, base: &str| -> Vec<String> {
            values(html, "href")
                .into_iter()
                .filter(|h| !h.starts_with("http") && !h.starts_with('#'))
                .map(|h| {
                    if h.starts_with('/') {
                        file_of(h)
                    } else {
                        resolve(base, h)
                    }
                })
                .collect()
        };
        let main = |html: &str| {
            html[html.find("<main").unwrap()..html.find("</main>").unwrap()].to_owned()
        };
        let base = sitrep_web::mirror::file_for(path);
        assert_eq!(
            links(&main(&mirrored), &base),
            links(&main(&page.body), &base),
            "{path}"
        );
        compared += 1;
    }
    assert!(compared > 30, "{compared} commentary pages compared");

    let home = std::fs::read_to_string(out.join("be/index.html")).unwrap();
    assert!(home.contains("mirror-banner"));
    let search = std::fs::read_to_string(out.join("en/search.html")).unwrap();
    assert!(search.contains("Search works only on the live site"));
    let root = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(root.contains("url=be/index.html"), "{root}");

    // The live site is unchanged by mirror mode.
    let page = site.get("/en/").await;
    assert!(!page.body.contains("mirror-banner"));
    assert!(page.body.contains("method=\"post\""));

    // Only into a new or empty folder.
    assert!(
        sitrep_web::mirror::write(site.state.clone(), &out, |_| {})
            .await
            .is_err()
    );
}

#[test]
fn the_mirror_command_writes_a_folder() {
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let folder = site.dir.path().join("copy");
    let out = site.cmd().arg("mirror").arg(&folder).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Mirrored"), "{said}");
    assert!(!said.contains("did not answer"), "{said}");
    assert!(folder.join("en/index.html").exists());
}

/// The mirror opened from disk in Chromium (tests/e2e/mirror.mjs).
#[test]
fn a_reader_browses_the_mirror_from_disk_in_chromium() {
    let e2e = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e");
    let missing = if !Path::new("/usr/bin/chromium").exists() {
        Some("/usr/bin/chromium is not installed (apt-get install chromium)")
    } else if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        Some("node is not installed")
    } else if !e2e.join("node_modules/playwright-core").exists() {
        Some("playwright-core is not installed (npm ci in tests/e2e)")
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(
            std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "the mirror browser test cannot run: {why}"
        );
        eprintln!("SKIPPED the mirror browser test: {why}");
        return;
    }
    let site = BinSite::new();
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let folder = site.dir.path().join("copy");
    let out = site.cmd().arg("mirror").arg(&folder).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = std::process::Command::new("node")
        .arg(e2e.join("mirror.mjs"))
        .arg(&folder)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "mirror.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
