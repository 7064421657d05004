//! The deployment of docs/deploy.md, for real on loopback: Debian's nginx
//! with docs/nginx-sitrep.conf in front of two `sitrep serve` processes on
//! one PostgreSQL database. A change made by one node is served by both.
//!
//! Needs PostgreSQL (SITREP_TEST_DATABASE_URL) and /usr/sbin/nginx; where
//! either is missing it says so and passes, unless SITREP_REQUIRE_TOOLS=1.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{BinSite, Server, http_get};

const NGINX: &str = "/usr/sbin/nginx";

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_nginx(dir: &Path, a: u16, b: u16) -> (Nginx, u16) {
    let port = free_port();
    let site_conf = include_str!("../../../docs/nginx-sitrep.conf")
        .replace("127.0.0.1:8081", &format!("127.0.0.1:{a}"))
        .replace("127.0.0.1:8082", &format!("127.0.0.1:{b}"))
        .replace("listen 127.0.0.1:80;", &format!("listen 127.0.0.1:{port};"));
    std::fs::write(dir.join("sitrep.conf"), site_conf).unwrap();
    let d = dir.display();
    let main_conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
           include {d}/sitrep.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main_conf).unwrap();
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {:?}",
            std::fs::read_to_string(dir.join("error.log"))
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (nginx, port)
}

fn skip_or_fail(why: &str) {
    assert!(
        std::env::var("SITREP_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "cannot run: {why}"
    );
    eprintln!("SKIPPED the nginx deployment test: {why}");
}

#[test]
fn two_nodes_behind_nginx_serve_one_site() {
    if std::env::var(sitrep_store::testing::TEST_DATABASE_URL).is_err() {
        eprintln!(
            "SKIPPED the nginx deployment test: it needs PostgreSQL (set SITREP_TEST_DATABASE_URL)"
        );
        return;
    }
    if !Path::new(NGINX).exists() {
        return skip_or_fail("nginx is not installed (apt-get install nginx)");
    }
    let site = BinSite::new();
    let url = site
        .database_url
        .clone()
        .expect("a PostgreSQL test database");
    let out = site.cmd().args(["demo", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let a = Server::start(&site, &["serve"]);
    let b = Server::start(&site, &["serve"]);
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, port) = start_nginx(dir.path(), a.port(), b.port());

    for _ in 0..4 {
        let (status, page) = http_get(port, "/en/", "");
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Situation in Varesia"));
    }

    // A change made by node A's process (an editor's save, say)...
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = sitrep_store::Store::connect(&url).await.unwrap();
        let mut w = store.writer().await.unwrap();
        w.site_text(
            "name",
            sitrep_core::Lang::parse("en").unwrap(),
            "Varesia Watch",
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        store.close().await;
    });

    // ... is served by both nodes, through nginx and directly.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let through_nginx = (0..4).all(|_| {
            http_get(port, "/en/trends/", "")
                .1
                .contains("Varesia Watch")
        });
        let direct = [a.port(), b.port()]
            .iter()
            .all(|p| http_get(*p, "/en/trends/", "").1.contains("Varesia Watch"));
        if through_nginx && direct {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the change did not reach both nodes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // With one node gone, nginx sends every request to the other.
    drop(a);
    for _ in 0..6 {
        let (status, _) = http_get(port, "/ru/", "");
        assert_eq!(status, 200);
    }
}
