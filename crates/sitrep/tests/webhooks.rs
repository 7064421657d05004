//! Webhooks against a real HTTP receiver on loopback: added by an admin in
//! the workspace, told of publications (by hand and by the clock alone),
//! withdrawals and finished newsletter sends, signed with HMAC-SHA256,
//! retried on failure with the same delivery id, given up on 410, and sent
//! once even when two nodes notice the same change.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use common::{NOW, Site};
use hmac::{KeyInit, Mac};
use serde_json::Value;
use sitrep_core::{Lang, Status};

/// What the receiver got, and the statuses it answers with in turn (then 200).
#[derive(Default)]
struct Receiver {
    got: Vec<(HeaderMap, String)>,
    answers: Vec<u16>,
}

async fn receiver() -> (String, Arc<Mutex<Receiver>>) {
    let state = Arc::new(Mutex::new(Receiver::default()));
    let shared = state.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let shared = shared.clone();
            async move {
                let mut r = shared.lock().unwrap();
                r.got.push((headers, body));
                let status = if r.answers.is_empty() {
                    200
                } else {
                    r.answers.remove(0)
                };
                StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), state)
}

/// Checks a delivery's signature with the webhook's secret; its event.
fn verified(secret: &str, headers: &HeaderMap, body: &str) -> Value {
    let sig = headers["x-sitrep-signature"].to_str().unwrap();
    let (t, v1) = sig.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1, expected, "the signature checks out");
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(headers["x-sitrep-event"].to_str().unwrap(), event["event"]);
    event
}

async fn tick(site: &Site) -> (u64, usize) {
    let client = sitrep_web::webhooks::Client::default();
    sitrep_web::webhooks::tick(&site.state, &client)
        .await
        .unwrap()
}

fn received(r: &Arc<Mutex<Receiver>>) -> usize {
    r.lock().unwrap().got.len()
}

#[tokio::test]
async fn publications_withdrawals_and_sends_reach_a_signed_webhook() {
    let site = Site::demo().await;
    // Earlier letters go out before any webhook exists: no events later.
    site.deliver().await;
    assert_eq!(tick(&site).await, (0, 0));

    let (url, rx) = receiver().await;
    let admin = site.login("admin@varesia.example").await;
    for bad in [("ftp://x/", "published"), (url.as_str(), "")] {
        let page = admin
            .post(
                &site,
                "/workspace/api/webhooks",
                &[("url", bad.0), ("event", bad.1)],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let page = admin
        .post(
            &site,
            "/workspace/api/webhooks",
            &[
                ("url", &url),
                ("event", "published"),
                ("event", "unpublished"),
                ("event", "edition-sent"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let hook = site.store.webhooks().await.unwrap().remove(0);
    assert!(hook.secret.starts_with("whsec_"));
    let editor = site.login("editor@varesia.example").await;
    let editors_view = editor.get(&site, "/workspace/api").await;
    assert!(
        !editors_view.body.contains(&hook.secret),
        "only admins see the secret"
    );
    assert!(
        admin
            .get(&site, "/workspace/api")
            .await
            .body
            .contains(&hook.secret)
    );

    // The first look at the site announces nothing of its archive.
    assert_eq!(tick(&site).await, (0, 0));
    assert_eq!(received(&rx), 0);

    // A version scheduled for later becomes public by the clock alone.
    let scheduled = site
        .store
        .desk_commentaries(None)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|c| c.versions)
        .filter(|v| v.status == Status::Published && v.published_at.is_some_and(|t| t > NOW))
        .min_by_key(|v| v.published_at)
        .expect("the demo has a scheduled version");
    site.set_now(scheduled.published_at.unwrap() + 1);
    let (queued, attempted) = tick(&site).await;
    assert!(queued >= 1, "{queued}");
    assert_eq!(attempted as u64, queued);
    let event = {
        let r = rx.lock().unwrap();
        let (headers, body) = r.got.last().unwrap();
        verified(&hook.secret, headers, body)
    };
    assert_eq!(event["event"], "published");
    assert_eq!(event["commentary"]["id"], scheduled.commentary_id);
    assert!(
        event["commentary"]["url"]
            .as_str()
            .unwrap()
            .contains("/commentaries/")
    );
    assert_eq!(tick(&site).await, (0, 0), "once only");

    // Taken back to draft: unpublished.
    let before = received(&rx);
    let mut w = site.store.writer().await.unwrap();
    w.set_version_status(
        scheduled.commentary_id,
        scheduled.lang,
        Status::Draft,
        None,
        site.state.now(),
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert_eq!(tick(&site).await, (1, 1));
    let event = {
        let r = rx.lock().unwrap();
        let (headers, body) = &r.got[before];
        verified(&hook.secret, headers, body)
    };
    assert_eq!(event["event"], "unpublished");
    assert_eq!(event["commentary"]["lang"], scheduled.lang.as_str());

    // A new edition's letter goes out: edition-sent, once it has finished.
    let mut w = site.store.writer().await.unwrap();
    let now = site.state.now();
    let id = w
        .edition(
            &sitrep_store::NewEdition {
                number: 99,
                week: sitrep_core::EditionWeek::new(
                    "2027-03-01".parse().unwrap(),
                    "2027-03-07".parse().unwrap(),
                )
                .unwrap(),
                email_at: Some(now - 1),
                web_at: None,
            },
            now,
        )
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert!(id > 0);
    site.deliver().await;
    let before = received(&rx);
    assert_eq!(tick(&site).await, (1, 1));
    let event = {
        let r = rx.lock().unwrap();
        let (headers, body) = &r.got[before];
        verified(&hook.secret, headers, body)
    };
    assert_eq!(event["event"], "edition-sent");
    assert_eq!(event["edition"]["number"], 99);
    assert!(event["letters"]["total"].is_number());

    // (The clock has moved on: a new session.)
    let admin = site.login("admin@varesia.example").await;
    for path in [
        "/workspace/api/webhooks/999999/delete",
        "/workspace/api/webhooks/x/delete",
    ] {
        let page = admin.post(&site, path, &[]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = admin.get(&site, "/workspace/api").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("delivered"),
        "the page lists deliveries: {}",
        page.body
    );
}

#[tokio::test]
async fn failures_are_retried_with_the_same_id_then_given_up() {
    let site = Site::demo().await;
    let (url, rx) = receiver().await;
    site.store
        .add_webhook(&url, "s3cret", &["published", "unpublished"], NOW)
        .await
        .unwrap();
    assert_eq!(tick(&site).await, (0, 0));
    rx.lock().unwrap().answers = vec![500, 503];
    let v = site
        .store
        .desk_commentaries(None)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|c| c.versions)
        .find(|v| v.status == Status::Published && v.published_at.is_some_and(|t| t <= NOW))
        .unwrap();
    let mut w = site.store.writer().await.unwrap();
    w.set_version_status(v.commentary_id, v.lang, Status::Draft, None, NOW)
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(tick(&site).await, (1, 1));
    // Not again before its pause is over.
    assert_eq!(tick(&site).await, (0, 0));
    site.set_now(NOW + sitrep_web::webhooks::backoff(1));
    assert_eq!(tick(&site).await, (0, 1));
    site.set_now(NOW + 10_000);
    assert_eq!(tick(&site).await, (0, 1));
    let ids: Vec<String> = rx
        .lock()
        .unwrap()
        .got
        .iter()
        .map(|(h, _)| h["x-sitrep-delivery"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|i| *i == ids[0]), "one delivery id: {ids:?}");
    let d = site
        .store
        .recent_webhook_deliveries(5)
        .await
        .unwrap()
        .remove(0);
    assert!(d.delivered_at.is_some());
    assert_eq!(d.attempts, 3);

    // A receiver that answers 410 Gone is not tried again.
    rx.lock().unwrap().answers = vec![410];
    let mut w = site.store.writer().await.unwrap();
    w.set_version_status(
        v.commentary_id,
        v.lang,
        Status::Published,
        Some(NOW),
        NOW + 10_000,
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert_eq!(tick(&site).await, (1, 1));
    site.set_now(NOW + 100_000);
    assert_eq!(tick(&site).await, (0, 0));
    let d = site
        .store
        .recent_webhook_deliveries(1)
        .await
        .unwrap()
        .remove(0);
    assert!(d.failed_at.is_some());
    assert_eq!(d.last_status, "HTTP 410");

    // Nobody listening: an unreachable receiver is given up after its tries.
    site.store
        .add_webhook(
            "http://127.0.0.1:9/nothing-listens",
            "x",
            &["unpublished"],
            NOW,
        )
        .await
        .unwrap();
    let mut w = site.store.writer().await.unwrap();
    w.set_version_status(v.commentary_id, v.lang, Status::Draft, None, NOW + 100_000)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut t = NOW + 100_000;
    for _ in 0..sitrep_web::webhooks::MAX_ATTEMPTS + 2 {
        tick(&site).await;
        t += 86_400;
        site.set_now(t);
    }
    let dead = site
        .store
        .recent_webhook_deliveries(10)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.last_status == "could not connect")
        .expect("the unreachable delivery");
    assert!(dead.failed_at.is_some());
    assert_eq!(dead.attempts, sitrep_web::webhooks::MAX_ATTEMPTS);
}

#[tokio::test]
async fn two_nodes_noticing_the_same_change_send_one_event() {
    let site = Site::demo().await;
    let other = Site::on_same(&site).await;
    let (url, rx) = receiver().await;
    site.store
        .add_webhook(&url, "s", &["published", "unpublished"], NOW)
        .await
        .unwrap();
    assert_eq!(tick(&site).await, (0, 0));
    // Take three versions down at once; both nodes look at the same time.
    let versions: Vec<(i64, Lang)> = site
        .store
        .desk_commentaries(None)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|c| c.versions)
        .filter(|v| v.status == Status::Published && v.published_at.is_some_and(|t| t <= NOW))
        .take(3)
        .map(|v| (v.commentary_id, v.lang))
        .collect();
    let mut w = site.store.writer().await.unwrap();
    for (c, l) in &versions {
        w.set_version_status(*c, *l, Status::Draft, None, NOW)
            .await
            .unwrap();
    }
    w.commit().await.unwrap();
    let (a, b) = tokio::join!(
        sitrep_web::webhooks::notice(&site.state),
        sitrep_web::webhooks::notice(&other.state)
    );
    assert_eq!(
        a.unwrap_or(0) + b.unwrap_or(0),
        3,
        "each change queued once"
    );
    tick(&site).await;
    tick(&other).await;
    assert_eq!(received(&rx), 3);
}

#[tokio::test]
async fn a_moved_site_does_not_announce_its_archive() {
    let site = Site::demo().await;
    let (url, rx) = receiver().await;
    site.store
        .add_webhook(&url, "s", &["published"], NOW)
        .await
        .unwrap();
    assert_eq!(tick(&site).await, (0, 0), "the first look is quiet");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    sitrep_port::export::export(
        &site.store,
        &out,
        jiff::Timestamp::from_second(NOW).unwrap(),
        |_, _| {},
    )
    .await
    .unwrap();
    let moved = Site::on(sitrep_store::testing::TestDb::new().await.unwrap()).await;
    sitrep_port::export::import(&moved.store, &out, |_, _, _| {})
        .await
        .unwrap();
    assert_eq!(
        moved.store.webhooks().await.unwrap().len(),
        1,
        "the webhook moves"
    );
    assert_eq!(tick(&moved).await, (0, 0), "its first look is quiet too");
    assert_eq!(received(&rx), 0);
}
