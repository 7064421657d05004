use std::io::{Read, Write};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use sitrep::config::{Config, ServeArgs, SiteArgs};

/// mimalloc: under load the runtime's threads free each other's memory,
/// and glibc's allocator then waits on its arenas' locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// sitrep: a weekly multilingual briefing site and newsletter in one binary.
#[derive(Parser)]
#[command(version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Create a demo site (three languages, invented content) and serve it.
    Demo {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        serve: ServeArgs,
        /// Replace the data folder's content with fresh demo content.
        #[arg(long)]
        reset: bool,
        /// Write the demo content and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Add this many generated commentaries (in three languages, about
        /// nineteen a week going back in time) before the demo's own: a
        /// large site for benchmarks.
        #[arg(long, value_name = "N", default_value_t = 0)]
        scale: usize,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Send an edition's newsletter now (if it has not gone out), showing progress.
    Send {
        #[command(flatten)]
        site: SiteArgs,
        /// The edition's number.
        edition: i64,
    },
    /// The site's look: templates and stylesheet an operator overrides.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// DKIM signing of outgoing mail.
    Dkim {
        #[command(subcommand)]
        command: DkimCommand,
    },
    /// Mail that comes back: bounce and complaint reports.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// The newsletter's subscriber list.
    Subscribers {
        #[command(subcommand)]
        command: SubscribersCommand,
    },
    /// Rebuild this node's search index from the database, showing progress.
    ///
    /// Rarely needed: a serving node keeps its index in step by itself and
    /// rebuilds one that is missing or damaged when it starts.
    Reindex {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Write a consistent copy of the site's SQLite database to FILE, while
    /// the site keeps serving. On PostgreSQL, use pg_dump (see docs/deploy.md).
    Backup {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the copy; an existing file is not overwritten.
        file: std::path::PathBuf,
    },
    /// Put a backup in place of the site's SQLite database, after checking
    /// it. Stop sitrep first; the database it replaces is kept beside it.
    Restore {
        #[command(flatten)]
        site: SiteArgs,
        /// A file written by `sitrep backup`.
        file: std::path::PathBuf,
    },
    /// Write the whole site to DIR in sitrep's documented export format
    /// (docs/export.md): content in every language, scales, forecasts,
    /// subscribers with their consent records, settings and media.
    Export {
        #[command(flatten)]
        site: SiteArgs,
        /// A new or empty folder.
        dir: std::path::PathBuf,
    },
    /// Write the whole public site to DIR as static files with relative
    /// links, to serve from any host or open from a folder where the site
    /// itself is blocked. Forms that need the live site become notes.
    Mirror {
        #[command(flatten)]
        site: SiteArgs,
        /// A new or empty folder.
        dir: std::path::PathBuf,
    },
    /// Bring content in: from a sitrep export, WordPress, Ghost or Markdown.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Copy a whole site into an empty database (SQLite to PostgreSQL, or back).
    ///
    /// The source is the site's configured database unless --from names
    /// another. The destination is migrated first and must hold no content.
    Copy {
        #[command(flatten)]
        site: SiteArgs,
        /// Source database URL (default: the site's database).
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Destination database URL, e.g. postgres://user@host/dbname or sqlite:///path/sitrep.db?mode=rwc.
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff account. The password is read from the terminal (or,
    /// when input is not a terminal, from the first line of standard input);
    /// it is never a command-line argument.
    Add {
        #[command(flatten)]
        site: SiteArgs,
        /// The person's email address, used to sign in.
        #[arg(long)]
        email: String,
        /// admin, editor, author or translator.
        #[arg(long)]
        role: String,
        /// The name shown in the workspace (default: the email's local part).
        #[arg(long)]
        name: Option<String>,
        /// The workspace's language for this person (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Set a staff member's password (read as for `add`), e.g. after an
    /// import, which brings staff without their passwords. Their sessions end.
    Password {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A folder written by `sitrep export`, into a new, empty site.
    Sitrep {
        #[command(flatten)]
        site: SiteArgs,
        dir: std::path::PathBuf,
    },
    /// A WordPress export (Tools → Export, an XML file), with Polylang's or
    /// WPML's languages where present.
    Wordpress {
        #[command(flatten)]
        site: SiteArgs,
        file: std::path::PathBuf,
        /// A copy of the old site's wp-content/uploads folder, for images.
        #[arg(long, value_name = "DIR")]
        uploads: Option<std::path::PathBuf>,
    },
    /// A Ghost export (Settings → Import/Export, a JSON file).
    Ghost {
        #[command(flatten)]
        site: SiteArgs,
        file: std::path::PathBuf,
        /// The language the Ghost site was written in (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
        /// A copy of the old site's content/images folder, for images.
        #[arg(long, value_name = "DIR")]
        images: Option<std::path::PathBuf>,
    },
    /// A folder of Markdown files, one folder per language (DIR/en/*.md …),
    /// each with front matter (see `sitrep_port::markdown`).
    Markdown {
        #[command(flatten)]
        site: SiteArgs,
        dir: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Write the built-in templates and stylesheet into a new theme folder
    /// to start from; keep only the files you change, then name the folder
    /// as `theme` in sitrep.toml (or SITREP_THEME) and restart.
    Init {
        /// The folder to create (its files must not exist yet).
        dir: std::path::PathBuf,
    },
    /// Check that a theme folder can be used: every template parses.
    Check { dir: std::path::PathBuf },
}

#[derive(Subcommand)]
enum DkimCommand {
    /// Make a new signing key, keep it in the site's database (every node
    /// signs with it from now on) and print the DNS record to publish.
    Generate {
        #[command(flatten)]
        site: SiteArgs,
        /// rsa (RSA-2048, verified everywhere) or ed25519 (fast; not yet
        /// checked by every receiver).
        #[arg(long, default_value = "rsa")]
        algorithm: String,
        /// The selector: the DNS name's first label.
        #[arg(long, default_value = "sitrep")]
        selector: String,
        /// The signing domain (default: the domain of mail_from).
        #[arg(long)]
        domain: Option<String>,
        /// Replace a key the site already has.
        #[arg(long)]
        force: bool,
    },
    /// Print the DNS record of the site's key.
    Show {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Stop signing (the key is deleted).
    Remove {
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Read one bounce (DSN) or complaint (ARF) report on standard input,
    /// as a mail server's pipe delivers it, and stop mailing the address.
    ///
    /// Only reports that return one of the site's letters (its signed
    /// unsubscribe link) are acted on. Exit status: 0 when read, acted on
    /// or ignored (anything else is ignored, not bounced back); 75 when
    /// the site or its database could not be reached (the mail server
    /// should try again later).
    Ingest {
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Subcommand)]
enum SubscribersCommand {
    /// Import subscribers from a CSV file with a header row: `email`,
    /// `consent` (how and when the person agreed; required on every row)
    /// and optionally `languages` (codes, e.g. "be ru"). Addresses already
    /// on the list are left as they are.
    Import {
        #[command(flatten)]
        site: SiteArgs,
        /// The CSV file ("-" for standard input).
        file: std::path::PathBuf,
    },
}

/// Writes what an importer read into the site, with a progress bar, and
/// reports what it did and what it skipped.
async fn import_bundle(config: &Config, bundle: sitrep_port::bundle::Bundle) -> anyhow::Result<()> {
    let store = sitrep::open_store(config).await?;
    sitrep::seed_scales(&store, &config.languages)
        .await
        .context("cannot write the default scales")?;
    let bar = indicatif::ProgressBar::new((bundle.docs.len() + bundle.pages.len()) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("importing [{bar:40}] {pos}/{len} ({eta})")
            .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
            .progress_chars("=> "),
    );
    let now = jiff::Timestamp::now().as_second();
    let report = sitrep_port::bundle::write(&store, bundle, &config.languages, now, |done, _| {
        bar.set_position(done)
    })
    .await?;
    bar.finish_and_clear();
    println!(
        "Imported {} commentaries ({} language versions), {} pages, {} images; new: {} trends, {} authors, {} editions. Already there: {}.",
        report.commentaries,
        report.versions,
        report.pages,
        report.images,
        report.trends,
        report.authors,
        report.editions,
        report.unchanged
    );
    if !report.skipped.is_empty() {
        println!("Skipped {}:", report.skipped.len());
        for (what, why) in &report.skipped {
            println!("  {what}: {why}");
        }
    }
    Ok(())
}

/// A progress bar over rows.
fn rows_bar(len: u64) -> anyhow::Result<indicatif::ProgressBar> {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:24} [{bar:40}] {pos}/{len} rows ({eta})")
            .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
            .progress_chars("=> "),
    );
    Ok(bar)
}

fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

fn init_logs(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` of the
/// v2 line, which libmimalloc-sys does not name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc give freed pages back to the system at once rather than
/// 10 ms later. A render or a sitemap frees megabytes on one thread that
/// another thread allocated, and with the delay much of it stayed resident:
/// after a crawl of the 10,000-commentary site's sitemaps a node held 107 MB
/// of its own memory with the delay and 57 MB without it, at the same rates.
fn purge_freed_memory_at_once() {
    // SAFETY: mimalloc's option calls take plain integers and may be made
    // at any time. The option is only set when it holds its documented
    // default (10), so a different option layout changes nothing.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == 10 {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
}

fn main() -> std::process::ExitCode {
    purge_freed_memory_at_once();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run_command(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line: what failed and why, the causes joined by ": ".
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run_command(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { site, serve } => {
            let config = Config::resolve(&site, Some(&serve))?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            run(&config, store, "sitrep").await
        }
        Command::Demo {
            site,
            serve,
            reset,
            no_serve,
            scale,
        } => {
            let mut config = Config::resolve(&site, Some(&serve))?;
            // A demo sends nothing: mail is kept in the workspace outbox.
            config.relay = None;
            config.mail_from = "Situation in Varesia <newsletter@varesia.example>".into();
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            let now = jiff::Timestamp::now().as_second();
            if reset {
                let mut w = store.writer().await?;
                w.clear_content().await?;
                w.commit().await?;
            }
            if store.has_content().await? {
                println!(
                    "The data folder {} already has a site; its content is left as it is (use --reset to start over).",
                    config.data.display()
                );
            } else {
                let bar = indicatif::ProgressBar::new(scale as u64);
                if scale > 0 {
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "generating [{bar:40}] {pos}/{len} commentaries ({eta})",
                        )
                        .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
                        .progress_chars("=> "),
                    );
                } else {
                    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
                }
                let loaded = sitrep::demo::load_scaled(&store, now, scale, &|done, _| {
                    bar.set_position(done as u64)
                })
                .await
                .context("cannot write the demo content")?;
                bar.finish_and_clear();
                println!(
                    "Demo site written to {}: {} editions, {} commentaries, {} language versions.",
                    config.data.display(),
                    loaded.editions,
                    loaded.commentaries,
                    loaded.versions
                );
            }
            println!(
                "Demo logins at /workspace/ (password {}):",
                sitrep::demo::DEMO_PASSWORD
            );
            for (email, role, _, _) in sitrep::demo::DEMO_LOGINS {
                println!("  {email:28} {}", role.as_str());
            }
            let key = store
                .setting_or_init(
                    sitrep_web::ghost::KEY_SETTING,
                    &sitrep_web::ghost::new_key(),
                )
                .await?;
            println!("Content API key for Ghost clients (/ghost/api/content/): {key}");
            if no_serve {
                return Ok(());
            }
            run(&config, store, "sitrep demo").await
        }
        Command::User {
            command:
                UserCommand::Add {
                    site,
                    email,
                    role,
                    name,
                    lang,
                },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let role = sitrep_core::Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("unknown role {role:?}: use admin, editor, author or translator")
            })?;
            anyhow::ensure!(
                sitrep_web::workspace::valid_email(email.trim()),
                "{email:?} is not an email address"
            );
            let ui_lang = match lang {
                Some(l) => sitrep_core::Lang::parse(&l)?,
                None => config.default_language,
            };
            let password = read_password()?;
            let hash = sitrep_auth::hash_password(&password)?;
            let store = sitrep::open_store(&config).await?;
            let local = email.split('@').next().unwrap_or(&email).to_owned();
            let user = sitrep_store::NewUser {
                email: email.trim(),
                name: name.as_deref().unwrap_or(&local),
                role,
                password_hash: &hash,
                ui_lang,
                author_id: None,
            };
            let now = jiff::Timestamp::now().as_second();
            store.create_user(&user, now).await?;
            store
                .audit(
                    None,
                    "staff-added",
                    email.trim(),
                    &format!("{} (command line)", role.as_str()),
                    now,
                )
                .await?;
            println!(
                "Added {} as {}. They can sign in at /workspace/login.",
                email.trim(),
                role.as_str()
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::Password { site, email },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            let user = store
                .user_by_email(email.trim())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no staff member has the address {email:?}"))?;
            let password = read_password()?;
            let hash = sitrep_auth::hash_password(&password)?;
            store.set_password_hash(user.id, &hash).await?;
            store.delete_sessions_of(user.id).await?;
            let now = jiff::Timestamp::now().as_second();
            store
                .audit(None, "password-set", &user.email, "command line", now)
                .await?;
            println!("The password of {} is set.", user.email);
            Ok(())
        }
        Command::Export { site, dir } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            let bar = rows_bar(store.count_rows().await?)?;
            let done =
                sitrep_port::export::export(&store, &dir, jiff::Timestamp::now(), |table, n| {
                    bar.set_message(table.to_owned());
                    bar.set_position(n);
                })
                .await?;
            bar.finish_and_clear();
            println!(
                "Exported {} rows and {} media files to {}. It holds subscribers' addresses and the site's signing secrets: keep it as you keep backups.",
                done.rows,
                done.media_files,
                dir.display()
            );
            Ok(())
        }
        Command::Mirror { site, dir } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            let state = sitrep::state(store, &config, sitrep_web::system_clock())?;
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} files written ({elapsed})",
                )
                .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?,
            );
            let started = std::time::Instant::now();
            let done = sitrep_web::mirror::write(state, &dir, |n| bar.set_position(n)).await?;
            bar.finish_and_clear();
            println!(
                "Mirrored {} pages ({} files, {} kB) to {} in {:.1} s. Open {}/index.html, or serve the folder from any web server.",
                done.pages,
                done.files,
                done.bytes / 1024,
                dir.display(),
                started.elapsed().as_secs_f64(),
                dir.display()
            );
            if !done.broken.is_empty() {
                println!("{} links did not answer:", done.broken.len());
                for (address, status) in done.broken.iter().take(50) {
                    println!("  {address}: {status}");
                }
            }
            Ok(())
        }
        Command::Import {
            command:
                ImportCommand::Wordpress {
                    site,
                    file,
                    uploads,
                },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let xml = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let opts = sitrep_port::wordpress::Options {
                default_lang: config.default_language,
                uploads,
            };
            let bundle = sitrep_port::wordpress::read(&xml, &opts)?;
            import_bundle(&config, bundle).await
        }
        Command::Import {
            command:
                ImportCommand::Ghost {
                    site,
                    file,
                    lang,
                    images,
                },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let lang = match lang {
                Some(l) => sitrep_core::Lang::parse(&l)?,
                None => config.default_language,
            };
            anyhow::ensure!(
                config.languages.contains(&lang),
                "the site has no language {lang}"
            );
            let bundle =
                sitrep_port::ghost::read(&json, &sitrep_port::ghost::Options { lang, images })?;
            import_bundle(&config, bundle).await
        }
        Command::Import {
            command: ImportCommand::Markdown { site, dir },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let bundle = sitrep_port::markdown::read(&dir, &config.languages)?;
            import_bundle(&config, bundle).await
        }
        Command::Import {
            command: ImportCommand::Sitrep { site, dir },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            let bar = rows_bar(0)?;
            let done = sitrep_port::export::import(&store, &dir, |table, n, total| {
                bar.set_length(total);
                bar.set_message(table.to_owned());
                bar.set_position(n);
            })
            .await?;
            bar.finish_and_clear();
            match done {
                sitrep_port::export::Imported::Rows(n) => println!(
                    "Imported {n} rows from {}. Staff come without passwords: set them with `sitrep user password --email …`.",
                    dir.display()
                ),
                sitrep_port::export::Imported::Already => {
                    println!("This site was made from that export already; nothing changed.")
                }
            }
            Ok(())
        }
        Command::Send { site, edition } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            sitrep::seed_scales(&store, &config.languages)
                .await
                .context("cannot write the default scales")?;
            let state = sitrep::state(store, &config, sitrep_web::system_clock())?;
            let editions = state.store.desk_editions().await?;
            let found = editions.iter().find(|e| e.number == edition);
            let id = found
                .map(|e| e.id)
                .ok_or_else(|| anyhow::anyhow!("there is no edition number {edition}"))?;
            let now = state.now();
            if state
                .store
                .start_send(id, &state.langs(), now)
                .await?
                .is_none()
            {
                println!("Edition {edition} has been sent before; finishing what is left of it.");
            }
            let send = state
                .store
                .send_of(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the send did not start"))?;
            let figures = state.store.send_figures(send).await?;
            let bar = indicatif::ProgressBar::new(figures.total.max(0) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:10} [{bar:40}] {pos}/{len} emails ({eta})",
                )
                .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
                .progress_chars("=> "),
            );
            bar.set_message("sending");
            // The bar follows the queue's figures, which every node's
            // work moves, while this process delivers.
            let watch = {
                let (state, bar) = (state.clone(), bar.clone());
                tokio::spawn(async move {
                    loop {
                        if let Ok(f) = state.store.send_figures(send).await {
                            bar.set_position((f.sent + f.failed).max(0) as u64);
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                })
            };
            let started = std::time::Instant::now();
            let outcome = loop {
                let handled = match sitrep_web::newsletter::deliver(&state, Some(send)).await {
                    Ok(n) => n,
                    Err(e) => break Err(anyhow::anyhow!("{e}")),
                };
                let f = state.store.send_figures(send).await?;
                if f.done() {
                    break Ok(f);
                }
                if handled == 0 {
                    // Everything left is waiting for a retry, or claimed
                    // by another node.
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            };
            watch.abort();
            bar.finish_and_clear();
            let f = outcome?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "Edition {edition}: {} sent, {} failed ({} bounced), of {}, in {seconds:.1} s.",
                f.sent, f.failed, f.bounced, f.total
            );
            Ok(())
        }
        Command::Theme {
            command: ThemeCommand::Init { dir },
        } => {
            let n = sitrep::write_theme(&dir)?;
            println!(
                "Wrote {n} files into {}: templates/ and site.css. Keep the ones you change, delete the rest, and set theme = {:?} in sitrep.toml.",
                dir.display(),
                dir.display().to_string()
            );
            Ok(())
        }
        Command::Theme {
            command: ThemeCommand::Check { dir },
        } => {
            let theme = sitrep::read_theme(&dir)?;
            let i18n = std::sync::Arc::new(sitrep_i18n::I18n::new(&[])?);
            sitrep_render::Renderer::themed(i18n, &theme)?;
            println!("{}: {}; all parse.", dir.display(), theme.summary());
            Ok(())
        }
        Command::Dkim { command } => dkim(command).await,
        Command::Mail {
            command: MailCommand::Ingest { site },
        } => {
            let mut raw = Vec::new();
            std::io::stdin()
                .take(10 * 1024 * 1024 + 1)
                .read_to_end(&mut raw)?;
            let report = match sitrep_mail::parse_report(&raw) {
                Ok(r) => r,
                Err(e) => {
                    // Not bounced back: that would answer spam and
                    // readers' replies with more mail.
                    println!("ignored: not a bounce or complaint report: {e}");
                    return Ok(());
                }
            };
            let result = async {
                let config = Config::resolve(&site, None)?;
                init_logs(&config.log);
                let store = sitrep::open_store(&config).await?;
                sitrep::seed_scales(&store, &config.languages)
                    .await
                    .context("cannot write the default scales")?;
                let state = sitrep::state(store, &config, sitrep_web::system_clock())?;
                sitrep_web::newsletter::ingest(&state, report)
                    .await
                    .map_err(anyhow::Error::from)
            }
            .await;
            match result {
                Ok(lines) => {
                    for line in lines {
                        println!("{line}");
                    }
                    Ok(())
                }
                Err(e) => {
                    // EX_TEMPFAIL: the mail server keeps the report and
                    // tries again later.
                    eprintln!("error: {e:#}");
                    std::process::exit(75);
                }
            }
        }
        Command::Subscribers {
            command: SubscribersCommand::Import { site, file },
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let data = if file.as_os_str() == "-" {
                let mut d = Vec::new();
                std::io::stdin().read_to_end(&mut d)?;
                d
            } else {
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?
            };
            let store = sitrep::open_store(&config).await?;
            sitrep::seed_scales(&store, &config.languages)
                .await
                .context("cannot write the default scales")?;
            let state = sitrep::state(store, &config, sitrep_web::system_clock())?;
            let summary = sitrep_web::workspace::subscribers::import_csv(
                &state,
                &data,
                "the command line",
                state.now(),
            )
            .await?;
            for (line, problem) in summary.rejected.iter().take(50) {
                eprintln!("line {line}: {}", problem_text(problem));
            }
            if summary.rejected.len() > 50 {
                eprintln!("… and {} more rows refused", summary.rejected.len() - 50);
            }
            println!(
                "Imported {} subscribers; {} were already on the list; {} rows refused.",
                summary.added,
                summary.already,
                summary.rejected.len()
            );
            Ok(())
        }
        Command::Reindex { site } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            sitrep::seed_scales(&store, &config.languages)
                .await
                .context("cannot write the default scales")?;
            let state = sitrep::state(store, &config, sitrep_web::system_clock())?;
            anyhow::ensure!(
                !state.search.in_memory(),
                "the search index in {} is in use by a running sitrep (which keeps it up to date by itself); stop it first to rebuild the index",
                config.index.display()
            );
            let started = std::time::Instant::now();
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "indexing [{bar:40}] {pos}/{len} language versions ({eta})",
                )
                .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
                .progress_chars("=> "),
            );
            let n = sitrep_web::search::rebuild(&state, &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .await?;
            bar.finish_and_clear();
            println!(
                "Indexed {n} published language versions in {:.1} s into {}.",
                started.elapsed().as_secs_f32(),
                config.index.display()
            );
            Ok(())
        }
        Command::Backup { site, file } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let Some(db) = sitrep_store::Store::sqlite_file(&config.database_url) else {
                bail!(
                    "backup copies SQLite sites; on PostgreSQL, use pg_dump --format=custom (see docs/deploy.md)"
                );
            };
            if !db.exists() {
                bail!("there is no site at {}", db.display());
            }
            if file.exists() {
                bail!("{} exists already; choose a new file name", file.display());
            }
            // Connected as it is: a backup never changes the site's schema.
            let store = sitrep_store::Store::connect(&config.database_url).await?;
            store
                .backup_sqlite(&file)
                .await
                .with_context(|| format!("cannot write the backup to {}", file.display()))?;
            let facts = sitrep_store::Store::check_backup(&file)
                .await
                .context("the backup was written but does not check out")?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!(
                "Backup written to {} ({:.1} MB, checked): {} editions, {} language versions, schema {}.",
                file.display(),
                size as f64 / 1e6,
                facts.editions,
                facts.versions,
                facts.schema
            );
            Ok(())
        }
        Command::Restore { site, file } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let Some(target) = sitrep_store::Store::sqlite_file(&config.database_url) else {
                bail!(
                    "restore puts back SQLite backups; on PostgreSQL, use pg_restore (see docs/deploy.md)"
                );
            };
            let facts = sitrep_store::Store::check_backup(&file)
                .await
                .with_context(|| {
                    format!("{} is not a backup sitrep can restore", file.display())
                })?;
            if sitrep_search::Search::in_use(&config.index) {
                bail!(
                    "a sitrep is running on {} (its search index is in use); stop it first",
                    config.data.display()
                );
            }
            std::fs::create_dir_all(target.parent().unwrap_or(std::path::Path::new(".")))?;
            // The copy is made first: if it fails, the site is as it was.
            let partial = target.with_extension("db.restoring");
            std::fs::copy(&file, &partial)
                .with_context(|| format!("cannot copy {}", file.display()))?;
            let mut kept = None;
            if target.exists() {
                let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S%.6f");
                let aside = target.with_extension(format!("db.before-restore-{stamp}"));
                if aside.exists() {
                    bail!("{} exists already; try again", aside.display());
                }
                // The old database goes aside whole, its write-ahead log with it.
                for suffix in ["-wal", "-shm"] {
                    let side = std::path::PathBuf::from(format!("{}{suffix}", target.display()));
                    if side.exists() {
                        std::fs::rename(&side, format!("{}{suffix}", aside.display()))?;
                    }
                }
                std::fs::rename(&target, &aside)
                    .with_context(|| format!("cannot move {} aside", target.display()))?;
                kept = Some(aside);
            }
            std::fs::rename(&partial, &target)?;
            // The index is rebuilt from the restored content when sitrep starts.
            if !target.starts_with(&config.index) {
                let _ = std::fs::remove_dir_all(&config.index);
            }
            println!(
                "Restored {} into {}: {} editions, {} language versions.{}",
                file.display(),
                target.display(),
                facts.editions,
                facts.versions,
                kept.map(|k| format!(" The database it replaced is kept as {}.", k.display()))
                    .unwrap_or_default()
            );
            Ok(())
        }
        Command::Copy { site, from, to } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let from = from.unwrap_or_else(|| config.database_url.clone());
            let source = sitrep_store::Store::connect(&from).await?;
            source
                .migrate()
                .await
                .context("cannot bring the source schema up to date")?;
            let dest = sitrep_store::Store::connect(&to).await?;
            dest.migrate()
                .await
                .context("cannot create the destination schema")?;
            let bar = rows_bar(source.count_rows().await?)?;
            let copied = source
                .copy_to(&dest, |p| {
                    bar.set_message(p.table.to_owned());
                    bar.set_position(p.done);
                })
                .await?;
            bar.finish_and_clear();
            println!(
                "Copied {copied} rows from {} to {}.",
                sitrep_store::redact(&from),
                sitrep_store::redact(&to)
            );
            Ok(())
        }
        Command::Migrate { site } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            sitrep::open_store(&config).await?;
            println!("The database schema is up to date.");
            Ok(())
        }
    }
}

fn problem_text(p: &sitrep_web::workspace::subscribers::RowProblem) -> String {
    use sitrep_web::workspace::subscribers::RowProblem;
    match p {
        RowProblem::BadEmail(e) => format!("{e:?} is not an email address"),
        RowProblem::NoConsent => "no consent given".into(),
        RowProblem::UnknownLanguage(l) => format!("{l:?} is not one of the site's languages"),
        RowProblem::Unreadable(e) => format!("not readable as CSV: {e}"),
    }
}

async fn dkim(command: DkimCommand) -> anyhow::Result<()> {
    use sitrep_mail::{Algorithm, DkimKey};
    let print = |key: &DkimKey| -> anyhow::Result<()> {
        println!("Publish this DNS TXT record:");
        println!("  Name:  {}", key.dns_name());
        println!("  Value: {}", key.dns_value()?);
        println!("In a zone file:");
        println!("  {}", key.zone_line()?);
        Ok(())
    };
    match command {
        DkimCommand::Generate {
            site,
            algorithm,
            selector,
            domain,
            force,
        } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let algorithm = Algorithm::parse(&algorithm).ok_or_else(|| {
                anyhow::anyhow!("unknown algorithm {algorithm:?}: use rsa or ed25519")
            })?;
            let domain = match domain {
                Some(d) => d,
                None => config
                    .mail_from
                    .rsplit_once('@')
                    .map(|(_, d)| d.trim_end_matches('>').trim().to_owned())
                    .ok_or_else(|| anyhow::anyhow!("mail_from has no domain; give --domain"))?,
            };
            let store = sitrep::open_store(&config).await?;
            if !force && DkimKey::load(&store).await?.is_some() {
                anyhow::bail!(
                    "the site has a DKIM key already (sitrep dkim show prints it); --force replaces it"
                );
            }
            let key = DkimKey::generate(algorithm, &selector, &domain)?;
            key.save(&store).await?;
            println!(
                "A new {} key signs the site's mail from now on, as {} for {}.",
                algorithm.as_str(),
                key.selector,
                key.domain
            );
            print(&key)
        }
        DkimCommand::Show { site } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            match DkimKey::load(&store).await? {
                Some(key) => print(&key),
                None => {
                    println!("The site has no DKIM key; sitrep dkim generate makes one.");
                    Ok(())
                }
            }
        }
        DkimCommand::Remove { site } => {
            let config = Config::resolve(&site, None)?;
            init_logs(&config.log);
            let store = sitrep::open_store(&config).await?;
            DkimKey::remove(&store).await?;
            println!("Mail is no longer signed; remove the DNS record too.");
            Ok(())
        }
    }
}

async fn run(config: &Config, store: sitrep_store::Store, what: &str) -> anyhow::Result<()> {
    // Kept pages go out from a file in the data folder (see `serving`,
    // set before anything is kept, the site's assets included);
    // on PostgreSQL nothing may have made the folder yet. Where it cannot
    // be made they stay in memory.
    if std::fs::create_dir_all(&config.data).is_ok() {
        sitrep_web::serving::keep_pages_in(&config.data);
    }
    let listener =
        sitrep::Listeners::bind(config.listen, sitrep::serving_threads()).with_context(|| {
            format!(
                "cannot listen on {} (is another program using it? try --listen 127.0.0.1:8081)",
                config.listen
            )
        })?;
    let addr = listener.local_addr()?;
    // Links in emails must be absolute: without a configured public
    // address, the one this server listens on is the best there is.
    let mut config = config.clone();
    if config.public_url.is_empty() {
        config.public_url = format!("http://{addr}");
        tracing::warn!(public_url = %config.public_url, "no public_url configured; links in emails point here");
    }
    sitrep::seed_scales(&store, &config.languages)
        .await
        .context("cannot write the default scales")?;
    let state = sitrep::state(store, &config, sitrep_web::system_clock())?;
    let delivery = sitrep::spawn_delivery(state.clone());
    // Builds a missing index at start, then follows every change.
    tokio::spawn(sitrep_web::search::follow(state.clone()));
    tokio::spawn(sitrep_web::webhooks::run(state.clone()));
    let site = sitrep_web::service(state.clone());
    println!("{what} is running at http://{addr}/  (Ctrl-C stops it)");
    std::io::stdout().flush()?;
    tracing::info!(%addr, "listening");
    let served = sitrep::serve(listener, site).await;
    // Letters on their way are finished and written down, so that none
    // goes twice after a restart; a relay that hangs gets 30 seconds.
    state.stop();
    if tokio::time::timeout(std::time::Duration::from_secs(30), delivery)
        .await
        .is_err()
    {
        tracing::warn!(
            "sends did not finish within 30 s; the unfinished go again after their claims run out"
        );
    }
    served
}
