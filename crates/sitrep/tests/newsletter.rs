//! The newsletter for readers, through the router, with mail captured in
//! the outbox (as the demo does).

mod common;

use common::mime::{header, parts};
use common::{NOW, Site};
use http::StatusCode;
use sitrep_store::SubscriberStatus;

const READER: &str = "reader@example.org";

/// The newest captured message to `to`: (subject, text part, html part).
async fn last_mail(site: &Site, to: &str) -> Option<(String, String, String)> {
    let outbox = site.store.outbox(100).await.unwrap();
    let m = outbox.iter().find(|m| m.recipient == to)?;
    let raw = String::from_utf8_lossy(&m.message).into_owned();
    let subject = header(&raw, "subject").unwrap_or_default();
    let p = parts(&raw);
    let text = p
        .iter()
        .find(|(k, _)| k.starts_with("text/plain"))
        .map(|(_, b)| b.clone())
        .unwrap_or_default();
    let html = p
        .iter()
        .find(|(k, _)| k.starts_with("text/html"))
        .map(|(_, b)| b.clone())
        .unwrap_or_default();
    Some((subject, text, html))
}

async fn mails_to(site: &Site, to: &str) -> usize {
    site.store
        .outbox(1000)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.recipient == to)
        .count()
}

/// The site-relative link in a message's text part that starts with `prefix`.
fn link(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

async fn subscribe(site: &Site, lang: &str, email: &str, langs: &[&str]) -> common::Page {
    let mut fields = vec![("email", email), ("website", "")];
    for l in langs {
        fields.push(("lang", l));
    }
    site.post(&format!("/{lang}/subscribe"), &[], &fields).await
}

#[tokio::test]
async fn a_reader_subscribes_in_one_step_and_confirms_from_the_email() {
    let site = Site::demo().await;
    let page = subscribe(&site, "ru", READER, &["ru", "en"]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Проверьте почту"), "{}", page.body);
    let s = site
        .store
        .subscriber_by_email(READER)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.status, SubscriberStatus::Pending);
    assert_eq!(
        s.langs.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["ru", "en"]
    );
    assert!(
        s.consent.contains("/ru/subscribe"),
        "consent is recorded: {}",
        s.consent
    );

    // The confirmation arrives in Russian, its Cyrillic subject intact.
    let (subject, text, html) = last_mail(&site, READER).await.expect("a confirmation");
    assert_eq!(subject, "Подтвердите подписку на «Ситуация в Варесии»");
    assert!(text.contains("Подтвердить подписку") && html.contains("Подтвердить подписку"));
    let confirm = link(&text, "/ru/subscribe/confirm?t=");
    let page = site.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Вы успешно подписались"),
        "{}",
        page.body
    );
    assert_eq!(
        site.store
            .subscriber_by_email(READER)
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Active
    );
    // Following it again changes nothing and still says so.
    assert!(
        site.get(&confirm)
            .await
            .body
            .contains("Вы успешно подписались")
    );
}

#[tokio::test]
async fn the_answer_never_tells_who_is_on_the_list() {
    let site = Site::demo().await;
    let answer = |p: &common::Page| {
        let main = p
            .body
            .split("<main id=\"content\">")
            .nth(1)
            .unwrap()
            .split("</main>")
            .next()
            .unwrap()
            .to_owned();
        main.replace("known@example.org", "X")
            .replace("new@example.org", "X")
            .replace("pending@example.org", "X")
    };
    // An active subscriber, a pending one, a new address.
    subscribe(&site, "en", "known@example.org", &["en"]).await;
    let (_, text, _) = last_mail(&site, "known@example.org").await.unwrap();
    site.get(&link(&text, "/en/subscribe/confirm?t=")).await;
    subscribe(&site, "en", "pending@example.org", &["en"]).await;
    let a = subscribe(&site, "en", "known@example.org", &["en"]).await;
    let b = subscribe(&site, "en", "pending@example.org", &["en"]).await;
    let c = subscribe(&site, "en", "new@example.org", &["en"]).await;
    assert_eq!(
        (a.status, b.status, c.status),
        (StatusCode::OK, StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(answer(&a), answer(&b));
    assert_eq!(answer(&b), answer(&c));
    // The subscribed reader is told by email, not by the page.
    let (subject, text, _) = last_mail(&site, "known@example.org").await.unwrap();
    assert!(subject.contains("Your subscription"), "{subject}");
    assert!(text.contains("/en/subscription?t="));
}

#[tokio::test]
async fn robots_and_floods_get_nowhere() {
    let site = Site::demo().await;
    // The honeypot: the usual answer, nothing recorded, nothing sent.
    let page = site
        .post(
            "/en/subscribe",
            &[],
            &[
                ("email", "bot@example.org"),
                ("lang", "en"),
                ("website", "http://spam.example"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Check your inbox"));
    assert!(
        site.store
            .subscriber_by_email("bot@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(mails_to(&site, "bot@example.org").await, 0);
    // The same address again and again: at most three messages an hour.
    for _ in 0..6 {
        assert_eq!(
            subscribe(&site, "en", "victim@example.org", &["en"])
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(mails_to(&site, "victim@example.org").await, 3);
    // One network, many addresses: refused after twenty.
    for i in 0..20 {
        let email = format!("n{i}@example.org");
        site.post(
            "/en/subscribe",
            &[("x-forwarded-for", "198.51.100.7")],
            &[("email", &email), ("lang", "en")],
        )
        .await;
    }
    let page = site
        .post(
            "/en/subscribe",
            &[("x-forwarded-for", "198.51.100.7")],
            &[("email", "n99@example.org"), ("lang", "en")],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("Too many sign-ups"));
}

#[tokio::test]
async fn bad_sign_ups_get_a_clear_answer_with_the_address_kept() {
    let site = Site::demo().await;
    let page = subscribe(&site, "be", "not an address", &["be"]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("Увядзіце адрас электроннай пошты")
            && page.body.contains("not an address")
    );
    let page = subscribe(&site, "en", "someone@example.org", &[]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("Choose at least one language")
            && page.body.contains("someone@example.org")
    );
    let page = subscribe(&site, "en", "someone@example.org", &["xx", "de"]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let huge = "a".repeat(20_000);
    let page = site.post("/en/subscribe", &[], &[("email", &huge)]).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(site.store.subscribers(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn links_that_are_tampered_or_stale_get_a_clear_page() {
    let site = Site::demo().await;
    subscribe(&site, "en", READER, &["en"]).await;
    let (_, text, _) = last_mail(&site, READER).await.unwrap();
    let confirm = link(&text, "/en/subscribe/confirm?t=");
    let mut tampered = confirm.clone();
    tampered.insert(tampered.len() - 3, 'x');
    for bad in [
        tampered.as_str(),
        "/en/subscribe/confirm?t=",
        "/en/subscribe/confirm",
        "/en/subscribe/confirm?t=%00%ff",
        "/en/subscription?t=abc.def",
    ] {
        let page = site.get(bad).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(page.body.contains("This link does not work"), "{bad}");
    }
    // A confirmation link is good for a week.
    site.set_now(NOW + 8 * 86_400);
    let page = site.get(&confirm).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("has expired"));
    assert_eq!(
        site.store
            .subscriber_by_email(READER)
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Pending
    );
}

#[tokio::test]
async fn subscribers_change_languages_pause_and_leave_in_one_click() {
    let site = Site::demo().await;
    subscribe(&site, "en", READER, &["en"]).await;
    let (_, text, _) = last_mail(&site, READER).await.unwrap();
    let confirmed = site.get(&link(&text, "/en/subscribe/confirm?t=")).await;
    let manage = confirmed
        .body
        .split("href=\"/en/subscription?t=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let page = site.get(&format!("/en/subscription?t={manage}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(READER));
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let mut all = vec![("t", manage.as_str())];
        all.extend(fields);
        let site = &site;
        async move { site.post("/en/subscription", &[], &all).await }
    };
    let page = post(vec![("lang", "be"), ("lang", "ru"), ("action", "save")]).await;
    assert_eq!(page.status, StatusCode::OK);
    let s = site
        .store
        .subscriber_by_email(READER)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        s.langs.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["be", "ru"]
    );
    post(vec![("lang", "be"), ("action", "pause")]).await;
    assert_eq!(
        site.store
            .subscriber_by_email(READER)
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Paused
    );
    post(vec![("lang", "be"), ("action", "resume")]).await;
    assert_eq!(
        site.store
            .subscriber_by_email(READER)
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Active
    );
    assert_eq!(
        post(vec![("action", "save")]).await.status,
        StatusCode::BAD_REQUEST,
        "no language left"
    );

    // RFC 8058: a POST with no cookie and no further step.
    let page = site
        .send(
            "POST",
            &format!("/unsubscribe?t={manage}"),
            &[],
            "List-Unsubscribe=One-Click".into(),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        site.store
            .subscriber_by_email(READER)
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Unsubscribed
    );
    // A link checker's GET unsubscribes no one.
    assert_ne!(
        site.get(&format!("/unsubscribe?t={manage}")).await.status,
        StatusCode::OK
    );
    let page = site
        .send(
            "POST",
            "/unsubscribe?t=forged.token",
            &[],
            String::new(),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_public_page_offers_the_subscribe_form() {
    let site = Site::demo().await;
    let pages = site.crawl(&["en", "be"]).await;
    for (path, page) in &pages {
        if !page.header("content-type").starts_with("text/html") {
            continue; // feeds
        }
        let lang = &path[1..3];
        assert!(
            page.body.contains(&format!("action=\"/{lang}/subscribe\"")),
            "{path}"
        );
        assert!(
            page.body.contains("name=\"website\""),
            "{path} has the honeypot"
        );
    }
}

#[tokio::test]
async fn editors_read_kept_mail_in_the_workspace_outbox() {
    let site = Site::demo().await;
    subscribe(&site, "be", READER, &["be"]).await;
    let editor = site.login("editor@varesia.example").await;
    let list = editor.get(&site, "/workspace/outbox").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains(READER) && list.body.contains("Пацвердзіце падпіску"),
        "{}",
        list.body
    );
    let href = list
        .body
        .split("href=\"/workspace/outbox/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let one = editor
        .get(&site, &format!("/workspace/outbox/{href}"))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(
        one.body.contains("/be/subscribe/confirm?t="),
        "the readable text part"
    );
    assert_eq!(
        editor.get(&site, "/workspace/outbox/999999").await.status,
        StatusCode::NOT_FOUND
    );
    let author = site.login("author@varesia.example").await;
    assert_eq!(
        author.get(&site, "/workspace/outbox").await.status,
        StatusCode::FORBIDDEN
    );
}

/// Active, paused and pending subscribers; only edition 4 due by email.
async fn readers_and_one_due_edition(site: &Site) {
    let l = |c: &str| sitrep_core::Lang::parse(c).unwrap();
    let mut w = site.store.writer().await.unwrap();
    for (email, langs, status) in [
        ("be@example.org", vec![l("be")], SubscriberStatus::Active),
        (
            "two@example.org",
            vec![l("ru"), l("en")],
            SubscriberStatus::Active,
        ),
        ("en@example.org", vec![l("en")], SubscriberStatus::Active),
        (
            "paused@example.org",
            vec![l("en")],
            SubscriberStatus::Paused,
        ),
        (
            "pending@example.org",
            vec![l("en")],
            SubscriberStatus::Pending,
        ),
    ] {
        let id = w.add_subscriber(email, &langs, "test", NOW).await.unwrap();
        w.set_subscriber(id, status, None, NOW).await.unwrap();
    }
    for e in site.store.desk_editions().await.unwrap() {
        let email_at = (e.number == 4).then_some(NOW - 60);
        w.set_edition_times(e.id, email_at, e.web_at).await.unwrap();
    }
    w.commit().await.unwrap();
}

#[tokio::test]
async fn an_edition_goes_to_each_subscriber_in_each_chosen_language_once() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    assert_eq!(site.deliver().await, 4);
    for (to, n) in [
        ("be@example.org", 1),
        ("two@example.org", 2),
        ("en@example.org", 1),
        ("paused@example.org", 0),
        ("pending@example.org", 0),
    ] {
        assert_eq!(mails_to(&site, to).await, n, "{to}");
    }
    // Nothing more on the next rounds.
    assert_eq!(site.deliver().await, 0);
    assert_eq!(site.store.outbox(100).await.unwrap().len(), 4);

    let (subject, text, html) = last_mail(&site, "be@example.org").await.unwrap();
    assert_eq!(subject, "Сітуацыя ў Варэсіі: 16–22 лістапада 2026");
    assert!(html.contains("Пасланне Добрына") && text.contains("Пасланне Добрына"));
    assert!(
        !html.contains("мандат на «грамадскі парадак»"),
        "the draft is not sent"
    );
    assert!(
        html.contains("Вера Галіна робіць стаўку"),
        "subscribers read the scheduled piece before the web"
    );
    // The English letter carries the untranslated piece in Belarusian.
    let (_, _, en_html) = last_mail(&site, "en@example.org").await.unwrap();
    assert!(en_html.contains("lang=\"be\"") && en_html.contains("Замарожаныя цэны"));

    // List headers for one-click unsubscribe, and they work.
    let raw = site
        .store
        .outbox(100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.recipient == "en@example.org")
        .unwrap();
    let raw = String::from_utf8_lossy(&raw.message).into_owned();
    assert_eq!(
        header(&raw, "list-unsubscribe-post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let unsubscribe = header(&raw, "list-unsubscribe").unwrap();
    assert!(header(&raw, "list-id").is_some());
    let path = unsubscribe.trim_matches(['<', '>']).to_owned();
    let page = site
        .send(
            "POST",
            &path,
            &[],
            "List-Unsubscribe=One-Click".into(),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        site.store
            .subscriber_by_email("en@example.org")
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Unsubscribed
    );

    // "Read in your browser" works before the web time, and only with its token.
    let (_, text, _) = last_mail(&site, "be@example.org").await.unwrap();
    let view = link(&text, "/be/letter/");
    let page = site.get(&view).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Пасланне Добрына"));
    // The letter keeps its own styles; still no script, nothing from elsewhere.
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'")
            && csp.contains("style-src 'unsafe-inline'")
            && !csp.contains("script"),
        "{csp}"
    );
    assert_eq!(page.header("cache-control"), "no-store");
    let forged = view.replace("?t=", "?t=x");
    let refused = site.get(&forged).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    // A refusal is an ordinary page, under the strict policy.
    assert!(
        !refused
            .header("content-security-policy")
            .contains("unsafe-inline")
    );
    // Another edition's number with this token, or no number at all.
    let other = view.replace("/be/letter/4?", "/be/letter/3?");
    assert_eq!(site.get(&other).await.status, StatusCode::BAD_REQUEST);
    for junk in [
        "/be/letter/abc?t=x",
        "/be/letter/99999999999999999999?t=x",
        "/xx/letter/4?t=x",
    ] {
        assert_eq!(site.get(junk).await.status, StatusCode::NOT_FOUND, "{junk}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_a_send_and_nobody_gets_it_twice() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    // More readers, so that rounds overlap.
    let mut w = site.store.writer().await.unwrap();
    for i in 0..120 {
        let id = w
            .add_subscriber(
                &format!("r{i}@example.org"),
                &[sitrep_core::Lang::parse("ru").unwrap()],
                "test",
                NOW,
            )
            .await
            .unwrap();
        w.set_subscriber(id, SubscriberStatus::Active, None, NOW)
            .await
            .unwrap();
    }
    w.commit().await.unwrap();
    let other = Site::on_same(&site).await;
    let (a, b) = tokio::join!(site.deliver(), other.deliver());
    assert_eq!(a + b, 124, "{a} + {b}");
    let outbox = site.store.outbox(1000).await.unwrap();
    assert_eq!(outbox.len(), 124);
    let mut seen = std::collections::HashSet::new();
    for m in &outbox {
        assert!(
            seen.insert((m.recipient.clone(), m.subject.clone())),
            "{} got {} twice",
            m.recipient,
            m.subject
        );
    }
}

#[tokio::test]
async fn editors_preview_the_letter_send_a_test_and_watch_the_figures() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    let editor = site.login("editor@varesia.example").await;
    let preview = editor.get(&site, "/workspace/editions/4/letter/ru").await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Послание Добрина") || preview.body.contains("Добрин"),
        "{}",
        preview.body.len()
    );
    let page = editor
        .post(&site, "/workspace/editions/4/test", &[("lang", "ru")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let (subject, _, _) = last_mail(&site, "editor@varesia.example")
        .await
        .expect("the test letter");
    assert!(
        subject.starts_with("[TEST] Ситуация в Варесии"),
        "{subject}"
    );
    assert!(
        editor
            .get(&site, "/workspace/editions/4")
            .await
            .body
            .contains("Not sent yet")
    );
    site.deliver().await;
    let builder = editor.get(&site, "/workspace/editions/4").await;
    assert!(
        builder
            .body
            .contains("4 emails: 4 sent, 0 waiting, 0 failed"),
        "{}",
        builder.body
    );
}

#[tokio::test]
async fn editors_keep_the_list_export_it_and_erase_a_person_completely() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    site.deliver().await;
    let editor = site.login("editor@varesia.example").await;
    let page = editor.get(&site, "/workspace/subscribers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("two@example.org") && page.body.contains("pending@example.org"));
    let only_paused = editor
        .get(&site, "/workspace/subscribers?status=paused")
        .await;
    assert!(
        only_paused.body.contains("paused@example.org")
            && !only_paused.body.contains("two@example.org")
    );
    let search = editor
        .get(&site, "/workspace/subscribers?q=TWO&lang=ru")
        .await;
    assert!(search.body.contains("two@example.org") && !search.body.contains("be@example.org"));

    // Adding someone needs a note of their consent.
    let page = editor
        .post(
            &site,
            "/workspace/subscribers",
            &[("email", "asked@example.org"), ("lang", "en")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = editor
        .post(
            &site,
            "/workspace/subscribers",
            &[
                ("email", "asked@example.org"),
                ("lang", "en"),
                ("consent", "=HYPERLINK(\"x\")"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let again = editor
        .post(
            &site,
            "/workspace/subscribers",
            &[
                ("email", "asked@example.org"),
                ("lang", "en"),
                ("consent", "again"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        site.store
            .subscriber_by_email("asked@example.org")
            .await
            .unwrap()
            .unwrap()
            .status,
        SubscriberStatus::Active
    );

    // The export: every subscriber, nothing a spreadsheet would run.
    let csv = editor.get(&site, "/workspace/subscribers.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert_eq!(csv.body.lines().count(), 1 + 6, "{}", csv.body);
    assert!(
        csv.body.contains("\"'=HYPERLINK(\"\"x\"\")"),
        "{}",
        csv.body
    );

    let asked = site
        .store
        .subscriber_by_email("asked@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    editor
        .post(&site, &format!("/workspace/subscribers/{asked}/erase"), &[])
        .await;
    let log = site.store.audit_log(100, 0).await.unwrap();
    assert!(
        log.iter().all(|e| !e.subject.contains("asked@example.org")),
        "the audit log forgets the address"
    );
    // Erasing a person leaves nothing of them: row, deliveries, kept mail.
    assert!(mails_to(&site, "two@example.org").await > 0);
    let id = site
        .store
        .subscriber_by_email("two@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let page = editor
        .post(&site, &format!("/workspace/subscribers/{id}/erase"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        site.store
            .subscriber_by_email("two@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(mails_to(&site, "two@example.org").await, 0);
    let log = site.store.audit_log(100, 0).await.unwrap();
    assert!(
        log.iter().all(
            |e| !e.subject.contains("two@example.org") && !e.detail.contains("two@example.org")
        )
    );
    assert_eq!(
        editor
            .post(&site, "/workspace/subscribers/999999/erase", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let author = site.login("author@varesia.example").await;
    assert_eq!(
        author.get(&site, "/workspace/subscribers.csv").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_edition_can_send_leads_with_links_instead_of_full_texts() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    let editor = site.login("editor@varesia.example").await;
    let e = site
        .store
        .desk_editions()
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.number == 4)
        .unwrap();
    assert!(e.email_full, "full texts by default");
    let web = e
        .web_at
        .map(|t| {
            jiff::Timestamp::from_second(t)
                .unwrap()
                .strftime("%Y-%m-%dT%H:%M:%S")
                .to_string()
        })
        .unwrap();
    let email = jiff::Timestamp::from_second(NOW - 60)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    // The box left unticked: leads and links.
    let page = editor
        .post(
            &site,
            &format!("/workspace/editions/{}", e.id),
            &[("web_at", web.as_str()), ("email_at", email.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        !site
            .store
            .desk_editions()
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.id == e.id)
            .unwrap()
            .email_full
    );
    site.deliver().await;
    let (_, text, html) = last_mail(&site, "be@example.org").await.unwrap();
    assert!(html.contains("Пасланне Добрына"), "titles stay");
    assert!(
        !html.contains("Фармулёўкі новыя, сутнасць — не"),
        "bodies go"
    );
    assert!(
        text.contains("/be/letter/") && text.contains("#c"),
        "each lead links to its text"
    );
}

#[tokio::test]
async fn editors_import_a_csv_with_consent_and_bad_rows_are_named_not_guessed() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    let editor = site.login("editor@varesia.example").await;
    let path = "/workspace/subscribers/import";
    let csv = "email,languages,consent\r\n\
        new1@example.org,be ru,signed up at the Vilnius event 2026-10-03\r\n\
        NEW2@example.org,,asked by letter\r\n\
        two@example.org,en,old list\r\n\
        not-an-address,en,x\r\n\
        nocons@example.org,en,\r\n\
        klingon@example.org,tlh,x\r\n\
        \"broken@example.org,en,x\r\n";
    let page = common::upload_to(
        &site,
        &editor,
        path,
        &editor.csrf,
        "list.csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Added: 2. Already on the list, left as they were: 1. Rows refused: 4."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Line 5: &quot;not-an-address&quot; is not an email address")
            || page.body.contains("Line 5: \"not-an-address\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("Line 6: no consent given"));
    assert!(
        page.body.contains("is not one of the site&#39;s languages")
            || page.body.contains("is not one of the site's languages")
    );
    let new2 = site
        .store
        .subscriber_by_email("new2@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new2.status, SubscriberStatus::Active);
    assert!(
        new2.consent
            .starts_with("asked by letter (imported by editor@varesia.example"),
        "{}",
        new2.consent
    );
    // A spreadsheet in Russian or Belarusian saves with semicolons.
    let semicolons = "email;languages;consent\r\nsemi@example.org;be;asked in person\r\n";
    let page = common::upload_to(
        &site,
        &editor,
        path,
        &editor.csrf,
        "ru.csv",
        semicolons.as_bytes(),
    )
    .await;
    assert!(page.body.contains("Added: 1."), "{}", page.body);
    // Someone who left is not brought back by an import.
    let paused = "email,consent\r\npaused@example.org,old list\r\n";
    common::upload_to(
        &site,
        &editor,
        path,
        &editor.csrf,
        "again.csv",
        paused.as_bytes(),
    )
    .await;
    let p = site
        .store
        .subscriber_by_email("paused@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, SubscriberStatus::Paused);
    // Files without consent, without a header, without a token, or empty.
    let no_consent = common::upload_to(
        &site,
        &editor,
        path,
        &editor.csrf,
        "x.csv",
        b"email\r\na@example.org\r\n",
    )
    .await;
    assert_eq!(no_consent.status, StatusCode::BAD_REQUEST);
    assert!(
        no_consent.body.contains("no &quot;consent&quot; column")
            || no_consent.body.contains("no \"consent\" column"),
        "{}",
        no_consent.body
    );
    let junk =
        common::upload_to(&site, &editor, path, &editor.csrf, "x.csv", b"\x00\x01\x02").await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST);
    let empty = common::upload_to(&site, &editor, path, &editor.csrf, "x.csv", b"").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("Choose a CSV file"));
    let forged = common::upload_to(&site, &editor, path, "wrong", "x.csv", csv.as_bytes()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Authors do not manage the list.
    let author = site.login("author@varesia.example").await;
    let refused =
        common::upload_to(&site, &author, path, &author.csrf, "x.csv", csv.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_send_page_shows_live_figures_and_a_chart_per_minute() {
    let site = Site::demo().await;
    readers_and_one_due_edition(&site).await;
    let editor = site.login("editor@varesia.example").await;
    let before = editor.get(&site, "/workspace/editions/4/send").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.body.contains("Not sent yet"));
    site.deliver().await;
    let page = editor.get(&site, "/workspace/editions/4/send").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<svg") && page.body.contains("<rect"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Messages sent per minute"));
    // Done: no more refreshing.
    assert!(!page.body.contains("http-equiv=\"refresh\""));
    let builder = editor.get(&site, "/workspace/editions/4").await;
    assert!(builder.body.contains("/workspace/editions/4/send"));
    assert_eq!(
        editor
            .get(&site, "/workspace/editions/abc/send")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let author = site.login("author@varesia.example").await;
    assert_eq!(
        author.get(&site, "/workspace/editions/4/send").await.status,
        StatusCode::FORBIDDEN
    );
}
