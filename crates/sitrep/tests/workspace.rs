//! The editorial workspace through the real router, on either backend.

mod common;

use common::{NOW, Site, Staff, hidden};
use http::StatusCode;

const ADMIN: &str = "admin@varesia.example";
const EDITOR: &str = "editor@varesia.example";
const AUTHOR: &str = "author@varesia.example";
const TRANSLATOR: &str = "translator@varesia.example";

async fn revision(site: &Site, id: i64, lang: &str) -> String {
    let c = site.store.desk_commentary(id).await.unwrap().unwrap();
    c.version(sitrep_core::Lang::parse(lang).unwrap())
        .unwrap()
        .revision
        .to_string()
}

#[tokio::test]
async fn signing_in_gives_a_strict_cookie_and_a_session_every_node_knows() {
    let site = Site::demo().await;
    let page = site
        .post(
            "/workspace/login",
            &[],
            &[("email", EDITOR), ("password", "varesia-demo")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let cookie = page.header("set-cookie");
    for part in [
        "sitrep_staff=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/workspace",
    ] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let staff = site.login(EDITOR).await;
    // The session lives in the database: another node honours it.
    let other = site.second_node().await;
    let req = http::Request::builder()
        .uri("/workspace/")
        .header("cookie", &staff.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(other, req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // The database keeps only a hash of the token.
    let token = staff.cookie.trim_start_matches("sitrep_staff=");
    let hash = sitrep_auth::token_hash(token);
    assert!(site.store.session(&hash, NOW).await.unwrap().is_some());
    assert!(site.store.session(token, NOW).await.unwrap().is_none());
}

#[tokio::test]
async fn strangers_are_sent_to_the_login_page_and_wrong_passwords_fail() {
    let site = Site::demo().await;
    let page = site.get("/workspace/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), "/workspace/login");
    let login = site
        .get_with("/workspace/login", &[("accept-language", "ru")])
        .await;
    assert!(login.body.contains("Вход в редакцию"), "{}", login.body);
    for (email, password) in [
        (EDITOR, "wrong-password"),
        ("nobody@varesia.example", "varesia-demo"),
        ("", ""),
        (EDITOR, &"x".repeat(5000)),
    ] {
        let page = site.try_login(email, password).await.expect_err("refused");
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{email}");
        assert!(
            page.body.contains("The email or password is not right")
                || page.body.contains("Няправільны"),
            "{}",
            page.body
        );
    }
    // A forged cookie opens nothing.
    let page = site
        .get_with("/workspace/", &[("cookie", "sitrep_staff=0000")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn logins_are_throttled_per_account_and_per_address() {
    let site = Site::demo().await;
    for _ in 0..5 {
        assert!(site.try_login(AUTHOR, "not-the-password").await.is_err());
    }
    // Even the right password waits now.
    let page = site
        .try_login(AUTHOR, "varesia-demo")
        .await
        .expect_err("throttled");
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not affected...
    site.login(EDITOR).await;
    // ...unless one address tries many accounts.
    for i in 0..20 {
        let email = format!("guess{i}@varesia.example");
        site.post(
            "/workspace/login",
            &[("x-forwarded-for", "203.0.113.9")],
            &[("email", &email), ("password", "x")],
        )
        .await;
    }
    let page = site
        .post(
            "/workspace/login",
            &[("x-forwarded-for", "203.0.113.9")],
            &[("email", TRANSLATOR), ("password", "varesia-demo")],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // After the window the account can sign in again.
    site.set_now(NOW + 16 * 60);
    site.login(AUTHOR).await;
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_site_are_refused() {
    let site = Site::demo().await;
    let staff = site.login(EDITOR).await;
    let id = site.commentary_id("the-central-bank-buys-time").await;
    let path = format!("/workspace/commentaries/{id}/en/status");
    for (headers, csrf) in [
        (vec![("cookie", staff.cookie.as_str())], ""),
        (vec![("cookie", staff.cookie.as_str())], "0123"),
        (
            vec![
                ("cookie", staff.cookie.as_str()),
                ("origin", "https://evil.example"),
            ],
            staff.csrf.as_str(),
        ),
    ] {
        let page = site
            .post(&path, &headers, &[("csrf", csrf), ("to", "draft")])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(
        site.get("/en/commentaries/the-central-bank-buys-time/")
            .await
            .status,
        StatusCode::OK
    );
    // Browsers that hide the referrer send `Origin: null`; they also say
    // where the post comes from, and a cross-site one is refused.
    for (origin, site_header, ok) in [
        ("null", "cross-site", false),
        ("null", "", false),
        (&format!("http://{}", "127.0.0.1"), "cross-site", false),
    ] {
        let mut headers = vec![("cookie", staff.cookie.as_str()), ("origin", origin)];
        if !site_header.is_empty() {
            headers.push(("sec-fetch-site", site_header));
        }
        let page = site
            .post(&path, &headers, &[("csrf", &staff.csrf), ("to", "review")])
            .await;
        assert_eq!(
            page.status == StatusCode::SEE_OTHER,
            ok,
            "{origin} {site_header}"
        );
    }
    let page = site
        .post(
            &path,
            &[
                ("cookie", &staff.cookie),
                ("origin", "null"),
                ("sec-fetch-site", "same-origin"),
            ],
            &[("csrf", &staff.csrf), ("to", "review")],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "a same-origin post whose referrer is hidden"
    );
    assert_eq!(
        site.get("/workspace/login").await.header("referrer-policy"),
        "same-origin"
    );
    assert_eq!(
        site.get("/en/").await.header("referrer-policy"),
        "no-referrer"
    );
    // The real form works: the English version is withdrawn.
    let page = staff.post(&site, &path, &[("to", "draft")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        site.get("/en/commentaries/the-central-bank-buys-time/")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn signing_out_here_and_everywhere() {
    let site = Site::demo().await;
    let laptop = site.login(EDITOR).await;
    let phone = site.login(EDITOR).await;
    let page = laptop.post(&site, "/workspace/logout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.header("set-cookie").contains("Max-Age=0"));
    assert_eq!(
        laptop.get(&site, "/workspace/").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(phone.get(&site, "/workspace/").await.status, StatusCode::OK);
    let tablet = site.login(EDITOR).await;
    tablet
        .post(&site, "/workspace/logout-everywhere", &[])
        .await;
    assert_eq!(
        phone.get(&site, "/workspace/").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        tablet.get(&site, "/workspace/").await.status,
        StatusCode::SEE_OTHER
    );
}

/// Every workspace route, as every role and as a stranger.
#[tokio::test]
async fn every_route_allows_exactly_the_roles_it_should() {
    // (method, route, who may) — route ids are filled in per site.
    #[derive(Clone, Copy)]
    enum May {
        All,
        Writers,
        Editors,
        Translators,
        Admins,
    }
    let routes: Vec<(&str, &str, May)> = vec![
        ("GET", "/workspace/", May::All),
        ("GET", "/workspace/account", May::All),
        ("POST", "/workspace/account", May::All),
        ("GET", "/workspace/commentaries/new", May::Writers),
        ("POST", "/workspace/commentaries/new", May::Writers),
        ("GET", "/workspace/commentaries/{bank}/be", May::All),
        ("GET", "/workspace/commentaries/{bank}/be/history", May::All),
        ("POST", "/workspace/commentaries/{bank}/be", May::Editors),
        (
            "POST",
            "/workspace/commentaries/{fuel}/en",
            May::Translators,
        ),
        (
            "POST",
            "/workspace/commentaries/{bank}/be/status",
            May::Editors,
        ),
        ("GET", "/workspace/editions", May::Editors),
        ("POST", "/workspace/editions", May::Editors),
        ("GET", "/workspace/editions/{ed}", May::Editors),
        ("POST", "/workspace/editions/{ed}", May::Editors),
        ("POST", "/workspace/editions/{ed}/move", May::Editors),
        ("GET", "/workspace/editions/4/letter/en", May::Editors),
        ("POST", "/workspace/editions/4/test", May::Editors),
        ("POST", "/workspace/commentaries/{bank}/facts", May::Editors),
        (
            "POST",
            "/workspace/commentaries/{bank}/ru/restore",
            May::Editors,
        ),
        ("GET", "/workspace/trends", May::Editors),
        ("POST", "/workspace/trends", May::Editors),
        ("POST", "/workspace/trends/1", May::Editors),
        ("GET", "/workspace/authors", May::Editors),
        ("POST", "/workspace/authors/1", May::Editors),
        ("GET", "/workspace/pages", May::Editors),
        ("POST", "/workspace/pages", May::Editors),
        ("GET", "/workspace/pages/1/en", May::Editors),
        ("POST", "/workspace/pages/1/en", May::Editors),
        ("GET", "/workspace/languages", May::Editors),
        ("GET", "/workspace/barometer", May::All),
        ("GET", "/workspace/assessments", May::Editors),
        ("POST", "/workspace/assessments", May::Editors),
        ("POST", "/workspace/assessments/1", May::Editors),
        ("GET", "/workspace/likelihoods", May::Editors),
        ("POST", "/workspace/likelihoods", May::Editors),
        ("POST", "/workspace/likelihoods/1", May::Editors),
        ("GET", "/workspace/forecasts", May::Editors),
        ("POST", "/workspace/forecasts", May::Editors),
        ("GET", "/workspace/forecasts/1", May::Editors),
        ("POST", "/workspace/forecasts/1", May::Editors),
        ("POST", "/workspace/forecasts/1/statements", May::Editors),
        ("POST", "/workspace/forecasts/1/statements/1", May::Editors),
        (
            "POST",
            "/workspace/forecasts/1/statements/1/outcome",
            May::Editors,
        ),
        ("GET", "/workspace/requests", May::Writers),
        ("GET", "/workspace/requests/1", May::Editors),
        ("POST", "/workspace/requests/1", May::Editors),
        ("POST", "/workspace/requests/1/note", May::Editors),
        ("POST", "/workspace/requests/1/reply", May::Editors),
        ("POST", "/workspace/requests/2/erase", May::Editors),
        ("GET", "/workspace/outbox", May::Editors),
        ("GET", "/workspace/subscribers", May::Editors),
        ("POST", "/workspace/subscribers", May::Editors),
        ("GET", "/workspace/subscribers.csv", May::Editors),
        ("GET", "/workspace/staff", May::Admins),
        ("POST", "/workspace/staff", May::Admins),
        ("GET", "/workspace/audit", May::Admins),
        ("POST", "/workspace/settings", May::Admins),
        ("POST", "/workspace/staff/4", May::Admins),
        ("POST", "/workspace/account/totp", May::All),
        ("GET", "/workspace/login/code", May::All),
        ("GET", "/workspace/api", May::All),
        // Asks for an author's token, which translators may not have.
        ("POST", "/workspace/api/tokens", May::Writers),
        ("POST", "/workspace/api/content-key", May::Admins),
        ("POST", "/workspace/api/webhooks", May::Admins),
        ("POST", "/workspace/api/webhooks/1/delete", May::Admins),
        ("POST", "/workspace/logout-everywhere", May::All),
    ];
    for who in [
        Some(ADMIN),
        Some(EDITOR),
        Some(AUTHOR),
        Some(TRANSLATOR),
        None,
    ] {
        let site = Site::demo().await;
        let bank = site
            .commentary_id("the-central-bank-buys-time")
            .await
            .to_string();
        let fuel = site
            .commentary_id("zamarozhanyya-tseny-pustyya-zaprauki")
            .await
            .to_string();
        let staff = match who {
            Some(email) => site.login(email).await,
            None => Staff {
                cookie: "sitrep_staff=none".into(),
                csrf: "none".into(),
            },
        };
        for (n, (method, route, may)) in routes.iter().enumerate() {
            let path = route
                .replace("{bank}", &bank)
                .replace("{fuel}", &fuel)
                .replace("{ed}", "2");
            let allowed = match (who, may) {
                (None, _) => false,
                (_, May::All) => true,
                (Some(e), May::Writers) => e != TRANSLATOR,
                (Some(e), May::Editors) => e == ADMIN || e == EDITOR,
                (Some(e), May::Translators) => e != AUTHOR,
                (Some(e), May::Admins) => e == ADMIN,
            };
            let page = if *method == "GET" {
                staff.get(&site, &path).await
            } else {
                let slug = format!("route-test-{n}");
                let fields: Vec<(&str, &str)> = vec![
                    ("base", "1"),
                    ("slug", &slug),
                    ("title", "T"),
                    ("lead", "L"),
                    ("body", "B"),
                    ("action", "save"),
                    ("to", "published"),
                    ("edition_id", "1"),
                    ("trend_id", "1"),
                    ("assessment_id", "1"),
                    ("lang", "en"),
                    ("email", "new.person@varesia.example"),
                    ("name", "New Person"),
                    ("role", "author"),
                    ("password", "a-long-enough-password"),
                    ("ui_lang", "en"),
                    ("week_start", "2026-12-07"),
                    ("commentary", &bank),
                    ("dir", "up"),
                    ("revision", "1"),
                    ("web_at", ""),
                    ("email_at", ""),
                    ("authors", "1"),
                    ("consent", "asked in person"),
                    ("key", &slug),
                    ("value", "0"),
                    ("position", "3"),
                    ("label_en", "A step"),
                    ("title_en", "A set"),
                    ("likelihood_id", "1"),
                    ("due_on", "2027-06-30"),
                    ("text_en", "A statement"),
                    ("outcome", "happened"),
                    ("state", "accepted"),
                    ("assignee", ""),
                    ("subject", "A reply"),
                    ("url", "https://example.org/hook"),
                    ("event", "published"),
                ];
                // The second-factor form's own action.
                let fields: Vec<(&str, &str)> = fields
                    .into_iter()
                    .map(|(k, v)| {
                        if k == "action" && path.ends_with("/account/totp") {
                            (k, "start")
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                staff.post(&site, &path, &fields).await
            };
            let ok = matches!(page.status, StatusCode::OK | StatusCode::SEE_OTHER);
            let stranger_sent_away = who.is_none()
                && matches!(page.status, StatusCode::SEE_OTHER | StatusCode::FORBIDDEN);
            if who.is_none() {
                assert!(
                    stranger_sent_away,
                    "stranger {method} {path}: {}",
                    page.status
                );
                if *method == "GET" {
                    assert_eq!(page.header("location"), "/workspace/login", "{path}");
                }
            } else if allowed {
                assert!(
                    ok,
                    "{who:?} {method} {path} should be allowed: {} {}",
                    page.status, page.body
                );
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{who:?} {method} {path} should be refused"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_author_writes_a_draft_and_submits_it_but_cannot_publish() {
    let site = Site::demo().await;
    let author = site.login(AUTHOR).await;
    let page = author
        .post(
            &site,
            "/workspace/commentaries/new",
            &[
                ("edition_id", "4"),
                ("trend_id", "3"),
                ("assessment_id", "2"),
                ("lang", "be"),
                ("slug", "novy-tekst"),
                ("title", "Новы тэкст"),
                ("lead", "Лід."),
                ("body", "Цела *тэксту*."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let path = page
        .header("location")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let id = site.commentary_id("novy-tekst").await;
    // Their own draft: editable, with a preview rendered like the public page.
    let page = author
        .post(
            &site,
            &path,
            &[
                ("base", "1"),
                ("slug", "novy-tekst"),
                ("title", "Новы тэкст"),
                ("lead", "Лід."),
                ("body", "Цела **моцна**."),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<article class=\"commentary\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("<strong>моцна</strong>"));
    let page = author
        .post(
            &site,
            &path,
            &[
                ("base", "1"),
                ("slug", "novy-tekst"),
                ("title", "Новы тэкст 2"),
                ("lead", "Лід."),
                ("body", "Цела."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(revision(&site, id, "be").await, "2");
    // Not on the public site.
    assert_eq!(
        site.get("/be/commentaries/novy-tekst/").await.status,
        StatusCode::NOT_FOUND
    );
    // Submit for review: yes. Publish: no.
    assert_eq!(
        author
            .post(&site, &format!("{path}/status"), &[("to", "review")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        author
            .post(&site, &format!("{path}/status"), &[("to", "published")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // In review it is no longer the author's to change.
    let page = author
        .post(
            &site,
            &path,
            &[
                ("base", "2"),
                ("slug", "novy-tekst"),
                ("title", "X"),
                ("lead", ""),
                ("body", ""),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // The audit log tells the story.
    let log = site.store.audit_log(50, 0).await.unwrap();
    let actions: Vec<&str> = log
        .iter()
        .filter(|e| e.user_email == AUTHOR)
        .map(|e| e.action.as_str())
        .collect();
    for a in [
        "login",
        "commentary-created",
        "version-saved",
        "status-review",
    ] {
        assert!(actions.contains(&a), "{actions:?}");
    }
}

#[tokio::test]
async fn a_save_on_an_old_revision_is_a_conflict_and_both_texts_are_shown() {
    let site = Site::demo().await;
    let id = site.commentary_id("the-central-bank-buys-time").await;
    let path = format!("/workspace/commentaries/{id}/en");
    let anna = site.login(EDITOR).await;
    let boris = site.login(ADMIN).await;
    let fields = |title: &'static str, body: &'static str| {
        vec![
            ("base", "1"),
            ("slug", "the-central-bank-buys-time"),
            ("title", title),
            ("lead", "Lead."),
            ("body", body),
            ("action", "save"),
        ]
    };
    assert_eq!(
        anna.post(&site, &path, &fields("Anna's title", "Anna's body"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = boris
        .post(&site, &path, &fields("Boris's title", "Boris's body"))
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("Anna&#39;s body"), "theirs shown");
    assert!(
        page.body.contains("Boris&#39;s body"),
        "mine kept in the form"
    );
    // Nothing was overwritten.
    assert!(
        site.get("/en/commentaries/the-central-bank-buys-time/")
            .await
            .body
            .contains("Anna’s title")
    );
    // The next save, based on what Boris now saw, goes through.
    assert_eq!(hidden(&page.body, "base").as_deref(), Some("2"));
    let mut merged = fields("Merged title", "Merged body");
    merged[0] = ("base", "2");
    assert_eq!(
        boris.post(&site, &path, &merged).await.status,
        StatusCode::SEE_OTHER
    );
    let history = boris.get(&site, &format!("{path}/history")).await;
    assert!(history.body.contains("Anna&#39;s title") && history.body.contains("Merged title"));
}

#[tokio::test]
async fn a_translation_sits_beside_its_source_and_is_flagged_when_the_source_changes() {
    let site = Site::demo().await;
    let id = site
        .commentary_id("zamarozhanyya-tseny-pustyya-zaprauki")
        .await;
    let translator = site.login(TRANSLATOR).await;
    let page = translator
        .get(&site, &format!("/workspace/commentaries/{id}/en"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Замарожаныя цэны"),
        "the Belarusian source beside the form"
    );
    let page = translator
        .post(
            &site,
            &format!("/workspace/commentaries/{id}/en"),
            &[
                ("base", "0"),
                ("slug", "frozen-prices-empty-pumps"),
                ("title", "Frozen prices, empty pumps"),
                ("lead", "A decree froze fuel prices."),
                ("body", "Within days, stations ran dry."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let dashboard = translator.get(&site, "/workspace/").await;
    assert!(!dashboard.body.contains("source changed"));
    // The editor changes the Belarusian original...
    let editor = site.login(EDITOR).await;
    let be = format!("/workspace/commentaries/{id}/be");
    let rev = revision(&site, id, "be").await;
    let page = editor
        .post(
            &site,
            &be,
            &[
                ("base", &rev),
                ("slug", "zamarozhanyya-tseny-pustyya-zaprauki"),
                ("title", "Замарожаныя цэны"),
                ("lead", "Новы лід."),
                ("body", "Новы тэкст."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // ...and the English translation is flagged until confirmed.
    let dashboard = translator.get(&site, "/workspace/").await;
    assert!(
        dashboard.body.contains("source changed"),
        "{}",
        dashboard.body
    );
    let en = format!("/workspace/commentaries/{id}/en");
    let outdated = |c: &sitrep_store::DeskCommentary, l: &str| {
        c.is_outdated(c.version(sitrep_core::Lang::parse(l).unwrap()).unwrap())
    };
    let c = site.store.desk_commentary(id).await.unwrap().unwrap();
    assert!(outdated(&c, "en") && outdated(&c, "ru"));
    let page = translator
        .post(
            &site,
            &en,
            &[
                ("base", "1"),
                ("slug", "x"),
                ("title", "x"),
                ("lead", ""),
                ("body", ""),
                ("action", "confirm"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let c = site.store.desk_commentary(id).await.unwrap().unwrap();
    assert!(
        !outdated(&c, "en") && outdated(&c, "ru"),
        "only the confirmed translation is cleared"
    );
    // Confirming changed nothing in the text.
    assert_eq!(
        c.version(sitrep_core::Lang::parse("en").unwrap())
            .unwrap()
            .title,
        "Frozen prices, empty pumps"
    );
}

#[tokio::test]
async fn scheduled_publication_follows_the_clock_on_the_public_site() {
    let site = Site::demo().await;
    let id = site
        .commentary_id("the-army-gets-a-public-order-mandate")
        .await;
    let editor = site.login(EDITOR).await;
    let path = format!("/workspace/commentaries/{id}/en/status");
    // Tomorrow 09:00 UTC, from NOW (2026-11-28 12:00).
    let page = editor
        .post(
            &site,
            &path,
            &[("to", "published"), ("publish_at", "2026-11-29T09:00")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let public = "/en/commentaries/the-army-gets-a-public-order-mandate/";
    assert_eq!(site.get(public).await.status, StatusCode::NOT_FOUND);
    let dashboard = editor.get(&site, "/workspace/").await;
    assert!(
        dashboard
            .body
            .contains("scheduled for 2026-11-29 09:00 UTC"),
        "{}",
        dashboard.body
    );
    let nine = 1_795_942_800; // 2026-11-29 09:00 UTC
    site.set_now(nine - 1);
    assert_eq!(site.get(public).await.status, StatusCode::NOT_FOUND);
    site.set_now(nine);
    assert_eq!(site.get(public).await.status, StatusCode::OK);
    // The session has lapsed over the night (12 hours idle).
    assert_eq!(
        editor.get(&site, "/workspace/").await.status,
        StatusCode::SEE_OTHER
    );
    let editor = site.login(EDITOR).await;
    // A time that is not a time is refused, nothing changed.
    let page = editor
        .post(
            &site,
            &path,
            &[("to", "published"), ("publish_at", "tomorrow-ish")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_keeps_what_was_typed() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let id = site.commentary_id("the-central-bank-buys-time").await;
    let path = format!("/workspace/commentaries/{id}/en");
    let huge = "x".repeat(200_001);
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        (
            "Bad Slug!",
            "Title",
            "my typed body one",
            "The address may contain only",
        ),
        ("ok-slug", "", "my typed body two", "A title is needed"),
        ("ok-slug", "Title", &huge, "is longer than 200000"),
        (
            "tsentrabank-vyihrae-chas",
            "Title",
            "my typed body three",
            "The address may contain",
        ),
    ];
    for (slug, title, body, message) in cases.iter().take(3) {
        let page = editor
            .post(
                &site,
                &path,
                &[
                    ("base", "1"),
                    ("slug", slug),
                    ("title", title),
                    ("lead", "L"),
                    ("body", body),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{slug}");
        assert!(
            page.body.contains(message),
            "{message}: {}",
            page.body.len()
        );
        if body.len() < 100 {
            assert!(page.body.contains(body), "the typed text is kept");
        }
    }
    // A slug another English text uses is a conflict, text kept.
    let page = editor
        .post(
            &site,
            &path,
            &[
                ("base", "1"),
                ("slug", "trouble-on-the-lestonian-border"),
                ("title", "T"),
                ("lead", "L"),
                ("body", "my typed body four"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body.contains("my typed body four") && page.body.contains("already uses this address")
    );
    // Garbage forms and ids.
    let page = site
        .post(&path, &[("cookie", &editor.cookie)], &[("nonsense", "1")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for bad in [
        "/workspace/commentaries/abc/en",
        "/workspace/commentaries/999999/en",
        "/workspace/commentaries/1/xx",
        "/workspace/commentaries/-1/en/history",
    ] {
        assert_eq!(
            editor.get(&site, bad).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    let page = editor
        .post(&site, &format!("{path}/status"), &[("to", "gone")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn script_typed_into_the_workspace_never_runs_anywhere() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let id = site.commentary_id("the-central-bank-buys-time").await;
    let path = format!("/workspace/commentaries/{id}/en");
    let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>\"><svg onload=alert(3)>";
    let page = editor
        .post(
            &site,
            &path,
            &[
                ("base", "1"),
                ("slug", "the-central-bank-buys-time"),
                ("title", payload),
                ("lead", payload),
                ("body", payload),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    for p in [
        editor.get(&site, &path).await,
        editor.get(&site, "/workspace/").await,
        editor.get(&site, &format!("{path}/history")).await,
        site.get("/en/commentaries/the-central-bank-buys-time/")
            .await,
        site.get("/en/editions/2/").await,
    ] {
        let b = p.body.to_ascii_lowercase();
        for bad in ["<script>alert", "<img src=x", "<svg onload"] {
            assert!(!b.contains(bad), "{bad} in a page");
        }
    }
}

#[tokio::test]
async fn admins_add_staff_and_choose_their_workspace_language() {
    let site = Site::demo().await;
    let admin = site.login(ADMIN).await;
    let page = admin
        .post(
            &site,
            "/workspace/staff",
            &[
                ("email", "new@varesia.example"),
                ("name", "New"),
                ("role", "translator"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("new@varesia.example"),
        "typed email kept"
    );
    let page = admin
        .post(
            &site,
            "/workspace/staff",
            &[
                ("email", "new@varesia.example"),
                ("name", "New"),
                ("role", "translator"),
                ("password", "long-enough-pw"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = admin
        .post(
            &site,
            "/workspace/staff",
            &[
                ("email", "NEW@varesia.example"),
                ("name", "New"),
                ("role", "translator"),
                ("password", "long-enough-pw"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let page = admin
        .post(
            &site,
            "/workspace/staff",
            &[
                ("email", "a@b.c"),
                ("name", "X"),
                ("role", "root"),
                ("password", "long-enough-pw"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let newbie = site
        .try_login("new@varesia.example", "long-enough-pw")
        .await
        .expect("the new account signs in");
    // They switch the workspace to Russian.
    assert_eq!(
        newbie
            .post(&site, "/workspace/account", &[("ui_lang", "ru")])
            .await
            .status,
        StatusCode::OK
    );
    assert!(
        newbie
            .get(&site, "/workspace/")
            .await
            .body
            .contains("Эта неделя")
    );
    assert_eq!(
        newbie
            .post(&site, "/workspace/account", &[("ui_lang", "xx")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn an_editor_builds_the_edition_orders_it_and_sets_its_web_time() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    // A new edition for next week.
    let page = editor
        .post(
            &site,
            "/workspace/editions",
            &[("week_start", "2026-11-30")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let builder = page.header("location").to_owned();
    let page = editor.get(&site, &builder).await;
    assert!(
        page.body.contains("Edition 5") && page.body.contains("November 30 – December 6, 2026"),
        "{}",
        page.body
    );
    let page = editor
        .post(&site, "/workspace/editions", &[("week_start", "someday")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("someday"), "typed value kept");

    // Reorder edition 2: the economy piece first; the public page follows.
    let bank = site
        .commentary_id("the-central-bank-buys-time")
        .await
        .to_string();
    let public_order = |body: &str| {
        body.find("the-central-bank-buys-time").unwrap()
            < body.find("stas-takes-the-keys-to-the-regions").unwrap()
    };
    assert!(!public_order(&site.get("/en/editions/2/").await.body));
    for _ in 0..3 {
        let page = editor
            .post(
                &site,
                "/workspace/editions/2/move",
                &[("commentary", &bank), ("dir", "up")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    // The edition page groups by trend; the home page of that week follows the edition order.
    let desk = site.store.desk_commentaries(Some(2)).await.unwrap();
    assert_eq!(desk[0].id.to_string(), bank);

    // Web time for the new edition; a bad time is refused.
    let id = builder.rsplit('/').next().unwrap();
    let page = editor
        .post(
            &site,
            &format!("/workspace/editions/{id}"),
            &[
                ("web_at", "2026-12-07T08:00"),
                ("email_at", "2026-12-06T18:00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = editor
        .post(
            &site,
            &format!("/workspace/editions/{id}"),
            &[("web_at", "soon"), ("email_at", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let eds = site.store.desk_editions().await.unwrap();
    let e = eds.iter().find(|e| e.id.to_string() == id).unwrap();
    assert_eq!(e.web_at, Some(1_796_630_400)); // 2026-12-07 08:00 UTC
}

#[tokio::test]
async fn an_editor_moves_a_commentary_to_another_trend() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let bank = site.commentary_id("the-central-bank-buys-time").await;
    let catalog = site.store.catalog().await.unwrap();
    let society = catalog.trend_by_slug("society").unwrap().id.to_string();
    let c = site.store.desk_commentary(bank).await.unwrap().unwrap();
    let page = editor
        .post(
            &site,
            &format!("/workspace/commentaries/{bank}/facts"),
            &[
                ("edition_id", &c.edition_id.to_string()),
                ("trend_id", &society),
                ("assessment_id", &c.assessment_id.to_string()),
                ("authors", "1"),
                ("authors", "2"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        site.get("/en/trends/society/")
            .await
            .body
            .contains("the-central-bank-buys-time")
    );
    assert!(
        !site
            .get("/en/trends/economy/")
            .await
            .body
            .contains("the-central-bank-buys-time")
    );
    assert_eq!(
        site.store
            .desk_commentary(bank)
            .await
            .unwrap()
            .unwrap()
            .authors,
        vec![1, 2]
    );
    let page = editor
        .post(
            &site,
            &format!("/workspace/commentaries/{bank}/facts"),
            &[
                ("edition_id", "999"),
                ("trend_id", "x"),
                ("assessment_id", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn history_shows_what_changed_and_restores_an_old_revision() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let id = site.commentary_id("the-central-bank-buys-time").await;
    let path = format!("/workspace/commentaries/{id}/en");
    let save = |base: &'static str, body: &'static str| {
        vec![
            ("base", base),
            ("slug", "the-central-bank-buys-time"),
            ("title", "The central bank buys time"),
            ("lead", "Lead."),
            ("body", body),
            ("action", "save"),
        ]
    };
    assert_eq!(
        editor
            .post(&site, &path, &save("1", "The rate rose by two points."))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        editor
            .post(&site, &path, &save("2", "The rate rose by three points."))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let history = editor.get(&site, &format!("{path}/history")).await;
    assert!(
        history.body.contains("<del>two</del>") && history.body.contains("<ins>three</ins>"),
        "{}",
        history.body
    );
    let page = editor
        .post(&site, &format!("{path}/restore"), &[("revision", "2")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        site.get("/en/commentaries/the-central-bank-buys-time/")
            .await
            .body
            .contains("by two points")
    );
    assert_eq!(revision(&site, id, "en").await, "4");
    assert_eq!(
        editor
            .post(&site, &format!("{path}/restore"), &[("revision", "99")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Sets up a second factor for a signed-in staff member; returns its secret.
async fn set_up_totp(site: &Site, staff: &Staff) -> String {
    let page = staff
        .post(site, "/workspace/account/totp", &[("action", "start")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = hidden(&page.body, "secret").expect("the new secret");
    let wrong = staff
        .post(
            site,
            "/workspace/account/totp",
            &[
                ("action", "enable"),
                ("secret", &secret),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let code = sitrep_auth::totp_code(&secret, NOW).unwrap();
    let page = staff
        .post(
            site,
            "/workspace/account/totp",
            &[("action", "enable"), ("secret", &secret), ("code", &code)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    secret
}

#[tokio::test]
async fn a_second_factor_guards_the_login_and_a_code_works_once() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let secret = set_up_totp(&site, &editor).await;
    editor.post(&site, "/workspace/logout", &[]).await;

    // The password alone opens only the code page.
    let page = site
        .post(
            "/workspace/login",
            &[],
            &[("email", EDITOR), ("password", "varesia-demo")],
        )
        .await;
    assert_eq!(page.header("location"), "/workspace/login/code");
    let cookie = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let pending = site.get_with("/workspace/", &[("cookie", &cookie)]).await;
    assert_eq!(pending.header("location"), "/workspace/login/code");
    let form = site
        .get_with("/workspace/login/code", &[("cookie", &cookie)])
        .await;
    let csrf = hidden(&form.body, "csrf").unwrap();
    let post = |code: String| {
        let (cookie, csrf) = (cookie.clone(), csrf.clone());
        let site = &site;
        async move {
            site.post(
                "/workspace/login/code",
                &[("cookie", &cookie)],
                &[("csrf", &csrf), ("code", &code)],
            )
            .await
        }
    };
    assert_eq!(post("123456".into()).await.status, StatusCode::UNAUTHORIZED);
    // The code used to turn it on is spent; the next one works.
    site.set_now(NOW + 30);
    let code = sitrep_auth::totp_code(&secret, NOW + 30).unwrap();
    let page = post(code.clone()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        site.get_with("/workspace/", &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::OK
    );

    // The same code again, in another login, is refused.
    let page = site
        .post(
            "/workspace/login",
            &[],
            &[("email", EDITOR), ("password", "varesia-demo")],
        )
        .await;
    let other = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let form = site
        .get_with("/workspace/login/code", &[("cookie", &other)])
        .await;
    let other_csrf = hidden(&form.body, "csrf").unwrap();
    let page = site
        .post(
            "/workspace/login/code",
            &[("cookie", &other)],
            &[("csrf", &other_csrf), ("code", &code)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    let log = site.store.audit_log(50, 0).await.unwrap();
    assert!(log.iter().any(|e| e.action == "login-code-failed"));
    assert!(log.iter().any(|e| e.action == "totp-enabled"));
}

#[tokio::test]
async fn an_admin_can_require_a_second_factor_for_all_staff() {
    let site = Site::demo().await;
    let admin = site.login(ADMIN).await;
    assert_eq!(
        admin
            .post(&site, "/workspace/settings", &[("require_totp", "1")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let translator = site.login(TRANSLATOR).await;
    let page = translator.get(&site, "/workspace/").await;
    assert_eq!(page.header("location"), "/workspace/account?totp=required");
    let account = translator
        .get(&site, "/workspace/account?totp=required")
        .await;
    assert!(
        account.body.contains("requires two-factor sign-in"),
        "{}",
        account.body
    );
    let id = site.commentary_id("the-central-bank-buys-time").await;
    let page = translator
        .post(
            &site,
            &format!("/workspace/commentaries/{id}/en/status"),
            &[("to", "review")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    set_up_totp(&site, &translator).await;
    assert_eq!(
        translator.get(&site, "/workspace/").await.status,
        StatusCode::OK
    );
    // Only admins change the rule.
    let editor = site.login(EDITOR).await;
    let page = editor
        .post(&site, "/workspace/settings", &[("require_totp", "0")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn editors_keep_trends_authors_and_pages() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let economy = site
        .store
        .catalog()
        .await
        .unwrap()
        .trend_by_slug("economy")
        .unwrap()
        .id;
    // Rename a trend in Russian: the public site follows at once.
    let fields = [
        ("name_be", "Эканоміка"),
        ("text_be", ""),
        ("name_ru", "Хозяйство"),
        ("text_ru", "Деньги и работа."),
        ("name_en", "Economy"),
        ("text_en", ""),
    ];
    let page = editor
        .post(&site, &format!("/workspace/trends/{economy}"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let public = site.get("/ru/trends/economy/").await;
    assert!(public.body.contains("Хозяйство") && public.body.contains("Деньги и работа."));
    let long = "x".repeat(201);
    let page = editor
        .post(
            &site,
            &format!("/workspace/trends/{economy}"),
            &[("name_en", long.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        editor
            .post(&site, "/workspace/trends/99999", &fields)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A new trend and a new author.
    assert_eq!(
        editor
            .post(&site, "/workspace/trends", &[("slug", "regions")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        editor
            .post(&site, "/workspace/trends", &[("slug", "regions")])
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        editor
            .post(&site, "/workspace/trends", &[("slug", "Bad Slug")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        editor
            .post(&site, "/workspace/authors", &[("slug", "new-analyst")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        site.store
            .catalog()
            .await
            .unwrap()
            .authors
            .iter()
            .any(|a| a.slug == "new-analyst")
    );
    // A new page: a draft is not public; published, it is, and in the menu.
    let page = editor
        .post(&site, "/workspace/pages", &[("slug", "contacts")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let edit = page.header("location").replace("/be", "/en");
    let page = editor
        .post(
            &site,
            &edit,
            &[("title", "Contacts"), ("body", "Write to us.")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        site.get("/en/pages/contacts/").await.status,
        StatusCode::NOT_FOUND
    );
    editor
        .post(
            &site,
            &edit,
            &[
                ("title", "Contacts"),
                ("body", "Write to us."),
                ("published", "1"),
            ],
        )
        .await;
    let public = site.get("/en/pages/contacts/").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public.body.contains("Write to us.")
            && public.body.contains("href=\"/en/pages/contacts/\"")
    );
    // Typed text survives a refusal.
    let page = editor
        .post(&site, &edit, &[("title", ""), ("body", "kept text")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("kept text"));
}

/// An image upload from the editor.
async fn upload(
    site: &Site,
    staff: &Staff,
    csrf: &str,
    filename: &str,
    bytes: &[u8],
) -> common::Page {
    common::upload_to(site, staff, "/workspace/media", csrf, filename, bytes).await
}

#[tokio::test]
async fn uploaded_images_lose_their_metadata_and_are_served_for_a_year() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    for (file, content_type) in [
        ("photo-with-gps.jpg", "image/jpeg"),
        ("picture-with-text.png", "image/png"),
        ("photo-with-gps.webp", "image/webp"),
    ] {
        let original = std::fs::read(format!("{fixtures}{file}")).unwrap();
        assert!(
            String::from_utf8_lossy(&original).contains("SecretCam"),
            "the fixture carries metadata"
        );
        let page = upload(&site, &editor, &editor.csrf, file, &original).await;
        assert_eq!(page.status, StatusCode::OK, "{file}: {}", page.body);
        let src = page
            .body
            .split("src=\"/media/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        assert!(
            page.body.contains(&format!("![](/media/{src})")),
            "the Markdown to paste"
        );
        let served = site.get_with(&format!("/media/{src}"), &[]).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.header("content-type"), content_type);
        assert!(served.header("cache-control").contains("immutable"));
        for secret in [
            "SecretCam",
            "SecretSoftware",
            "secret comment",
            "secret location",
            "GPS",
        ] {
            assert!(
                !served.body.contains(secret),
                "{file} still carries {secret}"
            );
        }
        // The same image again is the same address.
        let again = upload(&site, &editor, &editor.csrf, file, &original).await;
        assert!(again.body.contains(&src));
    }
    // Not images, wrong tokens, strangers.
    let page = upload(
        &site,
        &editor,
        &editor.csrf,
        "x.jpg",
        b"<svg onload=alert(1)></svg>",
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("not a JPEG, PNG or WebP"));
    let page = upload(&site, &editor, "wrong", "x.jpg", b"\xFF\xD8\xFF").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let huge = vec![0xFFu8; 9 * 1024 * 1024];
    let page = upload(&site, &editor, &editor.csrf, "huge.jpg", &huge).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    let stranger = Staff {
        cookie: "sitrep_staff=x".into(),
        csrf: "x".into(),
    };
    let page = upload(&site, &stranger, "x", "a.jpg", b"\xFF\xD8\xFF").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    for bad in [
        "/media/nothing.jpg",
        "/media/..%2F..%2Fetc",
        "/media/%00.png",
    ] {
        assert_eq!(site.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn admins_change_roles_and_disable_accounts_but_never_the_last_admin() {
    let site = Site::demo().await;
    let admin = site.login(ADMIN).await;
    let author = site.login(AUTHOR).await;
    let users = site.store.users().await.unwrap();
    let id = |email: &str| {
        users
            .iter()
            .find(|u| u.email == email)
            .unwrap()
            .id
            .to_string()
    };
    // Disabling ends the author's sessions at once.
    let page = admin
        .post(
            &site,
            &format!("/workspace/staff/{}", id(AUTHOR)),
            &[("role", "author"), ("disabled", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        author.get(&site, "/workspace/").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(site.try_login(AUTHOR, "varesia-demo").await.is_err());
    // The translator becomes an editor.
    admin
        .post(
            &site,
            &format!("/workspace/staff/{}", id(TRANSLATOR)),
            &[("role", "editor")],
        )
        .await;
    let promoted = site.login(TRANSLATOR).await;
    assert_eq!(
        promoted.get(&site, "/workspace/editions").await.status,
        StatusCode::OK
    );
    // The only admin cannot demote or disable themselves.
    let page = admin
        .post(
            &site,
            &format!("/workspace/staff/{}", id(ADMIN)),
            &[("role", "editor")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let page = admin
        .post(
            &site,
            &format!("/workspace/staff/{}", id(ADMIN)),
            &[("role", "admin"), ("disabled", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        admin
            .post(&site, "/workspace/staff/99999", &[("role", "editor")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post(
                &site,
                &format!("/workspace/staff/{}", id(EDITOR)),
                &[("role", "emperor")]
            )
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editors_change_the_site_languages_and_every_node_follows() {
    let site = Site::demo().await;
    let other = site.second_node().await;
    let editor = site.login(EDITOR).await;
    assert_eq!(
        Site::get_from(&other, "/uk/").await.status,
        StatusCode::NOT_FOUND
    );
    let page = editor
        .post(
            &site,
            "/workspace/languages",
            &[("languages", "en, ru, uk"), ("default", "en")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let here = site.get("/uk/").await;
    assert_eq!(
        here.status,
        StatusCode::OK,
        "on the node that saved: {}",
        here.body
    );
    // Ukrainian now exists, with the other languages' texts and a note;
    // Belarusian pages are hidden; the default is English.
    let start = std::time::Instant::now();
    loop {
        if Site::get_from(&other, "/uk/").await.status == StatusCode::OK {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "the other node never learnt of Ukrainian"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let uk = Site::get_from(&other, "/uk/editions/2/").await;
    assert_eq!(uk.status, StatusCode::OK);
    assert!(
        uk.body.contains("<html lang=\"uk\">") && uk.body.contains("in English"),
        "{}",
        uk.body
    );
    assert!(uk.body.contains("2–8 листопада 2026"), "Ukrainian dates");
    assert_eq!(
        Site::get_from(&other, "/be/").await.status,
        StatusCode::NOT_FOUND
    );
    let root = Site::get_from(&other, "/").await;
    assert_eq!(root.header("location"), "/en/");
    // Nonsense is refused with the typed list kept.
    for (list, default) in [("en, english", "en"), ("en, ru", "be"), ("", "en")] {
        let page = editor
            .post(
                &site,
                "/workspace/languages",
                &[("languages", list), ("default", default)],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{list}");
        assert!(page.body.contains(list), "{list}");
    }
}

#[tokio::test]
async fn second_factor_forms_refuse_nonsense_and_keep_the_account_as_it_was() {
    let site = Site::demo().await;
    let editor = site.login(EDITOR).await;
    let page = editor
        .post(&site, "/workspace/account/totp", &[("action", "explode")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    for secret in ["", "not base32!", &"A".repeat(500)] {
        let page = editor
            .post(
                &site,
                "/workspace/account/totp",
                &[("action", "enable"), ("secret", secret), ("code", "123456")],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{secret:?}");
    }
    // Turning off a second factor that is not on needs a code that cannot exist.
    let page = editor
        .post(
            &site,
            "/workspace/account/totp",
            &[("action", "disable"), ("code", "000000")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let user = site.store.user_by_email(EDITOR).await.unwrap().unwrap();
    assert!(user.totp_secret.is_none());
    // A form body over the limit is refused, not read.
    let huge = "x".repeat(3 * 1024 * 1024);
    let page = editor
        .post(&site, "/workspace/trends", &[("slug", huge.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
}
