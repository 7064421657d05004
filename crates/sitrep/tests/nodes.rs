//! Several nodes on one database behave as one site.

mod common;

use std::time::{Duration, Instant};

use common::{NOW, Site};
use http::StatusCode;
use sitrep_core::{Lang, Status};

/// Polls `router` at `path` until `check` holds; returns how long it took.
async fn until(
    router: &axum::Router,
    path: &str,
    check: impl Fn(&common::Page) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        let page = Site::get_from(router, path).await;
        if check(&page) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{path} never changed: {}",
            page.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_node_is_served_by_the_other_within_a_second() {
    let a = Site::demo().await;
    let b = a.second_node().await;
    let en = Lang::parse("en").unwrap();

    // Node B has the site name cached.
    let page = Site::get_from(&b, "/en/").await;
    assert!(page.body.contains("Situation in Varesia"));
    // Give B's watcher a moment to be listening, as a long-running node is.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // An edit of the site's name through node A.
    let mut w = a.store.writer().await.unwrap();
    w.site_text("name", en, "Varesia Watch").await.unwrap();
    w.commit().await.unwrap();
    let took = until(&b, "/en/trends/", |p| p.body.contains("Varesia Watch")).await;
    assert!(took < Duration::from_secs(1), "node B took {took:?}");

    // Unpublishing through A: gone from B.
    let slug = "the-central-bank-buys-time";
    assert_eq!(
        Site::get_from(&b, &format!("/en/commentaries/{slug}/"))
            .await
            .status,
        StatusCode::OK
    );
    let id = a.store.public(NOW).find_commentary(slug).await.unwrap()[0].0;
    let mut w = a.store.writer().await.unwrap();
    assert!(
        w.set_version_status(id, en, Status::Draft, None, NOW)
            .await
            .unwrap()
    );
    w.commit().await.unwrap();
    let took = until(&b, &format!("/en/commentaries/{slug}/"), |p| {
        p.status != StatusCode::OK
    })
    .await;
    assert!(took < Duration::from_secs(1), "node B took {took:?}");
    // The English reader now gets the Belarusian original, with the note.
    let page = Site::get_from(&b, "/en/editions/2/").await;
    assert!(page.body.contains("in Belarusian"), "{}", page.body);

    // Publishing again through A: back on B.
    let mut w = a.store.writer().await.unwrap();
    w.set_version_status(id, en, Status::Published, Some(NOW - 60), NOW)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let took = until(&b, &format!("/en/commentaries/{slug}/"), |p| {
        p.status == StatusCode::OK
    })
    .await;
    assert!(took < Duration::from_secs(1), "node B took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_commentary_comes_out_on_every_node_at_its_time() {
    let a = Site::demo().await;
    let b = a.second_node().await;
    let path = "/en/commentaries/vera-halina-bets-on-local-candidates/";
    for node in [&a.router, &b] {
        assert_eq!(
            Site::get_from(node, path).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // Publication is a matter of time, not of a job that one node must run:
    // when the moment passes, every node shows it, whichever are up.
    a.set_now(NOW + 3 * 86_400 + 1);
    for node in [&a.router, &b] {
        assert_eq!(Site::get_from(node, path).await.status, StatusCode::OK);
        assert!(Site::get_from(node, "/en/").await.body.contains(path));
    }
}
