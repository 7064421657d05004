//! "Request analysis": the public form with its refusals, honeypot and
//! limits, the acknowledgement and the editors' notice by email, and the
//! workspace inbox (states, assignment, notes, replies by email, erasing),
//! through the real router on the demo site (mail goes to the outbox).

mod common;

use common::Site;
use http::StatusCode;

async fn send(site: &Site, lang: &str, fields: &[(&str, &str)]) -> common::Page {
    site.post(&format!("/{lang}/request"), &[], fields).await
}

fn good<'a>(email: &'a str, question: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Alena K."),
        ("email", email),
        ("organisation", "Minsk Review"),
        ("topic", "economy"),
        ("question", question),
        ("lang", "ru"),
    ]
}

/// The requests this test sent (the demo has two of its own).
async fn stored(site: &Site) -> Vec<sitrep_store::AnalysisRequest> {
    let (all, _) = site.store.desk_requests(None, None, 100, 0).await.unwrap();
    all.into_iter()
        .filter(|r| r.email.ends_with("@example.org"))
        .collect()
}

#[tokio::test]
async fn the_form_is_there_in_every_language_without_script() {
    let site = Site::demo().await;
    for (lang, label) in [
        ("en", "Your question"),
        ("ru", "Ваш вопрос"),
        ("be", "Ваша пытанне"),
    ] {
        let page = site.get(&format!("/{lang}/request")).await;
        assert_eq!(page.status, StatusCode::OK, "{lang}");
        assert!(page.body.contains(label), "{lang}");
        assert!(
            page.body.contains("name=\"website\""),
            "{lang}: the honeypot"
        );
        assert!(
            page.body.contains("<option value=\"economy\""),
            "{lang}: topics"
        );
        assert!(
            page.body.contains(&format!(
                "<option value=\"{lang}\" lang=\"{lang}\" selected>"
            )),
            "{lang}: the page's language is the answer's by default"
        );
        assert!(!page.body.contains("<script"), "{lang}");
        let home = site.get(&format!("/{lang}/")).await;
        assert!(
            home.body.contains(&format!("href=\"/{lang}/request\"")),
            "{lang}: linked"
        );
    }
}

#[tokio::test]
async fn a_request_is_kept_acknowledged_and_announced() {
    let site = Site::demo().await;
    let page = send(
        &site,
        "en",
        &good("alena@example.org", "Will the krona fall further?"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("sent a confirmation to alena@example.org")
    );
    let requests = stored(&site).await;
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(
        (
            r.name.as_str(),
            r.organisation.as_str(),
            r.question.as_str(),
            r.lang.as_str()
        ),
        (
            "Alena K.",
            "Minsk Review",
            "Will the krona fall further?",
            "ru"
        )
    );
    let outbox = site.store.outbox(100).await.unwrap();
    let ack = outbox
        .iter()
        .find(|m| m.recipient == "alena@example.org")
        .expect("an acknowledgement");
    assert!(
        ack.subject.starts_with("Мы получили ваш запрос"),
        "in the answer's language"
    );
    assert!(
        !ack.text.contains("krona"),
        "the question is not echoed by email"
    );
    // Every editor and admin hears of it, in their own language, with a link.
    for to in ["admin@varesia.example", "editor@varesia.example"] {
        let m = outbox.iter().find(|m| m.recipient == to).expect(to);
        assert!(
            m.text.contains(&format!("/workspace/requests/{}", r.id)),
            "{to}"
        );
    }
    assert!(
        !outbox
            .iter()
            .any(|m| m.recipient == "translator@varesia.example")
    );
}

#[tokio::test]
async fn bad_requests_are_explained_and_keep_what_was_typed() {
    let site = Site::demo().await;
    let script = "<script>alert(1)</script>";
    let long = "ы".repeat(10_001);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("name", ""),
                ("email", "a@example.org"),
                ("question", "Q"),
                ("lang", "en"),
            ],
            "Give your name",
        ),
        (
            vec![
                ("name", script),
                ("email", "not an address"),
                ("question", "Kept question"),
                ("lang", "en"),
            ],
            "Give an email address",
        ),
        (
            vec![
                ("name", "N"),
                ("email", "a@example.org"),
                ("question", ""),
                ("lang", "en"),
            ],
            "Write your question",
        ),
        (
            vec![
                ("name", "N"),
                ("email", "a@example.org"),
                ("question", &long),
                ("lang", "en"),
            ],
            "Write your question (up to 10000",
        ),
        (
            vec![
                ("name", "N"),
                ("email", "a@example.org"),
                ("question", "Q"),
                ("lang", "xx"),
            ],
            "Choose a language",
        ),
        (
            vec![
                ("name", "N"),
                ("email", "a@example.org"),
                ("question", "Q"),
                ("lang", "en"),
                ("topic", "nowhere"),
            ],
            "Choose a topic",
        ),
    ];
    for (fields, reason) in &cases {
        let page = send(&site, "en", fields).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{fields:?}");
        assert!(page.body.contains(reason), "{reason}");
        assert!(
            !page.body.contains(script),
            "nothing typed comes back unescaped"
        );
    }
    let page = send(&site, "en", &cases[1].0).await;
    assert!(
        page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name stays, escaped"
    );
    assert!(page.body.contains(">Kept question</textarea>"));
    assert!(page.body.contains("value=\"not an address\""));
    let ru = send(&site, "ru", &cases[0].0).await;
    assert!(ru.body.contains("Укажите имя"));
    let be = send(&site, "be", &cases[0].0).await;
    assert!(be.body.contains("Пазначце імя"));
    let huge = "x".repeat(70 * 1024);
    let page = send(&site, "en", &[("name", "N"), ("question", &huge)]).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("too large"));
    assert!(stored(&site).await.is_empty(), "nothing bad was kept");
    assert_eq!(
        send(&site, "xx", &cases[0].0).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn robots_and_floods_are_turned_away() {
    let site = Site::demo().await;
    let mut fields = good("bot@example.org", "Buy now");
    fields.push(("website", "http://spam.example"));
    let page = send(&site, "en", &fields).await;
    assert_eq!(page.status, StatusCode::OK, "a robot is thanked");
    assert!(stored(&site).await.is_empty(), "and nothing is kept");
    assert!(site.store.outbox(10).await.unwrap().is_empty(), "or sent");

    for i in 0..3 {
        let q = format!("Question {i}");
        let page = send(&site, "en", &good("many@example.org", &q)).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let page = send(&site, "en", &good("many@example.org", "One too many")).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("Too many requests"));
    assert!(page.body.contains(">One too many</textarea>"));
    assert_eq!(stored(&site).await.len(), 3);
    // An hour later the address may ask again.
    site.set_now(common::NOW + 3_601);
    let page = send(&site, "en", &good("many@example.org", "Next hour")).await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn editors_and_analysts_work_requests_in_the_inbox() {
    let site = Site::demo().await;
    send(
        &site,
        "en",
        &good("alena@example.org", "Will the krona fall further?"),
    )
    .await;
    send(&site, "en", &good("other@example.org", "Another question")).await;
    let requests = stored(&site).await;
    let krona = requests
        .iter()
        .find(|r| r.question.contains("krona"))
        .unwrap();
    let other = requests
        .iter()
        .find(|r| r.question.contains("Another"))
        .unwrap();
    let url = format!("/workspace/requests/{}", krona.id);

    let editor = site.login("editor@varesia.example").await;
    let inbox = editor.get(&site, "/workspace/requests?state=new").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(
        inbox.body.contains("New (3)"),
        "two sent here, one from the demo"
    );
    assert!(inbox.body.contains("Will the krona fall further?"));

    let users = site.store.users().await.unwrap();
    let author = users
        .iter()
        .find(|u| u.email == "author@varesia.example")
        .unwrap();
    let translator = users
        .iter()
        .find(|u| u.email == "translator@varesia.example")
        .unwrap();
    for (state, assignee) in [
        ("maybe", author.id.to_string()),
        ("accepted", translator.id.to_string()),
        ("accepted", "x".into()),
    ] {
        let page = editor
            .post(&site, &url, &[("state", state), ("assignee", &assignee)])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{state} {assignee}");
        assert!(
            page.body.contains("Choose a state and an analyst"),
            "{}",
            page.body
        );
    }
    let page = editor
        .post(
            &site,
            &url,
            &[("state", "accepted"), ("assignee", &author.id.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let told = site.store.outbox(100).await.unwrap();
    let told = told
        .iter()
        .find(|m| m.recipient == "author@varesia.example")
        .expect("the analyst is told by email");
    assert!(
        told.text
            .contains(&format!("/workspace/requests/{}", krona.id))
    );
    let page = editor.get(&site, &url).await;
    assert!(page.body.contains("set the state to “Accepted”"));
    assert!(page.body.contains("assigned it to Hanna Lis"));

    let dashboard = editor.get(&site, "/workspace/").await;
    assert!(
        dashboard.body.contains("2 new requests for analysis"),
        "the demo's and ours"
    );
    // The analyst sees what is assigned to them, and nothing else.
    let analyst = site.login("author@varesia.example").await;
    let dashboard = analyst.get(&site, "/workspace/").await;
    assert!(
        dashboard
            .body
            .contains("2 requests for analysis are assigned to you"),
        "the demo's and ours"
    );
    let inbox = analyst.get(&site, "/workspace/requests").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains("Will the krona fall further?"));
    assert!(!inbox.body.contains("Another question"));
    let theirs = analyst.get(&site, &url).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("/erase\""), "only editors erase");
    let not_theirs = format!("/workspace/requests/{}", other.id);
    assert_eq!(
        analyst.get(&site, &not_theirs).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        analyst
            .post(&site, &url, &[("state", "declined"), ("assignee", "")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Notes: empty ones are refused; the text is kept on refusal.
    let page = analyst
        .post(&site, &format!("{url}/note"), &[("body", "   ")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Write something first."));
    let page = analyst
        .post(
            &site,
            &format!("{url}/note"),
            &[("body", "Check the <b>central bank</b> minutes.")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = analyst.get(&site, &url).await;
    assert!(
        page.body
            .contains("Check the &lt;b&gt;central bank&lt;/b&gt; minutes.")
    );

    // A reply goes to the requester by email and answers the request.
    let page = analyst
        .post(
            &site,
            &format!("{url}/reply"),
            &[("subject", ""), ("body", "Kept answer")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains(">Kept answer</textarea>"));
    // As a browser sends a textarea: lines end in CRLF.
    let answer = "Короткий ответ: вероятно, да.\r\n\r\nПодробнее — в следующем выпуске.";
    let page = analyst
        .post(
            &site,
            &format!("{url}/reply"),
            &[("subject", "Ваш вопрос о кроне"), ("body", answer)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let outbox = site.store.outbox(100).await.unwrap();
    let sent = outbox
        .iter()
        .find(|m| m.recipient == "alena@example.org" && m.subject == "Ваш вопрос о кроне")
        .expect("the reply");
    assert!(
        sent.text
            .contains("вероятно, да.\n\nПодробнее — в следующем выпуске."),
        "two paragraphs: {:?}",
        sent.text
    );
    let html = String::from_utf8_lossy(&sent.message);
    assert!(!sent.text.contains('\r'), "{:?}", sent.text);
    assert!(html.contains("multipart/alternative"));
    let r = site.store.desk_request(krona.id).await.unwrap().unwrap();
    assert_eq!(r.state, sitrep_store::RequestState::Answered);

    // An analyst whose role changes to translator loses the request.
    site.store
        .set_user_access(author.id, sitrep_core::Role::Translator, false)
        .await
        .unwrap();
    assert_eq!(analyst.get(&site, &url).await.status, StatusCode::FORBIDDEN);
    site.store
        .set_user_access(author.id, sitrep_core::Role::Author, false)
        .await
        .unwrap();

    // Translators have no inbox; strangers are sent to sign in.
    let t = site.login("translator@varesia.example").await;
    assert_eq!(
        t.get(&site, "/workspace/requests").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(site.get(&url).await.status, StatusCode::SEE_OTHER);

    // Erasing takes the request and its history away.
    let page = editor.post(&site, &format!("{url}/erase"), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(site.store.desk_request(krona.id).await.unwrap().is_none());
    assert!(
        site.store
            .desk_request_events(krona.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(editor.get(&site, &url).await.status, StatusCode::NOT_FOUND);
}
