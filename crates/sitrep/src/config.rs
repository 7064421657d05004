//! Configuration: command-line flags, then `SITREP_*` environment
//! variables, then a TOML file, then defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;
use sitrep_core::Lang;

/// The settings file, all keys optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub languages: Option<Vec<String>>,
    pub default_language: Option<String>,
    pub log: Option<String>,
    /// The newsletter's sender, e.g. `Situation in Varesia <news@example.org>`.
    pub mail_from: Option<String>,
    /// The mail relay, `smtp://host:port`, `smtp+starttls://user:password@host`
    /// or `smtps://…`; without one, mail is kept in the workspace outbox.
    pub smtp_url: Option<String>,
    /// A CA certificate (PEM) to trust for the relay instead of the system's.
    pub smtp_ca_file: Option<PathBuf>,
    /// The envelope sender, where bounces go (default: mail_from's address).
    pub return_path: Option<String>,
    /// Sessions to the relay while a send runs (default 4).
    pub smtp_connections: Option<usize>,
    /// At most this many messages a second (default: no limit).
    pub smtp_rate: Option<f64>,
    /// This node's search index folder (default: `index` in the data folder).
    pub index: Option<PathBuf>,
    /// Megabytes of rendered pages a node keeps in memory (default 64; 0
    /// renders every request).
    pub page_cache_mb: Option<u64>,
    /// A theme folder: `templates/` whose files replace the built-in
    /// templates of the same names, and `site.css` for the stylesheet.
    pub theme: Option<PathBuf>,
}

/// Flags shared by every subcommand that works on a site.
#[derive(Debug, Clone, clap::Args)]
pub struct SiteArgs {
    /// Folder holding the site's data (the SQLite database, later media and indexes).
    #[arg(long, env = "SITREP_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Database URL; the default is an SQLite file in the data folder.
    #[arg(
        long,
        env = "SITREP_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Settings file (TOML); the default is `sitrep.toml` in the data folder, if present.
    #[arg(long, env = "SITREP_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Flags of the subcommands that serve HTTP.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "SITREP_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// The site's public address (e.g. https://example.org), used in canonical and alternate links.
    #[arg(long, env = "SITREP_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Config {
    pub data: PathBuf,
    pub database_url: String,
    pub listen: SocketAddr,
    pub public_url: String,
    pub languages: Vec<Lang>,
    pub default_language: Lang,
    pub log: String,
    pub mail_from: String,
    pub return_path: Option<String>,
    /// The relay; `None` keeps mail in the workspace outbox.
    pub relay: Option<sitrep_mail::Relay>,
    pub smtp_connections: usize,
    pub smtp_rate: Option<f64>,
    /// This node's own search index (each node keeps one; never shared).
    pub index: PathBuf,
    /// Bytes of rendered responses the node keeps (0: none).
    pub page_cache_bytes: u64,
    /// The theme folder, if the site has one.
    pub theme: Option<PathBuf>,
}

pub const DEFAULT_DATA: &str = "./sitrep-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Config {
    pub fn resolve(site: &SiteArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Config> {
        let data_guess = site
            .data
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
        let file = match &site.config {
            Some(path) => read_file(path)?,
            None => {
                let path = data_guess.join("sitrep.toml");
                if path.exists() {
                    read_file(&path)?
                } else {
                    FileConfig::default()
                }
            }
        };
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());

        let data = site
            .data
            .clone()
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
        let database_url = site
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&data.join("sitrep.db")));
        let listen = serve
            .and_then(|s| s.listen)
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("the default address parses"));
        let public_url = serve
            .and_then(|s| s.public_url.clone())
            .or_else(|| env("SITREP_PUBLIC_URL"))
            .or(file.public_url)
            .unwrap_or_default();

        let languages = match env("SITREP_LANGUAGES") {
            Some(list) => list.split(',').map(|s| s.trim().to_owned()).collect(),
            None => file
                .languages
                .unwrap_or_else(|| vec!["be".into(), "ru".into(), "en".into()]),
        };
        let languages: Vec<Lang> = languages
            .iter()
            .map(|s| Lang::parse(s).with_context(|| "in the `languages` setting"))
            .collect::<anyhow::Result<_>>()?;
        if languages.is_empty() {
            bail!("the `languages` setting is empty: name at least one language, e.g. [\"en\"]");
        }
        let default_language = match env("SITREP_DEFAULT_LANGUAGE").or(file.default_language) {
            Some(s) => Lang::parse(&s).context("in the `default_language` setting")?,
            None => languages[0],
        };
        if !languages.contains(&default_language) {
            bail!(
                "the default language {default_language} is not in `languages` ({})",
                languages
                    .iter()
                    .map(Lang::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let log = env("SITREP_LOG")
            .or(file.log)
            .unwrap_or_else(|| "info".into());
        let mail_from = env("SITREP_MAIL_FROM")
            .or(file.mail_from)
            .unwrap_or_else(|| "Newsletter <newsletter@localhost>".into());
        let relay = match env("SITREP_SMTP_URL").or(file.smtp_url) {
            Some(url) => {
                let mut relay =
                    sitrep_mail::Relay::parse(&url).context("in the `smtp_url` setting")?;
                relay.ca_file = env("SITREP_SMTP_CA_FILE")
                    .map(PathBuf::from)
                    .or(file.smtp_ca_file);
                Some(relay)
            }
            None => None,
        };
        let return_path = env("SITREP_RETURN_PATH").or(file.return_path);
        let smtp_connections = match env("SITREP_SMTP_CONNECTIONS") {
            Some(v) => Some(
                v.parse::<usize>()
                    .with_context(|| format!("SITREP_SMTP_CONNECTIONS={v:?} is not a number"))?,
            ),
            None => file.smtp_connections,
        }
        .unwrap_or(4);
        if !(1..=64).contains(&smtp_connections) {
            bail!("`smtp_connections` must be between 1 and 64, not {smtp_connections}");
        }
        let smtp_rate = match env("SITREP_SMTP_RATE") {
            Some(v) => Some(
                v.parse::<f64>()
                    .with_context(|| format!("SITREP_SMTP_RATE={v:?} is not a number"))?,
            ),
            None => file.smtp_rate,
        };
        if let Some(r) = smtp_rate
            && !(r.is_finite() && r >= 0.0)
        {
            bail!("`smtp_rate` must be a number of messages a second (0 for no limit), not {r}");
        }
        let smtp_rate = smtp_rate.filter(|r| *r > 0.0);
        let index = env("SITREP_INDEX")
            .map(PathBuf::from)
            .or(file.index)
            .unwrap_or_else(|| data.join("index"));
        let page_cache_mb = match env("SITREP_PAGE_CACHE_MB") {
            Some(v) => Some(v.parse::<u64>().with_context(|| {
                format!("SITREP_PAGE_CACHE_MB={v:?} is not a whole number of megabytes")
            })?),
            None => file.page_cache_mb,
        }
        .unwrap_or(sitrep_web::PAGE_CACHE_BYTES >> 20);
        if page_cache_mb > 1 << 20 {
            bail!("`page_cache_mb` must be at most 1048576 (a terabyte), not {page_cache_mb}");
        }
        // Delivery tuning, read where it is used (the mail and newsletter
        // crates); a bad value stops the start here instead of being
        // quietly replaced by the default there.
        for name in [
            "SITREP_SMTP_TIMEOUT",
            "SITREP_DELIVERY_LEASE",
            "SITREP_RETRY_AFTER",
        ] {
            if let Some(v) = env(name)
                && !v.parse::<u64>().is_ok_and(|s| s > 0)
            {
                bail!("{name}={v:?} must be a whole number of seconds above 0");
            }
        }
        let theme = env("SITREP_THEME").map(PathBuf::from).or(file.theme);
        Ok(Config {
            page_cache_bytes: page_cache_mb << 20,
            theme,
            index,
            data,
            database_url,
            listen,
            public_url,
            languages,
            default_language,
            log,
            mail_from,
            return_path,
            relay,
            smtp_connections,
            smtp_rate,
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the settings file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the settings file {} is not valid", path.display()))
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sitrep.toml");
        std::fs::write(&path, "listne = \"127.0.0.1:1\"\n").unwrap();
        let site = SiteArgs {
            data: Some(dir.path().into()),
            database_url: None,
            config: None,
        };
        let err = format!("{:#}", Config::resolve(&site, None).unwrap_err());
        assert!(err.contains("sitrep.toml"), "{err}");
        assert!(err.contains("listne"), "{err}");
    }

    #[test]
    fn the_page_cache_size_is_read_in_megabytes_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sitrep.toml");
        let site = SiteArgs {
            data: Some(dir.path().into()),
            database_url: None,
            config: None,
        };
        let with = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Config::resolve(&site, None).map_err(|e| format!("{e:#}"))
        };
        assert_eq!(with("").unwrap().page_cache_bytes, 64 << 20);
        assert_eq!(with("page_cache_mb = 0\n").unwrap().page_cache_bytes, 0);
        assert_eq!(
            with("page_cache_mb = 8\n").unwrap().page_cache_bytes,
            8 << 20
        );
        let err = with("page_cache_mb = 2000000\n").unwrap_err();
        assert!(
            err.contains("page_cache_mb") && err.contains("2000000"),
            "{err}"
        );
        for bad in ["page_cache_mb = -1\n", "page_cache_mb = \"lots\"\n"] {
            let err = with(bad).unwrap_err();
            assert!(err.contains("sitrep.toml"), "{bad}: {err}");
        }
    }

    #[test]
    fn file_settings_apply_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9999\"\nlanguages = [\"en\", \"ru\"]\n",
        )
        .unwrap();
        let site = SiteArgs {
            data: Some(dir.path().into()),
            database_url: None,
            config: Some(path),
        };
        let c = Config::resolve(&site, None).unwrap();
        assert_eq!(c.listen.port(), 9999);
        assert_eq!(c.default_language.as_str(), "en");
        let serve = ServeArgs {
            listen: Some("127.0.0.1:7777".parse().unwrap()),
            public_url: None,
        };
        assert_eq!(
            Config::resolve(&site, Some(&serve)).unwrap().listen.port(),
            7777
        );
    }

    #[test]
    fn a_default_language_outside_the_list_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(&path, "languages = [\"en\"]\ndefault_language = \"ru\"\n").unwrap();
        let site = SiteArgs {
            data: None,
            database_url: None,
            config: Some(path),
        };
        assert!(Config::resolve(&site, None).is_err());
    }
}
